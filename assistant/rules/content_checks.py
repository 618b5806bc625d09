"""Rule kinds on the content of a draft: request wording in a 报告, the customary closing, years against the
title, forbidden wording, what the 附注 must carry, the genre's required sections and their sub-requirements,
and the citation findings."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.documents.numbering import YEAR_RE
from assistant.models import Paragraph
from assistant.rules.context import CheckContext
from assistant.rules.findings import SEVERITIES, SEVERITY_ORDER, Finding
from assistant.rules.format_rules import FormatRule, rule_kind
from assistant.rules.genre_schema import Phrase, norm
from assistant.rules.title_reading import report_year

_RANGE_RE = re.compile(r"\d{4}年?\s*[—–\-~～至到]\s*\d{4}")


def _content_paragraphs(ctx: CheckContext) -> list[Paragraph]:
    paras = ctx.body_paragraphs()
    if ctx.doc.closing and ctx.doc.closing_line and all(p.line != ctx.doc.closing_line for p in paras):
        paras.append(Paragraph(ctx.doc.closing, ctx.doc.closing_line))
    return paras


def _years(text: str) -> list[int]:
    return [int(y) for y in YEAR_RE.findall(norm(text))]


@rule_kind("request_in_report")
def _request_in_report(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    if ctx.wenzhong != "报告":
        return
    for p in _content_paragraphs(ctx):
        text = norm(p.text)
        if any(a.search(text) for a in rule.params.allow):
            continue
        for rx in rule.params.patterns:
            m = rx.search(text)
            if m:
                yield rule.finding(p.line, value=m.group(0))
                break


@rule_kind("closing_phrase")
def _closing_phrase(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    # The phrases are alternatives: ending with any of them (required or merely accepted) is fine.
    if ctx.genre is None:
        return
    phrases = ctx.genre.closing
    title = norm(ctx.doc.title).rstrip("。.")
    required = [c for c in phrases if c.applies_to(title)]
    if not required:
        return
    paras = _content_paragraphs(ctx)
    candidates = [ctx.doc.closing or ""] + [p.text for p in paras[-3:]]
    if any(c.search(t) for c in phrases for t in candidates):
        return
    worst = min(required, key=lambda c: SEVERITY_ORDER[c.severity])
    first = required[0]
    expected = first.text if first.text.endswith("。") else first.text + "。"
    others = "”“".join(c.text.rstrip("。") for c in required[1:])
    yield rule.finding(paras[-1].line if paras else None, severity=worst.severity, source=worst.source,
                       message=worst.message, genre=ctx.genre_name, expected=expected,
                       others=f"，或“{others}”" if others else "")


@rule_kind("year_consistency")
def _year_consistency(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    title_years = set(_years(ctx.doc.title or ""))
    if len(title_years) != 1 or ctx.genre is None:
        return
    title_year = title_years.pop()
    # What the title's year means depends on the genre (Genre.title_year): the reviewed year in
    # "关于2023年法治政府建设情况的报告", the coming year in "2025年××省政府工作报告".
    reviewed = report_year(ctx.doc, ctx.genre) or title_year
    for role in ctx.roles:
        offset = rule.params.offsets.get(role.year_relation)
        if offset is None:
            continue
        expected = reviewed + offset
        for s in ctx.role_sections.get(role.id, []):
            if _RANGE_RE.search(norm(s.heading)):
                continue  # a range such as 2021—2025年 is a plan period, not the reported year
            years = set(_years(s.heading))
            if len(years) == 1 and expected not in years:
                yield rule.finding(s.line, heading=f"{s.number}{s.heading}", found=years.pop(),
                                   expected=expected, title=ctx.doc.title, title_year=title_year,
                                   role_name=role.name)


@rule_kind("forbidden_phrases")
def _forbidden_phrases(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    # The rule's own list, then the genre file's phrases (with their own severity, source and message); a
    # category another rule checks in this 文种 (request wording in a 报告) is left to that rule.
    covered = rule.params.covered_categories
    phrases: list[Phrase] = [p for p in (ctx.genre.forbidden_phrases if ctx.genre else [])
                             if not (p.category in covered and covered[p.category] == ctx.wenzhong)]
    if not rule.params.patterns and not phrases:
        return
    for p in _content_paragraphs(ctx):
        text = norm(p.text)
        seen: set[str] = set()
        for rx in rule.params.patterns:
            for m in rx.finditer(text):
                if m.group(0) not in seen:
                    seen.add(m.group(0))
                    yield rule.finding(p.line, value=m.group(0))
        for phrase in phrases:
            for m in phrase.finditer(text):
                if m.group(0) not in seen:
                    seen.add(m.group(0))
                    yield rule.finding(p.line, value=m.group(0), severity=phrase.severity, source=phrase.source,
                                       message=phrase.message)


@rule_kind("notes_content")
def _notes_content(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    if ctx.genre is None or not ctx.genre.notes_requirements:
        return
    notes, line = ctx.field_value("notes")
    for req in ctx.genre.notes_requirements:
        if req.satisfied_by(notes):
            continue
        yield rule.finding(line or ctx.doc.date_line, severity=req.severity, source=req.source, name=req.name,
                           genre=ctx.genre_name, example=f"，如“{req.example}”" if req.example else "")


@rule_kind("required_sections")
def _required_sections(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    for status in ctx.statuses:
        if status.required and status.status == "missing":
            yield rule.finding(None, name=status.name, source=status.source or rule.source)


@rule_kind("uncertain_sections")
def _uncertain_sections(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    # Weak evidence only: the user looks at the best candidate rather than being told the part is missing.
    for status in ctx.statuses:
        if status.required and status.status == "uncertain":
            yield rule.finding(status.line, name=status.name, heading=status.heading or "",
                               source=status.source or rule.source)


@rule_kind("sub_requirements")
def _sub_requirements(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    for role in ctx.roles:
        sections = ctx.role_sections.get(role.id, [])
        if not role.sub_requirements or not sections:
            continue
        # The body, not the heading: "存在的不足和原因" as a heading does not analyse any cause.
        text = norm("\n".join(s.body_text() for s in sections))
        first = sections[0]
        for sub in role.sub_requirements:
            if not sub.found_in(text):
                yield rule.finding(first.line, severity=sub.severity, source=sub.source or role.source or rule.source,
                                   heading=f"{first.number}{first.heading}", sub_name=sub.name)


@rule_kind("citations")
def _citations(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    for item in ctx.citation_findings:
        severity = item.get("severity")
        yield Finding(rule=str(item.get("rule") or rule.id),
                      severity=severity if severity in SEVERITIES else rule.severity,
                      message=str(item.get("message") or ""), line=item.get("line"),
                      source=item.get("source") or rule.source, fix=item.get("fix") or rule.fix)
