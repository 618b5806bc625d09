"""Genre rules (文种规则): the strict schema of knowledge/genres/<id>.yaml and its loader.

The rules are data, one YAML file per genre (file stem = genre id), validated here so a typo in a rule file is
an error with the file name, never a silently ignored key:

    load_genres(directory=None) -> dict[str, Genre]          # id → genre, cached per directory
    get_genre(name_or_id) -> Genre                            # UnknownGenreError lists the valid names

Detection lives in detection.py, role classification in roles.py; genres.py re-exports all three.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from assistant.documents.normalize import compact
from assistant.errors import ConfigError, UnknownGenreError
from assistant.rules.recognition import Recognition, RecognitionOverrides
from assistant.settings import get_settings

Severity = Literal["error", "warning", "info"]
# 公文格式要素 (GB/T 9704-2012 第7章) a genre may require; the checker's format_elements rule knows each one.
FormatElement = Literal["发文机关标志", "发文字号", "签发人", "标题", "主送机关", "正文", "附件说明", "发文机关署名",
                        "成文日期", "印章", "附注", "抄送机关", "印发机关和印发日期"]
YearRelation = Literal["previous", "next", "none"]

# Headings, phrases and format rules are matched after removing spaces (stray spaces such as "2023 年" are
# common in PDF extractions) and zero-width marks, and with full-width digits (and ．) made half-width.


_LONG = 10_000  # a paragraph this long (a pasted page that lost its line breaks) is normalised once, not per rule


@lru_cache(maxsize=4)
def _norm_long(text: str) -> str:
    return compact(text)


def norm(text: str | None) -> str:
    """Text as the rules see it (genre rules here, format rules in check.py): no whitespace, half-width digits;
    brackets and colons are kept as written."""
    if not text:
        return ""
    return _norm_long(text) if len(text) > _LONG else compact(text)


class GenreRuleError(ConfigError):
    """A file in knowledge/genres is not valid YAML or breaks the rule schema."""


# ---------------------------------------------------------------------------------------------------------
# Schema
# ---------------------------------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _compile(pattern: str, what: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{what}“{pattern}”不是有效的正则表达式：{exc}") from exc


class Alias(_Strict):
    """A heading phrase (regex) with a weight; plain strings in YAML mean weight 1."""

    pattern: str
    weight: float = Field(1.0, gt=0)


class Keyword(_Strict):
    """A key phrase for genre detection: found in the title or counted in the content."""

    phrase: str = Field(min_length=1)
    weight: float = Field(1.0, gt=0)


class SubRequirement(_Strict):
    """Something a role's text must contain, e.g. the cause analysis (原因) of a 不足 section."""

    id: str
    name: str
    aliases: list[str] = Field(min_length=1)
    severity: Severity = "warning"  # always checked; a merely advisable content is severity info
    source: str | None = None

    _rx: list[re.Pattern[str]] = PrivateAttr(default_factory=list)

    def model_post_init(self, __context: Any) -> None:
        self._rx = [_compile(a, "子要求用语") for a in self.aliases]

    def found_in(self, text: str) -> bool:
        """Whether a normalised text contains the requirement (its name, or any alias regex)."""
        return norm(self.name) in text or any(rx.search(text) for rx in self._rx)


class Phrase(_Strict):
    """A phrase the checker looks for: its display text, an optional regex (defaults to the literal text; it
    must match the text, so every phrase in a rule file is a live rule), severity, source and message."""

    text: str = Field(min_length=1)
    pattern: str | None = None  # regex; defaults to the literal text
    severity: Severity = "info"
    source: str
    message: str | None = None  # replaces the checker's generic message for this phrase

    _rx: re.Pattern[str] = PrivateAttr()

    def model_post_init(self, __context: Any) -> None:
        self._rx = _compile(self.pattern, "短语正则") if self.pattern else re.compile(re.escape(self._literal()))
        if not self._rx.search(norm(self.text)):
            raise ValueError(f"短语正则“{self.pattern}”匹配不到它自己的示例文字“{self.text}”")

    def _literal(self) -> str:
        return norm(self.text)

    def search(self, text: str) -> re.Match[str] | None:
        return self._rx.search(norm(text))

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._rx.finditer(norm(text))


