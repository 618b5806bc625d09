"""The knowledge base against a real Chroma server (`chroma run`), the way an office shares one store.

`start_chroma_server` is also used by test_store.py to run the store tests against a server."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.kb.embeddings import HashEmbeddings
from assistant.kb.retrieval import KnowledgeBase
from assistant.settings import PROJECT_ROOT, Settings


@dataclass
class ChromaServer:
    host: str
    port: int
    proc: subprocess.Popen


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chroma_binary() -> str | None:
    candidate = Path(sys.executable).parent / "chroma"
    return str(candidate) if candidate.exists() else shutil.which("chroma")


@contextlib.contextmanager
def start_chroma_server(path: Path):
    binary = _chroma_binary()
    if binary is None:
        pytest.skip("the `chroma` command (from the chromadb package) is not installed")
    port = _free_port()
    log = open(path.parent / f"chroma-{port}.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([binary, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1):
                    break
            except OSError as err:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("chroma server did not start: "
                                       + (path.parent / f"chroma-{port}.log").read_text(errors="replace")[-2000:]) from err
                time.sleep(0.2)
        yield ChromaServer("127.0.0.1", port, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    with start_chroma_server(tmp_path_factory.mktemp("chroma-server") / "data") as server:
        yield server


def _server_settings(home: Path, server: ChromaServer) -> Settings:
    return Settings(home=home, chroma_host=server.host, chroma_port=server.port, embedder="hash")


def test_two_offices_share_one_server(chroma_server, tmp_path):
    """One machine indexes and embeds; the vectors live on the server; the collection records the embedder."""
    kb = KnowledgeBase.open(_server_settings(tmp_path / "a", chroma_server), auto_samples=False)
    report = kb.index([PROJECT_ROOT / "knowledge" / "samples"])
    assert not report.failed and report.added
    embedded = kb.embed_pending()
    assert embedded == kb.docstore.count_chunks() > 0
    assert kb.vectors.count() == embedded
    hits = kb.search("存在的不足和原因", k=3, filters={"kind": "report"}, mode="dense")
    assert hits and all(0.0 <= h.score <= 1.0 for h in hits)
    assert all(h.dense is not None and 0.0 <= h.dense <= 1.0 for h in hits)

    # A second home pointed at the same server sees the same collection (and its embedder check).
    kb2 = KnowledgeBase(_server_settings(tmp_path / "b", chroma_server))
    assert kb2.vectors.count() == embedded
    meta = kb2.vectors.collection.metadata
    assert meta["embedder"] == HashEmbeddings().id and meta["dimension"] == 64

    # Removing a document deletes its vectors on the server.
    doc = kb.docstore.documents()[0]
    kb.remove(doc.doc_id)
    assert kb.vectors.count() == embedded - doc.n_chunks
    kb.close()
    kb2.close()


def test_unreachable_server_is_a_clear_error(tmp_path):
    from assistant.errors import StoreError

    settings = Settings(home=tmp_path, chroma_host="127.0.0.1", chroma_port=_free_port(), embedder="hash")
    kb = KnowledgeBase(settings)
    with pytest.raises(StoreError, match="127.0.0.1"):
        kb.vectors  # noqa: B018 - opening the store is the action under test
