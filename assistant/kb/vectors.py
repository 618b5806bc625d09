"""Phase 2 and the dense side of search: the Chroma collection's lifecycle, embedding pending chunks,
re-embedding, flushing deletions, and dense queries (article 款 vectors folded into their article).

A regulation article's 款/项 texts (`meta["parts"]`) are embedded as extra vectors with ids `<chunk id>~<n>`
and `parent` metadata; a dense query counts each article once, at its best-matching vector.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from typing import Any

from assistant.kb.hits import SearchFilters
from assistant.kb.keyword import KeywordIndex
from assistant.kb.store import (
    COLLECTION,
    DocStore,
    StoredChunk,
    VectorIndexError,
    VectorStore,
    chroma_where,
    forget_cached_client,
    make_client,
)
from assistant.settings import Settings

PART_SEP = "~"
# A filter letting at least this share of chunks through is applied after an unfiltered vector query.
POST_FILTER_MIN_SHARE = 0.3


def parent_id(vector_id: str) -> str:
    return vector_id.split(PART_SEP, 1)[0]


def vector_rows(chunks: Sequence[StoredChunk], with_parts: bool = True
                ) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """(ids, texts, metadata) of every vector of `chunks`: the chunk itself, then its 款/项 parts."""
    ids, texts, metas = [], [], []
    for c in chunks:
        meta = {k: v for k, v in c.meta.items() if k != "parts"}
        meta["parent"] = c.chunk_id
        ids.append(c.chunk_id)
        texts.append(c.embed_text)
        metas.append(meta)
        for i, part in enumerate(c.meta.get("parts") or [] if with_parts else [], 1):
            ids.append(f"{c.chunk_id}{PART_SEP}{i}")
            texts.append(part)
            metas.append(meta)
    return ids, texts, metas


class Vectors:
    """The vector collection of one knowledge base, reopened when another process has written to it."""

    def __init__(self, settings: Settings, docstore: DocStore, embedder: Callable[[], Any]) -> None:
        self.settings = settings
        self.docstore = docstore
        self._embedder = embedder
        self._store: VectorStore | None = None
        self._seen = -1  # the docstore's vectors_version this process's Chroma client has seen
        self._lock = threading.RLock()
        self.after_write: Callable[[], None] | None = None  # tells other installs (shared server)
        self.use_parts = True  # False: article vectors only (the ablation in benchmarks/retrieval_eval.py)

    @property
    def store(self) -> VectorStore:
        with self._lock:
            version = self._version()
            if self._store is not None and version != self._seen and not self.settings.chroma_host:
                self._store = None  # another process wrote vectors since this client opened: reopen
            if self._store is None:
                forget_cached_client(self.settings)
                self._store = VectorStore(self.settings, self._embedder())
                self._seen = version
                if self._store.created and self.docstore.count_chunks(embedded=True):
                    # A new, empty collection (deleted folder, new server): nothing is embedded any more.
                    self.docstore.reset_embedded()
            return self._store

    def drop_client(self) -> None:
        with self._lock:
            self._store = None

    def _version(self) -> int:
        return int(self.docstore.get_meta("vectors_version") or 0)

    def written(self) -> None:
        """Record a write to the vector collection, so long-running processes reopen their Chroma client."""
        with self._lock:
            current = self._version()
            self.docstore.set_meta("vectors_version", str(current + 1))
            # Another process wrote in between: this client may not have seen it, so reopen on next use.
            self._seen = current + 1 if current == self._seen else -1

    # --- writing --------------------------------------------------------------------------------------
    def flush_pending_deletes(self, quiet: bool = False) -> int:
        """Delete from Chroma the chunk ids the docstore dropped (and their 款 vectors). Skipped (quiet) when
        no collection exists yet: then there is nothing to delete."""
        ids = self.docstore.pending_deletes()
        if not ids:
            return 0
        if self._store is None and quiet and not (self.settings.store_dir / "chroma").exists() \
                and not self.settings.chroma_host:
            self.docstore.clear_pending_deletes(ids)
            return 0
        self.store.delete(ids)
        self.written()
        self.docstore.clear_pending_deletes(ids)
        return len(ids)

    def embed_pending(self, batch_size: int = 32, limit: int | None = None,
                      on_progress: Callable[[int, int], None] | None = None) -> int:
        """Embed chunks without a vector (cache first), upsert them, mark them. Resumable at any point;
        KeyboardInterrupt propagates after the last finished batch is recorded."""
        vs = self.store
        # An embedded store whose writer was killed mid-upsert, or whose index is damaged, is rebuilt (vectors
        # come from the cache, so this costs Chroma inserts, not embedding time). Never a shared server's:
        # dropping it would take every other install's vectors with it, and the server writes atomically.
        if not self.settings.chroma_host and (self.docstore.get_meta("vectors_dirty") == "1"
                                              or not vs.healthy()):
            self.reembed()
            vs = self.store
            self.docstore.set_meta("vectors_dirty", "0")
        self.flush_pending_deletes()
        total = self.docstore.count_chunks(embedded=False)
        if limit is not None:
            total = min(total, limit)
        done = last_rowid = 0
        if on_progress:
            on_progress(0, total)
        while done < total:
            rows = self.docstore.unembedded(min(batch_size, total - done), after_rowid=last_rowid)
            if not rows:
                break
            last_rowid = rows[-1][0]
            chunks = [c for _, c in rows]
            if self.settings.chroma_host:  # another install sharing the server may have embedded them
                have = set(vs.collection.get(ids=[c.chunk_id for c in chunks], include=[])["ids"])
                self.docstore.mark_embedded(have)
                done += len(have)
                chunks = [c for c in chunks if c.chunk_id not in have]
            ids, texts, metas = vector_rows(chunks)
            # Embed first (the slow part, interruptible), then mark the store dirty only around the write.
            self._embedder().embed_documents(texts)
            self.docstore.set_meta("vectors_dirty", "1")
            vs.upsert(ids, texts, metas)
            self.docstore.mark_embedded([c.chunk_id for c in chunks])
            self.written()
            self.docstore.set_meta("vectors_dirty", "0")
            if self.after_write is not None:
                self.after_write()
            done += len(chunks)
            if on_progress:
                on_progress(done, total)
        return done

    def reembed(self) -> None:
        """Drop the vector collection (built by another embedder) and mark everything unembedded; follow with
        `embed_pending`."""
        client = make_client(self.settings)
        with contextlib.suppress(Exception):  # not there: nothing to drop
            client.delete_collection(COLLECTION)
        self.docstore.reset_embedded()
        self.docstore.clear_pending_deletes(self.docstore.pending_deletes())
        self.drop_client()
        self.written()

    # --- reading --------------------------------------------------------------------------------------
    def query(self, vec: Sequence[float], n: int, f: SearchFilters, keyword: KeywordIndex
              ) -> list[tuple[str, float]]:
        """Top-n (chunk id, similarity) passing the filters; a stale client is reopened once."""
        try:
            return self._query(vec, n, f, keyword)
        except VectorIndexError:
            # Perhaps only this process's view is stale (writes it was not told about): reopen once.
            self.drop_client()
            return self._query(vec, n, f, keyword)

    def _query(self, vec: Sequence[float], n: int, f: SearchFilters, keyword: KeywordIndex
               ) -> list[tuple[str, float]]:
        """Chroma answers a metadata-filtered query by scanning (≈70 ms at 21k chunks against ≈5 ms
        unfiltered), so a filter that lets most chunks through is applied afterwards to a larger unfiltered
        candidate list; narrow filters still go to Chroma."""
        where = chroma_where(f.kind, f.genre, f.role, f.issuer, f.year_min, f.year_max)
        if where is None:
            return self._top(vec, n, None)
        kwf = f.keyword()
        share = keyword.share(kwf)
        if share >= POST_FILTER_MIN_SHARE:
            want = int(2 * n / share * 1.5) + 1
            found = self.store.query(vec, want, None)
            raw = _fold(found, want, self.use_parts)
            kept = [h for h, ok in zip(raw, keyword.passes([cid for cid, _ in raw], kwf), strict=True) if ok]
            if len(kept) >= n or len(found) < want:  # enough, or the whole collection was seen
                return kept[:n]
        return self._top(vec, n, where)

    def _top(self, vec: Sequence[float], n: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
        """n articles/chunks: 款 vectors compete for places with their own article, so ask for more vectors
        until n distinct chunks come back or the collection is exhausted."""
        n_vec = 2 * n
        while True:
            found = self.store.query(vec, n_vec, where)
            folded = _fold(found, n, self.use_parts)
            if len(folded) >= n or len(found) < n_vec:
                return folded
            n_vec *= 2


def _fold(hits: list[tuple[str, float]], n: int, use_parts: bool = True) -> list[tuple[str, float]]:
    """Each article once, at its best vector (hits come best first)."""
    out: dict[str, float] = {}
    for vid, sim in hits:
        if use_parts or PART_SEP not in vid:
            out.setdefault(parent_id(vid), sim)
    return list(out.items())[:n]
