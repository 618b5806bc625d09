"""What a search returns (`Hit`, `Exemplar`) and what it can be narrowed by (`SearchFilters`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from assistant.errors import AssistantError
from assistant.kb.keyword import KeywordFilters
from assistant.kb.store import StoredChunk

KINDS = ("report", "regulation")


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
    match: str = "hybrid"  # article | verbatim | hybrid | dense | bm25
    dense: float | None = None  # cosine similarity in [0, 1] when the chunk has a vector
    bm25: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def of(cls, c: StoredChunk, score: float, match: str, dense: float | None = None,
           bm25: float | None = None) -> Hit:
        m = c.meta
        return cls(text=c.text, score=round(score, 4), kind=m.get("kind", ""), title=m.get("title", ""),
                   role=m.get("role") or "", heading_path=m.get("heading_path") or "",
                   article=m.get("article") or "", year=m.get("year"), source=m.get("source", ""),
                   doc_id=c.doc_id, chunk_id=c.chunk_id, genre=m.get("genre") or "", issuer=m.get("issuer") or "",
                   status=m.get("status") or "", match=match,
                   dense=round(dense, 4) if dense is not None else None,
                   bm25=round(bm25, 4) if bm25 is not None else None)


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
    def coerce(cls, f: SearchFilters | dict[str, Any] | None, roles: frozenset[str] | None = None
               ) -> SearchFilters:
        """Validate filters; `roles`, when given, are the section roles the genre rules know."""
        if f is None:
            return cls()
        if isinstance(f, SearchFilters):
            out = f
        else:
            unknown = set(f) - set(cls.__dataclass_fields__) - {"year"}
            if unknown:
                raise AssistantError(f"未知的检索条件：{', '.join(sorted(unknown))}")
            data = {k: v for k, v in f.items() if k != "year"}
            if f.get("year") is not None:
                data["year_min"] = data["year_max"] = int(f["year"])
            out = cls(**data)
        if out.kind and out.kind not in KINDS:
            raise AssistantError(f"未知的类别：{out.kind}", hint="可选 report（报告）或 regulation（法规）")
        if out.role and roles is not None and out.role not in roles:
            raise AssistantError(f"未知的章节角色：{out.role}", hint="可选：" + "、".join(sorted(roles)))
        return out

    def keyword(self) -> KeywordFilters:
        return KeywordFilters(self.kind, self.genre, self.role, self.issuer, self.year_min, self.year_max)
