"""Citation findings as data: knowledge/regulations/citation_rules.yaml, read through a strict model. Each message
declares the placeholders the code fills (PLACEHOLDERS below); a template using another one fails at load, so a
typo in the data cannot turn into a broken message at run time."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import ConfigError

RULES_FILE = "citation_rules.yaml"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when libyaml is there: cite starts faster
Severity = Literal["error", "warning", "info"]
Reason = Literal["同音字", "多字", "少字", "错字", "俗称", "繁体"]

# What the code passes to each message (the contract between the resolver and the data).
PLACEHOLDERS: dict[str, set[str]] = {
    "slip": {"written", "title", "reason"}, "colloquial": {"written", "title"}, "traditional": {"written", "title"},
    "abbreviation": {"written", "title"}, "normalized": {"written", "title"}, "short_title": {"written", "title"},
    "edition": {"written", "title", "date_label", "date"},
    "repealed": {"title", "since", "successor", "date_label", "date", "fix"},
    "not_issued": {"title", "date_label", "date", "first", "effective"},
    "not_effective": {"title", "date_label", "date", "effective"},
    "amended": {"title", "year", "newer"}, "no_version": {"title", "year"},
    "doc_number": {"title", "expected", "written"}, "article_range": {"title", "article", "count"},
    "article_missing": {"title", "article"}, "unpublished": {"title", "note"},
    "quote_unrelated": {"title", "article"}, "quote_differs": {"lead", "title", "article", "shown", "fix"},
    "local": {"written"}, "unlisted": {"written"}, "unknown_judicial": {"written"}, "unknown_law": {"written"},
    "unknown": {"written"}, "text_hint": {"title"},
}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Message(_Strict):
    rule: str = Field(pattern=r"^citation\.[a-z_]+$")
    severity: Severity
    message: str = Field(min_length=2)
    fix: str | None = None
    basis: Literal["accuracy", "entry"] | None = None


class Matching(_Strict):
    generic_words: list[str]
    regulation_suffixes: list[str] = Field(min_length=1)
    reason_severity: dict[Reason, Severity]
    max_candidates: int = Field(ge=1, le=20)


class CitationRules(_Strict):
    bases: dict[Literal["accuracy"], str]
    matching: Matching
    messages: dict[str, Message]

    @model_validator(mode="after")
    def _placeholders(self) -> CitationRules:
        missing = sorted(set(PLACEHOLDERS) - set(self.messages))
        if missing:
            raise ValueError(f"缺少消息：{'、'.join(missing)}")
        for key, msg in self.messages.items():
            allowed = PLACEHOLDERS.get(key)
            if allowed is None:
                raise ValueError(f"不认识的消息“{key}”")
            for text in (msg.message, msg.fix or ""):
                extra = _fields(text) - allowed
                if extra:
                    raise ValueError(f"消息“{key}”用了未提供的占位符 {{{'}、{'.join(sorted(extra))}}}，"
                                     f"可用：{'、'.join(sorted(allowed))}")
        return self

    def finding(self, key: str, *, entry_basis: str | None = None, **values: Any) -> dict[str, Any]:
        """{rule, severity, message, source, fix} for message `key` filled with `values`."""
        msg = self.messages[key]
        source = self.bases["accuracy"] if msg.basis == "accuracy" else entry_basis if msg.basis == "entry" else None
        fix = msg.fix.format(**values) if msg.fix else None
        return {"rule": msg.rule, "severity": msg.severity, "message": msg.message.format(**values),
                "source": source, "fix": fix or None}


def load_rules(path: Path) -> CitationRules:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"无法读取 {path}：{err}") from err
    try:
        return CitationRules.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise ConfigError(f"{path.name} 格式错误：{where}：{first['msg']}", hint="字段见文件开头的说明") from err


@lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> CitationRules:
    return load_rules(Path(path))


def citation_rules(regulations_dir: Path | None = None) -> CitationRules:
    """The rules of `regulations_dir` (default: the packaged knowledge/regulations), cached per file version."""
    if regulations_dir is None:
        regulations_dir = Path(__file__).resolve().parents[2] / "knowledge" / "regulations"
    path = Path(regulations_dir) / RULES_FILE
    if not path.is_file():
        raise ConfigError(f"找不到 {path}")
    return _cached(str(path), path.stat().st_mtime)
