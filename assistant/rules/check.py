"""Draft checker: required sections per genre and 公文 format rules.

The rules themselves are data (knowledge/format_rules.yaml and the genre files); the rule kinds are functions
in format_checks.py and content_checks.py, registered by kind in format_rules.py. This module runs them:

    check_document(doc, *, genre=None, file=None, source=None, rules=None, with_citations=True) -> CheckReport
    check_source(source, *, genre=None) -> CheckReport
    check_file(path, *, genre=None) -> CheckReport
    check_text(text, *, genre=None) -> CheckReport
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.citations import resolver as citations_mod
from assistant.documents.reading import read_document, read_text_input
from assistant.documents.structure import parse_official
from assistant.models import OfficialDocument, SourceText
from assistant.rules import content_checks, format_checks  # noqa: F401 — importing registers the rule kinds
from assistant.rules.context import CheckContext
from assistant.rules.detection import resolve_genre
from assistant.rules.findings import CheckReport, Finding, SectionStatus, finding_order
from assistant.rules.format_rules import KIND_MODELS, RULE_KINDS, FormatRule, load_format_rules
from assistant.rules.genre_schema import Genre
from assistant.rules.sections import section_statuses
from assistant.rules.title_reading import report_year

# Every kind a rule file may name has its function (a kind without one would be a rule that never runs).
_UNREGISTERED = sorted(set(KIND_MODELS) - set(RULE_KINDS))
if _UNREGISTERED:
    raise RuntimeError(f"rule kinds without a function: {_UNREGISTERED}")


def _citations_for(doc: OfficialDocument, source: SourceText | None) -> tuple[list[Any], list[dict[str, Any]]]:
    target: Any = source if source is not None else "\n".join(p.text for p in doc.paragraphs)
    cites = list(citations_mod.check_citations(target, doc.date))
    return cites, list(citations_mod.citation_findings(cites))


def check_document(
    doc: OfficialDocument,
    *,
    genre: Genre | str | None = None,
    file: str | None = None,
    source: SourceText | None = None,
    rules: list[FormatRule] | None = None,
    with_citations: bool = True,
) -> CheckReport:
    """Run every format rule and the genre's section rules over a parsed document."""
    rules = rules if rules is not None else load_format_rules()
    genre_obj = resolve_genre(doc, genre)
    statuses, by_role = section_statuses(doc, genre_obj) if genre_obj is not None else ([], {})
    cites, cite_findings = _citations_for(doc, source) if with_citations else ([], [])
    ctx = CheckContext(doc=doc, genre=genre_obj, statuses=statuses, role_sections=by_role,
                       citation_findings=cite_findings)
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(RULE_KINDS[rule.kind].fn(ctx, rule))
    findings.sort(key=finding_order)
    return CheckReport(file=file if file is not None else (source.path if source else doc.source),
                       genre={"id": genre_obj.id, "name": genre_obj.name} if genre_obj else None,
                       sections=statuses, findings=findings, citations=cites, title=doc.title,
                       report_year=report_year(doc, genre_obj))


def check_source(source: SourceText, *, genre: Genre | str | None = None, with_citations: bool = True) -> CheckReport:
    return check_document(parse_official(source), genre=genre, source=source, with_citations=with_citations)


def check_file(path: str | Path, *, genre: Genre | str | None = None, with_citations: bool = True) -> CheckReport:
    report = check_source(read_document(path), genre=genre, with_citations=with_citations)
    report.file = str(path)
    return report


def check_text(text: str, *, genre: Genre | str | None = None, with_citations: bool = True) -> CheckReport:
    return check_source(read_text_input(text), genre=genre, with_citations=with_citations)


__all__ = ["RULE_KINDS", "CheckContext", "CheckReport", "Finding", "FormatRule", "SectionStatus", "check_document",
           "check_file", "check_source", "check_text", "load_format_rules", "resolve_genre", "section_statuses"]
