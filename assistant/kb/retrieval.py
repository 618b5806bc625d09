"""The knowledge base as the rest of the product sees it: `KnowledgeBase.open(settings)`.

    kb = KnowledgeBase.open(settings)
    kb.search("存在的不足和原因", k=5, filters={"kind": "report"})      -> list[Hit]
    kb.exemplars("法治政府建设年度报告", "shortcomings", k=3)           -> list[Exemplar]
    kb.article("中华人民共和国安全生产法", 25)                          -> Hit | None
    kb.index([path], kind="auto"); kb.embed_pending(); kb.stats(); kb.remove("file or doc id")

This class only wires the parts together and keeps their lifecycles: indexing is in indexer.py, vectors
(phase 2, dense queries) in vectors.py, ranking in search.py and fusion.py, article references in
references.py, figures in stats.py, and with CHROMA_HOST the shared registry in shared.py.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.citations.catalog import load_catalog
from assistant.errors import AssistantError
from assistant.kb.embeddings import CachedEmbeddings, VectorCache, embedder_id, get_embedder
from assistant.kb.hits import Exemplar, Hit, SearchFilters
from assistant.kb.indexer import Indexer, IndexReport
from assistant.kb.keyword import KeywordIndex, Tokenizer
from assistant.kb.query_terms import load_terms
from assistant.kb.references import ArticleRefs
from assistant.kb.rerank import Reranker
from assistant.kb.search import Searcher
from assistant.kb.shared import SharedRegistry
from assistant.kb.stats import kb_stats
from assistant.kb.store import DocStore, DocumentRecord, VectorStore
from assistant.kb.vectors import Vectors
from assistant.rules.genres import load_genres
from assistant.settings import Settings, get_settings

__all__ = ["Exemplar", "Hit", "KnowledgeBase", "SearchFilters"]


def domain_terms(settings: Settings) -> list[str]:
    """Regulation titles and short titles from the catalog, genre names and role names/keywords from the
    genre rules: words jieba must keep whole."""
    words: list[str] = []
    with contextlib.suppress(AssistantError, OSError):
        for e in load_catalog(settings).entries:
            words += [e.title, *e.short_titles, *e.aliases, *e.abbreviations]
    with contextlib.suppress(AssistantError):  # broken genre rules: `assistant check` reports them
        for g in load_genres(settings.genres_dir).values():
            words.append(g.name)
            for r in g.sections:  # plain-string aliases are phrases; Alias objects are weighted regexes
                words += [r.name, *(a for a in r.aliases if isinstance(a, str)), *r.keywords]
    return [w for w in words if 2 <= len(w) <= 40]


def local_dir(settings: Settings) -> Path:
    """Where the docstore and keyword index live: with a shared server they are a mirror of the server's
    contents, kept apart from the local knowledge base so switching CHROMA_HOST on or off loses nothing."""
    if not settings.chroma_host:
        return settings.store_dir
    host = "".join(ch if ch.isalnum() or ch in ".-" else "_" for ch in settings.chroma_host)
    return settings.store_dir / f"server-{host}-{settings.chroma_port}"


def known_roles(settings: Settings) -> frozenset[str]:
    try:
        return frozenset(r.id for g in load_genres(settings.genres_dir).values() for r in g.sections)
    except AssistantError:
        return frozenset()


class KnowledgeBase:
    def __init__(self, settings: Settings, embedder=None) -> None:
        self.settings = settings
        self.local_dir = local_dir(settings)
        self.local_dir.mkdir(parents=True, exist_ok=True)
        self.docstore = DocStore(self.local_dir / "docstore.sqlite")
        self._embedder = embedder
        self._tokenizer: Tokenizer | None = None
        self._keyword: KeywordIndex | None = None
        self._lock = threading.RLock()
        self._vectors = Vectors(settings, self.docstore, lambda: self.embedder)
        self.refs = ArticleRefs(settings, self.docstore)
        self._roles: frozenset[str] | None = None
        self.searcher = Searcher(self.docstore, self.keyword_index, self._vectors, lambda: self.embedder,
                                 self.refs, self.roles)
        self.searcher.reranker = Reranker.from_settings(settings)
        self.searcher.terms = lambda: load_terms(settings.regulations_dir)
        self.shared = SharedRegistry(settings, self.docstore) if settings.chroma_host else None
        if self.shared is not None:
            self._vectors.after_write = self.shared.touch

    @classmethod
    def open(cls, settings: Settings | None = None, *, embedder=None, auto_samples: bool = True) -> KnowledgeBase:
        """Open (creating if needed) the knowledge base of `settings`. On a fresh home the bundled samples are
        indexed (keyword phase; their vectors follow with `embed_pending`), so a new install has content (not
        with a shared server)."""
        kb = cls(settings or get_settings(), embedder=embedder)
        # A shared server holds the office's knowledge base: an install joining it adds no samples to it.
        if auto_samples and kb.shared is None and kb.docstore.get_meta("samples_seeded") is None:
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

    # --- components (lazy: BM25-only work never loads a model or opens Chroma) --------------------------
    @property
    def embedder(self):
        if self._embedder is None or not hasattr(self._embedder, "cache"):
            inner = self._embedder if self._embedder is not None else get_embedder(self.settings)
            self._embedder = CachedEmbeddings(inner, VectorCache(self.settings.home / "cache" / "vectors.sqlite"))
        return self._embedder

    @property
    def vectors(self) -> VectorStore:
        return self._vectors.store

    @property
    def warnings(self) -> list[str]:
        return self.searcher.warnings

    def roles(self) -> frozenset[str]:
        if self._roles is None:
            self._roles = known_roles(self.settings)
        return self._roles

    @property
    def tokenizer(self) -> Tokenizer:
        if self._tokenizer is None:
            self._tokenizer = Tokenizer(domain_terms(self.settings))
            self._tokenizer.add_words(d.title for d in self.docstore.documents("regulation"))
        return self._tokenizer

    def keyword_index(self) -> KeywordIndex:
        """The BM25 index, loaded from disk when it matches the docstore's generation, else rebuilt (with a
        shared server: after pulling what other installs changed)."""
        with self._lock:
            if self.shared is not None:
                self.shared.pull(self.tokenizer)
            gen = self.docstore.generation()
            if self._keyword is not None and self._keyword.generation == gen:
                return self._keyword
            idx = KeywordIndex(self.local_dir / "bm25", self.tokenizer)
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

    # --- writing ----------------------------------------------------------------------------------------
    def index(self, paths: Sequence[str | Path], kind: str = "auto", prune: bool = False,
              on_file: Callable[[int, int, str], None] | None = None) -> IndexReport:
        if self.shared is not None:
            self.shared.pull(self.tokenizer)  # also the check that the server answers, before any write
        report = self._indexer().index([Path(p) for p in paths], kind=kind, prune=prune, on_file=on_file)
        self.flush_pending_deletes(quiet=True)
        self.keyword_index()  # rebuild now, so the first query does not pay for it
        return report

    def _indexer(self) -> Indexer:
        indexer = Indexer(self.settings, self.docstore, self.tokenizer)
        if self.shared is not None:  # the server first, so a failure leaves the local mirror as it was
            indexer.publish = self.shared.publish
            indexer.retract = self.shared.retract
        return indexer

    def flush_pending_deletes(self, quiet: bool = False) -> int:
        return self._vectors.flush_pending_deletes(quiet)

    def embed_pending(self, batch_size: int = 32, limit: int | None = None,
                      on_progress: Callable[[int, int], None] | None = None) -> int:
        """Phase 2: vectors for chunks that have none (see vectors.py)."""
        return self._vectors.embed_pending(batch_size, limit, on_progress)

    def reembed(self) -> None:
        self._vectors.reembed()

    def remove(self, ref: str) -> list[str]:
        """Remove documents by doc id, file path or exact title. Returns the sources removed."""
        docs = self.find_documents(ref)
        if not docs:
            raise AssistantError(f"知识库中没有该文档：{ref}", hint="用 assistant stats --json 查看已索引的文档")
        indexer = self._indexer()
        for d in docs:
            indexer.remove_doc(d)
        self.flush_pending_deletes(quiet=True)
        return [d.source for d in docs]

    def find_documents(self, ref: str) -> list[DocumentRecord]:
        if self.shared is not None:
            self.shared.pull(self.tokenizer)
        doc = self.docstore.get_document(ref)
        if doc:
            return [doc]
        p = Path(ref).expanduser()
        src = str(p.resolve())
        docs = self.docstore.documents()
        by_path = [d for d in docs if d.source == src or (p.is_dir() and Path(d.source).is_relative_to(src))]
        return by_path or [d for d in docs if d.title == ref]

    # --- reading ----------------------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, filters: SearchFilters | dict[str, Any] | None = None, *,
               mode: str = "hybrid", max_per_doc: int | None = 2, extra: str = "") -> list[Hit]:
        return self.searcher.search(query, k, filters, mode=mode, max_per_doc=max_per_doc, extra=extra)

    def resolve_article_refs(self, query: str):
        return self.refs.resolve(query)

    def article(self, title: str, index: int, suffix: int = 0) -> Hit | None:
        """The text of article `index` of the regulation named `title` (full or short title), or None."""
        c = self.refs.article(title, index, suffix)
        return Hit.of(c, 1.0, "article") if c else None

    def exemplars(self, genre: str | None, role: str, k: int = 3, query: str | None = None, *,
                  exclude_source: str | None = None) -> list[Exemplar]:
        return self.searcher.exemplars(genre, role, k, query, exclude_source=exclude_source)

    def regulations(self, query: str, k: int = 4) -> list[Hit]:
        """Regulation articles relevant to `query` (an explicit 《X》第N条 first)."""
        return self.search(query, k=k, filters={"kind": "regulation"})

    def stats(self) -> dict[str, Any]:
        if self.shared is not None:
            self.shared.pull(self.tokenizer)
        ident = getattr(self._embedder, "id", "?") if self._embedder is not None else embedder_id(self.settings)
        return kb_stats(self.settings, self.docstore, ident, self.local_dir)
