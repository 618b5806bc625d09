"""Draft checker: required sections per genre and 公文 format rules.

The rules themselves are data (knowledge/format_rules.yaml and the genre files); this module is the mechanism:
a registry of rule *kinds*, each a function that reads the parsed document and yields findings. Every rule in
the YAML must name a registered kind, and that is validated when the file is loaded: an unknown kind or a bad
regex is a load error, never a silently skipped rule.

Public API:
    load_format_rules(path=None) -> list[FormatRule]
    check_document(doc, *, genre=None, file=None, source=None, rules=None, with_citations=True) -> CheckReport
    check_source(source, *, genre=None) -> CheckReport
    check_file(path, *, genre=None) -> CheckReport
    check_text(text, *, genre=None) -> CheckReport
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.documents.numbering import LOOSE_TAIL_DATE_RE, YEAR_RE, heading_level, marker_shape, ordinal
from assistant.errors import ConfigError, UnknownGenreError
from assistant.models import OfficialDocument, Paragraph, Section, SourceText
from assistant.rules.genres import norm

SEVERITIES = ("error", "warning", "info")
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


# ---------------------------------------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Finding:
    rule: str
    severity: str  # error | warning | info
    message: str
    line: int | None = None
    source: str | None = None
    fix: str | None = None

    @property
    def where(self) -> str:
        """Where the finding points, as the checklist says it: 第N行, or 全文 for the whole document."""
        return f"第{self.line}行" if self.line else "全文"

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "line": self.line,
                "source": self.source, "fix": self.fix}


@dataclass
class SectionStatus:
    """One role of the genre and where (if anywhere) the draft covers it."""

    role: str
    name: str
    required: bool
    found: bool
    heading: str | None = None
    line: int | None = None
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, "required": self.required, "found": self.found,
                "heading": self.heading, "line": self.line}

    def missing_dict(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, "required": self.required, "source": self.source}


@dataclass
class CheckReport:
    file: str | None
    genre: dict[str, str] | None
    sections: list[SectionStatus] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    citations: list[Any] = field(default_factory=list)
    title: str | None = None

    @property
    def missing(self) -> list[SectionStatus]:
        return [s for s in self.sections if s.required and not s.found]

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def by_severity(self, severity: str) -> list[Finding]:
        return [f for f in self.findings if f.severity == severity]

    def groups(self) -> list[tuple[str, str, list[Finding]]]:
        """The checklist's grouping, shared by the CLI and the UI: (severity, Chinese label, findings), most
        severe first, empty groups left out."""
        return [(sev, label, items) for sev, label in SEVERITY_LABELS.items() if (items := self.by_severity(sev))]

    def counts_text(self) -> str:
        """错误 1 项，警告 0 项，提示 2 项"""
        return "，".join(f"{label} {len(self.by_severity(sev))} 项" for sev, label in SEVERITY_LABELS.items())

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "genre": self.genre,
            "sections": [s.to_dict() for s in self.sections],
            "missing": [s.missing_dict() for s in self.missing],
            "findings": [f.to_dict() for f in self.findings],
            "citations": [_plain(c) for c in self.citations],
        }


def _plain(obj: Any) -> Any:
    """A citation object (whatever citations.py returns) → JSON-ready dict."""
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if hasattr(obj, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(obj)
    return obj


# ---------------------------------------------------------------------------------------------------------
# Rules and the kind registry
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormatRule:
    id: str
    kind: str
    severity: str
    message: str
    fix: str
    source: str
    params: dict[str, Any]
    compiled: dict[str, list[re.Pattern[str]]]

    def finding(self, line: int | None, *, severity: str | None = None, source: str | None = None,
                message: str | None = None, **values: Any) -> Finding:
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            message=_fmt(message or self.message, values),
            line=line,
            source=source or self.source,
            fix=_fmt(self.fix, values),
        )


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fmt(template: str, values: dict[str, Any]) -> str:
    return template.format_map(_SafeDict(values))


RuleFn = Callable[["CheckContext", FormatRule], Iterable[Finding]]


@dataclass(frozen=True)
class RuleKind:
    name: str
    fn: RuleFn
    required_params: tuple[str, ...]
    regex_params: tuple[str, ...]  # params holding a regex or a list of regexes, compiled at load


RULE_KINDS: dict[str, RuleKind] = {}


def rule_kind(name: str, *, params: tuple[str, ...] = (), regex: tuple[str, ...] = ()) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        RULE_KINDS[name] = RuleKind(name, fn, params, regex)
        return fn

    return register


# ---------------------------------------------------------------------------------------------------------
# Loading the rule file
# ---------------------------------------------------------------------------------------------------------

_RULES_CACHE: dict[tuple[str, float], list[FormatRule]] = {}


def default_rules_path() -> Path:
    from assistant.settings import get_settings

    return get_settings().knowledge_dir / "format_rules.yaml"


def load_format_rules(path: Path | str | None = None) -> list[FormatRule]:
    """Read and validate the format rules. Raises ConfigError naming the rule for any defect."""
    import yaml

    path = Path(path) if path else default_rules_path()
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError as exc:
        raise ConfigError(f"找不到格式规则文件：{path}", hint="检查 ASSISTANT_KNOWLEDGE_DIR 设置") from exc
    if key in _RULES_CACHE:
        return _RULES_CACHE[key]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"格式规则文件无法读取：{path}：{exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise ConfigError(f"格式规则文件 {path} 应有顶层键 rules（规则列表）")
    rules = [_validate_rule(raw, path) for raw in data["rules"]]
    ids = [r.id for r in rules]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"格式规则文件 {path} 中规则编号重复：{'、'.join(dupes)}")
    _RULES_CACHE[key] = rules
    return rules


def _validate_rule(raw: Any, path: Path) -> FormatRule:
    if not isinstance(raw, dict):
        raise ConfigError(f"格式规则文件 {path} 中有一条规则不是映射：{raw!r}")
    rid = raw.get("id")
    where = f"格式规则 {rid or '（无编号）'}（{path.name}）"
    for key in ("id", "kind", "severity", "message", "fix", "source"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ConfigError(f"{where} 缺少字段 {key}")
    kind = RULE_KINDS.get(raw["kind"])
    if kind is None:
        raise ConfigError(f"{where} 的类型 {raw['kind']!r} 没有实现",
                          hint=f"可用类型：{', '.join(sorted(RULE_KINDS))}")
    if raw["severity"] not in SEVERITIES:
        raise ConfigError(f"{where} 的 severity 必须是 error、warning 或 info，而不是 {raw['severity']!r}")
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        raise ConfigError(f"{where} 的 params 应为映射")
    for name in kind.required_params:
        if name not in params:
            raise ConfigError(f"{where} 缺少参数 params.{name}（类型 {kind.name} 需要）")
    compiled: dict[str, list[re.Pattern[str]]] = {}
    for name in kind.regex_params:
        value = params.get(name)
        if value is None:
            continue
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
            raise ConfigError(f"{where} 的参数 params.{name} 应为正则表达式或其列表")
        try:
            compiled[name] = [re.compile(x) for x in items]
        except re.error as exc:
            raise ConfigError(f"{where} 的参数 params.{name} 中有无效的正则表达式：{exc}") from exc
    return FormatRule(raw["id"], raw["kind"], raw["severity"], raw["message"], raw["fix"], raw["source"],
                      params, compiled)


# ---------------------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------------------

# Loose forms of tail elements, to find them when they are too malformed for the parser.
_CC_LOOSE_RE = re.compile(r"^抄\s*[送报]\s*[:：]?")
_NOTES_HINT_RE = re.compile(r"此件|联系人|联系电话|主动公开|公开发布|依申请公开|不予公开")


def _years(text: str) -> list[int]:
    return [int(y) for y in YEAR_RE.findall(norm(text))]


def _attr(obj: Any, *names: str, default: Any = None) -> Any:
    """Read a field from a genre/role object or a plain dict (genres.py may use either)."""
    if obj is None:
        return default
    for name in names:
        if isinstance(obj, dict):
            if obj.get(name) is not None:
                return obj[name]
        else:
            value = getattr(obj, name, None)
            if value is not None:
                return value
    return default


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


# ---------------------------------------------------------------------------------------------------------
# Check context: the document plus everything derived from it once
# ---------------------------------------------------------------------------------------------------------


@dataclass
class CheckContext:
    doc: OfficialDocument
    genre: Any = None
    statuses: list[SectionStatus] = field(default_factory=list)
    role_sections: dict[str, list[Section]] = field(default_factory=dict)
    citation_findings: list[Any] = field(default_factory=list)
    marks: list[_Mark] | None = None  # 层次序数 of the body, computed once
    body: list[Paragraph] | None = None  # paragraphs of the 正文, computed once

    @property
    def genre_name(self) -> str | None:
        return _attr(self.genre, "name")

    @property
    def roles(self) -> list[Any]:
        return _as_list(_attr(self.genre, "roles", "sections"))

    @property
    def wenzhong(self) -> str | None:
        """The 法定文种 the document is written as: from the title's ending, else from the genre file."""
        title = norm(self.doc.title)
        for word in ("请示", "报告", "批复", "通知", "通报", "意见", "决定", "函", "纪要"):
            if title.endswith(word):
                return word
        return _attr(self.genre, "official_genre", "wenzhong", "document_type")

    def field_value(self, name: str) -> tuple[str | None, int | None]:
        """A format element's text as written and its line. When the parser could not recognise an element
        because it is malformed (附注 without brackets, 抄送 without colon, a dotted date), the checker looks
        for it in the last lines so the malformed form can still be reported."""
        doc = self.doc
        if name == "recipients_raw":
            para = self.paragraph_at(doc.recipients_line)
            if para is not None:
                return para.text.strip(), doc.recipients_line
            if doc.recipients:
                return "、".join(doc.recipients), doc.recipients_line
            return None, None
        if name == "date" and not doc.date:
            p = self._tail_match(LOOSE_TAIL_DATE_RE)
            return (p.text.strip(), p.line) if p else (None, None)
        if name == "notes" and not doc.notes:
            p = self._unbracketed_notes()
            return (p.text.strip(), p.line) if p else (None, None)
        if name == "cc_line_text":
            para = self.paragraph_at(doc.cc_line) or self._tail_match(_CC_LOOSE_RE)
            return (para.text.strip(), para.line) if para else (None, None)
        if name == "cc_raw" and not doc.cc_raw:
            p = self._tail_match(_CC_LOOSE_RE)
            return (_CC_LOOSE_RE.sub("", p.text).strip(), p.line) if p else (None, None)
        if name == "print_line" and not doc.print_line:
            p = self._print_candidate()
            return (p.text.strip(), p.line) if p else (None, None)
        lines = {"doc_number": "doc_number_line", "date": "date_line", "notes": "notes_line", "cc_raw": "cc_line",
                 "print_line": "print_line_no", "title": "title_line", "closing": "closing_line"}
        value = getattr(doc, name, None)
        line = getattr(doc, lines[name], None) if name in lines else None
        return (value if isinstance(value, str) else None), line

    def _tail(self, n: int = 8) -> list[Paragraph]:
        return self.doc.paragraphs[-n:]

    def _tail_match(self, rx: re.Pattern[str]) -> Paragraph | None:
        for p in reversed(self._tail()):
            if rx.search(p.text.strip()):
                return p
        return None

    def _unbracketed_notes(self) -> Paragraph | None:
        date = self.doc.date_line or getattr(self._tail_match(LOOSE_TAIL_DATE_RE), "line", None)
        if date is None:
            return None
        after = [p for p in self.doc.paragraphs if p.line > date]
        if after and len(after[0].text) <= 80 and _NOTES_HINT_RE.search(after[0].text) \
                and not _CC_LOOSE_RE.search(after[0].text) and "印发" not in after[0].text:
            return after[0]
        return None

    def _print_candidate(self) -> Paragraph | None:
        if self.doc.cc_line:
            after = [p for p in self.doc.paragraphs if p.line > self.doc.cc_line]
            if after:
                return after[-1] if len(after) == 1 else Paragraph(" ".join(p.text for p in after), after[0].line)
            return None
        p = self._tail(1)
        return p[0] if p and "印发" in p[0].text and len(p[0].text) <= 60 else None

    def paragraph_at(self, line: int | None) -> Paragraph | None:
        if line is None:
            return None
        for p in self.doc.paragraphs:
            if p.line == line:
                return p
        return None

    def body_paragraphs(self) -> list[Paragraph]:
        """Paragraphs of the 正文: after the title / 主送机关, before 附件说明, 署名 and 成文日期."""
        if self.body is None:
            self.body = self._body_paragraphs()
        return list(self.body)

    def _body_paragraphs(self) -> list[Paragraph]:
        doc = self.doc
        if not doc.paragraphs:
            out = list(doc.preamble)
            for s in doc.iter_sections():
                heading = f"{s.number}{s.heading}" + (f"。{s.inline_text}" if s.inline_text else "")
                out.append(Paragraph(heading, s.line))
                out.extend(s.paragraphs)
            return out
        starts = [x for x in (doc.title_line, doc.recipients_line, doc.doc_number_line) if x]
        start = max(starts) if starts else 0
        ends = [x for x in (doc.date_line, doc.notes_line, doc.cc_line, doc.print_line_no) if x and x > start]
        end = min(ends) if ends else None
        out = []
        for p in doc.paragraphs:
            if p.line <= start or (end is not None and p.line >= end):
                continue
            if re.match(r"^\s*附\s*件\s*[：:]", p.text):
                break
            out.append(p)
        # The 发文机关署名 sits directly above the date; it is not part of the body.
        while out and doc.issuer and norm(out[-1].text) and norm(out[-1].text) in norm(doc.issuer):
            out.pop()
        return out


