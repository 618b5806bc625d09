"""Typography check of a .docx against GB/T 9704-2012: paper, margins, fonts, sizes, line spacing, page numbers
and the title's position. The expected values, messages and sources are data (knowledge/layout_rules.yaml);
this module reads the file's effective formatting (direct formatting → character style → paragraph style
chain → document defaults → theme fonts) and compares.

Which paragraph is the title, a heading or body text comes from the same reading and parsing the checker uses
(documents.word + documents.structure), so a layout finding points at the paragraph the user sees.
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.documents.structure import parse_official
from assistant.documents.word import read_docx
from assistant.documents.word_styles import (
    EMU_PER_MM,
    StyleResolver,
    footer_parts,
    is_cjk,
    load_docx,
    paragraph_elements,
    section_grid_pitch_pt,
)
from assistant.errors import ConfigError
from assistant.models import OfficialDocument, SourceText
from assistant.rules.data_files import load_rule_file
from assistant.rules.findings import Finding
from assistant.rules.genre_schema import Severity
from assistant.settings import get_settings

PLACEHOLDERS = frozenset({"found", "expected", "where"})
Role = Literal["body", "title", "heading1", "heading2", "heading3", "heading4"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Rule(_Strict):
    severity: Severity
    message: str = Field(min_length=1)
    fix: str = Field(min_length=1)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _placeholders(self) -> _Rule:
        for text in (self.message, self.fix):
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
            if names - PLACEHOLDERS:
                raise ValueError(f"未知的占位符 {{{sorted(names - PLACEHOLDERS)[0]}}}（可用：found、expected、where）")
        return self


class PaperRule(_Rule):
    id: Literal["layout.paper"]
    width_mm: float
    height_mm: float
    tolerance_mm: float = Field(ge=0)


class MarginRule(_Rule):
    id: Literal["layout.margin"]
    top_mm: float
    bottom_mm: float
    left_mm: float
    right_mm: float
    tolerance_mm: float = Field(ge=0)


class FontRole(_Strict):
    label: str
    expected: str
    fonts: list[str] = Field(min_length=1)
    source: str


class FontRule(_Rule):
    id: Literal["layout.font"]
    roles: dict[Role, FontRole]


class SizeRole(_Strict):
    label: str
    pt: float = Field(gt=0)
    name: str


class SizeRule(_Rule):
    id: Literal["layout.size"]
    tolerance_pt: float = Field(ge=0)
    roles: dict[Role, SizeRole]


class LineSpacingRule(_Rule):
    id: Literal["layout.line_spacing"]
    min_pt: float = Field(gt=0)
    max_pt: float = Field(gt=0)


class PageNumberRule(_Rule):
    id: Literal["layout.page_number"]
    expected: str
    dash: str = Field(min_length=1)
    size_pt: float = Field(gt=0)


class TitlePositionRule(_Rule):
    id: Literal["layout.title_position"]
    align: Literal["center"]


class LayoutRules(_Strict):
    paper: PaperRule
    margin: MarginRule
    font: FontRule
    size: SizeRule
    line_spacing: LineSpacingRule
    page_number: PageNumberRule
    title_position: TitlePositionRule


def default_rules_path() -> Path:

    return get_settings().knowledge_dir / "layout_rules.yaml"


def load_layout_rules(path: Path | str | None = None) -> LayoutRules:
    """Read and validate knowledge/layout_rules.yaml; ConfigError names the defect."""
    path = Path(path) if path else default_rules_path()
    return load_rule_file(path, "版式规则", lambda data: _parse_rules(data, path))


def _parse_rules(data: Any, path: Path) -> LayoutRules:
    try:
        return LayoutRules.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ()))
        raise ConfigError(f"版式规则文件 {path.name} 不符合规则格式：{where}：{first.get('msg', '')}") from exc


def _finding(rule: _Rule, rule_id: str, line: int | None = None, source: str | None = None,
             **values: str) -> Finding:
    return Finding(rule=rule_id, severity=rule.severity, message=rule.message.format(**values),
                   line=line, source=source or rule.source, fix=rule.fix.format(**values))


# ---------------------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------------------


def check_layout(path: str | Path, source: SourceText | None = None,
                 rules: LayoutRules | None = None) -> list[Finding]:
    """The layout.* findings of one .docx. `source` (the file as read_document returned it) saves a second
    reading. Raises DocumentError for a file that is not a readable .docx."""
    p = Path(path)
    rules = rules or load_layout_rules()
    paragraphs = source.paragraphs if source is not None else read_docx(p)
    document = load_docx(p)
    styles = StyleResolver(document)
    findings: list[Finding] = []
    findings += _page_findings(document, rules)
    if paragraphs:
        doc = parse_official(SourceText(paragraphs=list(paragraphs), path=str(p), format="docx"))
        roles = _roles(doc)
        elements = paragraph_elements(document)
        findings += _text_findings(elements, roles, styles, rules)
        findings += _spacing_findings(elements, roles, styles, document, rules)
        findings += _title_findings(elements, doc, styles, rules)
    findings += _page_number_findings(document, styles, rules)
    return findings


def _roles(doc: OfficialDocument) -> dict[int, Role]:
    """Paragraph number → the role whose typography applies (title, heading level, body)."""
    roles: dict[int, Role] = {}
    for p in doc.preamble:
        roles[p.line] = "body"
    for s in doc.iter_sections():
        roles.setdefault(s.line, f"heading{min(s.level, 4)}")  # type: ignore[assignment]
        for p in s.paragraphs:
            roles.setdefault(p.line, "body")
    if doc.title_line is not None:
        roles[doc.title_line] = "title"
    return roles


# ---------------------------------------------------------------------------------------------------------
# Page: paper and margins
# ---------------------------------------------------------------------------------------------------------


def _page_findings(document: Any, rules: LayoutRules) -> list[Finding]:
    sections = list(document.sections)
    paper, margin = rules.paper, rules.margin
    if not sections:
        missing = "未设置（文件没有节属性，各软件会按自己的默认纸张排版）"
        return [_finding(paper, paper.id, found=missing, expected=f"{paper.width_mm:g} mm × {paper.height_mm:g} mm"),
                _finding(margin, margin.id, found=missing, expected=_margins_text(margin))]
    out: list[Finding] = []
    for number, section in enumerate(sections, 1):
        where = f"第{number}节" if len(sections) > 1 else ""
        w, h = _mm(section.page_width), _mm(section.page_height)
        size_ok = w is not None and h is not None and any(
            abs(a - paper.width_mm) <= paper.tolerance_mm and abs(b - paper.height_mm) <= paper.tolerance_mm
            for a, b in ((w, h), (h, w)))  # a landscape A4 page (a wide table) is still A4
        if not size_ok:
            found = "未设置" if w is None or h is None else f"{w:.1f} mm × {h:.1f} mm{_paper_name(w, h)}"
            out.append(_finding(paper, paper.id, found=where + found,
                                expected=f"{paper.width_mm:g} mm × {paper.height_mm:g} mm"))
        values = [_mm(section.top_margin), _mm(section.bottom_margin), _mm(section.left_margin),
                  _mm(section.right_margin)]
        wanted = [margin.top_mm, margin.bottom_mm, margin.left_mm, margin.right_mm]
        if w is not None and h is not None and w > h:  # landscape: the 订口 side is the top edge now
            wanted = [margin.left_mm, margin.right_mm, margin.bottom_mm, margin.top_mm]
        if any(v is None or abs(v - e) > margin.tolerance_mm for v, e in zip(values, wanted, strict=True)):
            found = "上 {} mm、下 {} mm、左 {} mm、右 {} mm".format(*("?" if v is None else f"{v:.1f}" for v in values))
            out.append(_finding(margin, margin.id, found=where + found, expected=_margins_text(margin)))
    return out


def _margins_text(m: MarginRule) -> str:
    return f"上 {m.top_mm:g} mm、下 {m.bottom_mm:g} mm、左 {m.left_mm:g} mm、右 {m.right_mm:g} mm"


def _mm(length: Any) -> float | None:
    return None if length is None else int(length) / EMU_PER_MM


def _paper_name(w: float, h: float) -> str:
    for name, (a, b) in {"Letter": (215.9, 279.4), "A3": (297, 420), "B5": (176, 250), "16开": (184, 260),
                         "Legal": (215.9, 355.6)}.items():
        if abs(w - a) < 1 and abs(h - b) < 1 or abs(w - b) < 1 and abs(h - a) < 1:
            return f"（{name}）"
    return ""


# ---------------------------------------------------------------------------------------------------------
# Fonts and sizes of the title, headings and body
# ---------------------------------------------------------------------------------------------------------


def _norm(name: str) -> str:
    return "".join(name.split()).lower()


def _text_findings(elements: dict[int, Any], roles: dict[int, Role], styles: StyleResolver,
                   rules: LayoutRules) -> list[Finding]:
    font_rule, size_rule = rules.font, rules.size
    bad_fonts: dict[Role, list[tuple[int, str]]] = {}
    bad_sizes: dict[Role, list[tuple[int, float | None]]] = {}
    for line, role in sorted(roles.items()):
        p_el = elements.get(line)
        if p_el is None:
            continue
        runs = styles.text_runs(p_el)
        if not runs:
            continue
        if role.startswith("heading"):
            runs = runs[:1]  # "1.加强领导。全年……": the heading's own run, not the sentence after it
        font, size = _dominant(runs)
        font_role = font_rule.roles.get(role)
        if font_role and font and _norm(font) not in {_norm(f) for f in font_role.fonts}:
            bad_fonts.setdefault(role, []).append((line, font))
        size_role = size_rule.roles.get(role)
        if size_role and (size is None or abs(size - size_role.pt) > size_rule.tolerance_pt):
            bad_sizes.setdefault(role, []).append((line, size))
    out: list[Finding] = []
    for role, hits in bad_fonts.items():
        spec = font_rule.roles[role]
        out.append(_finding(font_rule, font_rule.id, line=hits[0][0], source=spec.source, where=spec.label,
                            found=_counted((h[1] for h in hits), quote=True), expected=spec.expected))
    for role, size_hits in bad_sizes.items():
        spec_size = size_rule.roles[role]
        found = _counted("未设置" if s is None else f"{s:g} 磅" for _, s in size_hits)
        out.append(_finding(size_rule, size_rule.id, line=size_hits[0][0], where=spec_size.label, found=found,
                            expected=spec_size.name))
    return out


def _dominant(runs: list[tuple[str, str | None, float | None]]) -> tuple[str | None, float | None]:
    """The font and size most of the paragraph's Chinese characters are set in (all text if none is Chinese)."""
    fonts: Counter[str] = Counter()
    sizes: Counter[float | None] = Counter()
    for text, font, size in runs:
        weight = sum(1 for c in text if is_cjk(c)) or len(text.strip()) / 4
        if font:
            fonts[font] += weight
        sizes[size] += weight
    return (fonts.most_common(1)[0][0] if fonts else None), (sizes.most_common(1)[0][0] if sizes else None)


