"""Where drafting finds its context: exemplars (the same genre AND role from past reports, for style only)
and regulation articles (for grounding).

An `ExemplarSource` answers with plain dicts, so any store can serve drafting without sharing classes:
the knowledge base (`KnowledgeBaseExemplarSource`), the bundled samples parsed directly
(`SampleExemplarSource`, no index needed), or the first backed by the second (`FallbackSource`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from assistant.documents.reading import read_document
from assistant.documents.structure import parse_official
from assistant.drafting.genre_sections import resolve_genre
from assistant.errors import AssistantError
from assistant.models import OfficialDocument, Section
from assistant.rules.genres import Genre, classify_sections, detect_genre
from assistant.settings import PROJECT_ROOT, Settings, get_settings


@runtime_checkable
class ExemplarSource(Protocol):
    """exemplars → [{"text","title","role","year","source","issuer"}], regulations → [{"title","article","text"}]."""

    def exemplars(self, genre: str, role: str, k: int = 3, query: str | None = None) -> list[dict[str, Any]]: ...

    def regulations(self, query: str, k: int = 4) -> list[dict[str, Any]]: ...


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


def cosine(a: str, b: str) -> float:
    """Bigram overlap scaled by both lengths, so a long block does not attract every fact."""
    ga, gb = _bigrams(a), _bigrams(b)
    return len(ga & gb) / (len(ga) * len(gb)) ** 0.5 if ga and gb else 0.0


def similarity(a: str, b: str) -> float:
    """Share of a's character bigrams found in b: cheap, order-free, good enough to rank a few exemplars."""
    ga, gb = _bigrams(a), _bigrams(b)
    return len(ga & gb) / len(ga) if ga else 0.0


class SampleExemplarSource:
    """Exemplars parsed straight from knowledge/samples (structure parser + genre classifier), no index."""

    def __init__(self, samples_dir: Path | None = None) -> None:
        self.samples_dir = Path(samples_dir or get_settings().samples_dir)
        self._docs: list[tuple[dict[str, Any], OfficialDocument]] | None = None

    def _load(self) -> list[tuple[dict[str, Any], OfficialDocument]]:
        if self._docs is not None:
            return self._docs
        # kb.indexer loads the embedding stack (langchain): only a source that reads samples pays for it.
        from assistant.kb.indexer import load_manifest

        manifest = load_manifest(self.samples_dir)
        docs = []
        for path in sorted(self.samples_dir.glob("*")):
            if path.suffix.lower() not in (".txt", ".md", ".docx") or path.name.startswith("."):
                continue
            try:
                doc = parse_official(read_document(path))
            except AssistantError:
                continue  # a broken sample must not stop drafting
            meta = dict(manifest.get(path.name, {}))
            meta.setdefault("source", _display_path(path))
            meta.setdefault("title", doc.title or path.stem)
            meta.setdefault("issuer", doc.issuer)
            if not meta.get("year"):
                meta["year"] = _year_of(doc.title or "")
            docs.append((meta, doc))
        self._docs = docs
        return docs

    def exemplars(self, genre: str, role: str, k: int = 3, query: str | None = None) -> list[dict[str, Any]]:
        g = resolve_genre(genre)
        found = []
        for meta, doc in self._load():
            doc_genre = meta.get("genre")
            if doc_genre and doc_genre not in (g.name, g.id):
                continue
            if not doc_genre and not _matches_genre(doc, g):
                continue
            classify_sections(doc, g)
            for section in _outermost_with_role(doc.sections, role):
                found.append({"text": section.full_text(), "title": meta.get("title"), "role": role,
                              "year": meta.get("year"), "source": meta.get("source"),
                              "issuer": meta.get("issuer") or doc.issuer, "heading": section.heading})
        if query:
            found.sort(key=lambda e: similarity(query, e["text"]), reverse=True)
        return found[:k]

    def regulations(self, query: str, k: int = 4) -> list[dict[str, Any]]:
        # The bundled knowledge holds regulation metadata only; article text comes from the knowledge base.
        return []


class KnowledgeBaseExemplarSource:
    """Adapter over the knowledge base (assistant.kb.retrieval.KnowledgeBase): its `Exemplar` sections and
    regulation `Hit`s as dicts, another role's text never let in."""

    def __init__(self, kb: Any) -> None:
        self.kb = kb

    def exemplars(self, genre: str, role: str, k: int = 3, query: str | None = None) -> list[dict[str, Any]]:
        hits = self.kb.exemplars(genre=resolve_genre(genre).name, role=role, k=k, query=query)
        out = [{"text": h.text, "title": h.title, "role": h.role, "year": h.year, "source": h.source,
                "issuer": h.issuer, "heading": h.heading} for h in hits]
        return [e for e in out if e["role"] == role and e["text"]][:k]

    def regulations(self, query: str, k: int = 4) -> list[dict[str, Any]]:
        hits = self.kb.regulations(query=query, k=k)
        out = [{"title": h.title, "article": h.article, "text": h.text} for h in hits]
        return [r for r in out if r["text"]][:k]


class FallbackSource:
    """The knowledge base first; the bundled samples when it has no exemplar for the genre and role."""

    def __init__(self, primary: ExemplarSource, fallback: ExemplarSource) -> None:
        self.primary, self.fallback = primary, fallback

    def exemplars(self, genre: str, role: str, k: int = 3, query: str | None = None) -> list[dict[str, Any]]:
        return (self.primary.exemplars(genre, role, k=k, query=query)
                or self.fallback.exemplars(genre, role, k=k, query=query))

    def regulations(self, query: str, k: int = 4) -> list[dict[str, Any]]:
        return self.primary.regulations(query, k=k) or self.fallback.regulations(query, k=k)


def default_source(settings: Settings | None = None) -> ExemplarSource:
    """The knowledge base when it can be opened, backed by the bundled samples; the samples alone when there
    is no knowledge base."""
    s = settings or get_settings()
    samples = SampleExemplarSource(s.samples_dir)
    # kb.retrieval loads the vector store and embedding stack: imported only when no source was given.
    from assistant.kb.retrieval import KnowledgeBase

    try:
        kb = KnowledgeBase.open(s)
    except AssistantError:
        return samples
    return FallbackSource(KnowledgeBaseExemplarSource(kb), samples)


def _matches_genre(doc: OfficialDocument, genre: Genre) -> bool:
    found = detect_genre(doc)
    return found is not None and found.genre.id == genre.id


def _outermost_with_role(sections: Iterable[Section], role: str) -> list[Section]:
    out = []
    for s in sections:
        if s.role == role:
            out.append(s)
        else:
            out.extend(_outermost_with_role(s.children, role))
    return out


def _year_of(text: str) -> int | None:
    m = re.search(r"((?:19|20)\d{2})\s*年", text)
    return int(m.group(1)) if m else None


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
