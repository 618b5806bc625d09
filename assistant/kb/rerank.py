"""Optional second stage: a rerank endpoint in the `/v1/rerank` convention (vLLM, Xinference, TEI serve
bge-reranker this way). Off unless ASSISTANT_RERANK_BASE_URL is set; nothing is sent anywhere otherwise.
The offline ranking stands on its own: a failing endpoint leaves it as it was, with a warning."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence

from assistant.errors import StoreError
from assistant.settings import Settings

TOP_N = 20  # candidates sent: the reranker reorders, it does not find


class Reranker:
    def __init__(self, base_url: str, model: str | None, api_key: str | None = None, timeout: float = 30.0):
        self.url = base_url.rstrip("/") + "/rerank"
        self.model = model or ""
        self.api_key = api_key
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> Reranker | None:
        if not settings.rerank_base_url:
            return None
        return cls(settings.rerank_base_url, settings.rerank_model)

    def scores(self, query: str, documents: Sequence[str]) -> list[float]:
        """Relevance of each document to the query, in the documents' order."""
        body = json.dumps({"model": self.model, "query": query, "documents": list(documents),
                           "top_n": len(documents)}, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        req = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                payload = json.loads(resp.read().decode("utf-8"))
            out = [0.0] * len(documents)
            for r in payload["results"]:
                out[int(r["index"])] = float(r.get("relevance_score", r.get("score", 0.0)))
            return out
        except (urllib.error.URLError, OSError, ValueError, KeyError, IndexError, TypeError) as err:
            raise StoreError(f"重排序服务调用失败（{self.url}）：{err}",
                             hint="检查 ASSISTANT_RERANK_BASE_URL / ASSISTANT_RERANK_MODEL；检索结果按本地排序给出") from err
