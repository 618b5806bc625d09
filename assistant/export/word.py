"""Writing a .docx in the GB/T 9704-2012 layout (党政机关公文格式).

A4 paper; margins 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm; 22 lines of 28 characters; title 2号 小标宋,
body 3号 仿宋_GB2312, 层次序数 level 1 黑体, level 2 楷体_GB2312, levels 3–4 仿宋; 发文字号 centred, 成文日期
right; 版记 (抄送, 印发机关和印发日期) between rules in 4号 仿宋; page numbers "— 1 —" in 4号 宋体, odd pages right,
even pages left. Fonts are named, not embedded: Word/WPS substitute 宋体 when 方正小标宋简体 is not installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.documents.numbering import heading_level
from assistant.errors import DocumentError
from assistant.models import OfficialDocument, Paragraph, Section

# Layout constants (mm / pt) from GB/T 9704-2012 §5.2, §7.
PAGE_W_MM, PAGE_H_MM = 210, 297
TOP_MM, LEFT_MM = 37, 28
BODY_W_MM, BODY_H_MM = 156, 225
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
NOTE_PT = 14  # 4号 (版记, page numbers)
LINE_PITCH_PT = BODY_H_MM / LINES_PER_PAGE / 25.4 * 72  # ≈ 29 pt (GB/T 9704: 22 lines in 225 mm)

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_PAGE = "宋体"
FONT_LATIN = "Times New Roman"

_HEADING_FONTS = {1: FONT_H1, 2: FONT_H2, 3: FONT_BODY, 4: FONT_BODY}


def write_docx(doc: OfficialDocument | Sequence[str | Paragraph], path: str | Path, *,
               title: str | None = None) -> Path:
    """Write `doc` as a GB/T 9704 .docx at `path` and return the path.

    `doc` is a parsed/drafted OfficialDocument, or plain paragraphs (str or Paragraph); for plain paragraphs
    lines starting with 一、/（一）/1./（1） get the heading fonts of their level, and `title` (if given) is set
    as the title."""
    import docx

    out = Path(path)
    document = docx.Document()
    _setup_page(document)
    _setup_normal_style(document)
    w = _Writer(document)

    if isinstance(doc, OfficialDocument):
        _write_official(w, doc)
    else:
        if title:
            w.title(title)
        for item in doc:
            text = item.text if isinstance(item, Paragraph) else str(item)
            text = text.strip()
            if not text:
                continue
            level = _level_of(text)
            if level:
                w.heading(text, level)
            else:
                w.body(text)
    if not document.paragraphs or not any(p.text.strip() for p in document.paragraphs):
        w.body("")  # keep the file valid even for an empty input
    _add_page_numbers(document)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        document.save(str(out))
    except OSError as err:
        raise DocumentError(f"无法写入 Word 文件：{out}（{err.strerror or err}）") from None
    return out


def _level_of(text: str) -> int | None:
    mark = heading_level(text)
    return mark.level if mark else None


# ---------------------------------------------------------------------------------------------------------
# Page, styles, fonts
# ---------------------------------------------------------------------------------------------------------


def _setup_page(document: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    section.top_margin = Mm(TOP_MM)
    section.bottom_margin = Mm(PAGE_H_MM - TOP_MM - BODY_H_MM)  # 35 mm
    section.left_margin = Mm(LEFT_MM)
    section.right_margin = Mm(PAGE_W_MM - LEFT_MM - BODY_W_MM)  # 26 mm
    section.footer_distance = Mm(28 - 7)  # 页码 sits about 7 mm below the 版心
    section.header_distance = Mm(15)
    # Document grid: 22 lines per page and 28 characters per line.
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    char_pitch_pt = BODY_W_MM / CHARS_PER_LINE / 25.4 * 72
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    grid.set(qn("w:charSpace"), str(round((char_pitch_pt - BODY_PT) * 4096)))


def _set_fonts(rpr_owner: Any, east_asia: str, size_pt: float | None = None, *, bold: bool | None = None,
               color: str | None = None) -> None:
    """Set Latin and East Asian fonts on a run or style (python-docx's font.name sets only w:ascii/w:hAnsi)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = rpr_owner.font
    font.name = FONT_LATIN
    rpr = rpr_owner._r.get_or_add_rPr() if hasattr(rpr_owner, "_r") else rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:ascii"), FONT_LATIN)
    rfonts.set(qn("w:hAnsi"), FONT_LATIN)
    if size_pt is not None:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = RGBColor.from_string(color)


def _setup_normal_style(document: Any) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    normal = document.styles["Normal"]
    _set_fonts(normal, FONT_BODY, BODY_PT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(round(LINE_PITCH_PT, 2))
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


class _Writer:
    def __init__(self, document: Any) -> None:
        self.d = document

    def _para(self, text: str, *, font: str = FONT_BODY, size: float = BODY_PT, align: str = "justify",
              first_line_chars: float = 0, left_chars: float = 0, right_chars: float = 0, bold: bool = False,
              color: str | None = None) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        p = self.d.add_paragraph()
        p.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                       "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
        fmt = p.paragraph_format
        if first_line_chars:
            fmt.first_line_indent = Pt(size * first_line_chars)
        if left_chars:
            fmt.left_indent = Pt(size * left_chars)
        if right_chars:
            fmt.right_indent = Pt(size * right_chars)
        if text:
            run = p.add_run(text)
            _set_fonts(run, font, size, bold=bold or None, color=color)
        return p

    def issuer_mark(self, text: str) -> None:
        # 发文机关标志: red 小标宋, centred (GB/T 9704 §7.2.3); size kept at 2号 so it fits one line.
        self._para(text, font=FONT_TITLE, size=TITLE_PT, align="center", color="FF0000")

    def doc_number(self, number: str | None, signer: str | None) -> None:
        from docx.enum.text import WD_TAB_ALIGNMENT
        from docx.shared import Mm, Pt

        if signer:  # 上行文: 发文字号 left (one char in), 签发人 right (one char in), same line
            p = self._para("", left_chars=1)
            p.paragraph_format.tab_stops.add_tab_stop(Mm(BODY_W_MM) - Pt(BODY_PT * 2), WD_TAB_ALIGNMENT.RIGHT)
            run = p.add_run(f"{number or ''}\t签发人：")
            _set_fonts(run, FONT_BODY, BODY_PT)
            run = p.add_run(signer)
            _set_fonts(run, FONT_H2, BODY_PT)
        else:
            p = self._para(number or "", align="center")
        _bottom_rule(p, color="FF0000", size_eighths=12)  # 版头中的分隔线

    def title(self, text: str) -> None:
        self._para("", align="center")  # one blank line above the title
        self._para(text, font=FONT_TITLE, size=TITLE_PT, align="center")
        self._para("", align="center")

    def recipients(self, names: list[str]) -> None:
        self._para("、".join(names) + "：", align="left")

    def body(self, text: str) -> None:
        self._para(text, first_line_chars=2)

    def heading(self, text: str, level: int) -> None:
        self._para(text, font=_HEADING_FONTS.get(level, FONT_BODY), first_line_chars=2)

    def section(self, s: Section) -> None:
        heading = f"{s.number}{s.heading}"
        if s.inline_text:
            # "1.加强领导。全年召开……": the heading and its first sentence share a paragraph.
            from docx.shared import Pt

            p = self._para("", first_line_chars=2)
            p.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
            _set_fonts(p.add_run(heading), _HEADING_FONTS.get(s.level, FONT_BODY), BODY_PT)
            _set_fonts(p.add_run(s.inline_text), FONT_BODY, BODY_PT)
        else:
            self.heading(heading, s.level)
        for para in s.paragraphs:
            self.body(para.text)
        for child in s.children:
            self.section(child)

    def attachments(self, items: list[str]) -> None:
        self._para("", align="left")
        for i, item in enumerate(items):
            label = "附件：" if i == 0 else "　　　"
            number = f"{i + 1}." if len(items) > 1 else ""
            self._para(f"{label}{number}{item}", left_chars=2, align="left")

    def signature(self, issuer: str | None, date: str | None) -> None:
        self._para("", align="left")
        if issuer:
            self._para(issuer, align="right", right_chars=4)
        if date:
            self._para(date, align="right", right_chars=4)  # 成文日期右空四字

    def notes(self, text: str) -> None:
        self._para(text, first_line_chars=2, align="left")

    def imprint(self, cc: list[str], org: str | None, date: str | None, line: str | None) -> None:
        """版记: 抄送 and 印发机关/印发日期 between rules, 4号 仿宋, one character in from both sides."""
        self._para("", align="left")
        first = None
        if cc:
            first = self._para("抄送：" + "，".join(cc) + "。", size=NOTE_PT, align="left", left_chars=1,
                               right_chars=1)
            _top_rule(first, size_eighths=8)
        if org or date or line:
            from docx.enum.text import WD_TAB_ALIGNMENT
            from docx.shared import Mm, Pt

            p = self._para("", size=NOTE_PT, align="left", left_chars=1, right_chars=1)
            if org and date:
                p.paragraph_format.tab_stops.add_tab_stop(Mm(BODY_W_MM) - Pt(NOTE_PT * 2), WD_TAB_ALIGNMENT.RIGHT)
                text = f"{org}\t{date if date.endswith('印发') else date + '印发'}"
            else:
                text = line or org or date or ""
            _set_fonts(p.add_run(text), FONT_BODY, NOTE_PT)
            if first is None:
                _top_rule(p, size_eighths=8)
            _bottom_rule(p, size_eighths=8)


def _border(p: Any, side: str, color: str, size_eighths: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = p._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    el = OxmlElement(f"w:{side}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size_eighths))
    el.set(qn("w:space"), "1")
    el.set(qn("w:color"), color)
    borders.append(el)


def _bottom_rule(p: Any, *, color: str = "000000", size_eighths: int = 8) -> None:
    _border(p, "bottom", color, size_eighths)


def _top_rule(p: Any, *, color: str = "000000", size_eighths: int = 8) -> None:
    _border(p, "top", color, size_eighths)


def _write_official(w: _Writer, doc: OfficialDocument) -> None:
    if doc.issuer_mark:
        w.issuer_mark(doc.issuer_mark)
    if doc.doc_number or doc.signer:
        w.doc_number(doc.doc_number, doc.signer)
    if doc.title:
        w.title(doc.title)
    if doc.recipients:
        w.recipients(doc.recipients)
    for para in doc.preamble:
        w.body(para.text)
    for section in doc.sections:
        w.section(section)
    if doc.closing:
        w.body(doc.closing)
    if doc.attachments:
        w.attachments(doc.attachments)
    if doc.issuer or doc.date:
        w.signature(doc.issuer, doc.date)
    if doc.notes:
        w.notes(doc.notes)
    if doc.cc or doc.print_org or doc.print_date or doc.print_line:
        w.imprint(doc.cc, doc.print_org, doc.print_date, doc.print_line)


# ---------------------------------------------------------------------------------------------------------
# Page numbers: "— 1 —", 4号 宋体, odd pages right (one char in), even pages left (one char in).
# ---------------------------------------------------------------------------------------------------------


def _add_page_numbers(document: Any) -> None:
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    _page_number_paragraph(section.footer, "right")
    _page_number_paragraph(section.even_page_footer, "left")


def _page_number_paragraph(footer: Any, side: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if side == "right" else WD_ALIGN_PARAGRAPH.LEFT
    if side == "right":
        p.paragraph_format.right_indent = Pt(NOTE_PT)
    else:
        p.paragraph_format.left_indent = Pt(NOTE_PT)
    _set_fonts(p.add_run("— "), FONT_PAGE, NOTE_PT)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = p.add_run("1")
    _set_fonts(run, FONT_PAGE, NOTE_PT)
    run._r.addprevious(field)
    field.append(run._r)
    _set_fonts(p.add_run(" —"), FONT_PAGE, NOTE_PT)
