"""Queries over an opened knowledge base: `Searcher.search` routes and ranks, `exemplars` reassembles past
report sections. Ranking policy is in fusion.py; article references in references.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError, ConfigError
from assistant.kb import fusion
from assistant.kb.hits import Exemplar, Hit, SearchFilters
from assistant.kb.keyword import KeywordIndex
from assistant.kb.query_terms import TermTable, with_terms
from assistant.kb.references import ArticleRefs
from assistant.kb.rerank import TOP_N, Reranker
from assistant.kb.store import DocStore, StoredChunk, VectorIndexError
from assistant.kb.vectors import Vectors

CANDIDATES = 50
MAX_QUERY_CHARS = 2000  # longer queries are cut: neither ranker gains from more, and BM25 slows down
MODES = ("hybrid", "dense", "bm25")
VERBATIM_MAX_CHUNKS = 20  # a "quote" found in more chunks than this is a common phrase, not a quote


def check_query(query: str | None, k: int, mode: str) -> str:
    query = (query or "").strip()
    if not query:
        raise AssistantError("检索内容为空", hint="请输入要查找的词语或句子")
    if not any(ch.isalnum() for ch in query):
        raise AssistantError("检索内容只有标点或符号", hint="请输入要查找的词语或句子")
    if k < 1:
        raise AssistantError("k 必须是正整数")
    if mode not in MODES:
        raise AssistantError(f"未知的检索方式：{mode}", hint="可选 hybrid、dense、bm25")
    return query[:MAX_QUERY_CHARS]


class Searcher:
    def __init__(self, docstore: DocStore, keyword: Callable[[], KeywordIndex], vectors: Vectors,
                 embedder: Callable[[], Any], refs: ArticleRefs, roles: Callable[[], frozenset[str]]) -> None:
        self.docstore = docstore
        self.keyword = keyword
        self.vectors = vectors
        self.embedder = embedder
        self.refs = refs
        self.roles = roles
        self.params = fusion.DEFAULT
        self.reranker: Reranker | None = None  # optional endpoint (rerank.py)
        self.terms: Callable[[], TermTable] | None = None  # everyday words → legal terms (query_terms.py)
        self.warnings: list[str] = []  # problems the last search worked around (e.g. damaged vector index)

    def search(self, query: str, k: int = 5, filters: SearchFilters | dict[str, Any] | None = None, *,
               mode: str = "hybrid", max_per_doc: int | None = 2, extra: str = "") -> list[Hit]:
        """Top-k chunks for `query` (mode hybrid | dense | bm25); at most `max_per_doc` per document. `extra`:
        more words to rank by (a rewriting of the question); references and quotes come from `query` alone."""
        query = check_query(query, k, mode)
        f = SearchFilters.coerce(filters, self.roles() if filters and _get(filters, "role") else None)
        n_cand = max(CANDIDATES, 4 * k)
        self.warnings = []
        first: list[tuple[StoredChunk, str]] = []
        if mode != "dense":  # dense mode is the vector ranking alone, for comparison and diagnosis
            if f.kind in (None, "regulation"):
                first += [(c, "article") for c in self.refs.resolve(query)]
            first += [(c, "verbatim") for c in self.verbatim(query, f)]
        ranked_query = self._with_terms(query, f)
        if extra.strip():
            ranked_query = f"{ranked_query}；{extra.strip()[:MAX_QUERY_CHARS]}"
        kw_hits: list[tuple[str, float]] = []
        coverage = 0.0
        if mode in ("hybrid", "bm25"):
            kw_hits, coverage = self.keyword().search(ranked_query, n_cand, f.keyword())
            if ranked_query != query:  # evidence that the user wrote the text's own words: their words only
                coverage = self.keyword().search(query, 1, f.keyword())[1]
        dense_hits = self._dense(ranked_query, n_cand, f) if mode in ("hybrid", "dense") else []
        if mode == "bm25":
            ranked = fusion.fuse([], kw_hits, coverage, self.params)
        elif mode == "dense":
            ranked = fusion.fuse(dense_hits, [], 0.0, self.params)
        else:
            waiting = self.docstore.unembedded_among([cid for cid, _ in kw_hits]) if dense_hits else set()
            ranked = fusion.fuse(dense_hits, kw_hits, coverage, self.params, waiting, ranked_query != query)
        if self.reranker is not None and mode == "hybrid" and len(ranked) > 1:
            ranked = self._rerank(query, ranked)
        return self._collect(first, ranked, dict(dense_hits), dict(kw_hits), k, mode, max_per_doc)

    def _with_terms(self, query: str, f: SearchFilters) -> str:
        """A question about regulations, with the legal terms its everyday words stand for. Not for report
        searches: the terms are the regulations' words ("用人单位"), and reports use the everyday ones."""
        if self.terms is None or f.kind not in (None, "regulation"):
            return query
        try:
            return with_terms(query, self.terms())
        except ConfigError as err:
            self.warnings.append(str(err))
            return query

    def _rerank(self, query: str, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        head = ranked[:TOP_N]
        chunks = self.docstore.chunks_by_ids([cid for cid, _ in head])
        head = [(cid, s) for cid, s in head if cid in chunks]
        try:
            scores = self.reranker.scores(query, [chunks[cid].embed_text for cid, _ in head])
        except AssistantError as err:
            self.warnings.append(str(err))
            return ranked
        order = sorted(range(len(head)), key=lambda i: -scores[i])
        top = max(scores) or 1.0
        return [(head[i][0], max(0.0, min(1.0, scores[i] / top))) for i in order] + ranked[TOP_N:]

    def _dense(self, query: str, n: int, f: SearchFilters) -> list[tuple[str, float]]:
        if not self.docstore.has_embedded():
            return []
        vec = self.embedder().embed_query(query)
        try:
            return self.vectors.query(vec, n, f, self.keyword())
        except VectorIndexError as err:
            # Keep answering with keywords; the next index run rebuilds the vectors from the cache.
            self.docstore.set_meta("vectors_dirty", "1")
            self.warnings.append(str(err))
            return []

    def verbatim(self, query: str, f: SearchFilters) -> list[StoredChunk]:
        """Chunks holding a ≥ 8-character fragment of the query word for word, those holding the most
        fragments first. Candidates come from BM25 on each fragment alone (a chunk holding the quote holds
        all its terms), then the chunk's own text decides (not the title prefixed for embedding: a law's
        title quoted in a report is a quote of the report, not of every article)."""
        frags = [fusion.squash(p) for p in fusion.fragments(query)]
        if not frags:
            return []
        kw = self.keyword()
        found: dict[str, int] = {}
        chunks: dict[str, StoredChunk] = {}
        for frag in frags:
            ids = [cid for cid, _ in kw.search(frag, 50, f.keyword())[0]]
            hits = [c for c in self.docstore.chunks_by_ids(ids).values()
                    if frag in fusion.squash(c.text)]
            if len(hits) > VERBATIM_MAX_CHUNKS:
                continue
            for c in hits:
                chunks[c.chunk_id] = c
                found[c.chunk_id] = found.get(c.chunk_id, 0) + 1
        others = [fusion.squash(p) for p in query.split() if fusion.squash(p)]
        def strength(c: StoredChunk) -> tuple[int, int]:
            text = fusion.squash(c.text)
            return (-found[c.chunk_id], -sum(p in text for p in others))
        return sorted(chunks.values(), key=strength)

    def _collect(self, first: list[tuple[StoredChunk, str]], ranked: list[tuple[str, float]],
                 dense_of: dict[str, float], bm25_of: dict[str, float], k: int, mode: str,
                 max_per_doc: int | None) -> list[Hit]:
        out: list[Hit] = []
        per_doc: dict[str, int] = {}
        seen: set[str] = set()

        def take(c: StoredChunk, score: float, match: str) -> None:
            if c.chunk_id in seen:
                return
            if max_per_doc is not None and per_doc.get(c.doc_id, 0) >= max_per_doc and match != "article":
                return
            seen.add(c.chunk_id)
            per_doc[c.doc_id] = per_doc.get(c.doc_id, 0) + 1
            out.append(Hit.of(c, score, match, dense_of.get(c.chunk_id), bm25_of.get(c.chunk_id)))

        for c, match in first:
            take(c, 1.0, match)
        page = max(4 * k, 20)  # chunks are read a page at a time: most searches need only the first
        for start in range(0, len(ranked), page):
            if len(out) >= k:
                break
            part = ranked[start : start + page]
            chunks = self.docstore.chunks_by_ids([cid for cid, _ in part])
            for cid, score in part:
                if len(out) >= k:
                    break
                c = chunks.get(cid)
                if c is None:  # a vector whose chunk the docstore no longer has (deleted, not yet flushed)
                    continue
                match = mode if mode != "hybrid" else (
                    "hybrid" if cid in dense_of and cid in bm25_of else "dense" if cid in dense_of else "bm25")
                # 1.0 is reserved for an explicitly named article or a quote when there is one.
                take(c, min(0.99 if first else 1.0, score), match)
        return out[:k]

    def exemplars(self, genre: str | None, role: str, k: int = 3, query: str | None = None, *,
                  exclude_source: str | None = None) -> list[Exemplar]:
        """Sections of past reports with `role` (and `genre`, when given), one per document: the ones closest
        to `query` first when a query is given, else newest first. Each is the whole section, reassembled
        from its chunks in order."""
        groups: dict[tuple[str, int], list[StoredChunk]] = {}
        for c in self.docstore.role_chunks(role, genre):
            groups.setdefault((c.doc_id, int(c.meta.get("part") or 0)), []).append(c)
        best: dict[str, list[StoredChunk]] = {}
        excluded = str(Path(exclude_source).resolve()) if exclude_source else None
        for (doc_id, _part), cs in groups.items():
            if excluded and cs[0].meta.get("source") == excluded:
                continue
            if doc_id not in best or sum(len(c.text) for c in cs) > sum(len(c.text) for c in best[doc_id]):
                best[doc_id] = cs
        out = [_exemplar(cs, role) for cs in best.values()]
        out.sort(key=lambda e: (-(e.year or 0), e.title))
        if query and query.strip() and out:
            hits = self.search(query, k=max(10, 3 * k), filters={"kind": "report", "genre": genre or None,
                                                                 "role": role}, max_per_doc=1)
            rank = {h.doc_id: i for i, h in enumerate(hits)}
            out.sort(key=lambda e: rank.get(e.doc_id, len(rank)))
        return out[:k]


def _get(filters: SearchFilters | dict[str, Any], key: str) -> Any:
    return getattr(filters, key, None) if isinstance(filters, SearchFilters) else filters.get(key)


def _exemplar(cs: list[StoredChunk], role: str) -> Exemplar:
    m = cs[0].meta
    heading = (m.get("heading_path") or "").split(" > ")[0]
    return Exemplar(title=m.get("title", ""), genre=m.get("genre") or "", role=role, heading=heading,
                    text="\n".join(c.text for c in sorted(cs, key=lambda c: c.seq)),
                    year=m.get("year"), issuer=m.get("issuer") or "", source=m.get("source", ""),
                    doc_id=cs[0].doc_id)
