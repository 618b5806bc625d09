"""The status of each role of the genre in a draft (found / uncertain / missing, where), from roles.py."""

from __future__ import annotations

from assistant.models import OfficialDocument, Section
from assistant.rules.findings import SectionStatus
from assistant.rules.genre_schema import Genre
from assistant.rules.roles import classify_sections


def section_statuses(doc: OfficialDocument, genre: Genre) -> tuple[list[SectionStatus], dict[str, list[Section]]]:
    """Per role of the genre: its status and where; and role id → the sections that carry it."""
    statuses: list[SectionStatus] = []
    by_role: dict[str, list[Section]] = {}
    for hit in classify_sections(doc, genre):
        by_role[hit.role] = list(hit.sections)
        heading = hit.heading
        if heading is None and hit.line is not None:
            # found in running text (a short 请示 without headings, a led paragraph): show that paragraph
            para = next((p for p in doc.paragraphs if p.line == hit.line), None)
            heading = para.text[:30] if para else None
        statuses.append(SectionStatus(role=hit.role, name=hit.name, required=hit.required, found=hit.found,
                                      heading=heading, line=hit.line, source=hit.source, level=hit.level,
                                      status=hit.status))
    return statuses, by_role
