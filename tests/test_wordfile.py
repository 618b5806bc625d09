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
    structure = pytest.importorskip("assistant.documents.structure")
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
