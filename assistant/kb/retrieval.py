"""The knowledge base as the rest of the product sees it: `KnowledgeBase.open(settings)`.

    kb = KnowledgeBase.open(settings)
    kb.search("存在的不足和原因", k=5, filters={"kind": "report"})      -> list[Hit]
    kb.exemplars("法治政府建设年度报告", "shortcomings", k=3)           -> list[Exemplar]
    kb.article("中华人民共和国安全生产法", 25)                          -> Hit | None
    kb.index([path], kind="auto"); kb.embed_pending(); kb.stats(); kb.remove("file or doc id")

Ranking: an explicit article reference (《安全生产法》第二十五条, 安全生产法第25条) is resolved directly and
ranked first. Everything else is a weighted reciprocal-rank fusion of dense (Chroma, only chunks that already
have vectors) and BM25 (every chunk). BM25's weight follows how much of the query its best hit actually
contains: equal-weight RRF drags paraphrased questions down (../shared/research/retrieval-findings.md), while
keyword-heavy queries deserve BM25's voice.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.kb.keyword import KeywordFilters, KeywordIndex, Tokenizer
from assistant.kb.store import DocStore, StoredChunk, VectorIndexError, VectorStore, chroma_where
from assistant.settings import Settings, get_settings

RRF_K = 60
# A filter letting at least this share of chunks through is applied after an unfiltered vector query.
POST_FILTER_MIN_SHARE = 0.3
CANDIDATES = 50
DENSE_WEIGHT = 1.0
BM25_MIN_WEIGHT = 0.2  # BM25's weight when its best hit shares almost nothing with the query
BM25_MAX_WEIGHT = 1.0  # … and when it contains every query term

_STRIP_TITLE = re.compile(r"[\s《》〈〉<>“”\"'「」]")


@dataclass
class Hit:
    text: str
    score: float  # in [0, 1], higher is better
    kind: str
    title: str
    role: str
    heading_path: str
    article: str
    year: int | None
    source: str
    doc_id: str = ""
    chunk_id: str = ""
    genre: str = ""
    issuer: str = ""
    status: str = ""
    match: str = "hybrid"  # article | hybrid | dense | bm25
    dense: float | None = None  # cosine similarity in [0, 1] when the chunk has a vector
    bm25: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Exemplar:
    """One section of a past report with a given role, text reassembled in order."""

    title: str
    genre: str
    role: str
    heading: str
    text: str
    year: int | None
    issuer: str
    source: str
    doc_id: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchFilters:
    kind: str | None = None  # report | regulation
    genre: str | None = None
    role: str | None = None
    issuer: str | None = None
    year_min: int | None = None
    year_max: int | None = None

    @classmethod
    def coerce(cls, f: SearchFilters | dict[str, Any] | None) -> SearchFilters:
        if f is None:
            return cls()
        if isinstance(f, SearchFilters):
            return f
        unknown = set(f) - set(cls.__dataclass_fields__) - {"year"}
        if unknown:
            raise AssistantError(f"未知的检索条件：{', '.join(sorted(unknown))}")
        data = {k: v for k, v in f.items() if k != "year"}
        if f.get("year") is not None:
            data["year_min"] = data["year_max"] = int(f["year"])
        out = cls(**data)
        if out.kind and out.kind not in ("report", "regulation"):
            raise AssistantError(f"未知的类别：{out.kind}", hint="可选 report 或 regulation")
        return out


def _kw_filters(f: SearchFilters) -> KeywordFilters:
    return KeywordFilters(f.kind, f.genre, f.role, f.issuer, f.year_min, f.year_max)


def _domain_terms(settings: Settings) -> list[str]:
    """Regulation titles and short titles from the catalog, genre names and role names/keywords from the
    genre rules: words jieba must keep whole."""
    words: list[str] = []
    try:
        from assistant.citations.catalog import load_catalog

        for e in load_catalog(settings).entries:
            words += [e.title, *e.short_titles, *e.aliases, *e.abbreviations]
    except (AssistantError, ImportError, OSError):
        pass
    try:
        from assistant.rules.genres import load_genres

        for g in load_genres(settings.genres_dir).values():
            words.append(g.name)
            for r in g.sections:  # plain-string aliases are phrases; Alias objects are weighted regexes
                words += [r.name, *(a for a in r.aliases if isinstance(a, str)), *r.keywords]
    except AssistantError:  # broken genre rules: `assistant check` reports them; search still works
        pass
    return [w for w in words if 2 <= len(w) <= 40]


class KnowledgeBase:
    def __init__(self, settings: Settings, embedder=None) -> None:
        self.settings = settings
        settings.store_dir.mkdir(parents=True, exist_ok=True)
        self.docstore = DocStore(settings.store_dir / "docstore.sqlite")
        self._embedder = embedder
        self._vectors: VectorStore | None = None
        self._vectors_seen = -1  # the docstore's vectors_version this process's Chroma client has seen
        self._tokenizer: Tokenizer | None = None
        self._keyword: KeywordIndex | None = None
        self._titles: dict[str, list[str]] | None = None
        self._titles_gen = -1
        self._lock = threading.RLock()
        self.warnings: list[str] = []  # problems the last search worked around (e.g. damaged vector index)

    @classmethod
    def open(cls, settings: Settings | None = None, *, embedder=None, auto_samples: bool = True) -> KnowledgeBase:
        """Open (creating if needed) the knowledge base of `settings`. On a fresh home the bundled samples are
        indexed (keyword phase; their vectors follow with `embed_pending`), so a new install has content."""
        kb = cls(settings or get_settings(), embedder=embedder)
        if auto_samples and kb.docstore.get_meta("samples_seeded") is None:
            if not kb.docstore.documents() and kb.settings.samples_dir.is_dir():
                kb.index([kb.settings.samples_dir])
            kb.docstore.set_meta("samples_seeded", "1")
        return kb

    def close(self) -> None:
        self.docstore.close()
        if self._embedder is not None and hasattr(self._embedder, "cache"):
            self._embedder.cache.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- components (lazy: BM25-only work never imports chromadb or loads a model) ----------------------
    @property
    def embedder(self):
        if self._embedder is None:
            from assistant.kb.embeddings import CachedEmbeddings, VectorCache, get_embedder

            self._embedder = CachedEmbeddings(get_embedder(self.settings),
                                              VectorCache(self.settings.home / "cache" / "vectors.sqlite"))
        elif not hasattr(self._embedder, "cache"):
            from assistant.kb.embeddings import CachedEmbeddings, VectorCache

            self._embedder = CachedEmbeddings(self._embedder,
                                              VectorCache(self.settings.home / "cache" / "vectors.sqlite"))
        return self._embedder

    @property
    def vectors(self) -> VectorStore:
        with self._lock:
            version = self._vectors_version()
            if self._vectors is not None and version != self._vectors_seen and not self.settings.chroma_host:
                self._vectors = None  # another process wrote vectors since this client opened: reopen
            if self._vectors is None:
                from assistant.kb.store import forget_cached_client

                forget_cached_client(self.settings)
                self._vectors = VectorStore(self.settings, self.embedder)
                self._vectors_seen = version
                if self._vectors.created and self.docstore.count_chunks(embedded=True):
                    # A new, empty collection (deleted folder, new server): nothing is embedded any more.
                    self.docstore.reset_embedded()
            return self._vectors

    def _vectors_version(self) -> int:
        return int(self.docstore.get_meta("vectors_version") or 0)

    def _vectors_written(self) -> None:
        """Record a write to the vector collection, so long-running processes reopen their Chroma client."""
        with self._lock:
            current = self._vectors_version()
            self.docstore.set_meta("vectors_version", str(current + 1))
            # Another process wrote in between: this client may not have seen it, so reopen on next use.
            self._vectors_seen = current + 1 if current == self._vectors_seen else -1

    @property
    def tokenizer(self) -> Tokenizer:
        if self._tokenizer is None:
            self._tokenizer = Tokenizer(_domain_terms(self.settings))
            self._tokenizer.add_words(d.title for d in self.docstore.documents("regulation"))
        return self._tokenizer

    def keyword_index(self) -> KeywordIndex:
        """The BM25 index, loaded from disk when it matches the docstore's generation, else rebuilt."""
        with self._lock:
            gen = self.docstore.generation()
            if self._keyword is not None and self._keyword.generation == gen:
                return self._keyword
            idx = KeywordIndex(self.settings.store_dir / "bm25", self.tokenizer)
            if not idx.load(gen):
                self.tokenizer.add_words(d.title for d in self.docstore.documents("regulation"))
                ids, texts, metas, tokens = [], [], [], []
                for cid, text, meta, toks in self.docstore.iter_chunks():
                    ids.append(cid)
                    texts.append(text)
                    metas.append(meta)
                    tokens.append(toks)
                idx.build(ids, texts, metas, gen, tokens)
                with contextlib.suppress(OSError):  # read-only home: keep it in memory
                    idx.save()
            self._keyword = idx
            return idx

    # --- indexing ---------------------------------------------------------------------------------------
    def index(self, paths: Sequence[str | Path], kind: str = "auto", prune: bool = False,
              on_file: Callable[[int, int, str], None] | None = None):
        from assistant.kb.indexer import Indexer

        return Indexer(self).index([Path(p) for p in paths], kind=kind, prune=prune, on_file=on_file)

    def flush_pending_deletes(self, quiet: bool = False) -> int:
        """Delete from Chroma the chunk ids the docstore dropped. Skipped (quiet) when no collection exists yet:
        then there is nothing to delete."""
        ids = self.docstore.pending_deletes()
        if not ids:
            return 0
        if self._vectors is None and quiet and not (self.settings.store_dir / "chroma").exists() \
                and not self.settings.chroma_host:
            self.docstore.clear_pending_deletes(ids)
            return 0
        self.vectors.delete(ids)
        self._vectors_written()
        self.docstore.clear_pending_deletes(ids)
        return len(ids)

    def embed_pending(self, batch_size: int = 32, limit: int | None = None,
                      on_progress: Callable[[int, int], None] | None = None) -> int:
        """Phase 2: embed chunks without a vector (cache first), upsert them, mark them. Resumable at any
        point; KeyboardInterrupt propagates after the last finished batch is recorded."""
        vs = self.vectors
        if self.docstore.get_meta("vectors_dirty") == "1" or not vs.healthy():
            # A writer was killed mid-upsert or the index is damaged: rebuild it. Vectors come from the cache,
            # so this costs Chroma inserts, not embedding time.
            self.reembed()
            vs = self.vectors
            self.docstore.set_meta("vectors_dirty", "0")
        self.flush_pending_deletes()
        total = self.docstore.count_chunks(embedded=False)
        if limit is not None:
            total = min(total, limit)
        done = 0
        last_rowid = 0
        if on_progress:
            on_progress(0, total)
        while done < total:
            rows = self.docstore.unembedded(min(batch_size, total - done), after_rowid=last_rowid)
            if not rows:
                break
            last_rowid = rows[-1][0]
            chunks = [c for _, c in rows]
            # Embed first (the slow part, interruptible), then mark the store dirty only around the write.
            self.embedder.embed_documents([c.embed_text for c in chunks])
            self.docstore.set_meta("vectors_dirty", "1")
            vs.upsert([c.chunk_id for c in chunks], [c.embed_text for c in chunks], [c.meta for c in chunks])
            self.docstore.mark_embedded([c.chunk_id for c in chunks])
            self._vectors_written()
            self.docstore.set_meta("vectors_dirty", "0")
            done += len(chunks)
            if on_progress:
                on_progress(done, total)
        return done

    def reembed(self) -> None:
        """Drop the vector collection (built by another embedder) and mark everything unembedded; follow with
        `embed_pending`."""
        from assistant.kb.store import COLLECTION, make_client

        client = make_client(self.settings)
        with contextlib.suppress(Exception):  # not there: nothing to drop
            client.delete_collection(COLLECTION)
        self.docstore.reset_embedded()
        self.docstore.clear_pending_deletes(self.docstore.pending_deletes())
        self._vectors = None
        self._vectors_written()

    def remove(self, ref: str) -> list[str]:
        """Remove documents by doc id, file path or exact title. Returns the sources removed."""
        from assistant.kb.indexer import Indexer

        docs = self.find_documents(ref)
        if not docs:
            raise AssistantError(f"知识库中没有该文档：{ref}", hint="用 assistant stats --json 查看已索引的文档")
        ix = Indexer(self)
        for d in docs:
            ix.remove_doc(d)
        self.flush_pending_deletes(quiet=True)
        return [d.source for d in docs]

    def find_documents(self, ref: str):
        doc = self.docstore.get_document(ref)
        if doc:
            return [doc]
        p = Path(ref).expanduser()
        src = str(p.resolve())
        docs = self.docstore.documents()
        by_path = [d for d in docs if d.source == src or (p.is_dir() and Path(d.source).is_relative_to(src))]
        if by_path:
            return by_path
        return [d for d in docs if d.title == ref]

    # --- queries ----------------------------------------------------------------------------------------
    def _dense(self, vec: Sequence[float], n: int, f: SearchFilters) -> list[tuple[str, float]]:
        """Top-n (chunk id, similarity) that pass the filters.

        Chroma answers a metadata-filtered query by scanning (≈70 ms at 21k chunks against ≈5 ms unfiltered),
        so a filter that lets most chunks through (kind=regulation in a regulation-heavy base) is applied
        afterwards to a larger unfiltered candidate list; narrow filters still go to Chroma."""
        where = chroma_where(f.kind, f.genre, f.role, f.issuer, f.year_min, f.year_max)
        if where is None:
            return self.vectors.query(vec, n, None)
        kwf = _kw_filters(f)
        keyword = self.keyword_index()
        share = keyword.share(kwf)
        if share >= POST_FILTER_MIN_SHARE:
            raw = self.vectors.query(vec, int(n / share * 1.5) + 1, None)
            kept = [h for h, ok in zip(raw, keyword.passes([cid for cid, _ in raw], kwf), strict=True) if ok]
            if len(kept) >= n or len(raw) < int(n / share * 1.5) + 1:
                return kept[:n]
        return self.vectors.query(vec, n, where)

    def search(self, query: str, k: int = 5, filters: SearchFilters | dict[str, Any] | None = None, *,
               mode: str = "hybrid", max_per_doc: int | None = 2) -> list[Hit]:
        """Top-k chunks for `query`. mode: hybrid | dense | bm25. `max_per_doc` caps chunks of one document
        (None: no cap)."""
        query = (query or "").strip()
        if not query:
            raise AssistantError("检索内容为空")
        if k < 1:
            raise AssistantError("k 必须是正整数")
        if mode not in ("hybrid", "dense", "bm25"):
            raise AssistantError(f"未知的检索方式：{mode}")
        f = SearchFilters.coerce(filters)
        n_cand = max(CANDIDATES, 4 * k)

        direct: list[StoredChunk] = []
        if mode != "dense" and f.kind in (None, "regulation"):
            direct = self.resolve_article_refs(query)

        kw_hits: list[tuple[str, float]] = []
        coverage = 0.0
        if mode in ("hybrid", "bm25"):
            kw_hits, coverage = self.keyword_index().search(query, n_cand, _kw_filters(f))
        dense_hits: list[tuple[str, float]] = []
        self.warnings = []
        if mode in ("hybrid", "dense") and self.docstore.has_embedded():
            vec = self.embedder.embed_query(query)
            try:
                try:
                    dense_hits = self._dense(vec, n_cand, f)
                except VectorIndexError:
                    # Perhaps only this process's view is stale (writes it was not told about): reopen once.
                    with self._lock:
                        self._vectors = None
                    dense_hits = self._dense(vec, n_cand, f)
            except VectorIndexError as err:
                if mode == "dense":
                    raise
                # Keep answering with keywords; the next index run rebuilds the vectors from the cache.
                self.docstore.set_meta("vectors_dirty", "1")
                self.warnings.append(str(err))

        w_bm25 = BM25_MIN_WEIGHT + (BM25_MAX_WEIGHT - BM25_MIN_WEIGHT) * coverage
        if mode == "bm25":
            w_dense, w_bm25 = 0.0, 1.0
        elif mode == "dense" or not kw_hits:
            w_dense, w_bm25 = 1.0, 0.0
        else:
            w_dense = DENSE_WEIGHT if dense_hits else 0.0
        fused: dict[str, float] = {}
        for rank, (cid, _s) in enumerate(dense_hits, 1):
            fused[cid] = fused.get(cid, 0.0) + w_dense / (RRF_K + rank)
        for rank, (cid, _s) in enumerate(kw_hits, 1):
            fused[cid] = fused.get(cid, 0.0) + w_bm25 / (RRF_K + rank)
        best_possible = (w_dense + w_bm25) / (RRF_K + 1) or 1.0
        dense_of = dict(dense_hits)
        bm25_of = dict(kw_hits)

        order = sorted(fused, key=lambda c: -fused[c])
        chunks = self.docstore.chunks_by_ids([c.chunk_id for c in direct] + order[: n_cand * 2])
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
            out.append(self._hit(c, score, match, dense_of.get(c.chunk_id), bm25_of.get(c.chunk_id)))

        for c in direct:
            take(c, 1.0, "article")
        for cid in order:
            if len(out) >= k:
                break
            c = chunks.get(cid)
            if c is None:  # a vector whose chunk the docstore no longer has (deleted, not yet flushed)
                continue
            match = mode if mode != "hybrid" else (
                "hybrid" if cid in dense_of and cid in bm25_of else "dense" if cid in dense_of else "bm25")
            # 1.0 is reserved for an explicitly named article when there is one.
            take(c, min(0.99 if direct else 1.0, fused[cid] / best_possible), match)
        return out[:k]

    @staticmethod
    def _hit(c: StoredChunk, score: float, match: str, dense: float | None, bm25: float | None) -> Hit:
        m = c.meta
        return Hit(text=c.text, score=round(score, 4), kind=m.get("kind", ""), title=m.get("title", ""),
                   role=m.get("role") or "", heading_path=m.get("heading_path") or "",
                   article=m.get("article") or "", year=m.get("year"), source=m.get("source", ""),
                   doc_id=c.doc_id, chunk_id=c.chunk_id, genre=m.get("genre") or "", issuer=m.get("issuer") or "",
                   status=m.get("status") or "", match=match,
                   dense=round(dense, 4) if dense is not None else None,
                   bm25=round(bm25, 4) if bm25 is not None else None)

    def _title_index(self) -> dict[str, list[str]]:
        """Names (title, title without 中华人民共和国, catalog short titles) → regulation doc ids."""
        gen = self.docstore.generation()
        if self._titles is not None and self._titles_gen == gen:
            return self._titles
        names: dict[str, list[str]] = {}
        shorts: dict[str, list[str]] = {}
        try:
            from assistant.citations.catalog import load_catalog

            for e in load_catalog(self.settings).entries:
                shorts[e.title] = [*e.short_titles, *e.aliases]
        except (AssistantError, ImportError, OSError):
            pass
        for d in self.docstore.documents("regulation"):
            keys = {d.title, d.title.removeprefix("中华人民共和国"), *shorts.get(d.title, [])}
            for key in keys:
                key = _STRIP_TITLE.sub("", key)
                if len(key) >= 2:
                    names.setdefault(key, []).append(d.doc_id)
        self._titles, self._titles_gen = names, gen
        return names

    def resolve_article_refs(self, query: str) -> list[StoredChunk]:
        """Chunks of the articles the query names explicitly (title + 第X条), current version first."""
        from assistant.documents.numbering import find_article_refs

        refs = find_article_refs(query)
        if not refs:
            return []
        names = self._title_index()
        if not names:
            return []
        flat = _STRIP_TITLE.sub("", query)
        out: list[StoredChunk] = []
        for start, _end, ref in refs:
            before = _STRIP_TITLE.sub("", query[:start])
            name = next((before[i:] for i in range(max(0, len(before) - 60), len(before))
                         if before[i:] in names), None)
            if name is None:  # "第二十五条 安全生产法": any name anywhere in the query, longest first
                name = max((n for n in names if n in flat), key=len, default=None)
            if name is None:
                continue
            chunks = self.docstore.find_article(names[name], ref.article, ref.suffix)
            out += sorted(chunks, key=self._version_rank)[:1]
        return out

    def _version_rank(self, c: StoredChunk) -> tuple[int, int]:
        status = c.meta.get("status") or ""
        return (0 if status in ("", "现行有效") else 1, -(c.meta.get("year") or 0))

    def article(self, title: str, index: int, suffix: int = 0) -> Hit | None:
        """The text of article `index` of the regulation named `title` (full or short title), or None."""
        names = self._title_index()
        ids = names.get(_STRIP_TITLE.sub("", title))
        if not ids:
            return None
        chunks = sorted(self.docstore.find_article(ids, index, suffix), key=self._version_rank)
        return self._hit(chunks[0], 1.0, "article", None, None) if chunks else None

    def exemplars(self, genre: str | None, role: str, k: int = 3, query: str | None = None, *,
                  exclude_source: str | None = None) -> list[Exemplar]:
        """Sections of past reports with `role` (and `genre`, when given), one per document: the ones closest
        to `query` first when a query is given, else newest first. Each is the whole section, reassembled
        from its chunks in order."""
        groups: dict[tuple[str, int], list[StoredChunk]] = {}
        for c in self.docstore.role_chunks(role, genre):
            groups.setdefault((c.doc_id, int(c.meta.get("part") or 0)), []).append(c)
        best: dict[str, list[StoredChunk]] = {}
        for (doc_id, _part), cs in groups.items():
            if exclude_source and cs[0].meta.get("source") == str(Path(exclude_source).resolve()):
                continue
            if doc_id not in best or sum(len(c.text) for c in cs) > sum(len(c.text) for c in best[doc_id]):
                best[doc_id] = cs
        out = []
        for cs in best.values():
            m = cs[0].meta
            heading = (m.get("heading_path") or "").split(" > ")[0]
            out.append(Exemplar(title=m.get("title", ""), genre=m.get("genre") or "", role=role, heading=heading,
                                text="\n".join(c.text for c in sorted(cs, key=lambda c: c.seq)),
                                year=m.get("year"), issuer=m.get("issuer") or "", source=m.get("source", ""),
                                doc_id=cs[0].doc_id))
        out.sort(key=lambda e: (-(e.year or 0), e.title))
        if query and query.strip() and out:
            hits = self.search(query, k=max(10, 3 * k), filters={"kind": "report", "genre": genre or None,
                                                                 "role": role}, max_per_doc=1)
            rank = {h.doc_id: i for i, h in enumerate(hits)}
            out.sort(key=lambda e: rank.get(e.doc_id, len(rank)))
        return out[:k]

    def regulations(self, query: str, k: int = 4) -> list[Hit]:
        """Regulation articles relevant to `query` (an explicit 《X》第N条 first)."""
        return self.search(query, k=k, filters={"kind": "regulation"})

    def stats(self) -> dict[str, Any]:
        ds = self.docstore
        by_kind = {}
        for kind in ("report", "regulation"):
            docs = len(ds.documents(kind))
            chunks = ds.count_chunks(kind)
            emb = ds.count_chunks(kind, embedded=True)
            by_kind[kind] = {"documents": docs, "chunks": chunks, "embedded": emb}
        total = ds.count_chunks()
        embedded = ds.count_chunks(embedded=True)
        idx_dir = self.settings.store_dir / "bm25" / "meta.json"
        fresh = False
        if idx_dir.exists():
            import json

            try:
                fresh = json.loads(idx_dir.read_text(encoding="utf-8")).get("generation") == ds.generation()
            except (OSError, ValueError):
                fresh = False
        return {
            "documents": sum(v["documents"] for v in by_kind.values()),
            "chunks": total,
            "embedded": embedded,
            "pending": total - embedded,
            "embedded_ratio": round(embedded / total, 4) if total else 0.0,
            "by_kind": by_kind,
            "embedder": self._embedder_id(),
            "store": str(self.settings.store_dir),
            "vector_store": (f"chroma server {self.settings.chroma_host}:{self.settings.chroma_port}"
                             if self.settings.chroma_host else str(self.settings.store_dir / "chroma")),
            "keyword_index_fresh": fresh,
        }

    def _embedder_id(self) -> str:
        if self._embedder is not None:
            return getattr(self._embedder, "id", "?")
        from assistant.kb.embeddings import E5Embeddings

        s = self.settings
        if s.embeddings_base_url:
            return f"openai:{s.embeddings_model}@{s.embeddings_base_url.rstrip('/')}"
        if (s.embedder or "").startswith("hash"):
            return "hash-ngram-64"
        return E5Embeddings.id
