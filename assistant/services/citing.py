"""Cite: every 《…》(第X条) of a text resolved to the real title, status and article text.

The date policy lives here: an explicit date (--date), else the document's own 成文日期, else today.
Stays light (no knowledge base, no LangChain, no OpenAI client).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.citations.catalog import parse_date
from assistant.citations.resolver import KIND_LABELS, MATCH_LABELS, Citation, check_citations, document_date
from assistant.documents.reading import read_text_input
from assistant.errors import AssistantError
from assistant.models import SourceText
from assistant.services.inputs import Input, read_input, read_text_or_file
from assistant.settings import Settings

__all__ = ["KIND_LABELS", "MATCH_LABELS", "CiteResult", "cite_input", "cite_source", "cite_text", "cite_upload",
           "validate_date"]


@dataclass
class CiteResult:
    file: str | None
    date: str | None  # the date the citations were judged at, as written
    date_from: str  # --date | 成文日期 | 当前日期
    citations: list[Citation] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(c.severity == "error" for c in self.citations)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for c in self.citations if c.severity == s) for s in ("error", "warning", "info")}

    def to_dict(self) -> dict[str, Any]:
        used = self.citations[0].date_used if self.citations else None
        return {"file": self.file, "date": self.date or used, "date_from": self.date_from,
                "citations": [c.to_dict() for c in self.citations]}


def validate_date(value: str | None) -> None:
    if value is not None and parse_date(value) is None:
        raise AssistantError(f"无法识别的日期“{value}”", hint="例如 2024年2月26日 或 2024-02-26")


def cite_source(source: SourceText, date: str | None = None, *, file: str | None = None,
                settings: Settings | None = None) -> CiteResult:
    """`settings` names the home whose article texts are quoted (default: the process's settings)."""
    validate_date(date)
    when = date or document_date(source)
    date_from = "--date" if date else ("成文日期" if when else "当前日期")
    return CiteResult(file, when, date_from, check_citations(source, when, settings=settings))


def cite_input(arg: str, date: str | None = None) -> CiteResult:
    """A command-line argument: a file path or the text itself."""
    given: Input = read_input(arg)
    return cite_source(given.source, date, file=given.path)


def cite_text(text: str, date: str | None = None, *, settings: Settings | None = None) -> CiteResult:
    """Pasted text (the chat's cite and article lookup)."""
    if not text.strip():
        raise AssistantError("没有要核对的文字")
    return cite_source(read_text_input(text), date, settings=settings)


def cite_upload(text: str | None, file: str | None, date: str | None = None) -> CiteResult:
    return cite_source(read_text_or_file(text, file), date, file=file)
