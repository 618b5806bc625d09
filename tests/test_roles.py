"""Role recognition as evidence (issue 9): parts at any level, unnumbered heading lines, combined headings,
year relations, `uncertain` versus `missing`, and the title read in any common form."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assistant.documents.reading import read_text_input
from assistant.documents.structure import parse_official
from assistant.drafting.skeleton import skeleton_from_previous
from assistant.rules.check import check_text
from assistant.rules.genres import GenreRuleError, detect_genre, load_genres
from assistant.rules.title_reading import report_year, title_year

ROOT = Path(__file__).resolve().parent.parent

# A report organised by themes: the leader's duties are a sub-section of the first theme, the shortcomings and
# the plan are unnumbered heading lines after the last theme, worded as no alias list used to foresee.
THEMES = """示例县司法局2023年法治政府建设情况报告

县人民政府：

2023年，我局在县委、县政府领导下，统筹推进法治政府建设，现将有关情况报告如下。

一、坚持党建引领，压实法治建设责任

（一）健全推进机制。制定年度工作要点，明确任务分工32项，全部按期完成。

（二）抓实学法用法。组织专题学法4次，参训干部210人次。

（三）领导干部带头尊法学法

局党组书记、局长认真履行推进法治建设第一责任人职责，全年主持专题会议研究法治工作5次。

二、规范执法行为，提升执法质效

全年办理行政执法案件126件，案卷评查优秀率达到91%，未发生行政复议纠错案件。

有待改进的方面

一是执法人员专业能力仍需提高，二是普法针对性还不够强。究其原因，主要是培训投入不足。

2024年法治建设要点

一是持续开展执法能力培训，力争全年培训覆盖率达到100%；二是将普法融入执法全过程。

示例县司法局

2024年1月20日
"""


def check(text: str):
    return check_text(text, with_citations=False)


def statuses(report) -> dict:
    return {s.role: s for s in report.sections}


def lines(text: str) -> list[str]:
    return text.splitlines()


def line_of(text: str, start: str) -> int:
    return next(n for n, t in enumerate(lines(text), 1) if t.startswith(start))


def test_theme_report_is_complete_with_each_part_where_it_sits():
    report = check(THEMES)
    assert report.genre["name"] == "法治政府建设年度报告" and report.report_year == 2023
    s = statuses(report)
    assert [r for r in ("measures", "shortcomings", "first_responsible", "next_year")
            if s[r].status != "found"] == []
    assert (s["first_responsible"].level, s["first_responsible"].line) == (2, line_of(THEMES, "（三）领导干部"))
    assert (s["shortcomings"].level, s["shortcomings"].line) == (0, line_of(THEMES, "有待改进"))
    assert (s["next_year"].level, s["next_year"].line) == (0, line_of(THEMES, "2024年法治建设要点"))
    data = report.to_dict()
    assert data["missing"] == [] and all({"level", "line", "status"} <= set(x) for x in data["sections"])
    assert not [f for f in report.findings if f.rule.startswith("section.")]


@pytest.mark.parametrize(("role", "first", "last"), [
    ("first_responsible", "（三）领导干部", "局党组书记"),
    ("shortcomings", "有待改进", "一是执法人员"),
    ("next_year", "2024年法治建设要点", "一是持续开展"),
])
def test_each_removed_part_is_reported_missing_or_uncertain(role, first, last):
    drop = range(line_of(THEMES, first), line_of(THEMES, last) + 1)
    text = "\n".join(t for n, t in enumerate(lines(THEMES), 1) if n not in drop)
    report = check(text)
    assert [m.role for m in report.missing] == [role]
    entry = report.to_dict()["missing"][0]
    assert entry["status"] in ("missing", "uncertain") and set(entry) == {"role", "name", "required", "source",
                                                                          "status"}


def test_combined_heading_covers_each_role_it_names():
    text = THEMES.replace("有待改进的方面\n", "三、问题与打算\n").replace("2024年法治建设要点\n", "")
    s = statuses(check(text))
    assert s["shortcomings"].status == s["next_year"].status == "found"
    assert s["shortcomings"].line == s["next_year"].line == line_of(text, "三、问题与打算")


def test_combined_heading_whose_sub_parts_split_the_roles_needs_both_sub_parts():
    text = THEMES.replace("有待改进的方面\n", "三、不足之处和改进方向\n\n（一）自身存在的问题\n").replace(
        "2024年法治建设要点\n", "（二）下一步改进措施\n")
    assert {r: st.status for r, st in statuses(check(text)).items() if r in ("shortcomings", "next_year")} == {
        "shortcomings": "found", "next_year": "found"}
    without_plan = "\n".join(t for t in lines(text) if not t.startswith(("（二）下一步", "一是持续开展")))
    assert [m.role for m in check(without_plan).missing] == ["next_year"]


def test_heading_naming_the_year_after_the_report_year_is_the_plan_part():
    text = THEMES.replace("2024年法治建设要点", "三、2024年的几件实事")
    assert statuses(check(text))["next_year"].status == "found"
    # The same heading naming the report year is no plan.
    text = THEMES.replace("2024年法治建设要点", "2023年的几件实事")
    assert statuses(check(text))["next_year"].status != "found"


def test_weak_evidence_is_uncertain_with_a_warning_at_the_best_candidate():
    text = THEMES.replace("有待改进的方面", "几点体会")
    report = check(text)
    s = statuses(report)["shortcomings"]
    assert s.status == "uncertain" and s.line == line_of(text, "几点体会") and not s.found
    [f] = [f for f in report.findings if f.rule == "section.uncertain"]
    assert f.severity == "warning" and f.line == s.line and "未能确认是否包含" in f.message and "请人工核对" in f.message
    assert not [f for f in report.findings if f.rule == "section.missing"]
    assert report.to_dict()["missing"] == [{"role": "shortcomings", "name": s.name, "required": True,
                                            "source": s.source, "status": "uncertain"}]


def test_nothing_above_the_threshold_is_missing_with_an_error():
    text = "\n".join(t for t in lines(THEMES) if not t.startswith(("有待改进", "一是执法人员")))
    report = check(text)
    assert statuses(report)["shortcomings"].status == "missing"
    [f] = [f for f in report.findings if f.rule == "section.missing"]
    assert f.severity == "error" and f.line is None


def test_plan_items_named_after_last_years_topics_do_not_stand_in_for_them():
    # "（二）从严落实主体责任" under the plan part names a topic, not last year's duties.
    text = """示例乡党委书记2023年度述职述廉报告

