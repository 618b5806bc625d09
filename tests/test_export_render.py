"""The GB/T 9704 export rendered by a real office suite: LibreOffice turns the .docx into a PDF and pdfplumber
measures what a reader would see — 28 characters a line, 22 lines a page, the 版记 at the foot of the last
page, page numbers alternating sides. Skipped (with the reason) where `soffice` is not installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.documents.reading import read_document
from assistant.documents.structure import parse_official
from assistant.export.rendering import measure_pdf, render_pdf, soffice
from assistant.export.word import write_docx
from assistant.models import OfficialDocument, Paragraph, Section

pytestmark = pytest.mark.skipif(soffice() is None, reason="needs LibreOffice (soffice) to render the .docx; "
                                "install libreoffice-writer-nogui (.ci/run does)")
pytest.importorskip("pdfplumber", reason="pdfplumber measures the rendered PDF (test extra)")

# Long enough to fill several pages: one paragraph is about 5 lines of 28 characters.
PROSE = ("全年组织开展行政执法案卷评查，逐卷检查执法程序、证据材料和法律适用情况，对发现的问题逐项整改到位，"
         "并将评查结果纳入年度法治建设考核。")


def _long_document(paragraphs: int = 40) -> OfficialDocument:
    sections = [Section(level=1, number=f"{'一二三四'[i]}、", heading="工作情况", line=0,
                        paragraphs=[Paragraph(PROSE * 2, 0) for _ in range(paragraphs // 4)]) for i in range(4)]
    return OfficialDocument(
        title="示例县司法局关于2024年法治政府建设情况的报告", recipients=["县委", "县政府"],
        preamble=[Paragraph("现将有关情况报告如下：", 0)], sections=sections, issuer="示例县司法局",
        date="2025年1月20日", notes="（此件主动公开）", cc=["县委依法治县办"], print_org="示例县司法局办公室",
        print_date="2025年1月20日印发")


@pytest.fixture(scope="module")
def long_render(tmp_path_factory):
    folder = tmp_path_factory.mktemp("render")
    docx_path = write_docx(_long_document(), folder / "long.docx")
    return measure_pdf(render_pdf(docx_path, folder))


@pytest.fixture(scope="module")
def seed_render(tmp_path_factory):
    from conftest import SEED

    if not SEED.exists():
        pytest.skip(f"needs {SEED} (the shared corpus beside the project root); not present on this machine")
    folder = tmp_path_factory.mktemp("seed")
    docx_path = write_docx(parse_official(read_document(SEED)), folder / "seed.docx")
    return measure_pdf(render_pdf(docx_path, folder))


def test_body_lines_hold_28_characters_and_pages_22_lines(long_render) -> None:
    assert long_render.page_count >= 3
    assert 27 <= long_render.chars_per_line <= 28
    assert 21 <= long_render.lines_per_page <= 22
    # Every full page but the first (title block) is a whole 22-line page.
    assert [len(p.lines) for p in long_render.pages[1:-1]] == [22] * (long_render.page_count - 2)


def test_body_text_stays_inside_the_156_mm_text_area(long_render) -> None:
    mm = 72 / 25.4
    lines = long_render.body_lines()
    assert min(ln.x0 for ln in lines) == pytest.approx(28 * mm, abs=1.5 * mm)
    # A closing mark may hang one character past the right edge; text itself ends at 210 − 26 mm.
    ends = sorted(ln.x1 for ln in lines)
    assert ends[len(ends) // 2] == pytest.approx((210 - 26) * mm, abs=1.5 * mm)
    first_top = min(ln.top for ln in long_render.pages[1].lines)
    assert first_top == pytest.approx(37 * mm, abs=3 * mm)


def test_imprint_sits_on_the_last_lines_of_the_last_page(long_render) -> None:
    gap = long_render.last_line_gap_mm("印发")
    assert gap is not None, "印发 line not found on the last page"
    assert 0 <= gap < 10.3  # within the last of the 22 lines (28.95 pt ≈ 10.2 mm)
    cc_gap = long_render.last_line_gap_mm("抄送")
    assert cc_gap is not None and gap < cc_gap < gap + 12  # 抄送 on the line just above


def test_page_numbers_alternate_right_and_left(long_render) -> None:
    sides = [p.page_number_side for p in long_render.pages]
    assert sides == ["right" if i % 2 == 0 else "left" for i in range(len(sides))]
    for page in long_render.pages:
        text = "".join(ln.text for ln in page.footer)
        assert text == f"—{page.number}—"  # "— 1 —" (pdfplumber drops the spaces)


def test_seed_renders_in_five_pages_of_28_by_22(seed_render) -> None:
    assert seed_render.page_count <= 5
    assert 27 <= seed_render.chars_per_line <= 28
    assert 21 <= seed_render.lines_per_page <= 22
    assert seed_render.last_line_gap_mm("印发") is not None
    # 发文字号 and 签发人 share one line (上行文), not wrapped.
    first = seed_render.pages[0].lines
    assert any("泉鲤高文〔2024〕3号" in ln.text and "签发人：张志强" in ln.text for ln in first)
    # The 发文机关标志 stays on one line.
    assert any(ln.text == "泉州市鲤城高新技术产业开发区管理委员会文件" for ln in first)


def test_a_text_without_title_or_signature_still_renders(tmp_path: Path) -> None:
    docx_path = write_docx(["一、基本情况", PROSE, PROSE], tmp_path / "bare.docx")
    measure = measure_pdf(render_pdf(docx_path, tmp_path))
    assert measure.page_count == 1
    assert [ln.text for ln in measure.pages[0].lines][0] == "一、基本情况"


def test_imprint_moves_to_a_new_page_rather_than_overlap_the_text(tmp_path: Path) -> None:
    """Body text ending on line 21: the two 版记 lines no longer fit, so they go to the foot of the next
    page; nothing is drawn over the text."""
    sentence = "全年组织开展行政执法案卷评查，逐卷检查执法程序、证据材料和法律适用情况，对发现的问题逐项整改到位。"
    doc = OfficialDocument(title="示例县司法局关于2024年法治政府建设情况的报告",
                           preamble=[Paragraph(sentence, 0) for _ in range(18)], issuer="示例县司法局",
                           date="2025年1月20日", cc=["县委依法治县办"], print_org="示例县司法局办公室",
                           print_date="2025年1月20日印发")
    measure = measure_pdf(render_pdf(write_docx(doc, tmp_path / "full.docx"), tmp_path))
    mm = 72 / 25.4
    for page in measure.pages:
        foot = page.height - 35 * mm - 2 * 28.95  # the top of the last two lines of the 版心
        imprint = [ln for ln in page.lines if ln.text.startswith(("抄送", "示例县司法局办公室"))]
        others = [ln for ln in page.lines if ln not in imprint and ln.top > foot]
        if imprint:
            assert page is measure.pages[-1] and len(imprint) == 2
            assert others == [], [ln.text for ln in others]
    assert measure.last_line_gap_mm("印发") is not None and measure.last_line_gap_mm("印发") < 10.3
