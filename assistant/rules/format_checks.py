"""Rule kinds on the form of a draft: fields (发文字号, 成文日期, 附注, 抄送, 印发), lines, 层次序数, the title,
主送机关, 签发人 and the genre's required format elements."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.documents.numbering import heading_level, marker_shape, ordinal
from assistant.rules.context import CheckContext
from assistant.rules.findings import Finding
from assistant.rules.format_rules import FormatRule, rule_kind
from assistant.rules.genre_schema import norm
from assistant.rules.wenzhong import legal_ending, made_up_ending


@rule_kind("field_forbid")
def _field_forbid(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    value, line = ctx.field_value(rule.params.field)
    if not value:
        return
    text = norm(value)
    for pattern in rule.params.patterns:
        if pattern.search(text):
            yield rule.finding(line, value=value.strip())
            return


_PLACEHOLDER_RE = re.compile(r"【待(补充|核实)[^】]*】")


@rule_kind("field_require")
def _field_require(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    value, line = ctx.field_value(rule.params.field)
    if not value or _PLACEHOLDER_RE.search(value):
        return  # empty: format_elements reports it; 【待补充】: placeholder.unfilled does
    if not rule.params.pattern.search(norm(value)):
        yield rule.finding(line, value=value.strip())


@rule_kind("line_forbid")
def _line_forbid(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    for p in ctx.doc.paragraphs:
        text = norm(p.text)
        m = next((m for rx in rule.params.patterns if (m := rx.search(text))), None)
        if m:
            yield rule.finding(p.line, value=_excerpt(text, m.start(), m.end()))


def _excerpt(text: str, start: int, end: int, before: int = 16, after: int = 8) -> str:
    """The matched words with a little context, so a finding on a long paragraph stays one readable line."""
    text = text.strip()
    if len(text) <= before + after + (end - start) + 4:
        return text
    a, b = max(0, start - before), min(len(text), end + after)
    return ("…" if a else "") + text[a:b] + ("…" if b < len(text) else "")


# --- 层次序数 -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Mark:
    line: int
    level: int
    value: int
    raw: str
    expected: str
    ok: bool
    after_break: bool  # an unnumbered heading-like line (a part title, 附件) sits between it and the previous mark


_DECIMAL_START_RE = re.compile(r"^\s*(\d{1,2})\.\d")


def _heading_like(text: str) -> bool:
    t = norm(text)
    return 0 < len(t) <= 30 and not re.search(r"[。；;！？!?，,]", t)


def heading_marks(ctx: CheckContext) -> list[_Mark]:
    if ctx.marks is not None:
        return ctx.marks
    marks: list[_Mark] = []
    broken = False
    for p in ctx.body_paragraphs():
        m = heading_level(p.text)
        if m is None:
            # "8.6个重大科技专项" right after item 7 is item 8, not the decimal 8.6.
            d = _DECIMAL_START_RE.match(p.text)
            if d and marks and marks[-1].level == 3 and marks[-1].value == int(d.group(1)) - 1:
                marks.append(_Mark(p.line, 3, int(d.group(1)), f"{d.group(1)}.", f"{d.group(1)}.", True, broken))
                broken = False
            elif marks and _heading_like(p.text):
                broken = True
            continue
        marks.append(_Mark(p.line, m.level, m.value, m.raw, m.number_text, m.style_ok, broken))
        broken = False
    ctx.marks = marks
    return marks


@rule_kind("numbering_form")
def _numbering_form(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    # One finding per wrong shape (e.g. "(一)" used throughout), listing where else it occurs.
    groups: dict[tuple[int, str], list[_Mark]] = {}
    for m in heading_marks(ctx):
        if not m.ok:
            groups.setdefault((m.level, marker_shape(m.raw)), []).append(m)
    for marks in groups.values():
        first = marks[0]
        more = ""
        if len(marks) > 1:
            lines = "、".join(str(m.line) for m in marks[1:9]) + ("等" if len(marks) > 9 else "")
            more = f"（同样写法共{len(marks)}处，另见第{lines}行）"
        yield rule.finding(first.line, value=first.raw, expected=first.expected, more=more)


@rule_kind("numbering_skip")
def _numbering_skip(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    marks = heading_marks(ctx)
    if not marks:
        return
    top = min(m.level for m in marks)
    open_marks: list[_Mark | None] = []
    reported: set[tuple[int, int]] = set()  # (parent line, level): one finding per run of skipped siblings
    for m in marks:
        while open_marks and open_marks[-1] is not None and open_marks[-1].level >= m.level:
            open_marks.pop()
        parent = open_marks[-1] if open_marks else None
        parent_level = parent.level if parent else top - 1
        if m.level > parent_level + 1:
            key = (parent.line if parent else 0, m.level)
            if key not in reported:
                reported.add(key)
                yield rule.finding(m.line, value=m.raw, level=m.level, parent_level=m.level - 1,
                                   parent_form=ordinal(m.level - 1, 1))
        open_marks.append(m)


@rule_kind("numbering_sequence")
def _numbering_sequence(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    last: dict[int, int] = {}
    for m in heading_marks(ctx):
        for deeper in [lvl for lvl in last if lvl > m.level]:
            del last[deeper]  # a new parent restarts the numbering below it
        if m.after_break and m.value == 1:
            last = {k: v for k, v in last.items() if k < m.level}  # a new unnumbered part starts a new list
        prev = last.get(m.level)
        problem = None
        if prev is None:
            if m.value != 1:
                problem = f"没有从“{ordinal(m.level, 1)}”开始"
        elif m.value == prev:
            problem = "与前一个序数重复"
        elif m.value > prev + 1:
            gap = "、".join(f"“{ordinal(m.level, v)}”" for v in range(prev + 1, m.value))
            problem = f"跳号，缺少{gap}"
        elif m.value < prev:
            problem = "顺序颠倒"
        if problem:
            previous = ordinal(m.level, prev) if prev is not None else "（无）"
            yield rule.finding(m.line, value=m.raw, problem=problem, previous=previous)
        last[m.level] = m.value


@rule_kind("numbering_mixed")
def _numbering_mixed(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    forms: dict[int, dict[str, int]] = {}
    for m in heading_marks(ctx):
        shape = marker_shape(m.raw)
        forms.setdefault(m.level, {}).setdefault(shape, m.line)
    for level, shapes in sorted(forms.items()):
        if len(shapes) > 1:
            first_odd = sorted(shapes.values())[1]
            yield rule.finding(first_odd, level=level, forms="、".join(f"“{s}”" for s in shapes))


# --- title, recipients ------------------------------------------------------------------------------------


@rule_kind("title_present")
def _title_present(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    if not ctx.doc.title:
        yield rule.finding(None)


@rule_kind("title_made_up_genre")
def _title_made_up_genre(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    word = made_up_ending(norm(ctx.doc.title).rstrip("。."))
    if word:
        yield rule.finding(ctx.doc.title_line, value=ctx.doc.title, word=word)


@rule_kind("title_legal_ending")
def _title_legal_ending(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    # Only 公文 titles ("××关于××的报告") must end in a 法定文种; a made-up one is title_made_up_genre's.
    title = norm(ctx.doc.title).rstrip("。.")
    if not title or not ("关于" in title or ctx.is_official) or made_up_ending(title):
        return
    if not legal_ending(title):
        yield rule.finding(ctx.doc.title_line, value=ctx.doc.title)


@rule_kind("title_pattern")
def _title_pattern(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    title = norm(ctx.doc.title).rstrip("。.")
    if not title or (ctx.genre is not None and ctx.genre.id in rule.params.exempt_genres):
        return
    has_about = "关于" in title
    if not has_about and not (ctx.genre is not None and ctx.is_official):
        return  # a 事务文书 title ("××2023年工作总结") has no fixed pattern
    ending = legal_ending(title)
    if not ending or made_up_ending(title):
        return  # reported by title.genre_word / title.fake_genre
    if rule.params.pattern.search(title[: -len(ending)]):
        return
    if title.startswith("关于"):
        problem = "缺少发文机关名称"
    elif not has_about:
        problem = "没有写成“发文机关＋关于＋事由＋的＋文种”"
    else:
        problem = "事由和文种之间缺少“的”"
    yield rule.finding(ctx.doc.title_line, value=ctx.doc.title, problem=problem)


@rule_kind("recipients_required")
def _recipients_required(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    if ctx.genre is None or ctx.doc.recipients or not ctx.genre.needs_recipients:
        return
    line = None
    if ctx.doc.title_line:  # the line after the title, where it belongs; the title's own when nothing follows
        last = max([p.line for p in ctx.doc.paragraphs if p.line] + [ctx.doc.title_line])
        line = min(ctx.doc.title_line + 1, last)
    yield rule.finding(line, genre=ctx.genre_name)


@rule_kind("signer_required")
def _signer_required(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    # Only a draft with a 版头 (发文字号) is a formal 上行文 that must show its 签发人.
    if ctx.genre is None or not ctx.doc.doc_number or ctx.doc.signer or not ctx.genre.needs_signer:
        return
    yield rule.finding(ctx.doc.doc_number_line, genre=ctx.genre_name, direction=ctx.genre.direction)


@rule_kind("format_elements")
def _format_elements(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    """The genre's required_format_elements that the draft lacks. Elements reported by a dedicated rule or
    invisible in plain text (印章) are listed under params.elsewhere; every element a genre file may name is in
    params.elements or params.elsewhere (tests/test_genre_coverage.py)."""
    if ctx.genre is None:
        return
    for element in ctx.genre.required_format_elements:
        spec = rule.params.elements.get(element)
        if spec is None:
            continue  # in params.elsewhere: another rule reports it, or plain text cannot show it
        when = rule.params.deferred.get(element)
        if when and getattr(ctx.genre, when):
            continue  # e.g. 附注 of a 请示: notes.content reports it with the content it needs
        if spec.field == "body":
            present = bool(ctx.body_paragraphs() or ctx.doc.sections)
        elif spec.field in ("date", "notes", "print_line", "cc_raw"):
            present = bool(ctx.field_value(spec.field)[0])  # a malformed element is present (its own rule reports it)
        else:
            present = bool(getattr(ctx.doc, spec.field, None))
        if not present:
            yield rule.finding(None, severity=spec.severity, element=element, genre=ctx.genre_name, hint=spec.hint)