一、理论学习情况

认真学习党的二十大精神，全年参加中心组学习12次。

二、存在的问题和不足

一是调查研究不够深入，二是抓落实的韧劲还不够。

三、今后努力方向

（一）持续加强理论武装。坚持读原著、学原文。

（二）从严落实主体责任。继续履行全面从严治党第一责任人职责。

（三）始终保持清正廉洁。严格遵守中央八项规定精神。
"""
    s = statuses(check(text))
    assert s["next_year"].status == "found"
    assert s["duties"].status != "found" and s["integrity"].status != "found"


@pytest.mark.parametrize(("title", "genre", "year"), [
    ("示例县司法局关于2023年法治政府建设情况的报告", "法治政府建设年度报告", 2023),
    ("示例县司法局2023年法治政府建设情况报告", "法治政府建设年度报告", 2023),
    ("示例县司法局2023年度法治政府建设年度报告", "法治政府建设年度报告", 2023),
    ("示例县司法局2023年法治政府建设工作总结", "法治政府建设年度报告", 2023),
    ("二〇二三年度示例县法治政府建设情况报告", "法治政府建设年度报告", 2023),
    ("示例县2022年度安全生产工作总结", "安全生产工作总结", 2022),
    ("示例县应急管理局关于2022年安全生产工作情况的报告", "安全生产工作总结", 2022),
    ("示例县2024年政府信息公开工作年度报告", "政府信息公开工作年度报告", 2024),
    ("2025年示例省政府工作报告", "政府工作报告", 2024),  # the title names the coming year
    ("示例县县长2023年度述法报告", "述职报告", 2023),
    ("示例县委宣传部部长2023年度意识形态工作述职报告", "述职报告", 2023),
])
def test_genre_and_report_year_from_the_title_in_any_common_form(title, genre, year):
    doc = parse_official(read_text_input(f"{title}\n\n一、主要工作\n\n全年完成各项任务。\n"))
    match = detect_genre(doc)
    assert match is not None and match.name == genre, title
    assert report_year(doc, match.genre) == year


def test_report_year_from_the_body_when_the_title_names_none():
    doc = parse_official(read_text_input("法治政府建设情况报告\n\n2023年，我局认真贯彻落实上级部署。\n\n"
                                         "一、主要举措\n\n全年办理案件12件。\n"))
    assert title_year(doc.title) is None and report_year(doc) == 2023


def _rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "genres"
    shutil.copytree(ROOT / "knowledge" / "genres", target)
    return target


@pytest.mark.parametrize("edit", ["unknown", "no_why", "override_unknown"])
def test_recognition_weights_are_strict_data(tmp_path, edit):
    folder = _rules_copy(tmp_path)
    path = folder / "_recognition.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if edit == "unknown":
        data["found"]["weigth"] = 2
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    elif edit == "no_why":
        del data["uncertain"]["why"]
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    else:
        genre_file = folder / "fazhi_report.yaml"
        genre_file.write_text(genre_file.read_text(encoding="utf-8").replace(
            "sections:\n", "recognition:\n  treshold: {value: 1, why: 拼写错误的字段}\nsections:\n", 1),
            encoding="utf-8")
    with pytest.raises(GenreRuleError):
        load_genres(folder)


def test_a_genre_may_override_one_weight_with_its_reason(tmp_path):
    folder = _rules_copy(tmp_path)
    genre_file = folder / "fazhi_report.yaml"
    genre_file.write_text(genre_file.read_text(encoding="utf-8").replace(
        "sections:\n", "recognition:\n  uncertain: {value: 0.9, why: 测试：只在证据较多时提示人工核对}\nsections:\n", 1),
        encoding="utf-8")
    genres = load_genres(folder)
    assert genres["fazhi_report"].weight("uncertain") == 0.9
    assert genres["fazhi_report"].weight("found") == genres["duty_report"].weight("found") == 1.0


def test_skeleton_from_a_title_without_guanyu_moves_every_year(tmp_path):
    old = tmp_path / "2023.txt"
    old.write_text("示例县司法局2023年法治政府建设年度报告\n\n一、2023年主要举措和成效\n\n全年办理案件12件。\n\n"
                   "二、存在的不足和原因\n\n普法针对性不强。\n\n三、2024年工作安排\n\n一是加强培训。\n", encoding="utf-8")
    text = skeleton_from_previous(old, 2024).text
    assert "示例县司法局2024年法治政府建设年度报告" in text
    assert "一、2024年主要举措和成效" in text and "三、2025年工作安排" in text


def test_work_per_candidate_is_bounded_on_a_huge_line_and_deep_numbering():
    # Bounded without timing: at most _MAX_EMBEDDED heading phrases per paragraph and _BODY_CHARS of body per
    # candidate, so a 5 MB pasted line or 50,000 nested markers cost linear time, not quadratic.
    from assistant.rules import candidates

    line = "关于2023年法治政府建设情况的报告\n" + "。存在的问题一是加强工作" * 210_000  # > 5 MB in UTF-8
    assert len(line.encode()) > 5_000_000
    top, deeper = candidates.collect(parse_official(read_text_input(line)))
    # per paragraph: the colon-led phrase, _MAX_EMBEDDED run-in headings, _MAX_SENTENCE_HEADS sentence heads
    assert len(top) + len(deeper) <= candidates._MAX_EMBEDDED + candidates._MAX_SENTENCE_HEADS + 1
    assert all(len(c.body) <= candidates._BODY_CHARS for c in top + deeper)
    nested = "示例报告\n" + "\n".join(f"（{i}）一、1.加强" for i in range(1, 50_001))
    top, deeper = candidates.collect(parse_official(read_text_input(nested)))
    assert all(len(c.body) <= candidates._BODY_CHARS for c in top + deeper)
    report = check(line)  # finishes, and still reads the genre from the title
    assert report.genre["name"] == "法治政府建设年度报告"


def test_resolve_genre_takes_a_genre_a_name_or_nothing():
    from assistant.errors import UnknownGenreError
    from assistant.rules.genres import get_genre, resolve_genre

    doc = parse_official(read_text_input(THEMES))
    fazhi = get_genre("法治政府建设年度报告")
    assert resolve_genre(doc, fazhi) is fazhi
    assert resolve_genre(doc, "fazhi_report") is fazhi and resolve_genre(doc, None) is fazhi
    assert resolve_genre(doc, "述职报告").id == "duty_report"  # the --genre option wins over detection
    with pytest.raises(UnknownGenreError):
        resolve_genre(doc, "不存在的文种")
    assert resolve_genre(parse_official(read_text_input("示例局关于召开会议的通知\n\n请准时参加。\n")), None) is None


# A report by items whose headings carry only half of a role's wording: the body has to back them.
HALF_WORDED = """示例市交通运输局2024年度法治政府建设情况报告

