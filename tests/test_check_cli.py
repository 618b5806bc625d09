"""`assistant check`: JSON contract, Chinese checklist, exit status, and a light import footprint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures_docs import FAZHI_REPORT as GOOD
from typer.testing import CliRunner

from assistant.cli import _register, app

ROOT = Path(__file__).resolve().parent.parent

_register()
runner = CliRunner()

BAD = GOOD.replace("示区市监〔2024〕7号", "示区市监[2024]第7号").replace("特此报告。", "妥否，请批示。")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_contract_for_a_clean_report(tmp_path):
    path = _write(tmp_path, "good.txt", GOOD)
    result = runner.invoke(app, ["check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) >= {"file", "genre", "sections", "missing", "findings", "citations"}
    assert data["file"] == str(path)
    assert data["genre"]["name"] == "法治政府建设年度报告" and data["genre"]["id"]
    for s in data["sections"]:
        assert set(s) >= {"role", "name", "required", "found", "heading", "line"}
    found = {s["role"]: s for s in data["sections"]}
    assert found["shortcomings"]["found"] and found["shortcomings"]["line"] == 23
    assert found["shortcomings"]["heading"] == "二、存在的不足和原因"
    assert data["missing"] == []
    for f in data["findings"]:
        assert set(f) >= {"rule", "severity", "message", "line", "source", "fix"}
        assert f["severity"] in ("error", "warning", "info")
        assert f["severity"] != "error", f
    assert isinstance(data["citations"], list)


def test_errors_give_exit_1_and_point_at_lines(tmp_path):
    path = _write(tmp_path, "bad.txt", BAD)
    result = runner.invoke(app, ["check", str(path), "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    by_rule = {f["rule"]: f for f in data["findings"]}
    assert by_rule["doc_number.brackets"]["line"] == 3
    assert by_rule["doc_number.di"]["severity"] == "error"
    assert by_rule["report.request_wording"]["line"] == 37
    assert "第十五条" in by_rule["report.request_wording"]["source"]


def test_one_json_line_per_file(tmp_path):
    a = _write(tmp_path, "a.txt", GOOD)
    b = _write(tmp_path, "b.txt", BAD)
    result = runner.invoke(app, ["check", str(a), str(b), "--json"])
    assert result.exit_code == 1
    objs = [json.loads(x) for x in result.stdout.strip().splitlines()]
    assert [o["file"] for o in objs] == [str(a), str(b)]


def test_unusable_file_among_several_still_gets_its_json_line(tmp_path):
    good = _write(tmp_path, "a.txt", GOOD)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["check", str(good), str(empty), "--json"])
    assert result.exit_code == 2
    objs = [json.loads(x) for x in result.stdout.strip().splitlines() if x.startswith("{")]
    assert [o["file"] for o in objs] == [str(good), str(empty)]
    assert objs[1]["error"] and objs[1]["genre"] is None and objs[1]["findings"] == []
    assert "error" not in objs[0]


def test_missing_section_in_json(tmp_path):
    text = GOOD[: GOOD.index("二、存在的不足和原因")] + GOOD[GOOD.index("三、主要负责人"):]
    result = runner.invoke(app, ["check", str(_write(tmp_path, "m.txt", text)), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [m["role"] for m in data["missing"]] == ["shortcomings"]
    assert set(data["missing"][0]) >= {"role", "name", "required", "source"}
    assert data["missing"][0]["required"] is True


def test_human_checklist_is_grouped_by_severity(tmp_path):
    result = runner.invoke(app, ["check", str(_write(tmp_path, "bad.txt", BAD))])
    assert result.exit_code == 1
    out = result.stdout
    assert "法治政府建设年度报告" in out
    assert "错误（" in out
    if "提示（" in out:
        assert out.index("错误（") < out.index("提示（")
    assert "第3行" in out and "修改：" in out and "依据：" in out
    assert "第十五条（四）" in out


def test_unusable_input_exits_2_without_traceback(tmp_path):
    empty = _write(tmp_path, "empty.txt", "")
    for args in (["check", str(tmp_path / "nope.txt")], ["check", str(empty)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "错误：" in result.stderr
        assert "Traceback" not in result.output + result.stderr


def test_unknown_genre_exits_2(tmp_path):
    result = runner.invoke(app, ["check", str(_write(tmp_path, "g.txt", GOOD)), "--genre", "不存在的文种"])
    assert result.exit_code == 2
    assert "不存在的文种" in result.stderr


def test_genre_option_overrides_detection(tmp_path):
    result = runner.invoke(app, ["check", str(_write(tmp_path, "g.txt", GOOD)), "--genre", "请示", "--json"])
    data = json.loads(result.stdout)
    assert data["genre"]["name"] == "请示"


def test_seed_json(seed_path):
    result = runner.invoke(app, ["check", str(seed_path), "--json"])
    data = json.loads(result.stdout)
    assert data["genre"]["name"] == "法治政府建设年度报告"
    assert data["missing"] == []
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert result.exit_code == (1 if errors else 0)
    assert not [f for f in errors if f["rule"].startswith(("doc_number", "date"))]


def test_check_does_not_import_gradio_or_chromadb(seed_path):
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "assistant", "check", str(seed_path), "--json"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=60,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert json.loads(proc.stdout)["genre"]
    modules = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    heavy = sorted(m for m in modules if m.split(".")[0] in {"gradio", "chromadb", "langchain_core", "torch"})
    assert not heavy, heavy


@pytest.mark.parametrize("name", ["report.txt"])
def test_docx_input(tmp_path, name):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for line in GOOD.splitlines():
        if line.strip():
            d.add_paragraph(line)
    path = tmp_path / "report.docx"
    d.save(path)
    result = runner.invoke(app, ["check", str(path), "--json"])
    data = json.loads(result.stdout)
    assert data["missing"] == []
    # The content is fine; python-docx's default template (Letter, Calibri 11 pt) is not 公文 layout.
    errors = {f["rule"] for f in data["findings"] if f["severity"] == "error"}
    assert result.exit_code == 1 and errors and all(r.startswith("layout.") for r in errors), result.output


def test_genre_is_null_when_no_genre_fits(tmp_path):
    notice = ("示例局关于召开2024年度安全培训会议的通知\n\n各科室：\n\n定于3月5日上午9时在三楼会议室召开培训会议，"
              "请各科室派1人参加。\n\n示例局办公室\n\n2024年3月1日\n")
    result = runner.invoke(app, ["check", str(_write(tmp_path, "n.txt", notice)), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["genre"] is None and data["sections"] == [] and data["missing"] == []


def test_broken_rule_file_is_one_clear_error(tmp_path, monkeypatch):
    from assistant.settings import get_settings

    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "format_rules.yaml").write_text(
        "rules:\n  - {id: x, kind: no_such_kind, severity: error, message: m, fix: f, source: s}\n", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_KNOWLEDGE_DIR", str(knowledge))
    get_settings.cache_clear()
    result = runner.invoke(app, ["check", str(_write(tmp_path, "g.txt", GOOD))])
    assert result.exit_code == 2
    assert "no_such_kind" in result.stderr and "Traceback" not in result.stderr
