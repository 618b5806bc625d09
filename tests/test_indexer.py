"""Indexing: chunking, incremental runs, pruning, per-file failures, vector cache, SIGKILL safety."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from assistant.citations.articles import ArticleStore
from assistant.kb.chunking import chunk_report, split_sentences
from assistant.kb.embeddings import HashEmbeddings
from assistant.kb.retrieval import KnowledgeBase
from assistant.models import OfficialDocument, Paragraph, Section
from assistant.settings import PROJECT_ROOT, Settings

SAMPLES = PROJECT_ROOT / "knowledge" / "samples"


class CountingEmbeddings(Embeddings):
    def __init__(self) -> None:
        self.inner = HashEmbeddings()
        self.id, self.dimension = self.inner.id, self.inner.dimension
        self.calls = 0

    def embed_documents(self, texts):
        self.calls += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def _kb(home: Path, embedder=None) -> KnowledgeBase:
    return KnowledgeBase.open(Settings(home=home, embedder="hash"), embedder=embedder, auto_samples=False)


def _copy_samples(dst: Path, n: int = 3) -> list[Path]:
    dst.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in SAMPLES.glob("*.txt"))[:n]
    for p in files:
        shutil.copy(p, dst / p.name)
    return [dst / p.name for p in files]


# --- chunking ---------------------------------------------------------------------------------------------

def test_report_chunks_keep_heading_path_merge_tiny_sections_and_split_long_ones():
    long_body = "。".join(f"第{i}项工作稳步推进并取得阶段性成效" for i in range(60)) + "。"
    tiny = Section(2, "（一）", "小标题", 10, paragraphs=[Paragraph("只有一句话。", 11)])
    big = Section(2, "（二）", "主要做法", 12, paragraphs=[Paragraph(long_body, 13)])
    top = Section(1, "一、", "主要举措和成效", 5, role="measures", paragraphs=[Paragraph("全年依法行政。", 6)],
                  children=[tiny, big])
    doc = OfficialDocument(title="示例局关于2023年工作的报告", preamble=[Paragraph("2023年，我局……", 3)],
                           sections=[top])
    chunks = chunk_report(doc, "d1", {"title": doc.title, "genre": "年度工作总结", "year": 2023})
    paths = [c.meta["heading_path"] for c in chunks]
    assert paths[0] == ""  # the preamble
    first = chunks[1]
    assert first.meta["heading_path"] == "一、主要举措和成效"
    assert "（一）小标题" in first.text and "只有一句话。" in first.text  # the tiny section merged in
    long_parts = [c for c in chunks if c.meta["heading_path"] == "一、主要举措和成效 > （二）主要做法"]
    assert len(long_parts) >= 3
    assert all(len(c.text) <= 600 for c in long_parts)
    assert all(c.text.endswith("。") for c in long_parts)  # split on sentence boundaries
    assert all(c.meta["role"] == "measures" for c in chunks[1:])  # children inherit the role
    assert all(c.embed_text.startswith(doc.title + "\n") for c in chunks)
    assert "一、主要举措和成效 > （二）主要做法" in long_parts[0].embed_text
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_split_sentences_never_loses_text():
    text = "甲。" * 400 + "乙" * 1500
    parts = split_sentences(text)
    assert "".join(parts) == text
    assert max(len(p) for p in parts) <= 600


# --- incremental indexing ---------------------------------------------------------------------------------

def test_incremental_index_update_prune_and_failures(tmp_path):
    docs = tmp_path / "docs"
    files = _copy_samples(docs, 3)
    (docs / "empty.txt").write_bytes(b"")
    kb = _kb(tmp_path / "home")
    r1 = kb.index([docs, tmp_path / "missing.txt"])
    assert len(r1.added) == 3
    failed = {Path(f.path).name: f.message for f in r1.failed}
    assert set(failed) == {"empty.txt", "missing.txt"}  # listed, and the other files were still indexed
    n_chunks = kb.docstore.count_chunks()
    assert n_chunks == r1.chunks_added > 0
    assert kb.embed_pending() == n_chunks
    assert kb.vectors.count() == n_chunks

    r2 = kb.index([docs])
    assert len(r2.unchanged) == 3 and r2.chunks_added == 0 and not r2.added

    # Change one paragraph of one file: only that document is replaced, its stale vectors go.
    text = files[0].read_text(encoding="utf-8")
    files[0].write_text(text.replace("。", "。（修订）", 1), encoding="utf-8")
    r3 = kb.index([docs])
    assert len(r3.updated) == 1 and len(r3.unchanged) == 2
    assert r3.chunks_added >= 1 and r3.chunks_added == r3.chunks_removed
    assert kb.docstore.count_chunks() == n_chunks
    kb.embed_pending()
    assert kb.vectors.count() == n_chunks == kb.docstore.count_chunks(embedded=True)

    # A deleted file disappears only with --prune.
    removed_doc = kb.docstore.get_document(__import__("assistant.kb.indexer", fromlist=["x"]).doc_id_for(files[1]))
    files[1].unlink()
    assert not kb.index([docs]).removed
    r5 = kb.index([docs], prune=True)
    assert [Path(p).name for p in r5.removed] == [files[1].name]
    assert kb.docstore.count_chunks() == n_chunks - removed_doc.n_chunks
    assert kb.vectors.count() == kb.docstore.count_chunks()
    kb.close()


def test_vectors_are_cached_by_content(tmp_path):
    docs = tmp_path / "docs"
    _copy_samples(docs, 2)
    emb = CountingEmbeddings()
    kb = _kb(tmp_path / "home", embedder=emb)
    kb.index([docs])
    n = kb.embed_pending()
    assert emb.calls == n
    # Renamed file: new document id, same text → no embedding work.
    first = sorted(docs.iterdir())[0]
    first.rename(docs / ("renamed_" + first.name))
    kb.index([docs], prune=True)
    assert kb.embed_pending() > 0
    assert emb.calls == n
    # Re-embedding from scratch (e.g. after the collection was dropped) costs nothing either.
    kb.reembed()
    assert kb.embed_pending() == kb.docstore.count_chunks()
    assert emb.calls == n
    kb.close()


def test_fresh_home_indexes_the_samples_on_first_open(tmp_path):
    settings = Settings(home=tmp_path / "home", embedder="hash")
    kb = KnowledgeBase.open(settings)
    n_docs = len(kb.docstore.documents())
    assert n_docs == len([p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".md", ".docx")])
    assert kb.search("法治政府建设", k=3)
    kb.remove(kb.docstore.documents()[0].doc_id)
    kb.close()
    kb2 = KnowledgeBase.open(settings)  # not re-seeded: the user's removal sticks
    assert len(kb2.docstore.documents()) == n_docs - 1
    kb2.close()


def test_regulations_feed_the_article_store(tmp_path, regulations_dir):
    docs = tmp_path / "laws"
    docs.mkdir()
    src = regulations_dir / "texts" / "社会法" / "中华人民共和国安全生产法.md"
    shutil.copy(src, docs / src.name)
    settings = Settings(home=tmp_path / "home", embedder="hash")
    kb = KnowledgeBase.open(settings, auto_samples=False)
    r = kb.index([docs], kind="auto")
    assert not r.failed
    assert kb.stats()["by_kind"]["regulation"]["chunks"] == 119
    store = ArticleStore(settings)
    art = store.get("中华人民共和国安全生产法", 25)
    assert art is not None and "安全生产管理机构" in art.text
    store.close()
    kb.remove(str(docs / src.name))
    store = ArticleStore(settings)
    assert store.get("中华人民共和国安全生产法", 25) is None
    store.close()
    kb.close()


# --- SIGKILL in the middle of a run -------------------------------------------------------------------------

def _catalog_counts(regulations_dir: Path) -> dict[str, int]:
    rows = [json.loads(line) for line in (regulations_dir / "catalog.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return {r["path"]: r["articles"] for r in rows}


def _run_index(env: dict[str, str], folder: Path, kill_after: float | None) -> int | None:
    cmd = [sys.executable, "-m", "assistant", "index", str(folder), "--kind", "regulation", "--json",
           "--batch-size", "64"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if kill_after is None:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
        return json.loads(out.decode().strip().splitlines()[-1])
    time.sleep(kill_after)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return None


def _reopen(home: Path) -> KnowledgeBase:
    """Open the store as a new command would. chromadb caches one client system per path in a process, and a
    cached system does not see vectors another process added since (filtered queries then fail with "Error
    finding id", unfiltered ones miss the new vectors), so drop the cache first: every CLI command is a new
    process."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    return KnowledgeBase(Settings(home=home, embedder="hash"))


def test_sigkill_mid_run_then_rerun_gives_exact_counts(tmp_path, regulations_dir):
    counts = _catalog_counts(regulations_dir)
    folder = tmp_path / "laws"
    folder.mkdir()
    chosen = sorted(p for p in counts if p.startswith(("texts/行政法规/", "texts/经济法/")))[:40]
    for rel in chosen:
        shutil.copy(regulations_dir / rel, folder / Path(rel).name)
    expected = sum(counts[rel] for rel in chosen)
    home = tmp_path / "home"
    env = {**os.environ, "ASSISTANT_HOME": str(home), "ASSISTANT_EMBEDDER": "hash",
           "ASSISTANT_KNOWLEDGE_DIR": str(PROJECT_ROOT / "knowledge")}
    env.pop("CHROMA_HOST", None)
    # Kill at several moments (phase 1, keyword index, vector phase); each rerun continues the last one.
    for delay in (2.0, 4.0, 8.0):
        _run_index(env, folder, kill_after=delay)
        kb = _reopen(home)
        n = kb.docstore.count_chunks(kind="regulation")
        assert 0 <= n <= expected
        if n:  # whatever survived the kill answers queries
            assert kb.search("安全", k=3, filters={"kind": "regulation"})
        kb.close()
    final = _run_index(env, folder, kill_after=None)
    assert not final["failed"]
    stats = final["stats"]
    assert stats["by_kind"]["regulation"]["documents"] == len(chosen)
    assert stats["by_kind"]["regulation"]["chunks"] == expected
    assert stats["pending"] == 0 and stats["embedded"] == stats["chunks"]
    kb = _reopen(home)
    ids = kb.vectors.collection.get(include=[])["ids"]  # articles' 款 vectors are named <chunk>~<n>
    assert len({i.split("~")[0] for i in ids}) == stats["chunks"]  # no duplicates, no losses in Chroma
    assert kb.vectors.healthy()
    assert kb.search("安全生产", k=3, filters={"kind": "regulation"}, mode="dense")
    store = ArticleStore(Settings(home=home))
    assert len(store.titles()) == len({kb.docstore.get_document(d.doc_id).title for d in kb.docstore.documents("regulation")})
    store.close()
    # And a rerun finds everything unchanged.
    again = _run_index(env, folder, kill_after=None)
    assert again["unchanged"] == len(chosen) + 0 and again["chunks_added"] == 0
    kb.close()


def test_other_embedder_is_refused_until_reembed(tmp_path):
    from assistant.errors import StoreError

    docs = tmp_path / "docs"
    _copy_samples(docs, 1)
    kb = _kb(tmp_path / "home")
    kb.index([docs])
    n = kb.embed_pending()
    kb.close()
    other = _kb(tmp_path / "home", embedder=HashEmbeddings(dimension=32))
    with pytest.raises(StoreError, match="assistant index --reembed"):
        other.search("工作", k=3)
    assert other.search("工作", k=3, mode="bm25")  # keywords still work
    other.reembed()
    assert other.embed_pending() == n
    assert other.vectors.collection.metadata["dimension"] == 32
    assert other.search("工作", k=3, mode="dense")
    other.close()


def test_damaged_vector_index_falls_back_to_keywords_and_is_rebuilt(tmp_path, monkeypatch):
    from assistant.kb.store import VectorIndexError, VectorStore

    docs = tmp_path / "docs"
    _copy_samples(docs, 2)
    emb = CountingEmbeddings()
    kb = _kb(tmp_path / "home", embedder=emb)
    kb.index([docs])
    n = kb.embed_pending()
    calls = emb.calls

    def broken(self, vector, k, where=None):
        raise VectorIndexError("向量库查询失败：Error finding id")

    with monkeypatch.context() as m:
        m.setattr(VectorStore, "query", broken)
        hits = kb.search("存在的不足和原因", k=3)
        assert hits and all(h.match == "bm25" for h in hits)
        assert kb.warnings and "Error finding id" in kb.warnings[0]
        assert kb.docstore.get_meta("vectors_dirty") == "1"
    assert kb.embed_pending() == n  # rebuilt from the vector cache
    assert emb.calls == calls  # … without embedding anything again
    assert kb.docstore.get_meta("vectors_dirty") == "0"
    assert kb.search("存在的不足和原因", k=3, mode="dense")
    kb.close()


def test_long_running_process_sees_vectors_added_by_another_process(tmp_path):
    """`assistant serve` keeps its knowledge base open while `assistant index` adds vectors in another process:
    the next search must see them (chromadb caches a per-path client that would not)."""
    docs = tmp_path / "docs"
    _, second = _copy_samples(docs, 2)
    later = tmp_path / "later"
    later.mkdir()
    second.rename(later / second.name)
    home = tmp_path / "home"
    kb = _kb(home)  # the UI's knowledge base, open for the whole session
    kb.index([docs])
    kb.embed_pending()
    assert kb.search("存在的不足和原因", k=3, filters={"kind": "report"}, mode="dense")
    env = {**os.environ, "ASSISTANT_HOME": str(home), "ASSISTANT_EMBEDDER": "hash"}
    proc = subprocess.run([sys.executable, "-m", "assistant", "index", str(later), "--json"], env=env,
                          capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-1000:]
    hits = kb.search("存在的不足和原因", k=10, filters={"kind": "report"}, mode="hybrid", max_per_doc=None)
    assert not kb.warnings, kb.warnings
    assert kb.docstore.get_meta("vectors_dirty") != "1"
    assert any(h.match != "bm25" and Path(h.source).name == second.name for h in hits)
    kb.close()


def test_index_of_a_folder_without_documents_says_so(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from assistant.cli import _register, app

    _register()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.xlsx").write_bytes(b"not a document")
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "hash")
    result = CliRunner().invoke(app, ["index", str(empty), "--no-embed"])
    assert result.exit_code == 0, result.output
    assert "没有找到可加入知识库的文件" in result.output