一、主要做法与成效

全年清理规范性文件17件，执法案卷评查240卷，优秀率较上年提高8个百分点，办理复议案件9件。

二、局党组书记、局长履行推进法治建设第一责任人职责情况

局党组书记、局长全年主持党组会研究法治工作4次，带头出庭应诉1次，年终专题述法。

三、短板弱项

一是新业态执法依据零散，执法人员把握不准。二是基层执法力量配备不均，持证人员比例偏低。三是普法形式较为单一。

明年重点

一是完善执法依据；二是加强执法队伍建设，力争持证比例达到95%。

示例市交通运输局

2025年1月20日
"""


def test_half_worded_heading_backed_by_its_body_is_found():
    s = statuses(check(HALF_WORDED))
    assert {r: s[r].status for r in ("measures", "shortcomings", "first_responsible", "next_year")} == dict.fromkeys(
        ("measures", "shortcomings", "first_responsible", "next_year"), "found")
    assert s["shortcomings"].line == line_of(HALF_WORDED, "三、短板弱项")
    assert s["next_year"].line == line_of(HALF_WORDED, "明年重点")  # the coming year named without its number


def test_half_worded_heading_over_a_list_of_results_is_not_the_shortcomings():
    # "补齐短板" in a theme heading whose body reports results: not the shortcomings part.
    text = HALF_WORDED.replace("三、短板弱项\n\n一是新业态执法依据零散，执法人员把握不准。二是基层执法力量配备不均，持证人员比例偏低。"
                               "三是普法形式较为单一。", "三、补齐执法短板\n\n全年培训执法人员1200人次，完成案卷评查3次，"
                               "新增持证人员56人，同比增长12%。")
    assert statuses(check(text))["shortcomings"].status != "found"


def test_bare_role_word_in_a_combined_heading_covers_that_role():
    text = HALF_WORDED.replace("一、主要做法与成效", "一、工作做法、成效和不足").replace(
        "三、短板弱项\n\n一是新业态执法依据零散，执法人员把握不准。二是基层执法力量配备不均，持证人员比例偏低。三是普法形式较为单一。\n\n", "")
    s = statuses(check(text))
    assert s["measures"].status == s["shortcomings"].status == "found"
    assert s["shortcomings"].line == line_of(text, "一、工作做法")


UNNUMBERED = """示例县市场监督管理局2022年法治政府建设工作总结

