"""Embedders: the hash fake, the vector cache, the bundled e5 model and an OpenAI-compatible endpoint."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from assistant.errors import ConfigError, StoreError
from assistant.kb.embeddings import (
    CachedEmbeddings,
    E5Embeddings,
    HashEmbeddings,
    OpenAIEndpointEmbeddings,
    VectorCache,
    get_embedder,
)
from assistant.settings import Settings


class CountingEmbeddings(Embeddings):
    """Hash embedder that records every text it is asked to embed."""

    def __init__(self) -> None:
        self.inner = HashEmbeddings()
        self.id = self.inner.id
        self.dimension = self.inner.dimension
        self.seen: list[str] = []

    def embed_documents(self, texts):
        self.seen += list(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


def test_hash_embeddings_are_deterministic_unit_vectors_and_sensitive_to_content():
    e = HashEmbeddings()
    a1, a2 = e.embed_documents(["存在的不足和原因", "存在的不足和原因"])
    b = e.embed_query("下一年度工作安排")
    assert a1 == a2
    assert len(a1) == e.dimension
    assert abs(np.linalg.norm(a1) - 1.0) < 1e-9
    near = float(np.dot(a1, e.embed_query("工作中存在的不足")))
    far = float(np.dot(a1, b))
    assert near > far


def test_cached_embeddings_never_embed_the_same_text_twice(tmp_path):
    inner = CountingEmbeddings()
    cache = VectorCache(tmp_path / "v.sqlite")
    emb = CachedEmbeddings(inner, cache)
    first = emb.embed_documents(["第一条 甲", "第二条 乙", "第一条 甲"])
    assert inner.seen == ["第一条 甲", "第二条 乙"]  # the duplicate inside one batch is embedded once
    again = CachedEmbeddings(inner, VectorCache(tmp_path / "v.sqlite")).embed_documents(["第二条 乙", "第三条 丙"])
    assert inner.seen == ["第一条 甲", "第二条 乙", "第三条 丙"]
    assert np.allclose(first[1], again[0], atol=1e-6)  # float32 round trip
    assert cache.count(inner.id) == 3


def test_cache_is_keyed_by_embedder(tmp_path):
    cache = VectorCache(tmp_path / "v.sqlite")
    CachedEmbeddings(HashEmbeddings(64), cache).embed_documents(["同一段文字"])
    other = CountingEmbeddings()
    other.id = "another-model"
    CachedEmbeddings(other, cache).embed_documents(["同一段文字"])
    assert other.seen == ["同一段文字"]


def test_get_embedder_choices(monkeypatch):
    assert isinstance(get_embedder(Settings()), E5Embeddings)
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "hash")
    assert isinstance(get_embedder(Settings()), HashEmbeddings)
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "word2vec")
    with pytest.raises(ConfigError):
        get_embedder(Settings())
    monkeypatch.delenv("ASSISTANT_EMBEDDER")
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS_BASE_URL", "http://127.0.0.1:9/v1")
    with pytest.raises(ConfigError, match="ASSISTANT_EMBEDDINGS_MODEL"):
        get_embedder(Settings())


def test_e5_passage_and_query_modes_rank_the_relevant_passage_first():
    e = E5Embeddings()
    passages = ["二、存在的不足和原因。一是依法行政意识有待加强，二是执法队伍力量不足。",
                "四、2024年工作安排。持续推进严格规范公正文明执法。",
                "第十条 国家鼓励和支持安全生产科学技术研究。"]
    vecs = np.array(e.embed_documents(passages))
    assert vecs.shape == (3, 384)
    q = np.array(e.embed_query("工作中有哪些问题和短板"))
    sims = vecs @ q
    assert int(np.argmax(sims)) == 0
    # passage and query modes differ (e5 prefixes), so a query is not embedded as a passage
    assert not np.allclose(e.embed_query(passages[0]), vecs[0])


class _EmbeddingsHandler(BaseHTTPRequestHandler):
    requests: list[dict] = []
    fail = False

    def log_message(self, *args):  # keep test output clean
        pass

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        if type(self).fail:
            payload = json.dumps({"error": {"message": "model not found", "type": "invalid_request_error"}})
            self.send_response(404)
        else:
            inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
            data = [{"object": "embedding", "index": i, "embedding": HashEmbeddings(8).embed_query(t)}
                    for i, t in enumerate(inputs)]
            payload = json.dumps({"object": "list", "data": data, "model": body["model"],
                                  "usage": {"prompt_tokens": 1, "total_tokens": 1}})
            self.send_response(200)
        raw = payload.encode()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def embeddings_server():
    _EmbeddingsHandler.requests = []
    _EmbeddingsHandler.fail = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EmbeddingsHandler)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_openai_compatible_endpoint(embeddings_server, monkeypatch):
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS_BASE_URL", embeddings_server)
    monkeypatch.setenv("ASSISTANT_EMBEDDINGS_MODEL", "bge-m3")
    emb = get_embedder(Settings())
    assert isinstance(emb, OpenAIEndpointEmbeddings)
    vecs = emb.embed_documents([f"第{i}段" for i in range(70)])  # more than one batch
    assert len(vecs) == 70 and len(vecs[0]) == 8
    assert vecs[3] == pytest.approx(HashEmbeddings(8).embed_query("第3段"))
    assert emb.dimension == 8
    assert emb.id == f"openai:bge-m3@{embeddings_server}"
    assert {r["model"] for r in _EmbeddingsHandler.requests} == {"bge-m3"}
    assert len(_EmbeddingsHandler.requests) == 2


def test_openai_endpoint_error_is_a_store_error(embeddings_server):
    _EmbeddingsHandler.fail = True
    emb = OpenAIEndpointEmbeddings(embeddings_server, "missing-model")
    with pytest.raises(StoreError, match="missing-model"):
        emb.embed_query("测试")
