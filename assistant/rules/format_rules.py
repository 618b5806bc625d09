"""The format rules of knowledge/format_rules.yaml: one strict model per rule kind, the loader, and the registry
of the functions that run each kind.

Every rule names a kind; the kind fixes its params (typed, unknown keys rejected) and the placeholders its
message and fix may use. A misspelled param, an unknown key, a bad regex or a placeholder the kind never fills
is a load error naming the rule, never a silently disabled rule. The functions live in format_checks.py and
content_checks.py and register themselves with @rule_kind(<model>).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.errors import ConfigError
from assistant.rules.data_files import load_rule_file
from assistant.rules.findings import Finding
from assistant.rules.genre_schema import FormatElement, Severity
from assistant.settings import get_settings

if TYPE_CHECKING:
    from assistant.rules.context import CheckContext

Regex = re.Pattern[str]
# Elements of the parsed document a field rule reads (CheckContext.field_value knows each one).
DocField = Literal["doc_number", "date", "notes", "recipients_raw", "cc_line_text", "cc_raw", "print_line",
                   "title", "closing"]
# Where format_elements looks for an element (OfficialDocument attributes; body = the 正文 paragraphs).
ElementField = Literal["issuer_mark", "doc_number", "body", "attachments", "issuer", "date", "notes", "cc_raw",
                       "print_line"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class FormatRule(_Strict):
    """Fields every rule has. Subclasses fix `kind`, `params` and `values` (the placeholders they fill)."""

    id: str = Field(min_length=1)
    kind: str
    severity: Severity
    message: str = Field(min_length=1)
    fix: str = Field(min_length=1)
    source: str = Field(min_length=1)

    values: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _placeholders(self) -> FormatRule:
        allowed = self.values | {"line"}
        for what in ("message", "fix"):
            try:
                names = {name for _, name, _, _ in string.Formatter().parse(getattr(self, what)) if name}
            except ValueError as exc:
                raise ValueError(f"{what} 中的花括号不成对：{exc}") from exc
            unknown = sorted(names - allowed)
            if unknown:
                raise ValueError(f"{what} 使用了类型 {self.kind} 不提供的占位符 {{{'}、{'.join(unknown)}}}"
                                 f"（可用：{'、'.join(sorted(allowed))}）")
        return self

    def finding(self, line: int | None, *, severity: str | None = None, source: str | None = None,
                message: str | None = None, **values: Any) -> Finding:
        values.setdefault("line", line)
        return Finding(rule=self.id, severity=severity or self.severity,
                       message=(message or self.message).format_map(_SafeDict(values)), line=line,
                       source=source or self.source, fix=self.fix.format_map(_SafeDict(values)))


class _NoParams(_Strict):
    pass


# --- params of each kind ----------------------------------------------------------------------------------


class FieldForbidParams(_Strict):
    field: DocField
    patterns: list[Regex] = Field(min_length=1)


class FieldRequireParams(_Strict):
    field: DocField
    pattern: Regex


class LineForbidParams(_Strict):
    patterns: list[Regex] = Field(min_length=1)


class TitlePatternParams(_Strict):
    # Matched against the title without its 法定文种 ending: "××关于××的" (the ending is checked elsewhere).
    pattern: Regex
    exempt_genres: list[str] = Field(default_factory=list)  # genres with a national title form of their own


class ElementSpec(_Strict):
    field: ElementField
    severity: Severity
    hint: str = ""


class FormatElementsParams(_Strict):
    elements: dict[FormatElement, ElementSpec]
    # element → Genre field: when the genre fills that field, the rule reading it reports the element instead
    deferred: dict[FormatElement, Literal["notes_requirements"]] = Field(default_factory=dict)
    elsewhere: dict[FormatElement, str] = Field(default_factory=dict)  # element → the rule that reports it

    @model_validator(mode="after")
    def _disjoint(self) -> FormatElementsParams:
        both = sorted(set(self.elements) & set(self.elsewhere))
        if both:
            raise ValueError(f"要素 {'、'.join(both)} 同时出现在 elements 和 elsewhere 中")
        return self


class RequestInReportParams(_Strict):
    patterns: list[Regex] = Field(min_length=1)
    allow: list[Regex] = Field(default_factory=list)


class YearConsistencyParams(_Strict):
    offsets: dict[Literal["previous", "next"], int]  # year_relation → years after the reported year


class ForbiddenPhrasesParams(_Strict):
    patterns: list[Regex] = Field(default_factory=list)
    covered_categories: dict[str, str] = Field(default_factory=dict)  # category → 文种 where another rule checks it


# --- one model per kind -----------------------------------------------------------------------------------


def _kind(name: str, params: type[_Strict] = _NoParams, values: tuple[str, ...] = ()) -> type[FormatRule]:
    """A rule model for one kind: `kind` fixed to `name`, typed params, the placeholders its function fills."""
    default: Any = Field(default_factory=_NoParams) if params is _NoParams else ...
    model = type(f"Rule_{name}", (FormatRule,), {
        "__annotations__": {"kind": Literal[name], "params": params, "values": ClassVar[frozenset[str]]},
        "params": default,
        "values": frozenset(values),
    })
    return model


KIND_MODELS: dict[str, type[FormatRule]] = {m.model_fields["kind"].annotation.__args__[0]: m for m in (  # type: ignore[union-attr]
    _kind("field_forbid", FieldForbidParams, ("value",)),
    _kind("field_require", FieldRequireParams, ("value",)),
    _kind("line_forbid", LineForbidParams, ("value",)),
    _kind("numbering_form", values=("value", "expected", "more")),
    _kind("numbering_skip", values=("value", "level", "parent_level", "parent_form")),
    _kind("numbering_sequence", values=("value", "problem", "previous")),
    _kind("numbering_mixed", values=("level", "forms")),
    _kind("title_present"),
    _kind("title_made_up_genre", values=("value", "word")),
    _kind("title_legal_ending", values=("value",)),
    _kind("title_pattern", TitlePatternParams, ("value", "problem")),
    _kind("recipients_required", values=("genre",)),
    _kind("signer_required", values=("genre", "direction")),
    _kind("format_elements", FormatElementsParams, ("element", "genre", "hint")),
    _kind("request_in_report", RequestInReportParams, ("value",)),
    _kind("closing_phrase", values=("genre", "expected", "others")),
    _kind("year_consistency", YearConsistencyParams,
          ("heading", "found", "expected", "title", "title_year", "role_name")),
    _kind("forbidden_phrases", ForbiddenPhrasesParams, ("value",)),
    _kind("notes_content", values=("name", "genre", "example")),
    _kind("required_sections", values=("name",)),
    _kind("uncertain_sections", values=("name", "heading")),
    _kind("sub_requirements", values=("heading", "sub_name")),
    _kind("citations", values=("value",)),
)}

class RuleFile(_Strict):
    rules: list[FormatRule] = Field(min_length=1)

    @field_validator("rules", mode="before")
    @classmethod
    def _each(cls, raw: Any) -> list[FormatRule]:
        if not isinstance(raw, list):
            raise ValueError("rules 应为规则列表")
        return [_validate_rule(item) for item in raw]


def _validate_rule(raw: Any) -> FormatRule:
    if not isinstance(raw, dict):
        raise ValueError(f"有一条规则不是映射：{raw!r}")
    model = KIND_MODELS.get(raw.get("kind"))  # type: ignore[arg-type]
    where = f"规则 {raw.get('id') or '（无编号）'}"
    if model is None:
        raise ValueError(f"{where} 的类型 {raw.get('kind')!r} 没有实现（可用类型：{', '.join(sorted(KIND_MODELS))}）")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ValueError(f"{where}：{_describe(exc)}") from None


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:4]:
        where = ".".join(str(x) for x in err.get("loc", ())) or "（顶层）"
        msg = {"extra_forbidden": "未知字段（拼写错误？）", "missing": "缺少必填字段",
               "pattern_regex": "不是有效的正则表达式"}.get(err.get("type", ""), err.get("msg", ""))
        parts.append(f"{where}：{msg}")
    return "；".join(parts)


# --- loading ----------------------------------------------------------------------------------------------

def default_rules_path() -> Path:

    return get_settings().knowledge_dir / "format_rules.yaml"


def load_format_rules(path: Path | str | None = None) -> list[FormatRule]:
    """Read and validate the format rules. Raises ConfigError naming the rule for any defect."""
    path = Path(path) if path else default_rules_path()
    return load_rule_file(path, "格式规则", lambda data: _parse_rules(data, path))


def _parse_rules(data: Any, path: Path) -> list[FormatRule]:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise ConfigError(f"格式规则文件 {path} 应有顶层键 rules（规则列表）")
    try:
        rules = RuleFile.model_validate(data).rules
    except ValidationError as exc:
        first = exc.errors()[0]
        what = first.get("ctx", {}).get("error") or first.get("msg", "")
        if first.get("type") == "extra_forbidden":
            what = f"未知的顶层字段 {first['loc'][0]}"
        raise ConfigError(f"格式规则文件 {path.name} 不符合规则格式：{what}") from exc
    ids = [r.id for r in rules]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"格式规则文件 {path} 中规则编号重复：{'、'.join(dupes)}")
    return rules


# --- the registry of kind functions -----------------------------------------------------------------------

RuleFn = Callable[["CheckContext", Any], Iterable[Finding]]


@dataclass(frozen=True)
class RuleKind:
    name: str
    fn: RuleFn
    model: type[FormatRule]


RULE_KINDS: dict[str, RuleKind] = {}


def rule_kind(name: str) -> Callable[[RuleFn], RuleFn]:
    """Register the function that runs every rule of kind `name` (a kind of KIND_MODELS)."""
    model = KIND_MODELS[name]

    def register(fn: RuleFn) -> RuleFn:
        RULE_KINDS[name] = RuleKind(name, fn, model)
        return fn

    return register


__all__ = ["FormatRule", "KIND_MODELS", "RULE_KINDS", "RuleKind", "default_rules_path", "load_format_rules",
           "rule_kind"]