class ClosingPhrase(Phrase):
    """A customary closing (结语). The phrases of a genre are alternatives: the draft should end with one of
    them. When any phrase is `required`, a draft ending with none gets one finding (the most severe required
    phrase's severity); phrases not required are accepted as closings but never demanded. `when_title_ends_with`
    limits the requirement to drafts whose title ends with one of those words (a 总结 sent up as a 报告)."""

    required: bool = False
    when_title_ends_with: list[str] = Field(default_factory=list)

    def _literal(self) -> str:
        return norm(self.text).rstrip("。")  # "特此报告" without its full stop still closes the draft

    def applies_to(self, title: str) -> bool:
        """Whether the draft must end with this phrase: required, and the title has one of the endings."""
        return self.required and (not self.when_title_ends_with or title.endswith(tuple(self.when_title_ends_with)))


class ForbiddenPhrase(Phrase):
    """Wording that must not appear in the genre (妥否，请批示 inside a 报告; colloquial words)."""

    category: str | None = None  # request_wording | colloquial | …


class NotesRequirement(_Strict):
    """What the 附注 should carry for this genre (请示: 联系人及电话)."""

    id: str
    name: str
    patterns: list[str] = Field(min_length=1)  # all must be found in the 附注
    severity: Severity = "warning"
    source: str
    example: str | None = None  # a 附注 that satisfies the requirement, shown in the fix (and checked here)

    @field_validator("patterns")
    @classmethod
    def _valid_patterns(cls, value: list[str]) -> list[str]:
        for p in value:
            _compile(p, "附注要求正则")
        return value

    @model_validator(mode="after")
    def _example_satisfies(self) -> NotesRequirement:
        if self.example and not self.satisfied_by(self.example):
            raise ValueError(f"附注要求“{self.id}”的示例“{self.example}”不满足它自己的正则")
        return self

    def satisfied_by(self, notes: str | None) -> bool:
        text = norm(notes)
        return bool(text) and all(re.search(p, text) for p in self.patterns)


class Role(_Strict):
    """One section role (章节角色) of a genre."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    required: bool
    order: int
    year_relation: YearRelation = "none"
    aliases: list[str | Alias] = Field(default_factory=list)
    body_aliases: list[str] = Field(default_factory=list)  # regexes on the first paragraph
    text_patterns: list[str] = Field(default_factory=list)  # for documents without numbered sections
    tail_patterns: list[str] = Field(default_factory=list)  # the last lines of a document with sections
    keywords: list[str] = Field(default_factory=list)
    # Words of the body that speak for this role (不足/短板 for shortcomings, 将/持续 for plans): soft evidence
    # only, enough for "uncertain", never for "found".
    body_cues: list[str] = Field(default_factory=list)
    source: str | None = None
    practice: bool = False  # rule of practice (惯例), no written regulation behind it
    heading_only: bool = False  # never assigned without heading evidence
    combinable: bool = False  # may share a heading with another combinable role ("存在的问题及下一步打算")
    # may sit below the top level: a theme's sub-section on the leader's duties, "（二）下一步打算" under a
    # combined part, an unnumbered "有待改进的方面" after the last theme. Roles of a fixed national format do not.
    nests: bool = False
    sub_requirements: list[SubRequirement] = Field(default_factory=list)
    guidance: str = Field(min_length=1)

    _aliases: list[tuple[re.Pattern[str], float]] = PrivateAttr(default_factory=list)
    _body: list[re.Pattern[str]] = PrivateAttr(default_factory=list)
    _text: list[re.Pattern[str]] = PrivateAttr(default_factory=list)
    _tail: list[re.Pattern[str]] = PrivateAttr(default_factory=list)
    _cues: list[re.Pattern[str]] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Role:
        if not self.source and not self.practice:
            raise ValueError(f"章节“{self.id}”既没有写依据（source），也没有标为惯例（practice: true）")
        if not self.aliases and not self.body_aliases and not self.text_patterns:
            raise ValueError(f"章节“{self.id}”没有任何识别用语（aliases）")
        self._aliases = [
            (_compile(a.pattern, "小标题用语") if isinstance(a, Alias) else _compile(a, "小标题用语"),
             a.weight if isinstance(a, Alias) else 1.0)
            for a in self.aliases
        ]
        self._body = [_compile(p, "段首用语") for p in self.body_aliases]
        self._text = [_compile(p, "正文用语") for p in self.text_patterns]
        self._tail = [_compile(p, "结尾用语") for p in self.tail_patterns]
        self._cues = [_compile(p, "正文线索") for p in self.body_cues]
        return self

    def heading_score(self, heading: str) -> float:
        """Sum of the weights of the aliases found in a normalised heading."""
        return sum(w for rx, w in self._aliases if rx.search(heading))

    def body_match(self, first_paragraph: str) -> bool:
        return any(rx.search(first_paragraph) for rx in self._body)

    def text_match(self, paragraph: str) -> bool:
        return any(rx.search(paragraph) for rx in self._text)

    def tail_match(self, paragraph: str) -> bool:
        return any(rx.search(paragraph) for rx in self._tail)

    def cue_count(self, text: str) -> int:
        """How many times the role's body cues occur in a normalised text."""
        return sum(len(rx.findall(text)) for rx in self._cues)

    def distinct_cues(self, text: str) -> int:
        """How many different body cues occur in a normalised text (one repeated word is weak evidence)."""
        return sum(1 for rx in self._cues if rx.search(text))


