"""The optional rerank endpoint (/v1/rerank convention), against a stub HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.kb.retrieval import KnowledgeBase
from assistant.settings import PROJECT_ROOT, Settings

FAVOURED = "依法行政"


class _Stub(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Stub.requests.append({"path": self.path, **body})
        # Prefers the documents holding FAVOURED, the later ones higher: an order no local ranker gives.
        results = [{"index": i, "relevance_score": (1.0 if FAVOURED in d else 0.0) + i / 1000}
                   for i, d in enumerate(body["documents"])]
        payload = json.dumps({"results": sorted(results, key=lambda r: -r["relevance_score"])}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def stub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def _kb(home, **extra) -> KnowledgeBase:
    kb = KnowledgeBase.open(Settings(home=home, embedder="hash", **extra), auto_samples=False)
    assert not kb.index([PROJECT_ROOT / "knowledge" / "samples"]).failed
    kb.embed_pending()
    return kb


def test_rerank_endpoint_reorders_candidates(stub, tmp_path):
    plain = _kb(tmp_path / "plain")
    before = plain.search("工作情况 存在问题", k=5, max_per_doc=None)
    assert not _Stub.requests  # off unless configured: nothing is sent
    kb = _kb(tmp_path / "rr", rerank_base_url=stub, rerank_model="bge-reranker-v2-m3")
    after = kb.search("工作情况 存在问题", k=5, max_per_doc=None)
    sent = _Stub.requests[-1]
    assert sent["path"] == "/v1/rerank" and sent["model"] == "bge-reranker-v2-m3"
    assert sent["query"] == "工作情况 存在问题" and 1 < len(sent["documents"]) <= 20
    assert FAVOURED in after[0].text or all(FAVOURED not in d for d in sent["documents"])
    assert [h.chunk_id for h in after] != [h.chunk_id for h in before]
    assert all(0.0 <= h.score <= 1.0 for h in after)
    plain.close()
    kb.close()


def test_unreachable_rerank_endpoint_keeps_local_order(tmp_path):
    plain = _kb(tmp_path / "plain")
    kb = _kb(tmp_path / "dead", rerank_base_url="http://127.0.0.1:9/v1")
    query = "工作情况 存在问题"
    assert [h.chunk_id for h in kb.search(query, k=5)] == [h.chunk_id for h in plain.search(query, k=5)]
    assert kb.warnings and "重排序服务调用失败" in kb.warnings[0]
    plain.close()
    kb.close()
