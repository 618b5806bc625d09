"""`assistant export INPUT -o OUT.docx`: .txt, .md, .docx and a draft's JSON in, a GB/T 9704 .docx out; what
the input lacked is said; bad input is a clear message with exit code 2 and no file written."""

from __future__ import annotations

import json
from pathlib import Path

import docx
from typer.testing import CliRunner

from assistant.cli import _register
from assistant.cli.app import app
from assistant.documents.reading import read_document

_register()
runner = CliRunner()

FULL = """示例县司法局关于2024年法治政府建设情况的报告

县委、县政府：

现将有关情况报告如下：

一、主要工作

全年组织合法性审查41件，提出修改意见96条。

二、存在的不足

执法人员专业能力与监管任务还不够匹配。

示例县司法局
2025年1月20日
"""


def run(*args: str):
    return runner.invoke(app, list(args))


def body_font(path: Path) -> set[str]:
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    d = docx.Document(str(path))
    return {r.get(f"{w}eastAsia") for p in d.paragraphs if "合法性审查" in p.text for r in p._p.iter(f"{w}rFonts")}


def test_export_a_text_file(tmp_path: Path) -> None:
    src = tmp_path / "report.txt"
    src.write_text(FULL, encoding="gbk")  # encodings are detected as for check
    out = tmp_path / "out" / "report.docx"
    result = run("export", str(src), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "已导出" in result.stdout and "提示" not in result.output
    texts = [p.text for p in read_document(out).paragraphs]
    assert texts[0] == "示例县司法局关于2024年法治政府建设情况的报告"
    assert "一、主要工作" in texts and texts[-1] == "2025年1月20日"
    assert body_font(out) == {"仿宋_GB2312"}


def test_export_json_says_what_was_left_out(tmp_path: Path) -> None:
    src = tmp_path / "bare.txt"
    src.write_text("一、主要工作\n全年组织合法性审查41件，提出修改意见96条。\n", encoding="utf-8")
    out = tmp_path / "bare.docx"
    result = run("export", str(src), "-o", str(out), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["left_out"] == ["标题", "发文机关署名", "成文日期"]
    assert data["file"] == str(out) and data["title"] is None
    assert [p.text for p in read_document(out).paragraphs] == [
        "一、主要工作", "全年组织合法性审查41件，提出修改意见96条。"]
    plain = run("export", str(src), "-o", str(tmp_path / "bare2.docx"))
    assert "原文没有标题、发文机关署名、成文日期" in plain.output


def test_export_markdown_and_docx(tmp_path: Path) -> None:
    md = tmp_path / "report.md"
    md.write_text(FULL, encoding="utf-8")
    first = tmp_path / "from_md.docx"
    assert run("export", str(md), "-o", str(first)).exit_code == 0
    second = tmp_path / "from_docx.docx"
    result = run("export", str(first), "-o", str(second))
    assert result.exit_code == 0, result.output
    assert [p.text for p in read_document(second).paragraphs] == [p.text for p in read_document(first).paragraphs]


def test_export_from_a_draft_json(tmp_path: Path) -> None:
    draft = {"text": "二、存在的不足和原因\n一是执法能力与监管任务不够匹配。\n二是智慧监管水平有待提升。\n",
             "mode": "template", "sources": [], "warnings": []}
    src = tmp_path / "draft.json"
    src.write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "draft.docx"
    result = run("export", str(src), "-o", str(out), "--from-draft", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["left_out"] == ["标题", "发文机关署名", "成文日期"]
    assert [p.text for p in read_document(out).paragraphs] == [
        "二、存在的不足和原因", "一是执法能力与监管任务不够匹配。", "二是智慧监管水平有待提升。"]


def test_bad_inputs_are_clear_and_write_nothing(tmp_path: Path) -> None:
    src = tmp_path / "report.txt"
    src.write_text(FULL, encoding="utf-8")
    not_json = tmp_path / "draft.json"
    not_json.write_text("不是 JSON", encoding="utf-8")
    no_text = tmp_path / "nt.json"
    no_text.write_text('{"mode": "llm"}', encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    cases = [
        (("export", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "a.docx")), "找不到文件"),
        (("export", str(src), "-o", str(tmp_path / "a.pdf")), "须以 .docx 结尾"),
        (("export", str(not_json), "-o", str(tmp_path / "a.docx"), "--from-draft"), "不是 JSON"),
        (("export", str(no_text), "-o", str(tmp_path / "a.docx"), "--from-draft"), "没有 text 字段"),
        (("export", str(empty), "-o", str(tmp_path / "a.docx")), "空的"),
        (("export", str(pdf), "-o", str(tmp_path / "a.docx")), "不能导出"),
    ]
    for args, message in cases:
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "a.docx").exists()


def test_export_never_overwrites_its_input(tmp_path: Path) -> None:
    src = tmp_path / "r.txt"
    src.write_text(FULL, encoding="utf-8")
    first = tmp_path / "r.docx"
    assert run("export", str(src), "-o", str(first)).exit_code == 0
    before = first.read_bytes()
    result = run("export", str(first), "-o", str(first))
    assert result.exit_code == 2 and "不会覆盖原文件" in result.output
    assert first.read_bytes() == before


def test_odd_word_files_export_or_say_why(tmp_path: Path) -> None:
    from test_layout_check import _png, _without_part, default_template_docx

    tables = docx.Document()
    tables.add_paragraph("示例县司法局关于2024年法治政府建设情况的报告")
    for i in range(1000):
        tables.add_table(rows=1, cols=2).rows[0].cells[0].text = f"第{i + 1}项"
    tables.save(str(tmp_path / "tables.docx"))
    result = run("export", str(tmp_path / "tables.docx"), "-o", str(tmp_path / "tables_out.docx"))
    assert result.exit_code == 0, result.output
    assert len(read_document(tmp_path / "tables_out.docx").paragraphs) == 1001

    nostyles = _without_part(default_template_docx(tmp_path / "d.docx"), tmp_path / "nostyles.docx",
                             "word/styles.xml")
    result = run("export", str(nostyles), "-o", str(tmp_path / "nostyles_out.docx"))
    assert result.exit_code == 0, result.output
    assert read_document(tmp_path / "nostyles_out.docx").paragraphs[0].text.startswith("示例县司法局")

    image = tmp_path / "dot.png"
    image.write_bytes(_png())
    pictures = docx.Document()
    pictures.add_picture(str(image))
    pictures.save(str(tmp_path / "images.docx"))
    result = run("export", str(tmp_path / "images.docx"), "-o", str(tmp_path / "images_out.docx"))
    assert result.exit_code == 2 and "没有可读的文字" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "images_out.docx").exists()