# ---------------------------------------------------------------------------------------------------------
# Rule kinds
# ---------------------------------------------------------------------------------------------------------


@rule_kind("field_forbid", params=("field", "patterns"), regex=("patterns",))
def _field_forbid(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    value, line = ctx.field_value(rule.params["field"])
    if not value:
        return
    text = norm(value)
    for pattern in rule.compiled["patterns"]:
        if pattern.search(text):
            yield rule.finding(line, value=value.strip())
            return


_PLACEHOLDER_RE = re.compile(r"【待(补充|核实)[^】]*】")


@rule_kind("field_require", params=("field", "pattern"), regex=("pattern",))
def _field_require(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    value, line = ctx.field_value(rule.params["field"])
    if not value or _PLACEHOLDER_RE.search(value):
        return  # empty: format_elements reports it; 【待补充】: placeholder.unfilled does
    if not rule.compiled["pattern"][0].search(norm(value)):
        yield rule.finding(line, value=value.strip())


@rule_kind("line_forbid", params=("patterns",), regex=("patterns",))
def _line_forbid(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    for p in ctx.doc.paragraphs:
        text = norm(p.text)
        m = next((m for rx in rule.compiled["patterns"] if (m := rx.search(text))), None)
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


def _heading_marks(ctx: CheckContext) -> list[_Mark]:
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
    for m in _heading_marks(ctx):
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
    marks = _heading_marks(ctx)
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
    for m in _heading_marks(ctx):
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
    for m in _heading_marks(ctx):
        shape = marker_shape(m.raw)
        forms.setdefault(m.level, {}).setdefault(shape, m.line)
    for level, shapes in sorted(forms.items()):
        if len(shapes) > 1:
            first_odd = sorted(shapes.values())[1]
            yield rule.finding(first_odd, level=level, forms="、".join(f"“{s}”" for s in shapes))


# --- title, recipients ------------------------------------------------------------------------------------


def _is_official(ctx: CheckContext) -> bool:
    """Whether the genre is a 公文 written with 版头 and 文种 (not a 事务文书 like 总结 or 述职报告)."""
    flag = _attr(ctx.genre, "official", "is_official")
    if flag is not None:
        return bool(flag)
    official = _attr(ctx.genre, "official_genre", "wenzhong", "document_type")
    if official:
        return any(w in str(official) for w in ("报告", "请示", "通知", "意见", "函", "决定", "通报", "批复"))
    return "关于" in norm(ctx.doc.title)


@rule_kind("title_present")
def _title_present(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    if not ctx.doc.title:
        yield rule.finding(None)


@rule_kind("title_genre_word", params=("mode",))
def _title_genre_word(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    title = norm(ctx.doc.title).rstrip("。.")
    if not title:
        return
    if rule.params["mode"] == "fake":
        for word in rule.params.get("fake_words", []):
            if title.endswith(word):
                yield rule.finding(ctx.doc.title_line, value=ctx.doc.title, word=word)
                return
        return
    # legal_ending: only 公文 titles ("××关于××的报告") must end in a 法定文种.
    if not ("关于" in title or _is_official(ctx)):
        return
    if any(title.endswith(w) for w in rule.params.get("skip_words", [])):
        return  # already reported by the fake-genre rule
    if not any(title.endswith(w) for w in rule.params.get("legal_words", [])):
        yield rule.finding(ctx.doc.title_line, value=ctx.doc.title)


@rule_kind("title_pattern", params=("pattern",), regex=("pattern",))
def _title_pattern(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    title = norm(ctx.doc.title).rstrip("。.")
    if not title or _attr(ctx.genre, "id") in set(rule.params.get("exempt_genres", [])):
        return
    has_about = "关于" in title
    if not has_about and not (ctx.genre is not None and _is_official(ctx)):
        return  # a 事务文书 title ("××2023年工作总结") has no fixed pattern
    if rule.compiled["pattern"][0].search(title):
        return
    legal = rule.params.get("legal_words", [])
    if legal and not any(title.endswith(w) for w in legal):
        return  # a title without a 法定文种 at the end is reported by title.genre_word
    if any(title.endswith(w) for w in rule.params.get("skip_words", [])):
        return  # a made-up 文种 (请示报告) is reported by title.fake_genre
    if title.startswith("关于"):
        problem = "缺少发文机关名称"
    elif not has_about:
        problem = "没有写成“发文机关＋关于＋事由＋的＋文种”"
    else:
        problem = "事由和文种之间缺少“的”"
    yield rule.finding(ctx.doc.title_line, value=ctx.doc.title, problem=problem)


def _needs_recipients(ctx: CheckContext) -> bool:
    flag = _attr(ctx.genre, "recipients_required", "needs_recipients", "requires_recipients")
    if flag is not None:
        return bool(flag)
    elements = _as_list(_attr(ctx.genre, "required_format_elements", "format_elements"))
    if elements:
        return any("主送机关" in str(e) for e in elements)
    direction = _attr(ctx.genre, "direction")
    return bool(direction) and "上行" in str(direction) and _is_official(ctx)


@rule_kind("recipients_required")
def _recipients_required(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    if ctx.genre is None or ctx.doc.recipients or not _needs_recipients(ctx):
        return
    line = (ctx.doc.title_line + 1) if ctx.doc.title_line else None
    yield rule.finding(line, genre=ctx.genre_name)


@rule_kind("signer_required")
def _signer_required(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    # Only a draft with a 版头 (发文字号) is a formal 上行文 that must show its 签发人.
    if ctx.genre is None or not ctx.doc.doc_number or ctx.doc.signer:
        return
    flag = _attr(ctx.genre, "needs_signer", "signer_required")
    direction = str(_attr(ctx.genre, "direction", default=""))
    if flag or (flag is None and "上行" in direction and _is_official(ctx)):
        yield rule.finding(ctx.doc.doc_number_line, genre=ctx.genre_name, direction=direction or "上行文")


@rule_kind("format_elements", params=("elements",))
def _format_elements(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    """The genre's required_format_elements that the draft lacks. Elements reported by a dedicated rule or
    invisible in plain text (印章) are listed under params.elsewhere; every element a genre file may name is in
    params.elements or params.elsewhere (tests/test_genre_coverage.py)."""
    if ctx.genre is None:
        return
    detectors = rule.params["elements"]
    deferred = rule.params.get("deferred") or {}
    for element in _as_list(_attr(ctx.genre, "required_format_elements")):
        spec = detectors.get(element)
        if spec is None:
            continue  # in params.elsewhere: another rule reports it, or plain text cannot show it
        when = deferred.get(element)
        if when and _as_list(_attr(ctx.genre, when)):
            continue  # e.g. 附注 of a 请示: notes.content reports it with the content it needs
        name = spec["field"]
        if name == "body":
            present = bool(ctx.body_paragraphs() or ctx.doc.sections)
        elif name in ("date", "notes", "print_line", "cc_raw"):
            present = bool(ctx.field_value(name)[0])  # a malformed element is present (its own rule reports it)
        else:
            present = bool(getattr(ctx.doc, name, None))
        if not present:
            yield rule.finding(None, severity=spec.get("severity"), element=element, genre=ctx.genre_name,
                               hint=spec.get("hint", ""))


# --- content rules ----------------------------------------------------------------------------------------


def _content_paragraphs(ctx: CheckContext) -> list[Paragraph]:
    paras = ctx.body_paragraphs()
    if ctx.doc.closing and ctx.doc.closing_line and all(p.line != ctx.doc.closing_line for p in paras):
        paras.append(Paragraph(ctx.doc.closing, ctx.doc.closing_line))
    return paras


@rule_kind("request_in_report", params=("patterns",), regex=("patterns", "allow"))
def _request_in_report(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    if ctx.wenzhong != "报告":
        return
    allow = rule.compiled.get("allow", [])
    for p in _content_paragraphs(ctx):
        text = norm(p.text)
        if any(a.search(text) for a in allow):
            continue
        for rx in rule.compiled["patterns"]:
            m = rx.search(text)
            if m:
                yield rule.finding(p.line, value=m.group(0))
                break


@dataclass(frozen=True)
class _Closing:
    text: str
    pattern: str | None
    severity: str | None
    source: str | None
    message: str | None
    required: bool
    when_title_ends_with: tuple[str, ...]


def _closing_phrases(genre: Any) -> list[_Closing]:
    """The genre file's customary closings (plain strings count as required, as in a hand-written genre)."""
    out = []
    for item in _as_list(_attr(genre, "closing", "closings", "closing_phrases")):
        if isinstance(item, str):
            out.append(_Closing(item, None, None, None, None, True, ()))
            continue
        text = _attr(item, "text", "phrase")
        severity = _attr(item, "severity")
        if text:
            out.append(_Closing(str(text), _attr(item, "pattern"), severity if severity in SEVERITIES else None,
                                _attr(item, "source"), _attr(item, "message"), bool(_attr(item, "required")),
                                tuple(_as_list(_attr(item, "when_title_ends_with")))))
    return out


@rule_kind("closing_phrase")
def _closing_phrase(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    # The phrases are alternatives: ending with any of them (required or merely accepted) is fine.
    phrases = _closing_phrases(ctx.genre)
    title = norm(ctx.doc.title).rstrip("。.")
    required = [c for c in phrases if c.required
                and (not c.when_title_ends_with or title.endswith(c.when_title_ends_with))]
    if not required:
        return
    paras = _content_paragraphs(ctx)
    candidates = [norm(t) for t in [ctx.doc.closing or ""] + [p.text for p in paras[-3:]]]
    for c in phrases:
        key = norm(c.text).rstrip("。")
        if any((key and key in t) or (c.pattern and _safe_search(c.pattern, t)) for t in candidates):
            return
    order = {s: i for i, s in enumerate(SEVERITIES)}
    worst = min(required, key=lambda c: order.get(c.severity or rule.severity, 9))
    first = required[0]
    expected = first.text if first.text.endswith("。") else first.text + "。"
    others = "”“".join(c.text.rstrip("。") for c in required[1:])
    yield rule.finding(paras[-1].line if paras else None, severity=worst.severity, source=worst.source,
                       message=worst.message, genre=ctx.genre_name or "本文种", expected=expected,
                       others=f"，或“{others}”" if others else "")


def _safe_search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _year_offset(relation: Any, offsets: dict[str, int]) -> int | None:
    """A role's year_relation → years after the title's year (None: the role has no year to check)."""
    if relation is None or isinstance(relation, bool):
        return None
    if isinstance(relation, int):
        return relation
    text = str(relation).strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    value = offsets.get(text)
    return int(value) if value is not None else None


@rule_kind("year_consistency", params=("offsets",))
def _year_consistency(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    title_years = set(_years(ctx.doc.title or ""))
    if len(title_years) != 1:
        return
    title_year = title_years.pop()
    # What the title's year means depends on the genre: the reviewed year in "关于2023年法治政府建设情况的报告",
    # the coming year in "2025年××省政府工作报告".
    offsets = dict(rule.params["offsets"])
    offsets.update((rule.params.get("genre_offsets") or {}).get(_attr(ctx.genre, "id"), {}))
    for role in ctx.roles:
        offset = _year_offset(_attr(role, "year_relation"), offsets)
        if offset is None:
            continue
        rid = _attr(role, "id")
        expected = title_year + offset
        for s in ctx.role_sections.get(rid, []):
            heading = norm(s.heading)
            if re.search(r"\d{4}年?\s*[—–\-~～至到]\s*\d{4}", heading):
                continue  # a range such as 2021—2025年 is a plan period, not the reported year
            years = set(_years(s.heading))
            if len(years) == 1 and expected not in years:
                yield rule.finding(s.line, heading=f"{s.number}{s.heading}", found=years.pop(),
                                   expected=expected, title=ctx.doc.title, title_year=title_year,
                                   role_name=_attr(role, "name", default=rid))


@rule_kind("forbidden_phrases", regex=("patterns",))
def _forbidden_phrases(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    # (pattern, severity, source, message): the rule's own list, then the genre file's forbidden phrases.
    patterns: list[tuple[re.Pattern[str], str | None, str | None, str | None]] = [
        (rx, None, None, None) for rx in rule.compiled.get("patterns", [])]
    # category → 文种 in which a dedicated rule already checks it (request wording in a 报告)
    covered = rule.params.get("covered_categories") or {}
    for item in _as_list(_attr(ctx.genre, "forbidden_phrases", "forbidden", "forbidden_words")):
        if isinstance(item, str):
            text, severity, src, message = item, None, None, None
        else:
            category = _attr(item, "category")
            if category in covered and covered[category] == ctx.wenzhong:
                continue
            text = _attr(item, "pattern", "text", "phrase")
            severity, src, message = _attr(item, "severity"), _attr(item, "source"), _attr(item, "message")
        if not text:
            continue
        try:
            rx = re.compile(str(text))
        except re.error:
            rx = re.compile(re.escape(str(text)))
        patterns.append((rx, severity if severity in SEVERITIES else None, src, message))
    if not patterns:
        return
    for p in _content_paragraphs(ctx):
        text = norm(p.text)
        seen: set[str] = set()
        for rx, severity, src, message in patterns:
            for m in rx.finditer(text):
                if m.group(0) not in seen:
                    seen.add(m.group(0))
                    yield rule.finding(p.line, value=m.group(0), severity=severity, source=src, message=message)


@rule_kind("notes_content")
def _notes_content(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    reqs = _as_list(_attr(ctx.genre, "notes_requirements"))
    if not reqs:
        return
    notes, line = ctx.field_value("notes")
    text = norm(notes)
    for req in reqs:
        pats = [str(x) for x in _as_list(_attr(req, "patterns"))]
        if text and all(_safe_search(pt, text) for pt in pats):
            continue
        severity = _attr(req, "severity")
        example = _attr(req, "example")
        yield rule.finding(line or ctx.doc.date_line, severity=severity if severity in SEVERITIES else None,
                           source=_attr(req, "source"), name=_attr(req, "name"), genre=ctx.genre_name,
                           example=f"，如“{example}”" if example else "")


# --- sections ---------------------------------------------------------------------------------------------


@rule_kind("required_sections")
def _required_sections(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    for status in ctx.statuses:
        if status.required and not status.found:
            yield rule.finding(None, name=status.name, source=status.source or rule.source)


@rule_kind("sub_requirements")
def _sub_requirements(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    for role in ctx.roles:
        subs = _as_list(_attr(role, "sub_requirements", "sub_required"))
        sections = ctx.role_sections.get(_attr(role, "id"), [])
        if not subs or not sections:
            continue
        # The body, not the heading: "存在的不足和原因" as a heading does not analyse any cause.
        text = norm("\n".join(s.body_text() for s in sections))
        for sub in subs:
            name = sub if isinstance(sub, str) else _attr(sub, "name", default="")
            aliases = [str(a) for a in _as_list(_attr(sub, "aliases", "keywords"))] if not isinstance(sub, str) else []
            keys = [norm(k) for k in aliases + [name] if k]
            if any(k in text or _safe_search(k, text) for k in keys):
                continue
            first = sections[0]
            severity = _attr(sub, "severity") if not isinstance(sub, str) else None
            src = (_attr(sub, "source") if not isinstance(sub, str) else None) or _attr(role, "source")
            yield rule.finding(first.line, severity=severity if severity in SEVERITIES else None,
                               source=src or rule.source, heading=f"{first.number}{first.heading}",
                               sub_name=name)


# --- citations --------------------------------------------------------------------------------------------


@rule_kind("citations")
def _citations(ctx: CheckContext, rule: FormatRule) -> Iterator[Finding]:
    for item in ctx.citation_findings:
        if isinstance(item, Finding):
            yield item
            continue
        severity = _attr(item, "severity", default=rule.severity)
        yield Finding(
            rule=str(_attr(item, "rule", default=rule.id)),
            severity=severity if severity in SEVERITIES else rule.severity,
            message=str(_attr(item, "message", default="")),
            line=_attr(item, "line"),
            source=_attr(item, "source", default=rule.source),
            fix=_attr(item, "fix", "suggestion", default=rule.fix),
        )


# ---------------------------------------------------------------------------------------------------------
# Genre and sections
# ---------------------------------------------------------------------------------------------------------


def resolve_genre(doc: OfficialDocument, genre: Any = None) -> Any:
    """`genre` may be a genre object, a name/id (the --genre option) or None (detect from the document)."""
    from assistant.rules import genres as genres_mod

    if genre is not None and not isinstance(genre, str):
        return genre
    if isinstance(genre, str):
        found = genres_mod.get_genre(genre)  # raises UnknownGenreError with the list of genres
        if found is None:
            raise UnknownGenreError(f"没有名为“{genre}”的文种规则", hint="可用的文种见 knowledge/genres")
        return found
    match = genres_mod.detect_genre(doc)
    if match is None:
        return None
    return _attr(match, "genre", default=match)


def _section_statuses(doc: OfficialDocument, genre: Any) -> tuple[list[SectionStatus], dict[str, list[Section]]]:
    """Per role of the genre: found or not, where. Uses genres.classify_sections (order- and wording-independent)."""
    from assistant.rules import genres as genres_mod

    hits = genres_mod.classify_sections(doc, genre)
    statuses: list[SectionStatus] = []
    by_role: dict[str, list[Section]] = {}
    for hit in hits:
        secs = list(_attr(hit, "sections", default=[]))
        by_role[hit.role] = secs
        heading = _attr(hit, "heading")
        line = _attr(hit, "line")
        if heading is None and line is not None:
            # found in running text (a short 请示 without headings): show that paragraph
            para = next((p for p in doc.paragraphs if p.line == line), None)
            heading = para.text[:30] if para else None
        statuses.append(SectionStatus(role=hit.role, name=hit.name, required=bool(hit.required),
                                      found=bool(hit.found), heading=heading, line=line,
                                      source=_attr(hit, "source")))
    return statuses, by_role


def _genre_ref(genre: Any) -> dict[str, str] | None:
    if genre is None:
        return None
    return {"id": _attr(genre, "id"), "name": _attr(genre, "name")}


# ---------------------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------------------


def _citations_for(doc: OfficialDocument, source: SourceText | None) -> tuple[list[Any], list[Any]]:
    try:
        from assistant.citations import resolver as citations_mod
    except ImportError:
        return [], []  # the citation resolver is optional until it lands
    target: Any = source if source is not None else "\n".join(p.text for p in doc.paragraphs)
    cites = list(citations_mod.check_citations(target, doc.date))
    return cites, list(citations_mod.citation_findings(cites))


def check_document(
    doc: OfficialDocument,
    *,
    genre: Any = None,
    file: str | None = None,
    source: SourceText | None = None,
    rules: list[FormatRule] | None = None,
    with_citations: bool = True,
) -> CheckReport:
    """Run every format rule and the genre's section rules over a parsed document."""
    rules = rules if rules is not None else load_format_rules()
    genre_obj = resolve_genre(doc, genre)
    statuses, by_role = _section_statuses(doc, genre_obj) if genre_obj is not None else ([], {})
    cites, cite_findings = _citations_for(doc, source) if with_citations else ([], [])
    ctx = CheckContext(doc=doc, genre=genre_obj, statuses=statuses, role_sections=by_role,
                       citation_findings=cite_findings)
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(RULE_KINDS[rule.kind].fn(ctx, rule))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (order[f.severity], f.line if f.line is not None else 10**9))
    return CheckReport(file=file if file is not None else (source.path if source else doc.source),
                       genre=_genre_ref(genre_obj), sections=statuses, findings=findings, citations=cites,
                       title=doc.title)


def check_source(source: SourceText, *, genre: Any = None, with_citations: bool = True) -> CheckReport:
    from assistant.documents.structure import parse_official

    doc = parse_official(source)
    return check_document(doc, genre=genre, source=source, with_citations=with_citations)


def check_file(path: str | Path, *, genre: Any = None, with_citations: bool = True) -> CheckReport:
    from assistant.documents.reading import read_document

    source = read_document(path)
    report = check_source(source, genre=genre, with_citations=with_citations)
    report.file = str(path)
    return report


def check_text(text: str, *, genre: Any = None, with_citations: bool = True) -> CheckReport:
    from assistant.documents.reading import read_text_input

    return check_source(read_text_input(text), genre=genre, with_citations=with_citations)
