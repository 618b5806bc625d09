"""One knowledge base shared by two installs (two ASSISTANT_HOMEs) through a real `chroma run` server:
what one indexes or removes is found or gone on the other by keyword and by dense search; concurrent
indexing neither duplicates nor loses documents; a failing server leaves local files untouched."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from test_chroma_server import _free_port, start_chroma_server

from assistant.errors import StoreError
from assistant.kb.retrieval import KnowledgeBase
from assistant.kb.shared import REGISTRY, VERSION_ID
from assistant.settings import PROJECT_ROOT, Settings

PHRASE = "打造泉州市高新区知识产权保护站"
SAMPLES = PROJECT_ROOT / "knowledge" / "samples"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with start_chroma_server(tmp_path_factory.mktemp("shared-chroma") / "data") as s:
        yield s


@pytest.fixture
def install(tmp_path, server):
    opened: list[KnowledgeBase] = []

    def make(name: str, port: int | None = None) -> KnowledgeBase:
        kb = KnowledgeBase(Settings(home=tmp_path / name, chroma_host=server.host,
                                    chroma_port=port or server.port, embedder="hash"))
        opened.append(kb)
        return kb

    yield make
    for kb in opened:
        if kb.shared is not None and port_alive(kb):
            for d in kb.docstore.documents():  # leave the module's server empty for the next test
                kb.shared.retract(d.doc_id)
        kb.close()


def port_alive(kb: KnowledgeBase) -> bool:
    try:
        kb.shared.pull(kb.tokenizer)
        return True
    except StoreError:
        return False


def _texts(hits) -> str:
    return "\n".join(h.text for h in hits)


def test_what_a_indexes_b_finds_and_what_a_removes_b_loses(install, seed_path, tmp_path):
    seed = tmp_path / "seed.txt"
    shutil.copy(seed_path, seed)
    a, b = install("a"), install("b")
    report = a.index([seed], kind="report")
    assert not report.failed and len(report.added) == 1
    assert a.embed_pending() > 0

    for mode in ("bm25", "dense"):
        hits = b.search(PHRASE, k=5, mode=mode, max_per_doc=None)
        assert any(PHRASE in h.text for h in hits), mode
        assert all(h.source == str(seed.resolve()) for h in hits if PHRASE in h.text)
    assert b.stats()["documents"] == 1 and b.stats()["pending"] == 0  # A's vectors count as B's

    assert a.remove(str(seed)) == [str(seed.resolve())]
    for mode in ("bm25", "dense"):
        assert PHRASE not in _texts(b.search(PHRASE, k=10, mode=mode, max_per_doc=None)), mode
    assert b.stats()["documents"] == 0


def test_two_installs_indexing_at_once_keep_one_copy_of_each(install, tmp_path):
    # Each install has its own copy of the same files (two machines): same content, different paths.
    folders = []
    for name in ("pc1", "pc2"):
        folder = tmp_path / name
        shutil.copytree(SAMPLES, folder)
        folders.append(folder)
    a, b = install("a"), install("b")
    errors: list[BaseException] = []

    def run(kb: KnowledgeBase, folder: Path) -> None:
        try:
            assert not kb.index([folder]).failed
        except BaseException as err:  # noqa: BLE001 - reported by the main thread
            errors.append(err)

    threads = [threading.Thread(target=run, args=(kb, f)) for kb, f in zip((a, b), folders, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    n_files = len([p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".md", ".docx", ".pdf")])
    registry = a.shared._client.get_collection(REGISTRY).get(include=["metadatas"])
    docs = [m for i, m in zip(registry["ids"], registry["metadatas"], strict=True) if i != VERSION_ID]
    assert len(docs) == n_files
    assert len({m["content_hash"] for m in docs}) == n_files
    for kb in (a, b):
        assert kb.stats()["documents"] == n_files
        titles = [d.title for d in kb.docstore.documents()]
        assert len(titles) == len(set(titles)) == n_files


def test_server_down_is_a_clear_message_and_changes_nothing(tmp_path):
    settings = Settings(home=tmp_path / "home", chroma_host="127.0.0.1", chroma_port=_free_port(),
                        embedder="hash")
    kb = KnowledgeBase(settings)
    before = {p: p.stat().st_size for p in settings.home.rglob("*") if p.is_file()}
    with pytest.raises(StoreError) as info:
        kb.index([SAMPLES])
    assert "无法连接 Chroma 服务器 127.0.0.1" in str(info.value) and "本机文件未改动" in str(info.value)
    with pytest.raises(StoreError, match="Chroma 服务器"):
        kb.search("依法行政", mode="bm25")
    after = {p: p.stat().st_size for p in settings.home.rglob("*") if p.is_file()}
    assert after == before and kb.docstore.count_chunks() == 0
    kb.close()


def test_server_errors_mid_index_keep_keywords_usable_and_rerun_completes(install, monkeypatch):
    a = install("a")
    files = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".md"))
    real = type(a.shared)._publish
    calls = {"n": 0}

    def flaky(self, record, chunks):
        calls["n"] += 1
        if calls["n"] > 3:
            raise ConnectionError("server closed the connection")
        return real(self, record, chunks)

    monkeypatch.setattr(type(a.shared), "_publish", flaky)
    report = a.index(files)
    assert len(report.added) == 3 and len(report.failed) == len(files) - 3
    assert all("Chroma 服务器" in f.message for f in report.failed)
    assert a.search("依法行政", k=3, mode="bm25")  # what made it is searchable by keyword
    assert a.docstore.count_chunks() > 0

    monkeypatch.setattr(type(a.shared), "_publish", real)
    rerun = a.index(files)
    assert not rerun.failed and len(rerun.unchanged) == 3 and len(rerun.added) == len(files) - 3
    b = install("b")
    assert b.stats()["documents"] == len(files)


def test_server_errors_mid_embedding_then_rerun_completes(install, monkeypatch):
    from assistant.kb.store import VectorIndexError, VectorStore

    a = install("a")
    assert not a.index([SAMPLES]).failed
    real = VectorStore.upsert
    calls = {"n": 0}

    def flaky(self, ids, texts, metas):
        calls["n"] += 1
        if calls["n"] == 3:
            self.vs.add_texts = lambda *args, **kw: (_ for _ in ()).throw(RuntimeError("HTTP 500"))
        return real(self, ids, texts, metas)

    monkeypatch.setattr(VectorStore, "upsert", flaky)
    with pytest.raises(VectorIndexError, match="写入向量库失败"):
        a.embed_pending(batch_size=8)
    done = a.docstore.count_chunks(embedded=True)
    assert 0 < done < a.docstore.count_chunks()
    assert a.search("依法行政", k=3, mode="bm25")  # keywords unaffected
    monkeypatch.setattr(VectorStore, "upsert", real)
    a._vectors.drop_client()
    reembed = a._vectors.reembed
    monkeypatch.setattr(a._vectors, "reembed", lambda: pytest.fail("a shared collection must not be dropped"))
    a.embed_pending(batch_size=8)
    monkeypatch.setattr(a._vectors, "reembed", reembed)
    assert a.docstore.count_chunks(embedded=False) == 0
    assert a.vectors.count() == a.docstore.count_chunks()


def test_pruned_files_disappear_for_the_other_install(install, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    files = sorted(p for p in SAMPLES.iterdir() if p.suffix == ".txt")[:2]
    for f in files:
        shutil.copy(f, folder / f.name)
    a, b = install("a"), install("b")
    assert len(a.index([folder]).added) == 2
    assert b.stats()["documents"] == 2
    (folder / files[0].name).unlink()
    assert len(a.index([folder], prune=True).removed) == 1
    assert b.stats()["documents"] == 1  # stats pulls from the server first
    assert [Path(d.source).name for d in b.docstore.documents()] == [files[1].name]
