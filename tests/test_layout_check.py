"""Typography check of a .docx (layout.* findings): real .docx files made with python-docx and by the export,
checked through the service `assistant check` uses, and odd files that must give a clear answer."""

from __future__ import annotations

import json
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from typer.testing import CliRunner

from assistant.cli import _register
from assistant.cli.app import app
from assistant.errors import ConfigError
from assistant.export.word import write_docx
from assistant.rules.layout import check_layout, load_layout_rules
from assistant.services import checking

ROOT = Path(__file__).resolve().parent.parent
PROSE = "今年以来，我局认真贯彻落实上级部署，扎实推进法治政府建设，各项工作取得明显成效。"

_register()
runner = CliRunner()


def rules_of(findings) -> set[str]:
    return {f.rule for f in findings if f.rule.startswith("layout.")}


def default_template_docx(path: Path) -> Path:
    """What python-docx writes with its default template: Letter, 25.4/31.8 mm margins, Calibri 11 pt."""
    d = docx.Document()
    d.add_paragraph("示例县司法局关于2024年法治政府建设情况的报告")
    d.add_paragraph("县委、县政府：")
    d.add_paragraph(PROSE)
    d.add_paragraph("一、主要工作")
    d.add_paragraph(PROSE * 2)
    d.save(str(path))
    return path


def gbt_docx(path: Path) -> Path:
    return write_docx(["一、主要工作", PROSE, "（一）健全制度", PROSE * 2], path,
                      title="示例县司法局关于2024年法治政府建设情况的报告")


def test_default_python_docx_file_gets_font_size_margin_and_spacing(tmp_path: Path) -> None:
    findings = check_layout(default_template_docx(tmp_path / "default.docx"))
    got = rules_of(findings)
    assert {"layout.font", "layout.size", "layout.margin", "layout.line_spacing"} <= got
    assert {"layout.paper", "layout.page_number", "layout.title_position"} <= got  # Letter, no page numbers
    by_rule = {f.rule: f for f in findings}
    assert "215.9 mm × 279.4 mm（Letter）" in by_rule["layout.paper"].message
    assert "上 25.4 mm、下 25.4 mm、左 31.8 mm、右 31.8 mm" in by_rule["layout.margin"].message
    assert "1.15 倍行距" in by_rule["layout.line_spacing"].message
    body_size = next(f for f in findings if f.rule == "layout.size" and f.message.startswith("正文"))
    assert "11 磅" in body_size.message and body_size.line == 3
    assert all(f.source and f.source.startswith("GB/T 9704-2012") for f in findings)


def test_an_export_has_no_layout_finding(tmp_path: Path) -> None:
    assert rules_of(check_layout(gbt_docx(tmp_path / "gbt.docx"))) == set()


def test_check_service_adds_layout_findings_to_docx_only(tmp_path: Path) -> None:
    report = checking.check_path(default_template_docx(tmp_path / "d.docx"))
    assert {"layout.font", "layout.margin"} <= rules_of(report.findings)
    txt = tmp_path / "d.txt"
    txt.write_text("示例县司法局关于2024年法治政府建设情况的报告\n" + PROSE + "\n", encoding="utf-8")
    assert rules_of(checking.check_path(txt).findings) == set()