class Genre(_Strict):
    """The rules of one genre (文种), as written in knowledge/genres/<id>.yaml."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    also_known_as: list[str] = Field(default_factory=list)  # other names users type for --genre
    official_genre: str  # the 法定文种 it is sent as (条例第八条), or 事务文书
    official: bool  # written as a 公文 with 版头 and 文种 (False: 总结, 述职报告, 大会文件)
    direction: Literal["上行文", "下行文", "平行文"]
    needs_recipients: bool
    needs_signer: bool
    # The year a title names: the year reported on (关于2023年……的报告), or the coming year (2025年政府工作报告).
    title_year: Literal["reviewed", "coming"] = "reviewed"
    title_patterns: list[str] = Field(min_length=1)
    detect_keywords: list[Keyword] = Field(min_length=1)
    required_format_elements: list[FormatElement] = Field(default_factory=list)
    default_role: str | None = None  # unmatched level-1 sections that report work done
    future_role: str | None = None  # unmatched level-1 sections that plan ahead
    sections: list[Role] = Field(min_length=1)
    closing: list[ClosingPhrase] = Field(default_factory=list)
    forbidden_phrases: list[ForbiddenPhrase] = Field(default_factory=list)
    notes_requirements: list[NotesRequirement] = Field(default_factory=list)
    recognition: RecognitionOverrides = Field(default_factory=RecognitionOverrides)

    _titles: list[re.Pattern[str]] = PrivateAttr(default_factory=list)
    _weights: dict[str, float] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Genre:
        ids = [r.id for r in self.sections]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"章节 id 重复：{'、'.join(dupes)}")
        for attr in ("default_role", "future_role"):
            rid = getattr(self, attr)
            if rid is None:
                continue
            if rid not in ids:
                raise ValueError(f"{attr} “{rid}”不是本文种的章节 id（可选：{'、'.join(ids)}）")
            if self.role(rid).heading_only:
                raise ValueError(f"{attr} “{rid}”标为 heading_only，不能作为兜底章节")
        # needs_recipients / needs_signer are what the checker enforces; the element list must agree with them.
        for flag, element in (("needs_recipients", "主送机关"), ("needs_signer", "签发人")):
            if getattr(self, flag) != (element in self.required_format_elements):
                raise ValueError(f"{flag} 为 {getattr(self, flag)}，与 required_format_elements "
                                 f"{'缺少' if getattr(self, flag) else '含有'}“{element}”不一致")
        if self.needs_signer and self.direction != "上行文":
            raise ValueError("只有上行文需要标注签发人（条例第九条（六）），needs_signer 与 direction 不一致")
        self._titles = [_compile(p, "标题格式") for p in self.title_patterns]
        return self

    def with_defaults(self, defaults: Recognition) -> Genre:
        """Fill the recognition weights: the genre's overrides over the shared defaults."""
        merged = defaults.model_dump() | self.recognition.model_dump(exclude_none=True)
        self._weights = {k: float(v["value"]) for k, v in merged.items()}
        return self

    def weight(self, name: str) -> float:
        """A recognition weight or threshold (Recognition field name)."""
        if not self._weights:
            self.with_defaults(default_recognition())
        return self._weights[name]

    # Convenience views used by the checker and the drafting engine.
    @property
    def roles(self) -> list[Role]:
        return self.sections

    def role(self, role_id: str) -> Role:
        for r in self.sections:
            if r.id == role_id:
                return r
        ids = "、".join(f"{r.id}（{r.name}）" for r in self.sections)
        raise UnknownGenreError(f"文种“{self.name}”没有章节“{role_id}”", hint=f"可选：{ids}")

    @property
    def required_roles(self) -> list[Role]:
        return [r for r in self.sections if r.required]

    def ordered_roles(self) -> list[Role]:
        """Roles in customary order (for outlines)."""
        return sorted(self.sections, key=lambda r: r.order)

    @property
    def closing_phrases(self) -> list[str]:
        return [p.text for p in self.closing]

    def title_matches(self, title: str) -> bool:
        t = norm(title)
        return any(rx.search(t) for rx in self._titles)


