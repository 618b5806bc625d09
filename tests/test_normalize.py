"""The normalisation step of reading (issue 9): 繁→简, web chrome, text without line breaks, PDF furniture.

A report in any of the four messy forms (benchmarks/messy_forms.py) parses to the same title, 成文日期 and
level-1/level-2 headings as the clean text; line numbers stay the user's; what was done is listed."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import opencc
import pytest

from assistant.documents.cleanup import is_chrome
from assistant.documents.normalize import compact, normalize_spaces, squeeze_cjk_spaces, to_simplified
from assistant.documents.reading import read_document, read_text_input
from assistant.documents.segment import segment
from assistant.documents.structure import parse_official

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from messy_forms import GENERATORS, flatten, pdf_wrap, to_traditional, web_chrome  # noqa: E402

SEED = ROOT.parent / "shared" / "seed" / "000_ae7bc27bfd6d05d1.txt"
# Bundled samples whose four messy forms all parse like the clean text (run without ../shared).
SAMPLES = [ROOT / "knowledge" / "samples" / "fazhi_county_2023.txt",
           ROOT / "knowledge" / "samples" / "fazhi_subdistrict_2024.txt"]
BOUND_S = 20.0  # safety bound for hostile input, not a benchmark: 4-7 s measured; quadratic work would take minutes


def outline(text: str) -> tuple:
    doc = parse_official(read_text_input(text))
    return (doc.title, doc.date, [s.heading for s in doc.sections],
            [[c.heading for c in s.children] for s in doc.sections])


def _seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"seed not available: {SEED} (../shared is absent)")
    return SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize("form", list(GENERATORS))
def test_seed_messy_forms_parse_like_the_original(form: str) -> None:
    text = _seed_text()
    want = outline(text)
    assert want[0] == "高新区管委会关于2023年法治政府建设情况的报告" and want[1] == "2024年2月26日"
    assert outline(GENERATORS[form](text)) == want


@pytest.mark.parametrize("form", list(GENERATORS))
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_sample_messy_forms_parse_like_the_original(sample: Path, form: str) -> None:
    text = sample.read_text(encoding="utf-8")
    want = outline(text)
    assert want[0] and want[1] and len(want[2]) >= 4 and any(want[3])
    assert outline(GENERATORS[form](text)) == want


@pytest.mark.parametrize(("width", "page_mark"), [(20, "— {n} —"), (28, "-{n}-"), (36, "第{n}页 共9页"),
                                                  (50, "- {n} -")])
def test_hard_wraps_are_rejoined_at_any_width(width: int, page_mark: str) -> None:
    text = SAMPLES[0].read_text(encoding="utf-8")
    messy = pdf_wrap(text, width=width, page_lines=22, header="示例县人民政府文件（内部资料）", page_mark=page_mark)
    source = read_text_input(messy)
    assert outline(messy) == outline(text)
    assert any("页码" in n for n in source.normalized)
    assert any("页眉" in n and "示例县人民政府文件（内部资料）" in n for n in source.normalized)
    assert not any("内部资料" in p.text or p.text.startswith(("—", "-", "第")) for p in source.paragraphs)


def test_clean_text_is_not_normalised() -> None:
    for sample in SAMPLES:
        source = read_document(sample)
        assert source.normalized == []
        assert all(p.original is None for p in source.paragraphs)


# --- traditional → simplified ------------------------------------------------------------------------------


def test_traditional_is_checked_simplified_and_shown_as_written(tmp_path: Path) -> None:
    text = SAMPLES[0].read_text(encoding="utf-8")
    path = tmp_path / "trad.txt"
    path.write_text(to_traditional(text), encoding="utf-8")
    source = read_document(path)
    assert any("繁体" in n for n in source.normalized)
    title = next(p for p in source.paragraphs if "法治政府建设情况的报告" in p.text)
    assert title.original == opencc.OpenCC("s2t").convert(title.text)
    # Every paragraph points at the user's own line, whose text is the paragraph's original.
    user_lines = path.read_text(encoding="utf-8").splitlines()
    for p in source.paragraphs:
        assert normalize_spaces(user_lines[p.line - 1]).startswith((p.original or p.text)[:10])


def test_a_simplified_text_quoting_a_traditional_name_is_left_alone() -> None:
    source = read_text_input("关于开展“臺灣同胞”联谊活动的通知\n各单位：\n现将有关事项通知如下。")
    assert source.normalized == []
    assert "臺灣" in source.text


# --- web chrome --------------------------------------------------------------------------------------------


def test_web_chrome_is_removed_and_lines_stay_the_users(tmp_path: Path) -> None:
    text = SAMPLES[0].read_text(encoding="utf-8")
    path = tmp_path / "web.txt"
    path.write_text(web_chrome(text), encoding="utf-8")
    source = read_document(path)
    assert any("网页" in n for n in source.normalized)
    assert not any(is_chrome(p.text) for p in source.paragraphs)
    assert not any(w in source.text for w in ("首页", "发布时间", "打印本页", "备案号", "扫一扫", "下一篇"))
    doc = parse_official(source)
    user_lines = path.read_text(encoding="utf-8").splitlines()
    assert user_lines[doc.title_line - 1] == doc.title
    for s in doc.iter_sections():
        assert normalize_spaces(user_lines[s.line - 1]).startswith(s.number + s.heading)


@pytest.mark.parametrize("line", [
    "首页 > 政务公开 > 计划总结", "当前位置：首页 > 工作报告", "发布时间：2024-03-01　来源：示例县人民政府　浏览次数：12",
    "【字号：大 中 小】　【打印本页】　【关闭窗口】", "分享到：", "上一篇：关于公布清理结果的通知", "下一篇：工作动态",
    "版权所有：示例县人民政府　　备案号：闽ICP备05012345号-1", "主办单位：示例县人民政府办公室　技术支持：某公司",
    "扫一扫在手机打开当前页", "相关链接",
])
def test_chrome_lines(line: str) -> None:
    assert is_chrome(line)


@pytest.mark.parametrize("line", [
    "第十一条 决策机关应当明确决策事项的承办单位，由承办单位负责拟订工作。", "来源于群众的意见建议共64条。",
    "（一）依法全面履行政府职能", "示例县人民政府", "2024年2月22日", "附件：1.工作要点", "抄送：县委办。",
    "主办单位：省司法厅，各州、市人民政府",
])
def test_document_lines_are_not_chrome(line: str) -> None:
    assert not is_chrome(line)


# --- text without line breaks ------------------------------------------------------------------------------


def test_flat_text_is_resegmented_at_the_users_single_line() -> None:
    text = SAMPLES[0].read_text(encoding="utf-8")
    source = read_text_input(flatten(text))
    assert source.normalized and "第1行" in source.normalized[0]
    assert {p.line for p in source.paragraphs} == {1}
    texts = [p.text for p in source.paragraphs]
    assert "特此报告。" in texts and "示例县人民政府" in texts and "2024年2月22日" in texts


def test_enumerations_and_numbers_inside_sentences_stay_body() -> None:
    body = ("2023年，全县经济运行总体平稳。现将有关情况报告如下：一、主要工作推进依法行政，一是完善制度，共制定3项制度，"
            "增长1.5个百分点；二是加强监督，整改问题2、3类。二、存在的问题执法力量不足，乡镇平均不到5人。"
            "三、下一步打算持续推进法治建设，全年培训1.2万人次。") * 2
    line = "示例县司法局关于2023年法治建设情况的报告县政府：" + body + "示例县司法局2024年1月5日"
    pieces = [line[a:b] for a, b in segment(line)]
    assert "示例县司法局关于2023年法治建设情况的报告" in pieces and "县政府：" in pieces
    assert not any(p.startswith(("一是", "二是", "5人", "2、", "3类", "1.5", "1.2")) for p in pieces)
    assert pieces[-2:] == ["示例县司法局", "2024年1月5日"]


def test_inline_heading_with_its_sentence_is_not_cut() -> None:
    line = ("各科室：现将有关事项通知如下：一、加强领导。全年召开会议6次，研究解决问题12个。"
            "二、完善制度。修订制度5项，新增制度3项，" + "推动工作落实，" * 40 + "取得实效。")
    pieces = [line[a:b] for a, b in segment(line)]
    assert "一、加强领导。全年召开会议6次，研究解决问题12个。" in pieces


# --- the result lists what was done ------------------------------------------------------------------------


def test_parse_json_lists_what_was_normalised(tmp_path: Path) -> None:
    text = SAMPLES[0].read_text(encoding="utf-8")
    path = tmp_path / "messy.txt"
    path.write_text(web_chrome(to_traditional(text)), encoding="utf-8")
    data = parse_official(read_document(path)).to_dict()
    assert any("繁体" in n for n in data["normalized"]) and any("网页" in n for n in data["normalized"])
    run = subprocess.run([sys.executable, "-m", "assistant", "parse", str(path), "--json"], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["normalized"] == data["normalized"]


# --- primitives --------------------------------------------------------------------------------------------


def test_primitives() -> None:
    assert squeeze_cjk_spaces(" 第一条 为了 2023 年\u200b ") == "第一条为了2023年"
    assert normalize_spaces("第一条 为了 2023 年") == "第一条 为了2023年"
    assert compact(" 一、 ２０２３ 年\u3000工作．") == "一、2023年工作."
    assert to_simplified("關於法治政府建設的報告") == "关于法治政府建设的报告"


# --- hostile input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["5MB_report_line", "5MB_spaced", "50k_nested_markers_line",
                                  "50k_nested_markers_lines", "50k_brackets"])
def test_hostile_input_finishes_in_bounded_time(name: str) -> None:
    report = flatten(SAMPLES[0].read_text(encoding="utf-8"))
    text = {
        "5MB_report_line": (report * (5_000_000 // len(report) + 1))[:5_000_000],
        "5MB_spaced": "法 " * 2_500_000,
        "50k_nested_markers_line": "一、（一）1.（1）①" * 10_000,
        "50k_nested_markers_lines": "\n".join(["一、（一）1.（1）①"] * 10_000),
        "50k_brackets": "（" * 50_000 + "一" + "）" * 50_000,
    }[name]
    start = time.perf_counter()
    source = read_text_input(text)
    parse_official(source)
    elapsed = time.perf_counter() - start
    assert elapsed < BOUND_S, f"{name}: {elapsed:.1f} s (bound {BOUND_S} s)"
    assert source.paragraphs


# --- real .pdf and .docx files -----------------------------------------------------------------------------


def test_pdf_page_numbers_and_running_header_are_removed(tmp_path: Path) -> None:
    from fixtures_docs import make_cjk_pdf

    text = SAMPLES[0].read_text(encoding="utf-8")
    body = [ln.strip()[i:i + 28] for ln in text.splitlines() if ln.strip() for i in range(0, len(ln.strip()), 28)]
    header = "示例县人民政府（内部资料）"
    per_page = 25
    lines: list[str] = []
    for start in range(0, len(body), per_page - 1):
        lines += [header] + body[start:start + per_page - 1]
    source = read_document(make_cjk_pdf(tmp_path / "report.pdf", lines, lines_per_page=per_page))
    assert any("页码" in n for n in source.normalized)
    assert any("页眉" in n and header in n for n in source.normalized)
    assert not any(header in p.text or p.text.startswith("—") for p in source.paragraphs)
    doc = parse_official(source)
    assert outline(text) == (doc.title, doc.date, [s.heading for s in doc.sections],
                             [[c.heading for c in s.children] for s in doc.sections])


def test_traditional_docx_is_read_simplified_with_its_original(tmp_path: Path) -> None:
    import docx

    text = SAMPLES[0].read_text(encoding="utf-8")
    document = docx.Document()
    for line in to_traditional(text).splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    path = tmp_path / "trad.docx"
    document.save(str(path))
    source = read_document(path)
    assert any("繁体" in n for n in source.normalized)
    assert outline(text) == outline(source.text)
    title = next(p for p in source.paragraphs if p.text.endswith("法治政府建设情况的报告"))
    assert title.original == opencc.OpenCC("s2t").convert(title.text)
    assert title.style == "Normal"


def test_title_running_into_the_text_is_split_but_a_number_and_signer_line_is_not() -> None:
    source = read_text_input("泉鲤高文〔2024〕3号　签发人：张志强\n"
                             "示例县司法局关于2023年法治建设情况的报告县政府：2023年，我局全面推进依法行政。\n"
                             "一、主要工作\n全年开展普法活动12场。\n示例县司法局\n2024年1月5日")
    doc = parse_official(source)
    assert source.normalized == ["第2行标题与后面的文字连在一起，已分开"]
    assert doc.title == "示例县司法局关于2023年法治建设情况的报告" and doc.title_line == 2
    assert doc.recipients == ["县政府"] and doc.signer == "张志强"
    assert [p.line for p in source.paragraphs][:5] == [1, 2, 2, 2, 3]