def _counted(values: Iterable[str], quote: bool = False) -> str:
    """“宋体”、“楷体”（共 12 段） — the distinct values, most frequent first, and how many paragraphs."""
    counts = Counter(values)
    total = sum(counts.values())
    shown = "、".join(f"“{v}”" if quote else v for v, _ in counts.most_common(3))
    return f"{shown}（共 {total} 段）" if total > 1 else shown


# ---------------------------------------------------------------------------------------------------------
# Line spacing of the body
# ---------------------------------------------------------------------------------------------------------


def _spacing_findings(elements: dict[int, Any], roles: dict[int, Role], styles: StyleResolver, document: Any,
                      rules: LayoutRules) -> list[Finding]:
    rule = rules.line_spacing
    pitch = section_grid_pitch_pt(document)
    bad: list[tuple[int, str]] = []
    for line, role in sorted(roles.items()):
        p_el = elements.get(line)
        if role != "body" or p_el is None:
            continue
        value, kind, snaps = styles.line_spacing(p_el)
        effective = value if kind in ("exact", "atLeast") else None
        if kind == "auto" and snaps and pitch is not None and (value or 1.0) <= 1.0:
            effective = pitch  # single spacing on a line grid: Word sets one grid line per text line
        if effective is not None and rule.min_pt <= effective <= rule.max_pt and kind != "atLeast":
            continue
        bad.append((line, _spacing_text(value, kind)))
    if not bad:
        return []
    return [_finding(rule, rule.id, line=bad[0][0], found=_counted(b[1] for b in bad),
                     expected=f"{rule.min_pt:g}–{rule.max_pt:g} 磅")]