# ---------------------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------------------


def _default_dir() -> Path:

    return get_settings().genres_dir


def _yaml_loader() -> type:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _format_validation(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(x) for x in err.get("loc", ())) or "（顶层）"
        msg = err.get("msg", "")
        if err.get("type") == "extra_forbidden":
            msg = "未知字段（拼写错误？）"
        elif err.get("type") == "missing":
            msg = "缺少必填字段"
        parts.append(f"{where}：{msg}")
    return "；".join(parts)


def _load_file(path: Path) -> Genre:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_yaml_loader())
    except (OSError, UnicodeDecodeError) as exc:
        raise GenreRuleError(f"文种规则文件 {path.name} 无法读取：{exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark is not None else ""
        raise GenreRuleError(f"文种规则文件 {path.name} {where}不是有效的 YAML：{getattr(exc, 'problem', exc)}",
                             hint="检查缩进、冒号和引号") from exc
    if not isinstance(data, dict):
        raise GenreRuleError(f"文种规则文件 {path.name} 的内容应是键值表（id、name、sections……）")
    try:
        genre = Genre.model_validate(data)
    except ValidationError as exc:
        raise GenreRuleError(f"文种规则文件 {path.name} 不符合规则格式：{_format_validation(exc)}") from exc
    if genre.id != path.stem:
        raise GenreRuleError(f"文种规则文件 {path.name} 的 id 是“{genre.id}”，应与文件名一致（{path.stem}）")
    return genre


_RECOGNITION_FILE = "_recognition.yaml"


def _load_recognition(path: Path) -> Recognition:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_yaml_loader())
        return Recognition.model_validate(data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise GenreRuleError(f"角色识别参数文件 {path.name} 无法读取：{exc}") from exc
    except ValidationError as exc:
        raise GenreRuleError(f"角色识别参数文件 {path.name} 不符合格式：{_format_validation(exc)}") from exc


@lru_cache(maxsize=4)
def _recognition_for(directory: str) -> Recognition:
    own = Path(directory) / _RECOGNITION_FILE
    return _load_recognition(own if own.exists() else _default_dir() / _RECOGNITION_FILE)


def default_recognition() -> Recognition:
    """The shared recognition weights of the default rule directory."""
    return _recognition_for(str(_default_dir().resolve()))


@lru_cache(maxsize=8)
def _load_dir(directory: str) -> dict[str, Genre]:
    root = Path(directory)
    if not root.is_dir():
        raise GenreRuleError(f"找不到文种规则目录 {root}", hint="设置 ASSISTANT_KNOWLEDGE_DIR 或恢复 knowledge/genres")
    files = sorted(p for p in root.glob("*.yaml") if not p.name.startswith("_"))
    if not files:
        raise GenreRuleError(f"文种规则目录 {root} 中没有 .yaml 文件")
    genres: dict[str, Genre] = {}
    names: dict[str, str] = {}
    for path in files:
        genre = _load_file(path)
        if genre.name in names:
            raise GenreRuleError(f"文种名称“{genre.name}”在 {names[genre.name]} 和 {path.name} 中重复")
        names[genre.name] = path.name
        genres[genre.id] = genre.with_defaults(_recognition_for(directory))
    return genres


def load_genres(directory: Path | str | None = None) -> dict[str, Genre]:
    """All genres of a rule directory (default: knowledge/genres), id → Genre. Files starting with "_" hold
    shared rules of other modules and are skipped. Cached; `load_genres.cache_clear()` reloads."""
    path = Path(directory) if directory is not None else _default_dir()
    return _load_dir(str(path.resolve()))


def _clear_caches() -> None:
    _load_dir.cache_clear()
    _recognition_for.cache_clear()


load_genres.cache_clear = _clear_caches  # type: ignore[attr-defined]


def genre_names(directory: Path | str | None = None) -> list[str]:
    return [g.name for g in load_genres(directory).values()]


def get_genre(name_or_id: str, directory: Path | str | None = None) -> Genre:
    """A genre by its Chinese name (法治政府建设年度报告) or id (fazhi_report)."""
    genres = load_genres(directory)
    key = norm(name_or_id)
    for g in genres.values():
        if key in (g.id, norm(g.name)) or key.lower() == g.id:
            return g
    for g in genres.values():
        if key in {norm(a) for a in g.also_known_as}:
            return g
    valid = "、".join(genre_names(directory))
    raise UnknownGenreError(f"没有名为“{name_or_id}”的文种规则", hint=f"可用的文种：{valid}")
