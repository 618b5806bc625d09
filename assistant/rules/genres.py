"""Genre rules (文种规则) and the section classifier.

The rules are data: one YAML file per genre in knowledge/genres/ (file stem = genre id), validated here by a
strict schema so a typo in a rule file is an error with the file name, never a silently ignored key. This
module is the mechanism only:

    load_genres(directory=None) -> dict[str, Genre]          # id → genre, cached per directory
    get_genre(name_or_id) -> Genre                            # UnknownGenreError lists the valid names
    detect_genre(doc) -> GenreMatch | None                    # from the title, else from the content
    classify_sections(doc, genre) -> list[RoleHit]            # sets Section.role on level-1 sections

Classification is per section and independent of order: the heading decides (aliases, regexes), then the
first paragraph (body_aliases), and only then a fallback (default_role for sections that report work done,
future_role for sections that plan ahead). Roles marked heading_only (存在的不足) are never given by a
fallback, so removing one section never makes another section take its role (the checker's ablation
relies on this). Documents whose parts have no 序数 use their unnumbered heading lines; a short 请示 without
headings is matched paragraph by paragraph (text_patterns), and a 请示 may state its request in its last
lines (tail_patterns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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

from assistant.errors import ConfigError, UnknownGenreError
from assistant.models import OfficialDocument, Paragraph, Section

Severity = Literal["error", "warning", "info"]
# 公文格式要素 (GB/T 9704-2012 第7章) a genre may require; the checker's format_elements rule knows each one.
FormatElement = Literal["发文机关标志", "发文字号", "签发人", "标题", "主送机关", "正文", "附件说明", "发文机关署名",
                        "成文日期", "印章", "附注", "抄送机关", "印发机关和印发日期"]
YearRelation = Literal["previous", "next", "none"]

# Headings, phrases and format rules are matched after removing spaces (stray spaces such as "2023 年" are
# common in PDF extractions) and zero-width marks, and with full-width digits (and ．) made half-width.
_SPACE_RE = re.compile(r"[\s\u3000\u00a0\u200b\u200c\u200d\u2060\ufeff]+")
_HALFWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def norm(text: str | None) -> str:
    """Text as the rules see it (genre rules here, format rules in check.py): no whitespace, half-width digits;
    brackets and colons are kept as written."""
    if not text:
        return ""
    return _SPACE_RE.sub("", text).translate(_HALFWIDTH)


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
        self._rx = _compile(self.pattern, "短语正则") if self.pattern else re.compile(re.escape(norm(self.text)))
        if not self._rx.search(norm(self.text)):
            raise ValueError(f"短语正则“{self.pattern}”匹配不到它自己的示例文字“{self.text}”")

    def search(self, text: str) -> re.Match[str] | None:
        return self._rx.search(norm(text))


class ClosingPhrase(Phrase):
    """A customary closing (结语). The phrases of a genre are alternatives: the draft should end with one of
    them. When any phrase is `required`, a draft ending with none gets one finding (the most severe required
    phrase's severity); phrases not required are accepted as closings but never demanded. `when_title_ends_with`
    limits the requirement to drafts whose title ends with one of those words (a 总结 sent up as a 报告)."""

    required: bool = False
    when_title_ends_with: list[str] = Field(default_factory=list)


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
        if self.example and not all(re.search(p, norm(self.example)) for p in self.patterns):
            raise ValueError(f"附注要求“{self.id}”的示例“{self.example}”不满足它自己的正则")
        return self


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
    source: str | None = None
    practice: bool = False  # rule of practice (惯例), no written regulation behind it
    heading_only: bool = False  # never assigned without heading evidence
    combinable: bool = False  # may share a heading with another combinable role ("存在的问题及下一步打算")
    sub_requirements: list[SubRequirement] = Field(default_factory=list)
    guidance: str = Field(min_length=1)

    _aliases: list[tuple[re.Pattern[str], float]] = PrivateAttr(default_factory=list)
    _body: list[re.Pattern[str]] = PrivateAttr(default_factory=list)
    _text: list[re.Pattern[str]] = PrivateAttr(default_factory=list)
    _tail: list[re.Pattern[str]] = PrivateAttr(default_factory=list)

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
        for sub in self.sub_requirements:
            for a in sub.aliases:
                _compile(a, "子要求用语")
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
    title_patterns: list[str] = Field(min_length=1)
    detect_keywords: list[Keyword] = Field(min_length=1)
    required_format_elements: list[FormatElement] = Field(default_factory=list)
    default_role: str | None = None  # unmatched level-1 sections that report work done
    future_role: str | None = None  # unmatched level-1 sections that plan ahead
    sections: list[Role] = Field(min_length=1)
    closing: list[ClosingPhrase] = Field(default_factory=list)
    forbidden_phrases: list[ForbiddenPhrase] = Field(default_factory=list)
    notes_requirements: list[NotesRequirement] = Field(default_factory=list)

    _titles: list[re.Pattern[str]] = PrivateAttr(default_factory=list)

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
    from assistant.settings import get_settings

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
        genres[genre.id] = genre
    return genres


def load_genres(directory: Path | str | None = None) -> dict[str, Genre]:
    """All genres of a rule directory (default: knowledge/genres), id → Genre. Files starting with "_" hold
    shared rules of other modules and are skipped. Cached; `load_genres.cache_clear()` reloads."""
    path = Path(directory) if directory is not None else _default_dir()
    return _load_dir(str(path.resolve()))


load_genres.cache_clear = _load_dir.cache_clear  # type: ignore[attr-defined]


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


# ---------------------------------------------------------------------------------------------------------
# Genre detection
# ---------------------------------------------------------------------------------------------------------


@dataclass
class GenreMatch:
    genre: Genre
    score: float
    reason: str
    via: str = "title"  # title | content

    @property
    def id(self) -> str:
        return self.genre.id

    @property
    def name(self) -> str:
        return self.genre.name

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "score": round(self.score, 2), "reason": self.reason,
                "via": self.via}


# 法定文种 of 条例第八条 other than 报告 and 请示 (the genre files here are all sent as one of those two).
_OTHER_WENZHONG = ("决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报", "批复", "议案",
                   "函", "纪要")
_TITLE_PATTERN_SCORE = 10.0
_CONTENT_MIN_SCORE = 12.0
_CONTENT_CHARS = 30000  # enough to see the opening, headings and closing of a long report


def _content_text(doc: OfficialDocument) -> str:
    parts = ["、".join(doc.recipients)] + [p.text for p in doc.preamble]
    parts += [f"{s.number}{s.heading}\n{s.body_text()}" for s in doc.sections]
    if doc.closing:
        parts.append(doc.closing)
    text = norm("\n".join(parts))
    if not text and doc.paragraphs:
        text = norm("\n".join(p.text for p in doc.paragraphs))
    return text[:_CONTENT_CHARS]


_OPENING_CHARS = 400


def _content_score(genre: Genre, text: str, headings: list[str]) -> tuple[float, list[str]]:
    score = 0.0
    seen = []
    opening = text[:_OPENING_CHARS]
    for kw in genre.detect_keywords:
        phrase = norm(kw.phrase)
        n = text.count(phrase)
        if not n:
            continue
        seen.append(kw.phrase)
        # The opening says what the document is ("各位代表：……向大会报告"); a long report mentions other
        # genres' topics (营商环境, 安全生产) in passing, but not in its first lines, so only phrases of
        # the opening count more than once.
        if phrase in opening:
            score += kw.weight * (2 + min(n, 3))
        else:
            score += kw.weight
    # Headings that name a required role of the genre are strong evidence of the genre.
    roles_seen = {r.id for r in genre.required_roles for h in headings if r.heading_score(h) > 0}
    score += 3.0 * len(roles_seen)
    return score, seen


def detect_genre(doc: OfficialDocument, directory: Path | str | None = None) -> GenreMatch | None:
    """Which genre a document is: from its title (发文机关+关于+事由+的+文种 and key phrases), else — title
    missing or too partial to decide — from its content and level-1 headings. None when nothing fits."""
    genres = list(load_genres(directory).values())
    title = norm(doc.title).rstrip("。.")
    if title.endswith(_OTHER_WENZHONG) and not title.endswith(("报告", "请示")):
        return None  # a 通知, 意见, 函 … : a 文种 no genre rule here is written for, whatever its topic
    if title:
        scored = []
        for g in genres:
            pattern = g.title_matches(title)
            kws = [k for k in g.detect_keywords if norm(k.phrase) in title]
            score = (_TITLE_PATTERN_SCORE if pattern else 0.0) + sum(k.weight for k in kws)
            scored.append((score, pattern, kws, g))
        scored.sort(key=lambda x: -x[0])
        best_score, pattern, kws, best = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if pattern and best_score > runner_up:
            words = "、".join(k.phrase for k in kws)
            reason = f"标题“{doc.title}”符合{best.name}的标题格式" + (f"，含“{words}”" if words else "")
            return GenreMatch(best, best_score, reason, "title")
    # Content (with partial title evidence when there is a title).
    text = _content_text(doc)
    headings = [norm(s.heading) for s in doc.sections]
    best_match: GenreMatch | None = None
    for g in genres:
        score, seen = _content_score(g, text, headings)
        title_kws = [k for k in g.detect_keywords if title and norm(k.phrase) in title]
        score += 2.0 * sum(k.weight for k in title_kws)
        if title and g.title_matches(title):
            score += _TITLE_PATTERN_SCORE
        if best_match is None or score > best_match.score:
            parts = []
            if title_kws:
                parts.append(f"标题含“{'、'.join(k.phrase for k in title_kws)}”")
            if seen:
                parts.append(f"正文含“{'、'.join(seen[:4])}”")
            best_match = GenreMatch(g, score, "；".join(parts) or "小标题符合本文种结构", "content")
    if best_match is None or best_match.score < _CONTENT_MIN_SCORE:
        return None
    return best_match


# ---------------------------------------------------------------------------------------------------------
# Section classification
# ---------------------------------------------------------------------------------------------------------


@dataclass
class RoleHit:
    """Whether a role of the genre is covered, and by which level-1 section(s)."""

    role: str
    name: str
    required: bool
    found: bool = False
    sections: list[Section] = field(default_factory=list)
    score: float = 0.0
    via: str | None = None  # heading | first_paragraph | fallback | heading_line | text
    line: int | None = None
    source: str | None = None

    @property
    def section(self) -> Section | None:
        return self.sections[0] if self.sections else None

    @property
    def heading(self) -> str | None:
        s = self.section
        return f"{s.number}{s.heading}" if s else None

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, "required": self.required, "found": self.found,
                "heading": self.heading, "line": self.line, "score": round(self.score, 2), "via": self.via}


_SENTENCE_END = "。；！？"
# Tense markers for the fallback: a section that plans ahead vs one that reports work done. "将" alone is
# left out (it also marks the object: 将……纳入), and so is "了" in quotes of history ("擘画了").
_FUTURE_RE = re.compile(
    r"今年|明年|下一步|下一年|下阶段|力争|(?<![主重需纪必只紧])要(?![求素点闻害件])|我们将|将(继续|进一步|持续|着力|加快)"
    r"|拟|着力|确保|持续推进|进一步")
_PAST_RE = re.compile(r"过去一年|一年来|全年|累计|完成|实现|取得|开展了|获评|已|同比|共(计|有)?\d|\d+(项|件|场|次|人次|个)")


def _first_paragraph(section: Section) -> str:
    if section.inline_text:
        return section.inline_text
    if section.paragraphs:
        return section.paragraphs[0].text
    return ""  # not the first child's text: a theme (（一）…) does not say what the whole part is


def _heading_text(section: Section) -> str:
    """The heading, rejoined with its tail when the heading was broken over two lines
    ("三、持续提升政府" / "治理效能和服务水平")."""
    heading = norm(section.heading)
    if section.paragraphs and not section.inline_text and not any(c in heading for c in "，。；：,"):
        nxt = norm(section.paragraphs[0].text)
        if 0 < len(nxt) <= 16 and not any(c in nxt for c in _SENTENCE_END + "，,：:") and len(heading) <= 16:
            return heading + nxt
    return heading


def _is_future(section: Section) -> bool:
    """Whether a section plans ahead rather than reports work done (first ~1,500 characters)."""
    text = norm(section.body_text())[:1500]
    future = len(_FUTURE_RE.findall(text))
    past = len(_PAST_RE.findall(text))
    return future >= 4 and future > 1.5 * past


def _score_heading(heading: str, genre: Genre) -> list[tuple[Role, float]]:
    """Roles a normalised heading names, best first (empty when it names none)."""
    scores = [(r, r.heading_score(heading)) for r in genre.sections]
    scores = [(r, s) for r, s in scores if s > 0]
    if not scores:
        return []
    # Best score; ties go to the required role, then to the customary order.
    scores.sort(key=lambda x: (-x[1], not x[0].required, x[0].order))
    best = scores[0][0]
    picked = [scores[0]]
    if best.combinable:
        picked += [(r, s) for r, s in scores[1:] if r.combinable and r.id != best.id]
    return picked


def _score_section(section: Section, genre: Genre) -> tuple[list[tuple[Role, float]], str | None]:
    """Roles a level-1 section carries, best first, and how they were found."""
    picked = _score_heading(_heading_text(section), genre)
    if picked:
        return picked, "heading"
    first = norm(_first_paragraph(section))[:120]
    if first:
        for r in genre.sections:
            if not r.heading_only and r.body_match(first):
                return [(r, 0.8)], "first_paragraph"
    if genre.future_role and _is_future(section):
        return [(genre.role(genre.future_role), 0.5)], "fallback"
    if genre.default_role:
        return [(genre.role(genre.default_role), 0.4)], "fallback"
    return [], None


_HEADING_PUNCT = "，。；：！？,;:!?、"


def _bare_headings(doc: OfficialDocument, genre: Genre) -> list[tuple[Paragraph, list[tuple[Role, float]]]]:
    """Short unnumbered lines before the body that name a role ("2024年工作回顾"): the parts of a document
    whose level-1 headings carry no 序数 and were not recognised as headings."""
    found = []
    for p in doc.preamble:
        text = norm(p.text)
        if 2 <= len(text) <= 24 and not any(c in text for c in _HEADING_PUNCT):
            picked = _score_heading(text, genre)
            if picked:
                found.append((p, picked))
    return found


def _text_paragraphs(doc: OfficialDocument) -> list[Paragraph]:
    paras = list(doc.preamble)
    if doc.closing:
        paras.append(Paragraph(doc.closing, doc.closing_line or 0))
    return paras


def _tail_paragraphs(doc: OfficialDocument) -> list[Paragraph]:
    """The last paragraph of the body (inside the last section, however deep) and the closing."""
    paras: list[Paragraph] = []
    if doc.sections:
        last = doc.sections[-1]
        while last.children:
            last = last.children[-1]
        if last.paragraphs:
            paras.append(last.paragraphs[-1])
        elif last.inline_text:
            paras.append(Paragraph(last.inline_text, last.line))
    if doc.closing:
        paras.append(Paragraph(doc.closing, doc.closing_line or 0))
    return paras


def _mark(hit: RoleHit, score: float, via: str | None, line: int | None, section: Section | None = None) -> None:
    if section is not None and all(s is not section for s in hit.sections):
        hit.sections.append(section)
    if not hit.found:
        hit.found, hit.line, hit.via = True, line, via
    hit.score = max(hit.score, score)


def classify_sections(doc: OfficialDocument, genre: Genre) -> list[RoleHit]:
    """Map each top-level section to a role of the genre (sets Section.role) and report, per role of the
    genre in its customary order, whether it was found. Several sections may share a role (reports often
    organise 主要举措 by themes). When the document has no 一、-level headings, unnumbered heading lines
    ("2024年工作回顾") give the role of the sections under them; documents without any numbered section
    (short 请示) are matched paragraph by paragraph with the roles' text_patterns."""
    hits = {r.id: RoleHit(r.id, r.name, r.required, source=r.source) for r in genre.ordered_roles()}
    bare = [] if any(s.level == 1 for s in doc.sections) else _bare_headings(doc, genre)
    for para, picked in bare:
        for role, score in picked:
            _mark(hits[role.id], score, "heading_line", para.line or None)
    for section in doc.sections:
        owner = [b for b in bare if b[0].line and b[0].line < section.line]
        if owner:
            # A numbered part under an unnumbered heading line belongs to that heading's role.
            picked, via = owner[-1][1], "heading_line"
        else:
            picked, via = _score_section(section, genre)
        section.role = picked[0][0].id if picked else None
        for role, score in picked:
            _mark(hits[role.id], score, via, section.line, section)
    if not doc.sections:
        for role in genre.sections:
            hit = hits[role.id]
            if hit.found:
                continue
            for p in _text_paragraphs(doc):
                if role.text_match(norm(p.text)):
                    _mark(hit, 0.6, "text", p.line or None)
                    break
    else:
        # A 请示 may put its request in the closing lines rather than under a heading of its own.
        tail = _tail_paragraphs(doc)
        for role in genre.sections:
            hit = hits[role.id]
            if hit.found or not role.tail_patterns:
                continue
            for p in tail:
                if role.tail_match(norm(p.text)):
                    _mark(hit, 0.6, "text", p.line or None)
                    break
    return list(hits.values())


def role_sections(doc: OfficialDocument, genre: Genre) -> dict[str, list[Section]]:
    """role id → the level-1 sections classified as that role (classifies the document)."""
    return {h.role: list(h.sections) for h in classify_sections(doc, genre)}