def _spacing_text(value: float | None, kind: str) -> str:
    if kind == "exact":
        return f"固定值 {value:g} 磅"
    if kind == "atLeast":
        return f"最小值 {value:g} 磅"
    if value is None or abs(value - 1) < 0.01:
        return "单倍行距"
    return f"{value:g} 倍行距"


# ---------------------------------------------------------------------------------------------------------
# Title position and page numbers
# ---------------------------------------------------------------------------------------------------------


def _title_findings(elements: dict[int, Any], doc: OfficialDocument, styles: StyleResolver,
                    rules: LayoutRules) -> list[Finding]:
    rule = rules.title_position
    if doc.title_line is None or doc.title_line not in elements:
        return []
    if styles.alignment(elements[doc.title_line]) == rule.align:
        return []
    return [_finding(rule, rule.id, line=doc.title_line, found=doc.title or "")]


def _page_number_findings(document: Any, styles: StyleResolver, rules: LayoutRules) -> list[Finding]:
    rule = rules.page_number
    footers = footer_parts(document)
    numbered = {kind: info for kind, info in footers.items() if info.has_page_field}
    problems: list[str] = []
    if not numbered:
        problems.append("缺失（页脚中没有页码域）")
    else:
        if not any(rule.dash in info.text for info in numbered.values()):
            problems.append("两侧没有一字线")
        sizes = {styles.size_of_field(info.page_paragraph) for info in numbered.values()}
        if any(s is not None and abs(s - rule.size_pt) > 0.5 for s in sizes):
            problems.append("字号为 " + "、".join(f"{s:g} 磅" for s in sorted(x for x in sizes if x)))
        if not document.settings.odd_and_even_pages_header_footer or "even" not in numbered:
            problems.append("未分奇偶页排布")
        else:
            sides = {kind: styles.alignment(info.page_paragraph) for kind, info in numbered.items()}
            if sides.get("default") != "right" or sides.get("even") != "left":
                problems.append("奇数页应居右、偶数页应居左")
    if not problems:
        return []
    return [_finding(rule, rule.id, found="，".join(problems), expected=rule.expected)]
