"""`assistant kb export FILE` / `assistant kb import FILE`: documents, chunks, vectors and the embedder's settings
round-trip exactly, and the same queries give the same results after a restore into a new home."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from fixtures_docs import FAZHI_REPORT

from assistant.errors import StoreError
from assistant.services.admin import export_backup, import_backup
from assistant.services.knowledge import open_kb
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["存在的不足和原因", "行政执法人员持证", "下一步工作安排", "安全生产法第二十五条", "普法宣传"]


def settings_for(home: Path) -> Settings:
    return Settings(home=home, embedder="hash")


def snapshot(home: Path) -> dict:
    """Everything a user could observe: documents, chunks with text and metadata, vectors, search results."""
    with sqlite3.connect(str(home / "store" / "docstore.sqlite")) as conn:
        docs = conn.execute("SELECT doc_id, source, kind, title, genre, issuer, year, status, content_hash, n_chunks"
                            " FROM documents ORDER BY doc_id").fetchall()
        chunks = conn.execute("SELECT chunk_id, doc_id, seq, text, embed_text, meta, embedded FROM chunks"
                              " ORDER BY chunk_id").fetchall()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(home / "store" / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    col = client.get_collection("gongwen_kb")
    got = col.get(include=["embeddings", "metadatas", "documents"])
    vectors = sorted((i, tuple(float(x) for x in e), json.dumps(m, sort_keys=True), d)
                     for i, e, m, d in zip(got["ids"], got["embeddings"], got["metadatas"], got["documents"],
                                           strict=True))
    kb = open_kb(settings_for(home), auto_samples=False)
    try:
        results = {q: [(h.chunk_id, round(h.score, 9)) for h in kb.search(q, k=5)] for q in QUERIES}
        stats = {k: kb.stats()[k] for k in ("documents", "chunks", "embedded", "embedder")}
    finally:
        kb.close()
    return {"docs": docs, "chunks": chunks, "vectors": vectors, "collection": dict(col.metadata),
            "results": results, "stats": stats}


def rows(home: Path) -> tuple[list, list, int]:
    with sqlite3.connect(str(home / "store" / "docstore.sqlite")) as conn:
        docs = conn.execute("SELECT * FROM documents ORDER BY doc_id").fetchall()
        chunks = conn.execute("SELECT chunk_id, text, embedded FROM chunks ORDER BY chunk_id").fetchall()
    return docs, chunks, len(list((home / "store" / "chroma").iterdir()))


@pytest.fixture
def filled_home(tmp_path) -> Path:
    home = tmp_path / "source"
    kb = open_kb(settings_for(home), auto_samples=True)  # the 10 bundled samples
    try:
        extra = tmp_path / "report.txt"
        extra.write_text(FAZHI_REPORT, encoding="utf-8")
        kb.index([extra])
        assert kb.embed_pending() > 0
    finally:
        kb.close()
    return home


def test_export_then_import_into_a_new_home_is_exact(filled_home, tmp_path):
    before = snapshot(filled_home)
    assert before["stats"]["documents"] == 11 and before["stats"]["embedded"] == before["stats"]["chunks"]
    assert all(before["results"].values())
    backup = tmp_path / "备份" / "知识库.zip"
    info = export_backup(backup, settings_for(filled_home))
    assert info["counts"]["documents"] == 11 and info["embedder"] == "hash-ngram-64"
    assert info["embedder_settings"]["embedder"] == "hash"

    restored = tmp_path / "restored"
    result = import_backup(backup, settings_for(restored))
    assert result["counts"] == {k: before["stats"][k] for k in ("documents", "chunks", "embedded")}
    after = snapshot(restored)
    vec_after, vec_before = after.pop("vectors"), before.pop("vectors")
    assert after == before  # documents, chunks, collection settings, search results and scores: identical
    assert [v[0] for v in vec_after] == [v[0] for v in vec_before]
    assert [v[2:] for v in vec_after] == [v[2:] for v in vec_before]  # metadata and embedded text
    # Vectors come back within one float32 rounding step (Chroma stores what it is given as float32).
    diff = max(float(np.max(np.abs(np.subtract(a[1], b[1])))) for a, b in zip(vec_after, vec_before, strict=True))
    assert diff <= 1e-7, diff


def test_import_refuses_to_overwrite_a_knowledge_base_unless_asked(filled_home, tmp_path):
    backup = tmp_path / "kb.zip"
    export_backup(backup, settings_for(filled_home))
    other = tmp_path / "other"
    kb = open_kb(settings_for(other), auto_samples=True)
    kb.close()
    with pytest.raises(StoreError, match="已有知识库"):
        import_backup(backup, settings_for(other))
    import_backup(backup, settings_for(other), replace=True)
    assert rows(other)[:2] == rows(filled_home)[:2]


def test_import_refuses_another_embedder(filled_home, tmp_path):
    backup = tmp_path / "kb.zip"
    export_backup(backup, settings_for(filled_home))
    with pytest.raises(StoreError, match="hash-ngram-64"):
        import_backup(backup, Settings(home=tmp_path / "e5home"))  # the default e5 embedder
    assert not (tmp_path / "e5home" / "store" / "docstore.sqlite").exists()


@pytest.mark.parametrize("content", [b"", b"not a zip at all", "zip-missing-members", "zip-bad-manifest"])
def test_broken_backups_are_refused_and_change_nothing(filled_home, tmp_path, content):
    bad = tmp_path / "bad.zip"
    if content == "zip-missing-members":
        with zipfile.ZipFile(bad, "w") as zf:
            zf.writestr("manifest.json", "{}")
    elif content == "zip-bad-manifest":
        with zipfile.ZipFile(bad, "w") as zf:
            for name in ("manifest.json", "docstore.sqlite", "vectors.npy", "vectors.json"):
                zf.writestr(name, "{\"format\": \"something-else\", \"version\": 1}")
    else:
        bad.write_bytes(content)
    before = rows(filled_home)
    with pytest.raises(StoreError):
        import_backup(bad, settings_for(filled_home), replace=True)
    assert rows(filled_home) == before and before[0]


def test_cli_round_trip(filled_home, tmp_path):
    def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CHROMA_"))}
        env.update(ASSISTANT_HOME=str(home), ASSISTANT_EMBEDDER="hash")
        return subprocess.run([sys.executable, "-m", "assistant", *args], env=env, capture_output=True, text=True,
                              timeout=120, cwd=ROOT)

    backup = tmp_path / "kb.zip"
    out = cli(filled_home, "kb", "export", str(backup))
    assert out.returncode == 0, out.stderr
    assert "已导出" in out.stdout and "11 个文档" in out.stdout
    restored = tmp_path / "restored"
    out = cli(restored, "kb", "import", str(backup), "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["counts"]["documents"] == 11
    again = cli(restored, "kb", "import", str(backup))
    assert again.returncode == 2 and "已有知识库" in again.stderr and "Traceback" not in again.stderr
    stats = json.loads(cli(restored, "stats", "--json").stdout)
    assert stats["documents"] == 11 and stats["pending"] == 0
