"""Which genre a document is (detect_genre) and the one place a --genre option or detection is resolved
(resolve_genre). Genre detection reads the title first (发文机关+关于+事由+的+文种 and key phrases), then the content."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.models import OfficialDocument
from assistant.rules.genre_schema import Genre, get_genre, load_genres, norm
from assistant.rules.wenzhong import legal_ending


@dataclass
class GenreMatch:
    genre: Genre
    score: float
    reason: str
    via: str = "title"  # title | content

    @property
    def id(self) -> str:
        return self.genre.id

    @property
    def name(self) -> str:
        return self.genre.name

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "score": round(self.score, 2), "reason": self.reason,
                "via": self.via}


_TITLE_PATTERN_SCORE = 10.0
_CONTENT_MIN_SCORE = 12.0
_CONTENT_CHARS = 30000  # enough to see the opening, headings and closing of a long report


def _content_text(doc: OfficialDocument) -> str:
    parts = ["、".join(doc.recipients)] + [p.text for p in doc.preamble]
    parts += [f"{s.number}{s.heading}\n{s.body_text()}" for s in doc.sections]
    if doc.closing:
        parts.append(doc.closing)
    text = norm("\n".join(parts))
    if not text and doc.paragraphs:
        text = norm("\n".join(p.text for p in doc.paragraphs))
    return text[:_CONTENT_CHARS]


_OPENING_CHARS = 400


def _content_score(genre: Genre, text: str, headings: list[str]) -> tuple[float, list[str]]:
    score = 0.0
    seen = []
    opening = text[:_OPENING_CHARS]
    for kw in genre.detect_keywords:
        phrase = norm(kw.phrase)
        n = text.count(phrase)
        if not n:
            continue
        seen.append(kw.phrase)
        # The opening says what the document is ("各位代表：……向大会报告"); a long report mentions other
        # genres' topics (营商环境, 安全生产) in passing, but not in its first lines, so only phrases of
        # the opening count more than once.
        if phrase in opening:
            score += kw.weight * (2 + min(n, 3))
        else:
            score += kw.weight
    # Headings that name a required role of the genre are strong evidence of the genre.
    roles_seen = {r.id for r in genre.required_roles for h in headings if r.heading_score(h) > 0}
    score += 3.0 * len(roles_seen)
    return score, seen


def detect_genre(doc: OfficialDocument, directory: Path | str | None = None) -> GenreMatch | None:
    """Which genre a document is: from its title (发文机关+关于+事由+的+文种 and key phrases), else — title
    missing or too partial to decide — from its content and level-1 headings. None when nothing fits."""
    genres = list(load_genres(directory).values())
    title = norm(doc.title).rstrip("。.")
    if legal_ending(title) not in (None, "报告", "请示"):
        return None  # a 通知, 意见, 函 … : a 文种 no genre rule here is written for, whatever its topic
    if title:
        scored = []
        for g in genres:
            pattern = g.title_matches(title)
            kws = [k for k in g.detect_keywords if norm(k.phrase) in title]
            score = (_TITLE_PATTERN_SCORE if pattern else 0.0) + sum(k.weight for k in kws)
            scored.append((score, pattern, kws, g))
        scored.sort(key=lambda x: -x[0])
        best_score, pattern, kws, best = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if pattern and best_score > runner_up:
            words = "、".join(k.phrase for k in kws)
            reason = f"标题“{doc.title}”符合{best.name}的标题格式" + (f"，含“{words}”" if words else "")
            return GenreMatch(best, best_score, reason, "title")
    # Content (with partial title evidence when there is a title).
    text = _content_text(doc)
    headings = [norm(s.heading) for s in doc.sections]
    best_match: GenreMatch | None = None
    for g in genres:
        score, seen = _content_score(g, text, headings)
        title_kws = [k for k in g.detect_keywords if title and norm(k.phrase) in title]
        score += 2.0 * sum(k.weight for k in title_kws)
        if title and g.title_matches(title):
            score += _TITLE_PATTERN_SCORE
        if best_match is None or score > best_match.score:
            parts = []
            if title_kws:
                parts.append(f"标题含“{'、'.join(k.phrase for k in title_kws)}”")
            if seen:
                parts.append(f"正文含“{'、'.join(seen[:4])}”")
            best_match = GenreMatch(g, score, "；".join(parts) or "小标题符合本文种结构", "content")
    if best_match is None or best_match.score < _CONTENT_MIN_SCORE:
        return None
    return best_match


def resolve_genre(doc: OfficialDocument, genre: Genre | str | None = None,
                  directory: Path | str | None = None) -> Genre | None:
    """The genre to check or classify a document by: a Genre as given, a name or id (the --genre option;
    UnknownGenreError lists the valid names), or None → detected from the document (None when nothing fits)."""
    if isinstance(genre, Genre):
        return genre
    if genre is not None:
        return get_genre(genre, directory)
    match = detect_genre(doc, directory)
    return match.genre if match is not None else None
