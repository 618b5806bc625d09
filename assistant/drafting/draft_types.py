"""What a drafting call takes and gives back, shared by every drafting module (section, whole report,
revision, skeleton): the request, the result, and the warning and source entries the result carries."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from assistant.errors import LLMError


@dataclass
class DraftRequest:
    genre: str
    role: str
    facts: str = ""
    issuer: str | None = None
    year: int | None = None
    strict: bool = False


PARTIAL_MARK = "\n\n【未完成：大模型的回复中断，以上是已收到的部分】"


@dataclass
class DraftResult:
    text: str
    mode: str  # llm | template | skeleton | partial (the model's reply broke off; text ends with PARTIAL_MARK)
    sources: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "mode": self.mode, "sources": self.sources, "warnings": self.warnings}


def warning(kind: str, text: str, message: str) -> dict[str, str]:
    return {"kind": kind, "text": text, "message": message}


def source_entry(e: dict[str, Any]) -> dict[str, Any]:
    """An exemplar as the result lists it (the reader sees where the style came from)."""
    return {"title": e.get("title"), "role": e.get("role"), "year": e.get("year"), "source": e.get("source")}


def report_year(request: DraftRequest) -> int | None:
    """The year reported on: as given, else the commonest year the facts mention."""
    if request.year:
        return request.year
    years = [int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", request.facts)]
    return Counter(years).most_common(1)[0][0] if years else None


def partial_result(err: LLMError, warnings: list[dict[str, Any]]) -> DraftResult:
    """A reply that broke off: what arrived, visibly marked as unfinished (mode "partial")."""
    return DraftResult(text=err.partial.strip() + PARTIAL_MARK, mode="partial", sources=[],
                       warnings=warnings + [warning("partial", "", str(err))])
