"""One knowledge base for every install pointed at the same Chroma server (CHROMA_HOST).

The server holds, besides the vectors, everything search needs: a registry collection with one record per
document (its content hash and metadata) and a version token, and a chunk collection with each chunk's text,
metadata and keyword tokens. The local docstore becomes a mirror: `pull` compares the registry with it when
the version token changed and fetches or drops what differs, so the BM25 index (rebuilt from the docstore)
and dense search see what other installs indexed or removed on their next query. Chroma's own sparse index
exists only in Chroma Cloud, hence the keyword index stays here.

Writes go to the server first (`publish`, `retract`) and to the local docstore after, so a server failure
mid-index leaves the local mirror consistent and a rerun completes the rest. Two installs writing at once
cannot lose a document (each record is written on its own, never a shared list) and cannot keep two copies of
one file: after writing, the smallest doc id among records with the same content hash wins.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from assistant.errors import StoreError
from assistant.kb.chunking import Chunk
from assistant.kb.keyword import Tokenizer
from assistant.kb.store import COLLECTION, DocStore, DocumentRecord, make_client
from assistant.settings import Settings

REGISTRY = "gongwen_registry"
CHUNKS = "gongwen_chunks"
VERSION_ID = "__version__"
_DUMMY = [1.0]  # the registry and chunk collections are read by id and metadata only, never by vector
_DOC_FIELDS = ("source", "kind", "title", "genre", "issuer", "year", "status", "content_hash", "n_chunks")


def _scalar_meta(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if isinstance(v, (str, int, float, bool))}


class SharedRegistry:
    def __init__(self, settings: Settings, docstore: DocStore) -> None:
        self.settings = settings
        self.docstore = docstore
        self._client = None
        self._seen: str | None = None

    def _where(self) -> str:
        return f"Chroma 服务器 {self.settings.chroma_host}:{self.settings.chroma_port}"

    def _call(self, what: str, fn, *args, **kwargs):
        """Run one server call; any failure becomes a StoreError naming the server (and nothing local has
        been changed by the step that failed)."""
        hint = "检查服务器是否在运行、CHROMA_HOST/CHROMA_PORT 是否正确；本机文件未改动"
        if self._client is None:
            try:
                self._client = make_client(self.settings)
            except StoreError as err:
                raise StoreError(f"无法连接 {self._where()}，{what}失败", hint=hint) from err
        try:
            return fn(*args, **kwargs)
        except StoreError:
            raise
        except Exception as err:  # chromadb raises assorted types (ConnectError, ChromaError, ValueError)
            self._client = None
            raise StoreError(f"{self._where()}{what}失败：{err}", hint=hint) from err

    def _col(self, name: str):
        return self._client.get_or_create_collection(name)

    def _version(self) -> str | None:
        res = self._col(REGISTRY).get(ids=[VERSION_ID], include=["metadatas"])
        return res["metadatas"][0].get("token") if res["ids"] else None

    def _bump(self) -> None:
        self._col(REGISTRY).upsert(ids=[VERSION_ID], embeddings=[_DUMMY],
                                   metadatas=[{"token": uuid.uuid4().hex, "marker": True}])
        self._seen = None  # our own write is not a sync: the next pull still compares

    # --- reading: server → local mirror ------------------------------------------------------------------
    def pull(self, tokenizer: Tokenizer) -> bool:
        """Bring the local docstore in line with the server when its version token changed. True when
        something changed locally."""
        return self._call("读取", self._pull, tokenizer)

    def _pull(self, tokenizer: Tokenizer) -> bool:
        token = self._version()
        if token is not None and token == self._seen:
            return False
        res = self._col(REGISTRY).get(include=["metadatas"])
        remote = {i: m for i, m in zip(res["ids"], res["metadatas"], strict=True) if i != VERSION_ID}
        local = {d.doc_id: d for d in self.docstore.documents()}
        changed = False
        for doc_id in set(local) - set(remote):
            self.docstore.remove_document(doc_id)
            changed = True
        for doc_id, meta in remote.items():
            if doc_id in local and local[doc_id].content_hash == meta.get("content_hash"):
                continue
            self._fetch_document(doc_id, meta, tokenizer)
            changed = True
        self._mark_embedded()
        # Vectors of removed chunks were deleted on the server by whoever removed them.
        self.docstore.clear_pending_deletes(self.docstore.pending_deletes())
        self._seen = token
        return changed

    def _fetch_document(self, doc_id: str, meta: dict[str, Any], tokenizer: Tokenizer) -> None:
        res = self._col(CHUNKS).get(where={"$and": [{"doc_id": doc_id}, {"doc_hash": meta["content_hash"]}]},
                                    include=["documents", "metadatas"])
        chunks = []
        for cid, embed_text, m in zip(res["ids"], res["documents"], res["metadatas"], strict=True):
            tokens = m.get("tokens")
            chunks.append(Chunk(cid, doc_id, int(m["seq"]), m["text"], embed_text, json.loads(m["meta"]),
                                tokens.split("\t") if tokens else None))
        if len(chunks) != int(meta.get("n_chunks") or 0):
            return  # the writer has not finished this document yet: the next version bump brings it
        chunks.sort(key=lambda c: c.seq)
        if meta.get("kind") == "regulation":
            tokenizer.add_words([meta.get("title") or ""])
        record = DocumentRecord(doc_id, meta["source"], meta["kind"], meta["title"], meta.get("genre") or None,
                                meta.get("issuer") or None, meta.get("year") or None, meta.get("status") or None,
                                meta["content_hash"], len(chunks))
        self.docstore.replace_document(record, chunks)

    def _mark_embedded(self) -> None:
        """Chunks whose vectors another install put on the server count as embedded here."""
        pending = [c.chunk_id for _, c in self.docstore.unembedded(10**9)]
        if not pending or COLLECTION not in self._collection_names():
            return
        col = self._client.get_collection(COLLECTION)
        for i in range(0, len(pending), 1000):
            have = col.get(ids=pending[i : i + 1000], include=[])["ids"]
            if have:
                self.docstore.mark_embedded(have)

    def _collection_names(self) -> set[str]:
        return {c if isinstance(c, str) else c.name for c in self._client.list_collections()}

    # --- writing: local change → server first ------------------------------------------------------------
    def publish(self, record: DocumentRecord, chunks: Sequence[Chunk]) -> None:
        self._call("写入", self._publish, record, chunks)

    def _publish(self, record: DocumentRecord, chunks: Sequence[Chunk]) -> None:
        col = self._col(CHUNKS)
        for i in range(0, len(chunks), 500):
            part = chunks[i : i + 500]
            col.upsert(ids=[c.chunk_id for c in part], embeddings=[_DUMMY] * len(part),
                       documents=[c.embed_text for c in part],
                       metadatas=[{"doc_id": record.doc_id, "doc_hash": record.content_hash, "seq": c.seq,
                                   "text": c.text, "meta": json.dumps(c.meta, ensure_ascii=False),
                                   "tokens": "\t".join(c.tokens or [])} for c in part])
        doc = {f: getattr(record, f) for f in _DOC_FIELDS}
        doc["n_chunks"] = len(chunks)
        self._col(REGISTRY).upsert(ids=[record.doc_id], embeddings=[_DUMMY], metadatas=[_scalar_meta(doc)])
        # Older versions of this document's chunks go only after the registry names the new version.
        col.delete(where={"$and": [{"doc_id": record.doc_id}, {"doc_hash": {"$ne": record.content_hash}}]})
        self._drop_duplicates(record)
        self._bump()

    def _drop_duplicates(self, record: DocumentRecord) -> None:
        """The same file indexed by two installs under two paths: keep the smallest doc id."""
        res = self._col(REGISTRY).get(where={"content_hash": record.content_hash}, include=[])
        ids = sorted(res["ids"])
        for doc_id in ids[1:]:
            self._retract(doc_id)

    def touch(self) -> None:
        """Tell other installs that vectors were added (they count those chunks as embedded)."""
        self._call("写入", self._bump)

    def retract(self, doc_id: str) -> None:
        self._call("删除", self._retract_and_bump, doc_id)

    def _retract_and_bump(self, doc_id: str) -> None:
        self._retract(doc_id)
        self._bump()

    def _retract(self, doc_id: str) -> None:
        self._col(REGISTRY).delete(ids=[doc_id])
        self._col(CHUNKS).delete(where={"doc_id": doc_id})
        if COLLECTION in self._collection_names():
            self._client.get_collection(COLLECTION).delete(where={"doc_id": doc_id})