def test_cli_check_of_the_exported_seed_has_no_layout_finding(tmp_path: Path, seed_path: Path) -> None:
    out = tmp_path / "seed.docx"
    result = runner.invoke(app, ["export", str(seed_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["check", str(out), "--json"])
    data = json.loads(result.stdout)
    assert [f for f in data["findings"] if f["rule"].startswith("layout.")] == []
    assert data["genre"]  # the rest of the check still ran on the .docx


def test_each_deviation_is_named(tmp_path: Path) -> None:
    path = gbt_docx(tmp_path / "x.docx")
    d = docx.Document(str(path))
    title = next(p for p in d.paragraphs if p.text.startswith("示例县"))
    title.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for run in next(p for p in d.paragraphs if p.text.startswith("一、")).runs:
        run._r.rPr.find(qn("w:rFonts")).set(qn("w:eastAsia"), "宋体")
    body = next(p for p in d.paragraphs if p.text == PROSE)
    body.paragraph_format.line_spacing = Pt(20)
    d.sections[0].left_margin = Mm(20)
    d.save(str(path))
    findings = {f.rule: f for f in check_layout(path)}
    assert set(findings) == {"layout.title_position", "layout.font", "layout.line_spacing", "layout.margin"}
    assert "第一层标题" in findings["layout.font"].message and "“宋体”" in findings["layout.font"].message
    assert "固定值 20 磅" in findings["layout.line_spacing"].message
    assert "左 20.0 mm" in findings["layout.margin"].message


def test_single_spacing_on_a_22_line_grid_is_accepted(tmp_path: Path) -> None:
    """Word templates often set 单倍行距 with a document grid of 22 lines instead of a fixed value."""
    path = gbt_docx(tmp_path / "grid.docx")
    d = docx.Document(str(path))
    spacing = d.styles["Normal"].element.pPr.find(qn("w:spacing"))
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    d.save(str(path))
    assert "layout.line_spacing" not in rules_of(check_layout(path))
    grid = d.sections[0]._sectPr.find(qn("w:docGrid"))
    grid.getparent().remove(grid)
    d.save(str(path))
    assert "layout.line_spacing" in rules_of(check_layout(path))


def test_page_numbers_on_one_side_only_are_reported(tmp_path: Path) -> None:
    path = gbt_docx(tmp_path / "pn.docx")
    d = docx.Document(str(path))
    d.settings.odd_and_even_pages_header_footer = False
    d.save(str(path))
    finding = next(f for f in check_layout(path) if f.rule == "layout.page_number")
    assert "未分奇偶页排布" in finding.message and finding.severity == "warning"


# --- odd files: a clear result, never a traceback ------------------------------------------------------------


def test_a_docx_without_section_properties(tmp_path: Path) -> None:
    path = gbt_docx(tmp_path / "nosect.docx")
    d = docx.Document(str(path))
    body = d.element.body
    body.remove(body.find(qn("w:sectPr")))
    d.save(str(path))
    findings = {f.rule: f for f in check_layout(path)}
    assert "没有节属性" in findings["layout.paper"].message
    assert "layout.margin" in findings
    result = runner.invoke(app, ["check", str(path), "--json"])
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
    assert "layout.paper" in {f["rule"] for f in json.loads(result.stdout)["findings"]}


def _without_part(src: Path, dst: Path, member: str) -> Path:
    """Copy a .docx leaving one part out (and its relationship and content-type entries)."""
    target = member.split("/", 1)[1]
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename == member:
                continue
            data = zin.read(item.filename)
            if item.filename in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
                text = data.decode("utf-8")
                import re

                text = re.sub(rf'<Relationship [^>]*Target="{re.escape(target)}"[^>]*/>', "", text)
                text = re.sub(rf'<Override [^>]*PartName="/{re.escape(member)}"[^>]*/>', "", text)
                data = text.encode("utf-8")
            zout.writestr(item, data)
    return dst


def test_a_docx_without_styles(tmp_path: Path) -> None:
    path = _without_part(default_template_docx(tmp_path / "d.docx"), tmp_path / "nostyles.docx",
                         "word/styles.xml")
    findings = check_layout(path)
    assert {"layout.size", "layout.margin"} <= rules_of(findings)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code in (0, 1) and "Traceback" not in result.output


def test_an_unusual_page_size_is_named(tmp_path: Path) -> None:
    path = gbt_docx(tmp_path / "odd.docx")
    d = docx.Document(str(path))
    d.sections[0].page_width, d.sections[0].page_height = Mm(100), Mm(500)
    d.save(str(path))
    paper = next(f for f in check_layout(path) if f.rule == "layout.paper")
    assert "100.0 mm × 500.0 mm" in paper.message


def test_a_landscape_a4_section_is_still_a4(tmp_path: Path) -> None:
    path = gbt_docx(tmp_path / "land.docx")
    d = docx.Document(str(path))
    s = d.sections[0]
    s.page_width, s.page_height = Mm(297), Mm(210)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(28), Mm(26), Mm(35), Mm(37)
    d.save(str(path))
    assert not {"layout.paper", "layout.margin"} & rules_of(check_layout(path))


def test_a_thousand_tables(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("示例县司法局关于2024年法治政府建设情况的报告")
    for i in range(1000):
        d.add_table(rows=1, cols=2).rows[0].cells[0].text = f"第{i + 1}项"
    path = tmp_path / "tables.docx"
    d.save(str(path))
    report = checking.check_path(path)
    assert {"layout.margin", "layout.paper"} <= rules_of(report.findings)


def _png() -> bytes:
    raw = b"\x00\xff\x00\x00" * 1
    chunk = lambda tag, data: struct.pack(">I", len(data)) + tag + data + struct.pack(  # noqa: E731
        ">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_a_docx_of_images_only(tmp_path: Path) -> None:
    image = tmp_path / "dot.png"
    image.write_bytes(_png())
    d = docx.Document()
    d.add_picture(str(image))
    path = tmp_path / "images.docx"
    d.save(str(path))
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "没有可读的文字" in result.output
    # The layout check alone still answers for the page itself.
    assert "layout.paper" in rules_of(check_layout(path))


# --- the rules are data -------------------------------------------------------------------------------------


def test_rule_file_is_strict(tmp_path: Path) -> None:
    rules = load_layout_rules()
    assert rules.margin.top_mm == 37 and rules.line_spacing.max_pt == 29
    text = (ROOT / "knowledge" / "layout_rules.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "extra.yaml"
    bad.write_text(text.replace("  tolerance_mm: 1\n", "  tolerance_mm: 1\n  tolerence: 2\n", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="tolerence"):
        load_layout_rules(bad)
    bad.write_text(text.replace("页码{found}", "页码{foud}"), encoding="utf-8")
    with pytest.raises(ConfigError, match="foud"):
        load_layout_rules(bad)
    shutil.copy(ROOT / "knowledge" / "layout_rules.yaml", tmp_path / "ok.yaml")
    assert load_layout_rules(tmp_path / "ok.yaml").paper.width_mm == 210


def test_page_number_field_detected_in_complex_field_form(tmp_path: Path) -> None:
    """Word writes PAGE as fldChar begin / instrText / end; that counts as a page number too."""
    path = gbt_docx(tmp_path / "cf.docx")
    d = docx.Document(str(path))
    for footer in (d.sections[0].footer, d.sections[0].even_page_footer):
        p = footer.paragraphs[0]
        fld = p._p.find(qn("w:fldSimple"))
        runs = []
        for kind in ("begin", None, "end"):
            r = OxmlElement("w:r")
            if kind:
                fc = OxmlElement("w:fldChar")
                fc.set(qn("w:fldCharType"), kind)
                r.append(fc)
            else:
                it = OxmlElement("w:instrText")
                it.text = " PAGE "
                r.append(it)
            runs.append(r)
        for r in runs:
            fld.addprevious(r)
        fld.getparent().remove(fld)
    d.save(str(path))
    assert "layout.page_number" not in rules_of(check_layout(path))
