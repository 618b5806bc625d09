"""Reading a .docx keeps its structure: heading levels from Word outline levels and heading styles, automatic
numbering as text, tracked changes as the accepted text (with a note), comments left out (with a note),
text boxes and tables in document order."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from fixtures_docs import add_gongwen_numbering, set_numbering

from assistant.documents.reading import read_document
from assistant.documents.structure import parse_official

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BODY = "全年组织合法性审查41件，提出修改意见96条，均被采纳。"


def outline(paragraph_or_style, level0: int) -> None:
    el = paragraph_or_style._p if hasattr(paragraph_or_style, "_p") else paragraph_or_style.element
    ppr = el.get_or_add_pPr()
    lvl = OxmlElement("w:outlineLvl")
    lvl.set(qn("w:val"), str(level0))
    ppr.append(lvl)


def test_outline_levels_give_heading_levels(tmp_path: Path) -> None:
    d = docx.Document()
    level1 = d.styles.add_style("公文一级标题", WD_STYLE_TYPE.PARAGRAPH)
    outline(level1, 0)
    level2 = d.styles.add_style("公文二级标题", WD_STYLE_TYPE.PARAGRAPH)
    level2.base_style = d.styles["Normal"]
    outline(level2, 1)
    d.add_paragraph("示例县司法局关于2024年法治政府建设情况的报告")
    d.add_paragraph("县委、县政府：")
    d.add_paragraph("主要工作", style="公文一级标题")
    d.add_paragraph("健全依法决策机制", style="公文二级标题")
    d.add_paragraph(BODY)
    direct = d.add_paragraph("存在的不足")  # outline level set on the paragraph itself
    outline(direct, 0)
    d.add_paragraph("执法人员专业能力与监管任务还不够匹配，信息化水平有待提升。")
    body_text = d.add_paragraph("正文级别的段落。")
    outline(body_text, 9)  # level 9 is "body text"
    path = tmp_path / "outline.docx"
    d.save(str(path))

    source = read_document(path)
    styles = {p.text: p.style for p in source.paragraphs}
    assert styles["主要工作"] == "Heading 1"
    assert styles["健全依法决策机制"] == "Heading 2"
    assert styles["存在的不足"] == "Heading 1"
    assert styles["正文级别的段落。"] == "Normal"
    doc = parse_official(source)
    assert [(s.level, s.heading) for s in doc.iter_sections()] == [
        (1, "主要工作"), (2, "健全依法决策机制"), (1, "存在的不足")]


def test_heading_styles_and_numbering_text_are_kept(tmp_path: Path) -> None:
    d = docx.Document()
    num_id = add_gongwen_numbering(d)
    d.add_paragraph("示例县司法局关于2024年法治政府建设情况的报告")
    set_numbering(d.add_heading("主要工作", 1), num_id, 0)
    set_numbering(d.add_heading("健全依法决策机制", 2), num_id, 1)
    d.add_paragraph(BODY)
    set_numbering(d.add_heading("存在的不足", 1), num_id, 0)
    d.add_paragraph(BODY)
    path = tmp_path / "numbered.docx"
    d.save(str(path))
    doc = parse_official(read_document(path))
    assert [(s.level, s.number, s.heading) for s in doc.iter_sections()] == [
        (1, "一、", "主要工作"), (2, "（一）", "健全依法决策机制"), (1, "二、", "存在的不足")]


def test_tracked_changes_read_as_accepted_with_a_note(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph()
    p._p.append(parse_xml(
        f'<w:r xmlns:w="{W}"><w:t xml:space="preserve">全年组织合法性审查</w:t></w:r>'))
    p._p.append(parse_xml(
        f'<w:del xmlns:w="{W}" w:id="1" w:author="审核人" w:date="2025-01-02T00:00:00Z">'
        f"<w:r><w:delText>35</w:delText></w:r></w:del>"))
    p._p.append(parse_xml(
        f'<w:ins xmlns:w="{W}" w:id="2" w:author="审核人" w:date="2025-01-02T00:00:00Z">'
        f"<w:r><w:t>41</w:t></w:r></w:ins>"))
    p._p.append(parse_xml(f'<w:r xmlns:w="{W}"><w:t>件。</w:t></w:r>'))
    path = tmp_path / "tracked.docx"
    d.save(str(path))
    source = read_document(path)
    assert [q.text for q in source.paragraphs] == ["全年组织合法性审查41件。"]
    assert any("修订痕迹" in n and "插入 1 处、删除 1 处" in n for n in source.normalized)


def test_comments_are_not_read(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph(BODY)
    d.add_comment(p.runs, text="这个数字请再核实一下", author="审核人")
    path = tmp_path / "comments.docx"
    d.save(str(path))
    source = read_document(path)
    assert [q.text for q in source.paragraphs] == [BODY]
    assert "核实" not in source.text
    assert any("批注（1 条）" in n for n in source.normalized)
    # A file without tracked changes or comments gets no such note.
    clean = tmp_path / "clean.docx"
    d2 = docx.Document()
    d2.add_paragraph(BODY)
    d2.save(str(clean))
    assert not any("修订" in n or "批注" in n for n in read_document(clean).normalized)


def test_text_boxes_and_tables_in_document_order(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("第一段。")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "件数"
    table.cell(1, 0).text, table.cell(1, 1).text = "合法性审查", "41"
    host = d.add_paragraph("第二段。")
    host._p.append(parse_xml(
        f'<w:r xmlns:w="{W}"><w:pict><w:txbxContent><w:p><w:r><w:t>文本框里的话。</w:t></w:r></w:p>'
        f"</w:txbxContent></w:pict></w:r>"))
    d.add_paragraph("第三段。")
    path = tmp_path / "order.docx"
    d.save(str(path))
    assert [p.text for p in read_document(path).paragraphs] == [
        "第一段。", "项目 | 件数", "合法性审查 | 41", "文本框里的话。", "第二段。", "第三段。"]