县人民政府：

现将有关情况报告如下。

一年来的主要工作

一是健全依法行政制度，全年法制审核案件93件，提出修改意见41条。二是规范市场监管执法，办结行政处罚案件268件。三是优化准入准营服务，全年发放电子营业执照4200余份。四是依法处理投诉举报，受理投诉举报4870件，办结率100%。

局长履行法治建设职责情况

局党组书记、局长严格落实推进法治建设第一责任人职责，全年主持召开局务会研究法治工作5次，审定重大执法决定9件，带头学习行政处罚法，带头出庭应诉行政诉讼案件1件。

需要改进的地方

对照法治政府建设要求，局里的工作还存在短板。一是基层市场监管所执法人员少，部分所仅有2至3名持证人员，难以满足日常监管需要。二是新兴领域监管能力不足，对网络交易等新业态的取证手段相对欠缺。

2023年重点任务

一是加强执法队伍建设，年内组织业务培训不少于6次。二是提升网络市场监管能力，配备电子取证设备。三是开展执法案卷月评查，评查结果与个人年度考核挂钩。

示例县市场监督管理局

2023年1月12日
"""

FOUR = ("measures", "shortcomings", "first_responsible", "next_year")


def test_an_unnumbered_part_with_no_role_makes_a_missing_role_uncertain():
    # The heading names no role (the part falls back to 主要举措) and the body has one word of the shortcomings
    # (偏少): not enough for found, too much for a confident "缺少".
    text = UNNUMBERED.replace("需要改进的地方", "几点思考").replace(
        "一是基层市场监管所执法人员少，部分所仅有2至3名持证人员，难以满足日常监管需要。二是新兴领域监管能力不足，"
        "对网络交易等新业态的取证手段相对欠缺。", "基层市场监管所执法人员偏少。")
    s = statuses(check(text))["shortcomings"]
    assert s.status == "uncertain" and s.line == line_of(text, "几点思考")


def test_unnumbered_headings_found_on_their_lines_and_when_run_into_their_text():
    s = statuses(check(UNNUMBERED))
    assert {r: s[r].status for r in FOUR} == dict.fromkeys(FOUR, "found")
    assert s["shortcomings"].line == line_of(UNNUMBERED, "需要改进的地方")
    # Pasted without line breaks: "需要改进的地方对照……" has no mark between heading and text.
    flat = UNNUMBERED.replace("\n", "")
    s = statuses(check(flat))
    assert {r: s[r].status for r in FOUR} == dict.fromkeys(FOUR, "found")
    without = flat.replace("需要改进的地方对照法治政府建设要求，局里的工作还存在短板。", "").replace(
        "一是基层市场监管所执法人员少，部分所仅有2至3名持证人员，难以满足日常监管需要。二是新兴领域监管能力不足，"
        "对网络交易等新业态的取证手段相对欠缺。", "")
    assert statuses(check(without))["shortcomings"].status in ("missing", "uncertain")
