"""The bundled sample documents (knowledge/samples) are what a fresh install indexes and shows, what the
checker's ablation runs over and what drafting retrieves as exemplars. They must be complete, correctly
formatted 公文, clearly fictional (示例), and share no text with the seed report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

SAMPLES = Path(__file__).resolve().parent.parent / "knowledge" / "samples"
MANIFEST = SAMPLES / "manifest.yaml"

REQUIRED_FILES = {
    "fazhi_county_2023.txt": "法治政府建设年度报告",
    "fazhi_market_regulation_2023.txt": "法治政府建设年度报告",
    "fazhi_subdistrict_2024.txt": "法治政府建设年度报告",
    "gov_info_disclosure_2023.txt": "政府信息公开工作年度报告",
    "annual_work_summary_2023.txt": "年度工作总结",
    "duty_report_2023.txt": "述职报告",
    "request_funding_2024.txt": "请示",
    "work_safety_summary_2023.txt": "安全生产工作总结",
    "ideology_report_2023.txt": "意识形态工作责任制落实情况报告",
    "business_environment_2023.txt": "优化营商环境工作报告",
}

DOC_NUMBER_RE = re.compile(r"^\S+〔\d{4}〕[1-9]\d*号$")
DATE_RE = re.compile(r"^(\d{4})年([1-9]|1[0-2])月([1-9]|[12]\d|3[01])日$")
PRINT_LINE_RE = re.compile(r"^\S+\s+\d{4}年([1-9]|1[0-2])月([1-9]|[12]\d|3[01])日印发$")
ZERO_PADDED_RE = re.compile(r"\d{4}年0\d月|月0\d日|〔\d{4}〕0\d*号|第\d+号")
CLOSINGS = ("特此报告。", "妥否，请批示。", "以上报告，请予评议。")
REQUEST_WORDING_RE = re.compile(r"妥否|请批示|请批准|请批复|请审批")
# Titles the seed gets wrong (domain-facts §5.2): a good example must never repeat them.
WRONG_CITATIONS = ("《中华人民共和国信息公开条例》", "《宣传工作条例》", "《信访条例》", "《行政复议法》")

CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九", start=0)}
HEADING_RES = [
    re.compile(r"^([一二三四五六七八九十]+)、"),
    re.compile(r"^（([一二三四五六七八九十]+)）"),
    re.compile(r"^(\d+)\.(?!\d)"),
    re.compile(r"^（(\d+)）"),
]


def _cn_number(s: str) -> int:
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + CN_DIGITS[s[1]]
    if "十" in s:
        tens, _, ones = s.partition("十")
        return CN_DIGITS[tens] * 10 + (CN_DIGITS[ones] if ones else 0)
    return CN_DIGITS[s]


def _manifest() -> list[dict]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return data["samples"]


def _lines(name: str) -> list[str]:
    return [ln.strip() for ln in (SAMPLES / name).read_text(encoding="utf-8").splitlines() if ln.strip()]


def _han(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def _body(lines: list[str]) -> list[str]:
    """Lines between the 主送 line and the closing phrase: where the 层次序数 live."""
    start = next(i for i, ln in enumerate(lines) if ln.endswith("："))
    end = next(i for i, ln in enumerate(lines) if ln in CLOSINGS)
    return lines[start + 1:end]


def _headings(lines: list[str]) -> list[tuple[int, int, str]]:
    out = []
    for ln in _body(lines):
        if ln.startswith("|"):
            continue  # table rows of the 政府信息公开 report carry their own 一、（一） labels
        for level, rx in enumerate(HEADING_RES, start=1):
            m = rx.match(ln)
            if m:
                out.append((level, _cn_number(m.group(1)), ln))
                break
    return out


ENTRIES = _manifest()
IDS = [e["file"] for e in ENTRIES]


def test_manifest_covers_required_set_and_every_file():
    by_file = {e["file"]: e for e in ENTRIES}
    assert len(ENTRIES) >= 10
    for name, genre in REQUIRED_FILES.items():
        assert name in by_file, f"{name} missing from manifest"
        assert by_file[name]["genre"] == genre
    on_disk = {p.name for p in SAMPLES.glob("*.txt")}
    assert on_disk == set(by_file), "every sample text must be listed in manifest.yaml and vice versa"
    fazhi = [e for e in ENTRIES if e["genre"] == "法治政府建设年度报告"]
    assert len({e["office_kind"] for e in fazhi}) >= 3, "法治 samples must come from different kinds of office"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_sample_length_and_fictional_marking(entry):
    text = (SAMPLES / entry["file"]).read_text(encoding="utf-8")
    assert _han(text) >= 2000, f"{entry['file']}: only {_han(text)} Chinese characters"
    assert len(re.sub(r"\s", "", text)) <= 6000
    assert "示例" in entry["issuer"] and entry["issuer"] in text
    assert text.count("示例") >= 5


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_sample_format_elements(entry):
    lines = _lines(entry["file"])
    assert lines[0].endswith("文件"), "发文机关标志"
    assert DOC_NUMBER_RE.match(lines[1]) and lines[1] == entry["doc_number"]
    assert re.match(r"^签发人：\S+$", lines[2]), "上行文标注签发人"
    assert lines[3] == entry["title"]
    if entry["genre"] != "请示":
        assert str(entry["year"]) in entry["title"], "a report's title names the year it reports on"
    assert lines[4].endswith("：") and all(r in lines[4] for r in entry["recipients"])

    dates = [ln for ln in lines if DATE_RE.match(ln)]
    assert dates == [entry["date"]], "exactly one 成文日期 line, Arabic numerals, no zero padding"
    doc_year = re.search(r"〔(\d{4})〕", entry["doc_number"]).group(1)
    assert dates[0].startswith(doc_year + "年"), "发文字号 year matches 成文日期"
    assert not ZERO_PADDED_RE.search("\n".join(lines))

    assert PRINT_LINE_RE.match(lines[-1]) and entry["date"] in lines[-1], "印发机关和印发日期 is the last line"
    cc = [ln for ln in lines if ln.startswith("抄送：")]
    assert len(cc) == 1 and cc[0].endswith("。")
    notes = [ln for ln in lines if ln.startswith("（") and ln.endswith("）") and lines.index(ln) > lines.index(dates[0])]
    assert all(lines.index(n) < lines.index(cc[0]) for n in notes), "附注 sits between 成文日期 and 版记"
    for wrong in WRONG_CITATIONS:
        assert wrong not in "\n".join(lines)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_sample_numbering_has_no_skips_or_duplicates(entry):
    headings = _headings(_lines(entry["file"]))
    assert sum(1 for lv, _, _ in headings if lv == 1) >= 3
    last = [0, 0, 0, 0]
    depth = 0
    for level, number, line in headings:
        assert level <= depth + 1, f"skipped level at {line}"
        assert number == last[level - 1] + 1, f"gap or duplicate at {line}"
        last[level - 1] = number
        for deeper in range(level, 4):
            last[deeper] = 0
        depth = level


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_closing_matches_genre(entry):
    lines = _lines(entry["file"])
    text = "\n".join(_body(lines))
    if entry["genre"] == "请示":
        assert "妥否，请批示。" in lines
        assert any(re.match(r"^（联系人：\S+；联系电话：[\d-]+）$", ln) for ln in lines)
        assert "请示事项" in text
    else:
        assert any(ln in ("特此报告。", "以上报告，请予评议。") for ln in lines)
        assert not REQUEST_WORDING_RE.search(text), "a 报告 must not carry 请示 wording"


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e["genre"] != "请示"], ids=lambda e: e["file"])
def test_shortcomings_section_analyses_causes(entry):
    headings = [h for h in _headings(_lines(entry["file"])) if h[0] == 1]
    body = _body(_lines(entry["file"]))
    problem = next(h for h in headings if "问题" in h[2] or "不足" in h[2])
    start = body.index(problem[2])
    following = [h[2] for h in headings if body.index(h[2]) > start]
    end = body.index(following[0]) if following else len(body)
    assert "原因" in "".join(body[start:end])


def test_fazhi_reports_have_the_four_required_parts_in_varied_order():
    order = {}
    for name in ("fazhi_county_2023.txt", "fazhi_market_regulation_2023.txt", "fazhi_subdistrict_2024.txt"):
        level1 = [h[2] for h in _headings(_lines(name)) if h[0] == 1]
        roles = []
        for heading in level1:
            if "第一责任人" in heading:
                roles.append("first_responsible")
            elif "不足" in heading:
                roles.append("shortcomings")
            elif re.search(r"安排|打算|思路", heading):
                roles.append("next_year")
            elif "其他" in heading:
                roles.append("other")
            else:
                roles.append("measures")
        assert {"measures", "shortcomings", "first_responsible", "next_year"} <= set(roles), name
        order[name] = roles
    sub = order["fazhi_subdistrict_2024.txt"]
    assert sub[0] == "first_responsible"
    assert sub.count("measures") >= 3, "measures organised by themes across several level-1 sections"
    assert order["fazhi_county_2023.txt"].index("first_responsible") == 2
    # the subdistrict report is for 2024: its plans are for the following year
    assert "2025年" in next(h for h in _headings(_lines("fazhi_subdistrict_2024.txt")) if "打算" in h[2])[2]


def test_gov_info_disclosure_has_six_template_parts_and_consistent_table():
    lines = _lines("gov_info_disclosure_2023.txt")
    level1 = [h[2] for h in _headings(lines) if h[0] == 1]
    assert level1 == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                      "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    rows = {}
    for ln in lines:
        if ln.startswith("|"):
            cells = [c.strip() for c in ln.strip("|").split("|")]
            rows[cells[0]] = cells[1:]

    def nums(label: str) -> list[int]:
        return [int(v) for v in rows[label]]

    new, carried = nums("一、本年新收政府信息公开申请数量"), nums("二、上年结转政府信息公开申请数量")
    total, forward = nums("三、本年度办理结果 —（七）总计"), nums("四、结转下年度继续办理")
    for col in range(7):
        assert new[col] + carried[col] == total[col] + forward[col], f"column {col} does not balance"
    assert sum(new[:6]) == new[6]
    outcomes = [k for k in rows if k.startswith("三、本年度办理结果") and "总计" not in k]
    for col in range(7):
        assert sum(int(rows[k][col]) for k in outcomes) == total[col]
    for label in ("行政复议", "行政诉讼：未经复议直接起诉", "行政诉讼：复议后起诉"):
        values = nums(label)
        assert sum(values[:4]) == values[4]


def test_samples_share_no_text_with_seed(seed_path):
    seed = re.sub(r"\s", "", seed_path.read_text(encoding="utf-8"))
    grams = {seed[i:i + 20] for i in range(len(seed) - 19)}
    for entry in ENTRIES:
        text = re.sub(r"\s", "", (SAMPLES / entry["file"]).read_text(encoding="utf-8"))
        shared = [text[i:i + 20] for i in range(len(text) - 19) if text[i:i + 20] in grams]
        assert not shared, f"{entry['file']} repeats seed text: {shared[0]}"


def test_readme_describes_every_sample():
    readme = (SAMPLES / "README").read_text(encoding="utf-8")
    assert "示例文书，单位与数据均为虚构" in readme
    for entry in ENTRIES:
        assert entry["file"] in readme
