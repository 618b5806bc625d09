"""Low-level WordprocessingML pieces of the GB/T 9704 export: page and grid, fonts (East Asian names and
their declared fallbacks), paragraph rules, the bottom-anchored 版记 frame and the page-number footers.

Why the layout is built this way: a `linesAndChars` document grid with a negative `charSpace` is how Word
itself lays out 28 characters a line, but LibreOffice maps it to its own character grid and then sets about
14 characters a line. So the grid here is `lines` only, the line height is an exact 28.95 pt (22 lines fill
the 225 mm 版心), and the 28 characters come from the runs' own spacing: 156 mm = 442.2 pt, and 28 × (16 pt −
0.25 pt) = 441 pt fits where 29 characters do not. Word, WPS and LibreOffice all honour run spacing.
"""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

# GB/T 9704-2012 §5.2.1 (paper), §5.2.2 (版心 156 × 225 mm, 天头 37 mm, 订口 28 mm), §5.2.3 (22 × 28).
PAGE_W_MM, PAGE_H_MM = 210, 297
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37, 35, 28, 26
BODY_W_MM, BODY_H_MM = PAGE_W_MM - LEFT_MM - RIGHT_MM, PAGE_H_MM - TOP_MM - BOTTOM_MM
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
NOTE_PT = 14  # 4号 (版记, page numbers)
LINE_TWIPS = 579  # 28.95 pt: 22 lines = 636.9 pt inside the 637.8 pt 版心; 29 pt would leave 21 in Word
LINE_PT = LINE_TWIPS / 20
CHAR_SPACING_TWIPS = -5  # −0.25 pt per character: 28 characters of 3号 fill the 156 mm line

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_PAGE = "宋体"
FONT_LATIN = "Times New Roman"

# Declared in word/fontTable.xml: the alternate name each suite falls back to when the GB2312-era font is
# missing (Word and WPS read w:altName; the panose and charset steer LibreOffice's substitution).
FONT_FALLBACKS: dict[str, tuple[str, str, str]] = {
    # name: (altName, panose1, family)
    FONT_BODY: ("仿宋", "02010609030101010101", "modern"),
    "仿宋": ("FangSong", "02010609060101010101", "modern"),
    FONT_TITLE: ("宋体", "02000000000000000000", "script"),
    FONT_H2: ("楷体", "02010609030101010101", "modern"),
    "楷体": ("KaiTi", "02010609060101010101", "modern"),
    FONT_H1: ("SimHei", "02010609060101010101", "modern"),
    FONT_PAGE: ("SimSun", "02010600030101010101", "auto"),
}


