"""Every input answered: 230 broken and hostile files (tests/hostile_files.py) through `check`, `cite`,
`parse` and `index`, one answer per input, no traceback, time and memory bounded.

Bounds stated here (the issue's acceptance): one `check` or `cite` call over all 230 files finishes within
180 s (the subprocess timeout) and its peak RSS stays under 1.5 GB (os.wait4 of that very child).
Figures for a given machine: benchmarks/fuzz.py writes them to docs/reliability.md.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import docx
import pytest
from hostile_files import N_FILES, make_hostile_files
from typer.testing import CliRunner

from assistant.cli import _register, app
from assistant.documents.reading import read_document
from assistant.errors import DocumentError

ROOT = Path(__file__).resolve().parent.parent
TIME_BOUND_S = 180
RSS_BOUND_KB = int(1.5 * 1024 * 1024)
CJK = re.compile(r"[\u4e00-\u9fff]")
# Too slow for a per-file loop in CI (seconds each); the one-call check/cite tests still cover them.
HEAVY = {"single_line_5mb.txt", "nested_numbering_50000.txt", "zipbomb_declared.docx", "zipbomb_forged_sizes.docx"}

_register()
runner = CliRunner()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> list[Path]:
    return make_hostile_files(tmp_path_factory.mktemp("hostile"))


def run_measured(args: list[str], home: Path) -> tuple[int, str, str, float, int]:
    """(exit code, stdout, stderr, seconds, peak RSS in KB) of one `python -m assistant …` process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CHROMA_"))}
    env.update(ASSISTANT_HOME=str(home), ASSISTANT_EMBEDDER="hash")
    out, err = home / "stdout", home / "stderr"
    start = time.monotonic()
    with open(out, "wb") as fo, open(err, "wb") as fe:
        proc = subprocess.Popen([sys.executable, "-m", "assistant", *args], stdout=fo, stderr=fe, env=env, cwd=ROOT)
        timer = threading.Timer(TIME_BOUND_S, proc.kill)  # the time bound: killed (and failing) past it
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS, not the test process's
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - start
    assert seconds < TIME_BOUND_S, f"killed at the {TIME_BOUND_S} s bound"
    return proc.returncode, out.read_text("utf-8"), err.read_text("utf-8"), seconds, usage.ru_maxrss


@pytest.mark.parametrize("command", ["check", "cite"])
def test_one_call_answers_every_file_with_one_json_line(hostile, tmp_path, command):
    rc, out, err, seconds, rss = run_measured([command, "--json", *map(str, hostile)], tmp_path)
    lines = out.splitlines()
    assert len(lines) == N_FILES, (len(lines), err[-2000:])
    rows = [json.loads(line) for line in lines]
    assert [r["file"] for r in rows] == [str(p) for p in hostile]  # in order, one each
    failed = [r for r in rows if r.get("error")]
    assert all(CJK.search(r["error"]) for r in failed), [r["error"] for r in failed if not CJK.search(r["error"])]
    assert "Traceback" not in err
    assert rc == 2  # some inputs were unusable
    assert 100 <= len(failed) <= 160, len(failed)  # the broken ones; readable hostile text gets a real answer
    assert rss < RSS_BOUND_KB, f"peak RSS {rss / 1024:.0f} MB"
    print(f"{command}: {N_FILES} files in {seconds:.1f} s, peak RSS {rss / 1024:.0f} MB, {len(failed)} refused")


def by_name(paths: list[Path], name: str) -> Path:
    return next(p for p in paths if p.name == name)


@pytest.mark.parametrize(("name", "message"), [
    ("zipbomb_declared.docx", "解压后过大"),  # the sizes the zip declares
    ("zipbomb_forged_sizes.docx", "无法读取 Word 文件"),  # declares 1 KB, inflates to 400 MB: stopped at the lie
    ("encrypted.pdf", "已加密"),
    ("empty.docx", "空的"),
    ("folder.docx", "文件夹"),
    ("utf16le_lone_surrogate_bom.txt", "编码"),
    ("utf16be_lone_surrogate.md", "编码"),
    ("ole_named.docx", "旧版 Word"),
    ("does_not_exist.docx", "找不到文件"),
])
def test_named_hostile_files_are_refused_in_chinese(hostile, name, message):
    with pytest.raises(DocumentError, match=message):
        read_document(by_name(hostile, name))


@pytest.mark.parametrize("name", ["encrypted_empty_password.pdf", "nul_sprinkled.txt", "nul_header.txt",
                                  "gbk_report.txt", "utf32_bom.txt", "crlf_cr_only.txt"])
