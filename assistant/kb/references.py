"""Explicit article references (《安全生产法》第二十五条, 安全生产法第25条) resolved to their chunks, and article
lookup by title: names come from the indexed regulations' titles and the catalog's short titles."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.citations.catalog import load_catalog
from assistant.documents.numbering import find_article_refs
from assistant.errors import AssistantError
from assistant.kb.store import DocStore, StoredChunk
from assistant.settings import Settings

_STRIP_TITLE = re.compile(r"[\s《》〈〉<>“”\"'「」]")


def strip_title(text: str) -> str:
    return _STRIP_TITLE.sub("", text)


def version_rank(c: StoredChunk) -> tuple[int, int]:
    """Current versions first, then newest."""
    status = c.meta.get("status") or ""
    return (0 if status in ("", "现行有效") else 1, -(c.meta.get("year") or 0))


def catalog_names(settings: Settings) -> dict[str, list[str]]:
    """Catalog title → short titles and aliases (empty when the catalog cannot be read)."""
    try:
        return {e.title: [*e.short_titles, *e.aliases] for e in load_catalog(settings).entries}
    except (AssistantError, OSError):
        return {}


class ArticleRefs:
    def __init__(self, settings: Settings, docstore: DocStore,
                 shorts: Callable[[], dict[str, list[str]]] | None = None) -> None:
        self.settings = settings
        self.docstore = docstore
        self._shorts = shorts or (lambda: catalog_names(settings))
        self._names: dict[str, list[str]] | None = None
        self._gen = -1

    def names(self) -> dict[str, list[str]]:
        """Names (title, title without 中华人民共和国, catalog short titles) → regulation doc ids."""
        gen = self.docstore.generation()
        if self._names is not None and self._gen == gen:
            return self._names
        shorts = self._shorts()
        names: dict[str, list[str]] = {}
        for d in self.docstore.documents("regulation"):
            for key in {d.title, d.title.removeprefix("中华人民共和国"), *shorts.get(d.title, [])}:
                key = strip_title(key)
                if len(key) >= 2:
                    names.setdefault(key, []).append(d.doc_id)
        self._names, self._gen = names, gen
        return names

    def resolve(self, query: str) -> list[StoredChunk]:
        """Chunks of the articles the query names explicitly (title + 第X条), current version first."""
        refs = find_article_refs(query)
        if not refs:
            return []
        names = self.names()
        if not names:
            return []
        flat = strip_title(query)
        out: list[StoredChunk] = []
        for start, _end, ref in refs:
            before = strip_title(query[:start])
            name = next((before[i:] for i in range(max(0, len(before) - 60), len(before))
                         if before[i:] in names), None)
            if name is None:  # "第二十五条 安全生产法": any name anywhere in the query, longest first
                name = max((n for n in names if n in flat), key=len, default=None)
            if name is None:
                continue
            chunks = self.docstore.find_article(names[name], ref.article, ref.suffix)
            out += sorted(chunks, key=version_rank)[:1]
        return out

    def article(self, title: str, index: int, suffix: int = 0) -> StoredChunk | None:
        ids = self.names().get(strip_title(title))
        if not ids:
            return None
        chunks = sorted(self.docstore.find_article(ids, index, suffix), key=version_rank)
        return chunks[0] if chunks else None