def setup_page(document: Any) -> None:
    """A4, the GB/T 9704 margins and a line-only grid of 22 lines (see the module docstring)."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    # 页码的一字线上距版心下边缘 7 mm: the footer's baseline area ends about 23 mm above the paper edge.
    section.footer_distance = Mm(BOTTOM_MM - 7 - 5)
    section.header_distance = Mm(15)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_TWIPS))


def setup_defaults(document: Any) -> None:
    """Document defaults and the Normal style: 仿宋_GB2312 3号, exact 28.95 pt lines, Chinese language, no
    widow control (a 公文 page is filled to its 22nd line), and the font table with its fallbacks."""
    styles_el = document.styles.element
    rpr_default = styles_el.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr_default is not None:
        _explicit_fonts(rpr_default, FONT_BODY)
        lang = rpr_default.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr_default.append(lang)
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    normal = document.styles["Normal"]
    set_fonts(normal, FONT_BODY, BODY_PT)
    fmt = normal.paragraph_format
    fmt.line_spacing = Pt(LINE_PT)  # a Length makes python-docx write lineRule="exact"
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.widow_control = False
    _declare_fonts(document)


def _explicit_fonts(rpr: Any, east_asia: str, latin: str = FONT_LATIN) -> Any:
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)  # a theme font would win over the names below in Word
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:hint"), "eastAsia")  # “”、— are set in the Chinese font, full width
    return rfonts


def set_fonts(owner: Any, east_asia: str, size_pt: float | None = None, *, bold: bool | None = None,
              color: str | None = None, latin: str = FONT_LATIN) -> None:
    """Latin and East Asian font, size, character spacing on a run or a style (python-docx's font.name
    sets only w:ascii/w:hAnsi, which Chinese text never uses)."""
    rpr = owner._r.get_or_add_rPr() if hasattr(owner, "_r") else owner.element.get_or_add_rPr()
    _explicit_fonts(rpr, east_asia, latin)
    font = owner.font
    if size_pt is not None:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = RGBColor.from_string(color)
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        # Schema order: spacing follows color/vanish and precedes w (scale), kern, position, sz.
        anchor = next((c for c in rpr if c.tag in {qn("w:w"), qn("w:kern"), qn("w:position"), qn("w:sz"),
                                                    qn("w:szCs"), qn("w:highlight"), qn("w:u"),
                                                    qn("w:lang")}), None)
        if anchor is not None:
            anchor.addprevious(spacing)
        else:
            rpr.append(spacing)
    spacing.set(qn("w:val"), str(CHAR_SPACING_TWIPS))


def _declare_fonts(document: Any) -> None:
    part = document.part
    font_part = next((rel.target_part for rel in part.rels.values() if rel.reltype.endswith("/fontTable")), None)
    if font_part is None:
        return
    from lxml import etree

    root = etree.fromstring(font_part.blob)
    known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, (alt, panose, family) in FONT_FALLBACKS.items():
        if name in known:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:panose1", panose), ("w:charset", "86"),
                           ("w:family", family), ("w:pitch", "variable")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    font_part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def align(paragraph: Any, side: str) -> None:
    paragraph.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                           "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[side]


def rule(paragraph: Any, side: str, *, color: str = "000000", eighths: int = 8, space_pt: int = 1) -> None:
    """A paragraph border as the 分隔线 (sizes in eighths of a point: 0.35 mm ≈ 8, 0.25 mm ≈ 6)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # pBdr precedes shd/tabs/spacing/ind/jc in the schema; Word rejects it placed after them.
        anchor = next((c for c in ppr if c.tag in {qn("w:shd"), qn("w:tabs"), qn("w:spacing"), qn("w:ind"),
                                                    qn("w:jc")}), None)
        if anchor is not None:
            anchor.addprevious(borders)
        else:
            ppr.append(borders)
    el = OxmlElement(f"w:{side}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(eighths))
    el.set(qn("w:space"), str(space_pt))
    el.set(qn("w:color"), color)
    order = ["top", "left", "bottom", "right", "between"]
    later = [c for c in borders if c.tag.split("}")[1] in order[order.index(side) + 1:]]
    if later:
        later[0].addprevious(el)
    else:
        borders.append(el)


def frame_at_foot(paragraph: Any, row: int, rows: int) -> None:
    """Put one 版记 paragraph in a frame on line `row` of the last `rows` lines of the 版心, so the 版记's last
    element sits on the last line of the page (GB/T 9704 §7.4). The offset is absolute because LibreOffice
    ignores yAlign="bottom" and sets floating tables as wide as the 版心 inline; lines have an exact height,
    so the offset is known here. The frames leave the text flow; `end_anchor` gives them a paragraph to
    hang from."""
    ppr = paragraph._p.get_or_add_pPr()
    frame = OxmlElement("w:framePr")
    top = round(BODY_H_MM / 25.4 * 1440) - (rows - row) * LINE_TWIPS
    for key, value in (("w:w", str(round(BODY_W_MM / 25.4 * 1440))), ("w:wrap", "notBeside"),
                       ("w:vAnchor", "margin"), ("w:hAnchor", "margin"), ("w:xAlign", "center"),
                       ("w:y", str(top))):
        frame.set(qn(key), value)
    style = ppr.find(qn("w:pStyle"))
    if style is not None:
        style.addnext(frame)
    else:
        ppr.insert(0, frame)


def end_anchor(document: Any) -> None:
    """A one-point empty paragraph after the framed 版记 (a frame at the very end of the body is dropped)."""
    anchor = document.add_paragraph()
    anchor.paragraph_format.line_spacing = Pt(1)


def add_page_numbers(document: Any) -> None:
    """"— 1 —" in 4号 宋体; odd pages right and even pages left, one character in (GB/T 9704 §7.5)."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    _page_number(section.footer, "right")
    _page_number(section.even_page_footer, "left")


def _page_number(footer: Any, side: str) -> None:
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    align(p, side)
    p.paragraph_format.line_spacing = 1.0
    if side == "right":
        p.paragraph_format.right_indent = Pt(NOTE_PT)
    else:
        p.paragraph_format.left_indent = Pt(NOTE_PT)
    set_fonts(p.add_run("— "), FONT_PAGE, NOTE_PT, latin=FONT_PAGE)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = p.add_run("1")
    set_fonts(run, FONT_PAGE, NOTE_PT, latin=FONT_PAGE)  # 半角 digits in 宋体
    run._r.addprevious(field)
    field.append(run._r)
    set_fonts(p.add_run(" —"), FONT_PAGE, NOTE_PT, latin=FONT_PAGE)
