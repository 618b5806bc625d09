"""Docstore transactions and the Chroma vector store, embedded and against a real `chroma run` server."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from test_chroma_server import start_chroma_server

from assistant.errors import StoreError
from assistant.kb.chunking import Chunk, make_chunk_id
from assistant.kb.embeddings import HashEmbeddings, text_hash
from assistant.kb.store import REEMBED_COMMAND, DocStore, DocumentRecord, VectorStore, chroma_where
from assistant.settings import Settings

TEXTS = [
    "二、存在的不足和原因。一是依法行政意识有待加强。",
    "四、2024年工作安排。持续推进严格规范公正文明执法。",
    "第二十五条 生产经营单位的安全生产管理机构履行下列职责。",
    "第九条 各级人民政府应当加强政府信息公开工作。",
]
METAS = [
    {"kind": "report", "role": "shortcomings", "year": 2023},
    {"kind": "report", "role": "next_year", "year": 2024},
    {"kind": "regulation", "article": "第二十五条", "year": 2021},
    {"kind": "regulation", "article": "第九条", "year": 2019},
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with start_chroma_server(tmp_path_factory.mktemp("chroma-store") / "data") as s:
        yield s


@pytest.fixture(params=["embedded", "server"])
def settings(request, tmp_path) -> Settings:
    if request.param == "server":
        s = request.getfixturevalue("server")
        return Settings(home=tmp_path, chroma_host=s.host, chroma_port=s.port)
    return Settings(home=tmp_path)


def _name() -> str:
    return "t" + uuid.uuid4().hex[:12]


def _filled(settings: Settings, name: str) -> VectorStore:
    vs = VectorStore(settings, HashEmbeddings(), collection=name)
    vs.upsert([f"c{i}" for i in range(len(TEXTS))], TEXTS, METAS)
    return vs


def test_similarity_is_in_unit_interval_best_first(settings):
    vs = _filled(settings, _name())
    emb = HashEmbeddings()
    hits = vs.query(emb.embed_query(TEXTS[0]), k=4)
    assert hits[0][0] == "c0"
    assert hits[0][1] == pytest.approx(1.0, abs=1e-3)  # identical text: cosine 1, not distance 0 or -1
    scores = [s for _, s in hits]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    # A vector pointing away from everything: cosine would be negative, similarity stays in [0, 1].
    away = (-np.asarray(emb.embed_query(TEXTS[0]))).tolist()
    assert all(0.0 <= s <= 1.0 for _, s in vs.query(away, k=4))
    assert vs.query(away, k=4)[-1][0] == "c0"
    # The LangChain path (embeds the query itself) agrees.
    docs = vs.similarity_search(TEXTS[2], k=2)
    assert docs[0][0].page_content == TEXTS[2] and docs[0][1] == pytest.approx(1.0, abs=1e-3)
    assert docs[0][1] >= docs[1][1] >= 0.0


def test_upsert_is_idempotent_and_delete_removes(settings):
    name = _name()
    vs = _filled(settings, name)
    vs.upsert(["c0", "c1"], TEXTS[:2], METAS[:2])  # a rerun after a crash upserts the same ids again
    assert vs.count() == 4
    vs.delete(["c1", "c3", "never-existed"])
    assert vs.count() == 2
    assert {i for i, _ in vs.query(HashEmbeddings().embed_query(TEXTS[1]), k=10)} == {"c0", "c2"}


def test_metadata_filters(settings):
    vs = _filled(settings, _name())
    q = HashEmbeddings().embed_query("工作")
    assert {i for i, _ in vs.query(q, 10, chroma_where(kind="report"))} == {"c0", "c1"}
    assert {i for i, _ in vs.query(q, 10, chroma_where(kind="regulation", year_min=2020))} == {"c2"}
    assert {i for i, _ in vs.query(q, 10, chroma_where(role="shortcomings"))} == {"c0"}
    assert {i for i, _ in vs.query(q, 10, chroma_where(year_min=2020, year_max=2023))} == {"c0", "c2"}


def test_collection_records_embedder_and_refuses_another(settings):
    name = _name()
    _filled(settings, name)
    again = VectorStore(settings, HashEmbeddings(), collection=name)  # same embedder: fine
    assert again.count() == 4 and not again.created
    assert again.collection.metadata["embedder"] == "hash-ngram-64"
    assert again.collection.metadata["dimension"] == 64
    with pytest.raises(StoreError) as info:
        VectorStore(settings, HashEmbeddings(dimension=32), collection=name)
    assert REEMBED_COMMAND in str(info.value)
    assert "hash-ngram-64" in str(info.value) and "hash-ngram-32" in str(info.value)


# --- docstore ----------------------------------------------------------------------------------------------

def _chunks(doc_id: str, texts: list[str]) -> list[Chunk]:
    out = []
    for seq, t in enumerate(texts):
        h = text_hash(t)
        out.append(Chunk(make_chunk_id(doc_id, seq, h), doc_id, seq, t, t,
                         {"kind": "report", "hash": h, "role": "measures", "doc_id": doc_id}))
    return out


def _record(doc_id: str, n: int, h: str = "h1") -> DocumentRecord:
    return DocumentRecord(doc_id, f"/x/{doc_id}.txt", "report", "标题", None, None, 2023, None, h, n)


def test_docstore_replace_keeps_surviving_vectors_and_queues_deletes(tmp_path):
    ds = DocStore(tmp_path / "d.sqlite")
    v1 = _chunks("d1", ["甲段", "乙段", "丙段"])
    assert ds.replace_document(_record("d1", 3), v1) == (3, 0)
    g1 = ds.generation()
    ds.mark_embedded([c.chunk_id for c in v1])
    v2 = _chunks("d1", ["甲段", "乙段（修改）", "丙段"])  # the middle paragraph changed
    assert ds.replace_document(_record("d1", 3, "h2"), v2) == (1, 1)
    assert ds.generation() > g1
    assert ds.count_chunks() == 3
    assert ds.count_chunks(embedded=True) == 2  # unchanged chunks keep their vectors
    assert ds.pending_deletes() == [v1[1].chunk_id]
    # Same content again: nothing to do, generation unchanged (the keyword index stays valid).
    g2 = ds.generation()
    assert ds.replace_document(_record("d1", 3, "h2"), v2) == (0, 0)
    assert ds.generation() == g2
    assert ds.remove_document("d1") == 3
    assert ds.count_chunks() == 0 and ds.get_document("d1") is None
    assert set(ds.pending_deletes()) == {c.chunk_id for c in v1} | {v2[1].chunk_id}


def test_docstore_transaction_rolls_back_on_failure(tmp_path):
    ds = DocStore(tmp_path / "d.sqlite")
    ds.replace_document(_record("d1", 2), _chunks("d1", ["甲", "乙"]))
    bad = _chunks("d1", ["丙", "丁"])
    bad[1].meta = {"kind": "report", "hash": object()}  # not serialisable: fails mid-transaction
    with pytest.raises(TypeError):
        ds.replace_document(_record("d1", 2, "h2"), bad)
    assert [c.text for c in ds.chunks_of("d1")] == ["甲", "乙"]
    assert ds.get_document("d1").content_hash == "h1"


def test_docstore_serves_threads_while_another_writes(tmp_path):
    import threading

    ds = DocStore(tmp_path / "d.sqlite")
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for i in range(30):
                ds.replace_document(_record(f"w{i}", 2), _chunks(f"w{i}", [f"甲{i}", f"乙{i}"]))
                ds.mark_embedded([c.chunk_id for c in ds.chunks_of(f"w{i}")])
        except BaseException as err:  # surfaced below
            errors.append(err)

    def reader() -> None:
        try:
            for _ in range(200):
                assert ds.count_chunks(embedded=True) <= ds.count_chunks() + 2
                ds.documents()
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=writer), threading.Thread(target=reader), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert ds.count_chunks() == 60 and ds.count_chunks(embedded=True) == 60
    ds.close()