def test_readable_hostile_files_are_read(hostile, name):
    text = read_document(by_name(hostile, name)).text
    assert CJK.search(text)
    assert "\x00" not in text


def test_parse_answers_every_file(hostile):
    for path in hostile:
        if path.name in HEAVY:
            continue
        result = runner.invoke(app, ["parse", str(path), "--json"])
        assert result.exception is None or isinstance(result.exception, SystemExit), (path.name, result.exception)
        assert result.exit_code in (0, 2), (path.name, result.output[-500:])
        if result.exit_code == 2:
            assert CJK.search(result.output), (path.name, result.output)
        else:
            assert isinstance(json.loads(result.stdout), dict)


def test_index_answers_every_file(hostile, tmp_path):
    # The named files under 64 KB (indexing the large readable ones takes minutes: benchmarks/fuzz.py).
    files = [p for p in hostile if p.name not in HEAVY and not p.name.startswith("random_")
             and (not p.is_file() or p.stat().st_size < 64 * 1024)]
    rc, out, err, _, _ = run_measured(["index", "--json", "--no-embed", *map(str, files)], tmp_path)
    assert "Traceback" not in err, err[-2000:]
    report = json.loads(out)
    failed = {Path(f["path"]).name: f["message"] for f in report["failed"]}
    assert all(CJK.search(m) for m in failed.values())
    answered = report["added"] + len(failed)
    skipped = {p.name for p in files if p.is_dir() or p.suffix not in (".txt", ".md", ".docx", ".pdf")}
    assert answered + len(skipped) >= len(files) - 1, (answered, len(skipped), len(files), failed)
    assert rc == 1  # some files failed, the rest are in the knowledge base
    assert report["stats"]["documents"] == 10 + report["added"]


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_REVISED_BODY = """<w:body>
<w:p><w:r><w:t>关于2024年安全生产工作的报告</w:t></w:r></w:p>
<w:p><w:r><w:t>依据</w:t></w:r><w:ins w:id="1" w:author="张三" w:date="2024-01-01T00:00:00Z"><w:r>
<w:t>《中华人民共和国安全生产法》</w:t></w:r></w:ins><w:del w:id="2" w:author="张三" w:date="2024-01-01T00:00:00Z">
<w:r><w:delText>《已删除的旧法》</w:delText></w:r></w:del><w:r><w:t>第二十五条开展检查。</w:t></w:r></w:p>
<w:p><w:commentRangeStart w:id="3"/><w:r><w:t>全年检查企业86家。</w:t></w:r><w:commentRangeEnd w:id="3"/>
<w:r><w:commentReference w:id="3"/></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>
<w:p><w:del w:id="5" w:author="张三" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>整段删除的文字。</w:delText></w:r></w:del></w:p>
<w:sectPr/></w:body>"""


def test_docx_with_tracked_changes_comments_footnotes_and_headers_reads_as_accepted_text(tmp_path):
    base = docx.Document()
    base.add_paragraph("占位")
    base.sections[0].header.paragraphs[0].text = "页眉：示例县人民政府"
    base.sections[0].footer.paragraphs[0].text = "— 1 —"
    base.save(tmp_path / "base.docx")
    src = zipfile.ZipFile(tmp_path / "base.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                xml = data.decode()
                data = (xml[: xml.index("<w:body>")] + _REVISED_BODY.replace("\n<", "<")
                        + xml[xml.index("</w:body>") + len("</w:body>"):]).encode()
            zf.writestr(item, data)
        zf.writestr("word/comments.xml", f'<w:comments {_W}><w:comment w:id="3" w:author="李四"><w:p><w:r>'
                                         "<w:t>批注：数字待核实</w:t></w:r></w:p></w:comment></w:comments>")
        zf.writestr("word/footnotes.xml", f'<w:footnotes {_W}><w:footnote w:id="1"><w:p><w:r>'
                                          "<w:t>脚注：数据来源统计局</w:t></w:r></w:p></w:footnote></w:footnotes>")
    path = tmp_path / "修订稿.docx"
    path.write_bytes(out.getvalue())
    assert read_document(path).text.splitlines() == [
        "关于2024年安全生产工作的报告",
        "依据《中华人民共和国安全生产法》第二十五条开展检查。",  # insertion kept, deletion gone
        "全年检查企业86家。",  # no comment or footnote text in the body
    ]  # and no header or footer line either
