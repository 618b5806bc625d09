"""Writing GB/T 9704 .docx files, read back with read_document."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.documents.reading import read_document
from assistant.errors import DocumentError
from assistant.export.word import write_docx
from assistant.models import OfficialDocument, Paragraph, Section

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def sample_doc() -> OfficialDocument:
    measures = Section(level=1, number="一、", heading="主要举措", line=0, children=[
        Section(level=2, number="（一）", heading="健全依法决策机制", line=0,
                paragraphs=[Paragraph("全年组织合法性审查41件。", 0)]),
        Section(level=2, number="（二）", heading="规范行政执法", line=0, children=[
            Section(level=3, number="1.", heading="加强领导。", line=0, inline_text="全年召开专题会议4次。"),
        ]),
    ])
    plans = Section(level=1, number="二、", heading="下一年度工作安排", line=0,
                    paragraphs=[Paragraph("继续提升依法行政水平。", 0)])
    return OfficialDocument(
        issuer_mark="示例县市场监督管理局文件", doc_number="示例市监〔2025〕7号", signer="王示例",
        title="示例县市场监督管理局关于2024年法治政府建设情况的报告", recipients=["县委", "县政府"],
        preamble=[Paragraph("现将有关情况报告如下：", 0)], sections=[measures, plans], closing="特此报告。",
        attachments=["2024年度行政执法统计表"], issuer="示例县市场监督管理局", date="2025年1月20日",
        notes="（此件主动公开）", cc=["县委依法治县办"], print_org="示例县市场监督管理局办公室",
        print_date="2025年1月20日印发",
    )


def east_asia_fonts(paragraph_or_style) -> set[str]:
    element = getattr(paragraph_or_style, "_p", None)
    if element is None:
        element = paragraph_or_style.element
    return {r.get(f"{W}eastAsia") for r in element.iter(f"{W}rFonts")}


def test_official_document_round_trip(tmp_path: Path) -> None:
    path = write_docx(sample_doc(), tmp_path / "out" / "report.docx")
    assert path.exists()
    texts = [p.text for p in read_document(path).paragraphs]
    assert texts == [
        "示例县市场监督管理局文件",
        "示例市监〔2025〕7号 签发人：王示例",
        "示例县市场监督管理局关于2024年法治政府建设情况的报告",
        "县委、县政府：",
        "现将有关情况报告如下：",
        "一、主要举措",
        "（一）健全依法决策机制",
        "全年组织合法性审查41件。",
        "（二）规范行政执法",
        "1.加强领导。全年召开专题会议4次。",
        "二、下一年度工作安排",
        "继续提升依法行政水平。",
        "特此报告。",
        "附件：2024年度行政执法统计表",
        "示例县市场监督管理局",
        "2025年1月20日",
        "（此件主动公开）",
        "抄送：县委依法治县办。",
        "示例县市场监督管理局办公室 2025年1月20日印发",
    ]


def test_gbt9704_page_fonts_and_page_numbers(tmp_path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    path = write_docx(sample_doc(), tmp_path / "report.docx")
    d = docx.Document(str(path))
    s = d.sections[0]
    mm = 36000  # EMU per mm
    assert (round(s.page_width / mm), round(s.page_height / mm)) == (210, 297)
    assert round(s.top_margin / mm) == 37 and round(s.left_margin / mm) == 28
    assert round((s.page_width - s.left_margin - s.right_margin) / mm) == 156  # 版心宽
    assert round((s.page_height - s.top_margin - s.bottom_margin) / mm) == 225  # 版心高
    grid = s._sectPr.find(f"{W}docGrid")
    pitch_pt = int(grid.get(f"{W}linePitch")) / 20  # twips → pt
    assert 22 * pitch_pt <= 225 / 25.4 * 72 + 0.5 < 23 * pitch_pt  # exactly 22 lines in the 版心

    paras = {p.text: p for p in d.paragraphs if p.text}
    title = paras["示例县市场监督管理局关于2024年法治政府建设情况的报告"]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "方正小标宋简体" in east_asia_fonts(title) and title.runs[0].font.size.pt == 22
    assert "黑体" in east_asia_fonts(paras["一、主要举措"])
    assert "楷体_GB2312" in east_asia_fonts(paras["（一）健全依法决策机制"])
    body = paras["全年组织合法性审查41件。"]
    assert "仿宋_GB2312" in east_asia_fonts(body) and body.runs[0].font.size.pt == 16
    assert paras["2025年1月20日"].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert "仿宋_GB2312" in east_asia_fonts(d.styles["Normal"])

    assert d.settings.odd_and_even_pages_header_footer
    for footer in (s.footer, s.even_page_footer):
        xml = footer._element.xml
        assert 'w:instr="PAGE"' in xml
        assert "".join(t.text for t in footer.paragraphs[0]._p.iter(f"{W}t")) == "— 1 —"
    # Page numbers are layout: reading the file back does not turn them into content.
    assert all("—" not in p.text for p in read_document(path).paragraphs)


def test_plain_paragraphs_get_heading_fonts(tmp_path: Path) -> None:
    import docx

    path = write_docx(["一、总体情况", "今年工作平稳推进。", "（一）主要做法", "", Paragraph("1.抓好落实。", 3)],
                      tmp_path / "plain.docx", title="示例工作总结")
    assert [p.text for p in read_document(path).paragraphs] == [
        "示例工作总结", "一、总体情况", "今年工作平稳推进。", "（一）主要做法", "1.抓好落实。"]
    paras = {p.text: p for p in docx.Document(str(path)).paragraphs if p.text}
    assert "黑体" in east_asia_fonts(paras["一、总体情况"])
    assert "楷体_GB2312" in east_asia_fonts(paras["（一）主要做法"])
    assert "仿宋_GB2312" in east_asia_fonts(paras["今年工作平稳推进。"])


def test_seed_parses_the_same_after_a_word_round_trip(tmp_path: Path, seed_path: Path) -> None:
    from assistant.documents import structure
    original = structure.parse_official(read_document(seed_path))
    back = structure.parse_official(read_document(write_docx(original, tmp_path / "seed.docx")))

    def without_lines(value):
        if isinstance(value, dict):
            return {k: without_lines(v) for k, v in value.items() if k != "line"}
        if isinstance(value, list):
            return [without_lines(v) for v in value]
        return value

    assert without_lines(back.to_dict()) == without_lines(original.to_dict())
    assert back.title == "高新区管委会关于2023年法治政府建设情况的报告"


def test_unwritable_path_is_a_document_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(DocumentError, match="无法写入"):
        write_docx(["正文。"], blocker / "out.docx")


def test_layout_that_every_suite_renders_as_28_by_22(tmp_path: Path) -> None:
    """No character grid (LibreOffice turns linesAndChars + negative charSpace into ~14 characters a line):
    a line-only grid, exact 28.95 pt lines, and −0.25 pt run spacing so 28 characters of 16 pt fill 156 mm."""
    import docx

    d = docx.Document(str(write_docx(sample_doc(), tmp_path / "report.docx")))
    grid = d.sections[0]._sectPr.find(f"{W}docGrid")
    assert grid.get(f"{W}type") == "lines" and grid.get(f"{W}charSpace") is None
    normal = d.styles["Normal"]
    assert normal.paragraph_format.line_spacing.pt == 28.95
    assert normal.paragraph_format.widow_control is False  # pages fill to their 22nd line
    body = next(p for p in d.paragraphs if p.text == "全年组织合法性审查41件。")
    spacing = int(body.runs[0]._r.rPr.find(f"{W}spacing").get(f"{W}val")) / 20
    assert 28 * (16 + spacing) <= 156 / 25.4 * 72 < 29 * (16 + spacing)
    # Languages and fonts: Chinese text is zh-CN; no theme font can override the named ones.
    defaults = d.styles.element.find(f"{W}docDefaults").find(f"{W}rPrDefault").find(f"{W}rPr")
    assert defaults.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"
    assert defaults.find(f"{W}rFonts").get(f"{W}eastAsiaTheme") is None


def test_fallback_fonts_are_declared(tmp_path: Path) -> None:
    import zipfile

    path = write_docx(sample_doc(), tmp_path / "report.docx")
    table = zipfile.ZipFile(path).read("word/fontTable.xml").decode("utf-8")
    for name, alt in (("仿宋_GB2312", "仿宋"), ("方正小标宋简体", "宋体"), ("楷体_GB2312", "楷体"), ("仿宋", "FangSong")):
        assert f'w:name="{name}"><w:altName w:val="{alt}"/>' in table


def test_long_issuer_mark_is_sized_to_one_line(tmp_path: Path) -> None:
    import docx

    doc = sample_doc()
    doc.issuer_mark = "泉州市鲤城高新技术产业开发区管理委员会文件"  # 21 characters
    d = docx.Document(str(write_docx(doc, tmp_path / "mark.docx")))
    mark = d.paragraphs[0]
    size = mark.runs[0].font.size.pt
    assert 21 * size <= 156 / 25.4 * 72 and size >= 18
    assert mark.runs[0].font.color.rgb == docx.shared.RGBColor(0xFF, 0, 0)


def test_imprint_is_framed_at_the_foot_of_the_text_area(tmp_path: Path) -> None:
    import docx

    d = docx.Document(str(write_docx(sample_doc(), tmp_path / "report.docx")))
    imprint = [p for p in d.paragraphs if p.text.startswith(("抄送", "示例县市场监督管理局办公室"))]
    frames = [p._p.pPr.find(f"{W}framePr") for p in imprint]
    assert all(f is not None and f.get(f"{W}vAnchor") == "margin" for f in frames)
    tops = [int(f.get(f"{W}y")) for f in frames]
    assert tops[1] - tops[0] == 579  # one line apart
    assert tops[1] + 579 == round(225 / 25.4 * 1440)  # the last element on the last line of the 版心
    assert d.paragraphs[-1].text == ""  # the paragraph the frames hang from


# Child order of w:pPr and w:rPr in the OOXML schema (ECMA-376 Part 1, CT_PPrBase / CT_RPr): Word refuses to
# open a file ("unreadable content") whose properties are out of order, while LibreOffice accepts it.
PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
             "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
             "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
             "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
             "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"]
RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
             "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
             "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
             "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"]
BORDER_ORDER = ["top", "left", "bottom", "right", "between", "bar"]


def test_properties_follow_the_schema_order_word_requires(tmp_path: Path) -> None:
    import zipfile

    from lxml import etree

    path = write_docx(sample_doc(), tmp_path / "report.docx")
    with zipfile.ZipFile(path) as zf:
        parts = [n for n in zf.namelist() if n.startswith("word/") and n.endswith(".xml")]
        roots = [etree.fromstring(zf.read(n)) for n in parts]
    checked = 0
    for root in roots:
        for tag, order in (("pPr", PPR_ORDER), ("rPr", RPR_ORDER), ("pBdr", BORDER_ORDER)):
            for el in root.iter(f"{W}{tag}"):
                names = [c.tag.split("}")[1] for c in el if isinstance(c.tag, str)]
                known = [n for n in names if n in order]
                assert known == sorted(known, key=order.index), (tag, names)
                checked += 1
    assert checked > 50
