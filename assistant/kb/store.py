"""Persistence: a SQLite docstore (source of truth) and the Chroma vector store.

* `DocStore` (store_dir/docstore.sqlite) holds documents, their content hash and every chunk with its text,
  metadata and an `embedded` flag. Each document is replaced in one transaction, so a process killed at any
  point leaves either the old or the new version, never half of one. Chunk ids removed from the docstore are
  queued in `pending_deletes` in the same transaction and deleted from Chroma afterwards (idempotent).
* `VectorStore` is Chroma through langchain-chroma: embedded `PersistentClient` under store_dir/chroma, or a
  shared server through `HttpClient` when CHROMA_HOST is set. Cosine space; callers get similarity in [0, 1].
  The collection records the embedder id and dimension; opening it with another embedder is a `StoreError`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import StoreError
from assistant.kb.chunking import Chunk
from assistant.settings import Settings

COLLECTION = "gongwen_kb"


class VectorIndexError(StoreError):
    """Chroma failed a query or write (e.g. its HNSW index lost entries when a process was killed mid-write).
    Search falls back to keywords; the next `assistant index` rebuilds the collection from the vector cache."""

REEMBED_COMMAND = "assistant index --reembed"
REBUILD_COMMAND = "assistant index --embed-only"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    genre TEXT, issuer TEXT, year INTEGER, status TEXT,
    content_hash TEXT NOT NULL,
    n_chunks INTEGER NOT NULL,
    articles_synced INTEGER NOT NULL DEFAULT 1,
    indexed_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_source ON documents(source);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,
    embed_text TEXT NOT NULL,
    meta TEXT NOT NULL,
    hash TEXT NOT NULL,
    kind TEXT, genre TEXT, role TEXT, year INTEGER, article_index INTEGER, article_suffix INTEGER,
    embedded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, seq);
CREATE INDEX IF NOT EXISTS chunks_embedded ON chunks(embedded);
CREATE INDEX IF NOT EXISTS chunks_role ON chunks(kind, genre, role);
CREATE TABLE IF NOT EXISTS pending_deletes (chunk_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


@dataclass
class DocumentRecord:
    doc_id: str
    source: str
    kind: str
    title: str
    genre: str | None
    issuer: str | None
    year: int | None
    status: str | None
    content_hash: str
    n_chunks: int
    articles_synced: int = 1
    indexed_at: float = 0.0


@dataclass
class StoredChunk:
    chunk_id: str
    doc_id: str
    seq: int
    text: str
    embed_text: str
    meta: dict[str, Any]
    embedded: bool


class DocStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        # One connection per thread (the UI searches while a background thread embeds); WAL lets readers
        # run beside the single writer, and SQLite's own locking serialises writes across threads/processes.
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self.conn.executescript(_SCHEMA)
        cols = {r[1] for r in self.conn.execute("PRAGMA table_info(chunks)")}
        if "tokens" not in cols:  # stores made before tokens were kept with the chunks
            self.conn.execute("ALTER TABLE chunks ADD COLUMN tokens TEXT")

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(str(self.path), timeout=60, check_same_thread=False, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            except sqlite3.DatabaseError as err:
                raise StoreError(f"知识库文件无法打开：{self.path}（{err}）",
                                 hint="检查磁盘空间与权限，或删除该目录后重建索引") from err
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    # --- meta ------------------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def generation(self) -> int:
        return int(self.get_meta("generation", "0") or 0)

    def _bump(self) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES ('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    # --- documents -------------------------------------------------------------------------------------
    def get_document(self, doc_id: str) -> DocumentRecord | None:
        row = self.conn.execute(
            "SELECT doc_id, source, kind, title, genre, issuer, year, status, content_hash, n_chunks,"
            " articles_synced, indexed_at FROM documents WHERE doc_id=?", (doc_id,)
        ).fetchone()
        return DocumentRecord(*row) if row else None

    def documents(self, kind: str | None = None) -> list[DocumentRecord]:
        sql = ("SELECT doc_id, source, kind, title, genre, issuer, year, status, content_hash, n_chunks,"
               " articles_synced, indexed_at FROM documents")
        rows = (self.conn.execute(sql + " WHERE kind=? ORDER BY source", (kind,)) if kind
                else self.conn.execute(sql + " ORDER BY source")).fetchall()
        return [DocumentRecord(*r) for r in rows]

    def replace_document(self, doc: DocumentRecord, chunks: Sequence[Chunk]) -> tuple[int, int]:
        """Atomically put `doc` and its chunks in place of the previous version. Chunks whose id (which
        includes their content hash) survives keep their `embedded` flag. Returns (new chunks, removed)."""
        with self._lock:
            cur = self.conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                old = {r[0] for r in cur.execute("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc.doc_id,))}
                new_ids = {c.chunk_id for c in chunks}
                removed = old - new_ids
                for cid in removed:
                    cur.execute("DELETE FROM chunks WHERE chunk_id=?", (cid,))
                    cur.execute("INSERT OR IGNORE INTO pending_deletes (chunk_id) VALUES (?)", (cid,))
                added = 0
                for c in chunks:
                    if c.chunk_id in old:
                        continue
                    m = c.meta
                    cur.execute(
                        "INSERT OR REPLACE INTO chunks (chunk_id, doc_id, seq, text, embed_text, meta, hash, kind,"
                        " genre, role, year, article_index, article_suffix, embedded, tokens)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,0,?)",
                        (c.chunk_id, c.doc_id, c.seq, c.text, c.embed_text, json.dumps(m, ensure_ascii=False),
                         c.hash, m.get("kind"), m.get("genre"), m.get("role"), m.get("year"),
                         m.get("article_index"), m.get("article_suffix"),
                         "\t".join(c.tokens) if c.tokens is not None else None),
                    )
                    cur.execute("DELETE FROM pending_deletes WHERE chunk_id=?", (c.chunk_id,))
                    added += 1
                cur.execute(
                    "INSERT OR REPLACE INTO documents (doc_id, source, kind, title, genre, issuer, year, status,"
                    " content_hash, n_chunks, articles_synced, indexed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (doc.doc_id, doc.source, doc.kind, doc.title, doc.genre, doc.issuer, doc.year, doc.status,
                     doc.content_hash, len(chunks), doc.articles_synced, time.time()),
                )
                if added or removed:
                    self._bump()
                cur.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:  # a failed COMMIT (disk full) already rolled back
                    cur.execute("ROLLBACK")
                raise
        return added, len(removed)

    def set_articles_synced(self, doc_id: str, value: bool = True) -> None:
        with self._lock:
            self.conn.execute("UPDATE documents SET articles_synced=? WHERE doc_id=?", (int(value), doc_id))

    def remove_document(self, doc_id: str) -> int:
        with self._lock:
            cur = self.conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                ids = [r[0] for r in cur.execute("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,))]
                cur.executemany("INSERT OR IGNORE INTO pending_deletes (chunk_id) VALUES (?)", [(i,) for i in ids])
                cur.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
                cur.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
                self._bump()
                cur.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:  # a failed COMMIT (disk full) already rolled back
                    cur.execute("ROLLBACK")
                raise
        return len(ids)

    # --- chunks ----------------------------------------------------------------------------------------
    def pending_deletes(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT chunk_id FROM pending_deletes")]

    def clear_pending_deletes(self, ids: Iterable[str]) -> None:
        with self._lock:
            self.conn.executemany("DELETE FROM pending_deletes WHERE chunk_id=?", [(i,) for i in ids])

    def unembedded(self, limit: int, after_rowid: int = 0) -> list[tuple[int, StoredChunk]]:
        rows = self.conn.execute(
            "SELECT rowid, chunk_id, doc_id, seq, text, embed_text, meta FROM chunks"
            " WHERE embedded=0 AND rowid>? ORDER BY rowid LIMIT ?", (after_rowid, limit)
        ).fetchall()
        return [(r[0], StoredChunk(r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), False)) for r in rows]

    def mark_embedded(self, ids: Iterable[str], value: bool = True) -> None:
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self.conn.executemany("UPDATE chunks SET embedded=? WHERE chunk_id=?",
                                      [(int(value), i) for i in ids])
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    def reset_embedded(self) -> None:
        with self._lock:
            self.conn.execute("UPDATE chunks SET embedded=0")

    def unembedded_among(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(f"SELECT chunk_id FROM chunks WHERE embedded=0 AND chunk_id IN ({marks})",
                                 list(ids))
        return {r[0] for r in rows}

    def has_embedded(self) -> bool:
        return self.conn.execute("SELECT 1 FROM chunks WHERE embedded=1 LIMIT 1").fetchone() is not None

    def count_chunks(self, kind: str | None = None, embedded: bool | None = None) -> int:
        sql, args = "SELECT COUNT(*) FROM chunks WHERE 1=1", []
        if kind:
            sql += " AND kind=?"
            args.append(kind)
        if embedded is not None:
            sql += " AND embedded=?"
            args.append(int(embedded))
        return self.conn.execute(sql, args).fetchone()[0]

    def chunks_by_ids(self, ids: Sequence[str]) -> dict[str, StoredChunk]:
        out: dict[str, StoredChunk] = {}
        for i in range(0, len(ids), 500):
            part = list(ids[i : i + 500])
            marks = ",".join("?" * len(part))
            for r in self.conn.execute(
                f"SELECT chunk_id, doc_id, seq, text, embed_text, meta, embedded FROM chunks WHERE chunk_id IN ({marks})",
                part,
            ):
                out[r[0]] = StoredChunk(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), bool(r[6]))
        return out

    def iter_chunks(self) -> Iterable[tuple[str, str, dict[str, Any], list[str] | None]]:
        """(chunk id, embedded text, metadata, stored keyword tokens or None) of every chunk, for rebuilding
        the keyword index."""
        for r in self.conn.execute("SELECT chunk_id, embed_text, meta, tokens FROM chunks ORDER BY rowid"):
            toks = None if r[3] is None else (r[3].split("\t") if r[3] else [])
            yield r[0], r[1], json.loads(r[2]), toks

    def chunks_of(self, doc_id: str) -> list[StoredChunk]:
        rows = self.conn.execute(
            "SELECT chunk_id, doc_id, seq, text, embed_text, meta, embedded FROM chunks WHERE doc_id=? ORDER BY seq",
            (doc_id,),
        ).fetchall()
        return [StoredChunk(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), bool(r[6])) for r in rows]

    def find_article(self, doc_ids: Sequence[str], index: int, suffix: int = 0) -> list[StoredChunk]:
        if not doc_ids:
            return []
        marks = ",".join("?" * len(doc_ids))
        rows = self.conn.execute(
            "SELECT chunk_id, doc_id, seq, text, embed_text, meta, embedded FROM chunks"
            f" WHERE doc_id IN ({marks}) AND article_index=? AND COALESCE(article_suffix,0)=?",
            [*doc_ids, index, suffix],
        ).fetchall()
        return [StoredChunk(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), bool(r[6])) for r in rows]

    def role_chunks(self, role: str, genre: str | None = None) -> list[StoredChunk]:
        sql = ("SELECT chunk_id, doc_id, seq, text, embed_text, meta, embedded FROM chunks"
               " WHERE kind='report' AND role=?")
        args: list[Any] = [role]
        if genre:
            sql += " AND genre=?"
            args.append(genre)
        rows = self.conn.execute(sql + " ORDER BY doc_id, seq", args).fetchall()
        return [StoredChunk(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), bool(r[6])) for r in rows]


def _chromadb():
    """chromadb, imported here only (heavy: keyword-only work and `assistant check` never pay for it)."""
    import chromadb
    import chromadb.api.shared_system_client
    import chromadb.config

    return chromadb


def _chroma_settings():
    return _chromadb().config.Settings(anonymized_telemetry=False, allow_reset=False)


def make_client(settings: Settings):
    """Embedded PersistentClient under store_dir/chroma, or HttpClient when CHROMA_HOST is set."""
    chromadb = _chromadb()
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                       settings=_chroma_settings())
        path = settings.store_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
    except Exception as err:  # chromadb raises assorted types (ValueError, ConnectError, RuntimeError)
        where = (f"Chroma 服务器 {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host
                 else str(settings.store_dir / "chroma"))
        raise StoreError(f"无法打开向量库（{where}）：{err}",
                         hint="检查 CHROMA_HOST/CHROMA_PORT 或本地目录权限") from err


def forget_cached_client(settings: Settings) -> None:
    """Make the next embedded client of this store read the files afresh.

    chromadb keeps one client system per store path and process, and that system does not see vectors another
    process (`assistant index` while `assistant serve` runs) wrote since: filtered queries then fail with "Error
    finding id" and unfiltered ones miss the new vectors. Dropping the cache entry makes the next client start
    a new system on the same files; clients already open switch to it too, as they look their system up by
    path. A Chroma server needs none of this."""
    if settings.chroma_host:
        return
    systems = _chromadb().api.shared_system_client.SharedSystemClient._identifier_to_system
    systems.pop(str(settings.store_dir / "chroma"), None)


class VectorStore:
    """The Chroma collection, through langchain-chroma, bound to one embedder."""

    def __init__(self, settings: Settings, embedder, collection: str = COLLECTION, client=None) -> None:
        from langchain_chroma import Chroma

        self.embedder = embedder
        self.client = client or make_client(settings)
        existing = self._existing_metadata(collection)
        self.created = existing is None
        if existing is not None:
            built_with = existing.get("embedder")
            if built_with and built_with != embedder.id:
                raise StoreError(
                    f"知识库的向量由嵌入模型 {built_with}（{existing.get('dimension')} 维）生成，"
                    f"当前配置的是 {embedder.id}，两者不能混用",
                    hint=f"运行 `{REEMBED_COMMAND}` 用当前模型重新嵌入，或改回原来的嵌入模型设置",
                )
        metadata = {"embedder": embedder.id, "dimension": int(embedder.dimension)}
        try:
            self.vs = Chroma(collection_name=collection, embedding_function=embedder, client=self.client,
                             collection_metadata=metadata, collection_configuration={"hnsw": {"space": "cosine"}})
        except Exception as err:
            raise StoreError(f"无法打开向量集合 {collection}：{err}") from err
        self.collection = self.vs._collection

    def _existing_metadata(self, name: str) -> dict[str, Any] | None:
        try:
            names = [c if isinstance(c, str) else c.name for c in self.client.list_collections()]
        except Exception as err:
            raise StoreError(f"无法连接向量库：{err}", hint="检查 CHROMA_HOST/CHROMA_PORT") from err
        if name not in names:
            return None
        # Pass vectors ourselves always; the collection is only read for its metadata here.
        col = self.client.get_collection(name)
        return dict(col.metadata or {})

    def upsert(self, ids: Sequence[str], texts: Sequence[str], metadatas: Sequence[dict[str, Any]]) -> None:
        """Embeds through the (cached) embedder and upserts; idempotent by chunk id."""
        if not ids:
            return
        clean = [{k: v for k, v in m.items() if isinstance(v, (str, int, float, bool))} for m in metadatas]
        try:
            self.vs.add_texts(list(texts), metadatas=clean, ids=list(ids))
        except StoreError:
            raise
        except Exception as err:  # a server error mid-run: what was written stays; rerunning continues
            raise VectorIndexError(f"写入向量库失败：{err}",
                                   hint="关键词检索不受影响；稍后重新运行 `assistant index --embed-only` 继续") from err

    def delete(self, ids: Sequence[str]) -> None:
        """Delete chunk vectors and the 款 vectors that name them as `parent`."""
        for i in range(0, len(ids), 5000):
            part = list(ids[i : i + 5000])
            self.collection.delete(ids=part)
            self.collection.delete(where={"parent": {"$in": part}})

    def count(self) -> int:
        try:
            return self.collection.count()
        except Exception as err:
            raise VectorIndexError(f"向量库读取失败：{err}", hint=f"运行 `{REBUILD_COMMAND}` 重建向量索引") from err

    def healthy(self) -> bool:
        """A filtered and an unfiltered probe query both succeed (a collection damaged by a killed writer
        fails with 'Error finding id')."""
        try:
            n = self.collection.count()
            if n == 0:
                return True
            probe = [1.0] + [0.0] * (int(self.embedder.dimension) - 1)
            k = min(n, 100)
            self.collection.query(query_embeddings=[probe], n_results=k, include=["distances"])
            for kind in ("report", "regulation"):
                self.collection.query(query_embeddings=[probe], n_results=k, where={"kind": kind},
                                      include=["distances"])
            return True
        except Exception:
            return False

    def query(self, vector: Sequence[float], k: int, where: dict[str, Any] | None = None
              ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity clipped to [0, 1]), best first."""
        try:
            res = self.collection.query(query_embeddings=[list(vector)], n_results=k, where=where or None,
                                        include=["distances"])
        except Exception as err:  # chromadb's InternalError and friends
            raise VectorIndexError(f"向量库查询失败：{err}", hint=f"运行 `{REBUILD_COMMAND}` 重建向量索引") from err
        ids = res["ids"][0]
        dists = res["distances"][0]
        return [(i, similarity_from_distance(d)) for i, d in zip(ids, dists, strict=False)]

    def similarity_search(self, query: str, k: int = 4, where: dict[str, Any] | None = None):
        """LangChain documents with similarity in [0, 1] (higher is better)."""
        pairs = self.vs.similarity_search_with_score(query, k=k, filter=where or None)
        return [(doc, similarity_from_distance(d)) for doc, d in pairs]


def similarity_from_distance(distance: float) -> float:
    """Chroma's cosine distance is 1 − cos θ ∈ [0, 2]; report cos θ clipped to [0, 1] (opposite vectors and
    orthogonal ones are equally useless to a reader)."""
    return max(0.0, min(1.0, 1.0 - float(distance)))


def chroma_where(kind: str | None = None, genre: str | None = None, role: str | None = None,
                 issuer: str | None = None, year_min: int | None = None, year_max: int | None = None
                 ) -> dict[str, Any] | None:
    conds: list[dict[str, Any]] = []
    for key, val in (("kind", kind), ("genre", genre), ("role", role), ("issuer", issuer)):
        if val:
            conds.append({key: val})
    if year_min is not None:
        conds.append({"year": {"$gte": int(year_min)}})
    if year_max is not None:
        conds.append({"year": {"$lte": int(year_max)}})
    if not conds:
        return None
    return conds[0] if len(conds) == 1 else {"$and": conds}
