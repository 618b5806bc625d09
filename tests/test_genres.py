"""Genre rules (knowledge/genres/*.yaml), genre detection and the section classifier."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from assistant.documents.reading import read_document
from assistant.documents.structure import parse_official
from assistant.errors import AssistantError, UnknownGenreError
from assistant.models import OfficialDocument, Paragraph, Section
from assistant.rules.genres import (
    Genre,
    GenreRuleError,
    classify_sections,
    detect_genre,
    get_genre,
    load_genres,
)

ROOT = Path(__file__).resolve().parent.parent
GENRES_DIR = ROOT / "knowledge" / "genres"
SAMPLES_DIR = ROOT / "knowledge" / "samples"

EXPECTED_NAMES = {
    "fazhi_report": "法治政府建设年度报告",
    "gov_info_disclosure_report": "政府信息公开工作年度报告",
    "gov_work_report": "政府工作报告",
    "annual_work_summary": "年度工作总结",
    "duty_report": "述职报告",
    "request": "请示",
    "ideology_report": "意识形态工作责任制落实情况报告",
    "work_safety_summary": "安全生产工作总结",
    "business_environment_report": "优化营商环境工作报告",
}


def _section(number: str, heading: str, body: str = "", line: int = 1, level: int = 1) -> Section:
    paras = [Paragraph(t, line + i + 1) for i, t in enumerate(body.split("\n")) if t]
    return Section(level=level, number=number, heading=heading, line=line, paragraphs=paras)


def _doc(headings: list[tuple[str, str, str]], title: str | None = None) -> OfficialDocument:
    sections = [_section(n, h, b, line=10 * (i + 1)) for i, (n, h, b) in enumerate(headings)]
    return OfficialDocument(title=title, title_line=1 if title else None, sections=sections)


def _roles(doc: OfficialDocument) -> list[str | None]:
    return [s.role for s in doc.sections]


def _parse(path: Path) -> OfficialDocument:
    return parse_official(read_document(path))


# ---------------------------------------------------------------------------------------------------------
# Rule files
# ---------------------------------------------------------------------------------------------------------


def test_every_genre_file_loads_with_exact_names():
    genres = load_genres()
    assert {g.id: g.name for g in genres.values()} == EXPECTED_NAMES
    files = sorted(p.stem for p in GENRES_DIR.glob("*.yaml") if not p.name.startswith("_"))
    assert files == sorted(EXPECTED_NAMES), "one file per genre, file stem = genre id"
    for gid, genre in genres.items():
        assert isinstance(genre, Genre) and genre.id == gid


def test_every_role_has_a_source_or_is_marked_practice_and_has_guidance():
    for genre in load_genres().values():
        ids = [r.id for r in genre.sections]
        assert len(ids) == len(set(ids)), genre.id
        assert genre.required_roles, f"{genre.id} has no required section"
        for role in genre.sections:
            assert role.source or role.practice, f"{genre.id}.{role.id}"
            assert role.guidance.strip()
            assert role.year_relation in ("previous", "next", "none")


def test_sources_cite_only_verified_article_numbers_of_the_supervision_rules():
    # domain-facts §1.3: the article numbers of the content clause of 督察规定 are not verified, so the
    # rules cite the item (第（一）项) instead.
    fazhi = get_genre("fazhi_report")
    for role in fazhi.sections:
        assert "厅字〔2019〕28号" in role.source
        assert not re.search(r"28号）第[一二三四五六七八九十]+条", role.source), role.source
    assert [r.id for r in fazhi.required_roles] == ["measures", "shortcomings", "first_responsible", "next_year"]
    assert fazhi.role("other").required is False


def test_gov_info_report_has_the_six_parts_all_required():
    genre = get_genre("政府信息公开工作年度报告")
    assert [r.id for r in genre.ordered_roles()] == [
        "overview", "proactive_disclosure", "applications", "review_litigation", "problems_improvements", "other"]
    assert all(r.required for r in genre.sections)
    assert all("第五十条" in r.source for r in genre.sections)


def test_report_genres_forbid_request_wording_and_request_requires_closing_and_contact():
    fazhi = get_genre("法治政府建设年度报告")
    request_words = [p for p in fazhi.forbidden_phrases if p.category == "request_wording"]
    assert request_words and all(p.severity == "error" for p in request_words)
    assert all("第十五条（四）" in p.source for p in request_words)
    assert any(p.search("以上情况，妥否，请批示。") for p in request_words)
    assert not any(p.search("特此报告。") for p in request_words)
    colloquial = [p for p in fazhi.forbidden_phrases if p.category == "colloquial"]
    assert colloquial and all(p.severity == "warning" for p in colloquial)
    assert fazhi.closing_phrases == ["特此报告。", "以上报告，请审阅。"]
    assert [p.required for p in fazhi.closing] == [True, False]  # 特此报告 demanded (info), the other accepted

    request = get_genre("请示")
    assert request.closing and all(p.required for p in request.closing)
    assert any(p.search("妥否，请批示。") for p in request.closing)
    assert any(p.search("当否，请批复") for p in request.closing)
    assert request.notes_requirements[0].severity == "warning"
    assert not any(p.search("妥否，请批示") for p in request.forbidden_phrases)


def test_get_genre_by_name_or_id_and_unknown_lists_valid_names():
    assert get_genre("法治政府建设年度报告").id == "fazhi_report"
    assert get_genre("fazhi_report").name == "法治政府建设年度报告"
    assert get_genre(" 请示 ").id == "request"
    with pytest.raises(UnknownGenreError) as err:
        get_genre("请示报告")
    assert "请示报告" in str(err.value) and "法治政府建设年度报告" in str(err.value)


def _write_genre(tmp_path: Path, name: str, text: str) -> Path:
    d = tmp_path / "genres"
    d.mkdir(exist_ok=True)
    (d / name).write_text(text, encoding="utf-8")
    return d


def test_broken_yaml_gives_a_clear_error_with_the_file_name(tmp_path):
    d = _write_genre(tmp_path, "broken.yaml", "id: broken\nname: [未闭合\n  sections: : :\n")
    with pytest.raises(GenreRuleError) as err:
        load_genres(d)
    assert isinstance(err.value, AssistantError)
    assert "broken.yaml" in str(err.value) and "YAML" in str(err.value)


def test_unknown_field_and_bad_regex_are_rejected_with_file_name(tmp_path):
    data = yaml.safe_load((GENRES_DIR / "request.yaml").read_text(encoding="utf-8"))
    data["sectoins"] = []  # typo of a field name
    d = _write_genre(tmp_path, "request.yaml", yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(GenreRuleError) as err:
        load_genres(d)
    assert "request.yaml" in str(err.value) and "sectoins" in str(err.value)

    data.pop("sectoins")
    data["sections"][0]["aliases"] = ["缘由("]
    d2 = tmp_path / "other"
    d2.mkdir()
    (d2 / "request.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(GenreRuleError) as err:
        load_genres(d2)
    assert "缘由(" in str(err.value)


def test_role_without_source_or_practice_and_id_file_mismatch_are_rejected(tmp_path):
    data = yaml.safe_load((GENRES_DIR / "duty_report.yaml").read_text(encoding="utf-8"))
    data["sections"][0].pop("source", None)
    data["sections"][0].pop("practice", None)
    d = _write_genre(tmp_path, "duty_report.yaml", yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(GenreRuleError, match="practice"):
        load_genres(d)
    good = (GENRES_DIR / "duty_report.yaml").read_text(encoding="utf-8")
    d2 = tmp_path / "renamed"
    d2.mkdir()
    (d2 / "shuzhi.yaml").write_text(good, encoding="utf-8")
    with pytest.raises(GenreRuleError, match="shuzhi"):
        load_genres(d2)


def test_empty_rule_directory_is_an_error(tmp_path):
    with pytest.raises(GenreRuleError):
        load_genres(tmp_path)


# ---------------------------------------------------------------------------------------------------------
# Section classifier
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "role"),
    [
        ("2023年推进法治政府建设的主要举措和成效", "measures"),
        ("坚持党的领导，坚决扛牢法治政府建设政治责任", "measures"),
        ("深化“放管服”改革，依法全面履行政府职能", "measures"),
        ("区政府主要负责同志履行推进法治建设第一责任人职责情况", "first_responsible"),
        ("存在的问题和不足", "shortcomings"),
        ("存在的不足和原因", "shortcomings"),
        ("下一步工作打算", "next_year"),
        ("2024年推进法治政府建设的主要安排", "next_year"),
        ("其他需要报告的情况", "other"),
        ("2023 年 主要工作举措", "measures"),  # stray spaces of PDF extractions
        ("2023年法治政府建设工作情况", "measures"),
        ("基本情况", "measures"),  # no heading evidence: work done → the measures role
        ("着力补齐短板弱项，提升执法水平", "measures"),
        ("存在问题", "shortcomings"),
        ("问题与不足", "shortcomings"),
        ("工作中存在的不足", "shortcomings"),
        ("履行推进法治建设第一责任人职责情况", "first_responsible"),
        ("2024年工作计划", "next_year"),
        ("2024年工作重点", "next_year"),
        ("下步工作打算", "next_year"),
        ("下一步工作措施", "next_year"),
    ],
)
def test_fazhi_headings_map_to_roles(heading, role):
    doc = _doc([("一、", heading, "全年共开展专项活动12场次，覆盖群众3000余人次。")])
    classify_sections(doc, get_genre("fazhi_report"))
    assert doc.sections[0].role == role


def test_order_independent_and_themed_measures_share_a_role():
    genre = get_genre("fazhi_report")
    doc = _doc([
        ("一、", "区政府主要负责同志履行推进法治建设第一责任人职责情况", "区政府主要负责同志主持召开常务会议4次。"),
        ("二、", "坚持党的领导，坚决扛牢法治政府建设政治责任", "全年召开专题会议6次，完成培训800人次。"),
        ("三、", "深化“放管服”改革，优化法治化营商环境", "累计取消证明事项21项，办结率达到99%。"),
        ("四、", "存在的问题和不足", "一是执法队伍专业化水平不高。究其原因，培训投入不足。"),
        ("五、", "下一步工作打算", "一是强化学法用法。"),
    ])
    hits = {h.role: h for h in classify_sections(doc, genre)}
    assert _roles(doc) == ["first_responsible", "measures", "measures", "shortcomings", "next_year"]
    assert hits["measures"].found and len(hits["measures"].sections) == 2
    assert hits["measures"].line == 20 and hits["first_responsible"].line == 10
    assert not hits["other"].found and hits["other"].required is False
    assert [h.role for h in classify_sections(doc, genre)][:4] == [
        "measures", "shortcomings", "first_responsible", "next_year"]  # customary order of the genre


def test_first_paragraph_decides_when_the_heading_is_a_theme():
    genre = get_genre("fazhi_report")
    doc = _doc([
        ("一、", "2023年主要工作举措", "完成合法性审查32件。"),
        ("二、", "强化组织领导，压实法治责任", "区政府主要负责同志认真履行推进法治建设第一责任人职责，主持专题会议4次。"),
        ("三、", "存在的不足和原因", "执法力量不足。究其原因，编制有限。"),
        ("四、", "2024年工作安排", "一是强化学法用法。"),
    ])
    hits = {h.role: h for h in classify_sections(doc, genre)}
    assert doc.sections[1].role == "first_responsible" and hits["first_responsible"].via == "first_paragraph"
    # A theme whose body merely mentions the duty further on is still a measure.
    doc.sections[1].paragraphs = [Paragraph("全年召开常务会议12次。区政府主要负责同志履行第一责任人职责。", 21)]
    classify_sections(doc, genre)
    assert doc.sections[1].role == "measures"


def test_shortcomings_never_given_without_heading_evidence():
    """High precision for the checker's ablation: removing the 不足 section must leave 不足 missing, even when
    other sections talk about problems in their body."""
    genre = get_genre("fazhi_report")
    doc = _doc([
        ("一、", "2023年主要工作举措", "针对执法中存在的问题和不足，开展专项整治，整改问题15个。"),
        ("二、", "聚焦群众反映强烈的突出问题，推进执法规范化", "全年办理投诉1200件，存在的短板逐步补齐。"),
        ("三、", "主要负责人履行法治建设第一责任人职责情况", "书记主持专题会议3次。"),
        ("四、", "2024年推进法治政府建设的主要安排", "一是强化学法用法。"),
    ])
    hits = {h.role: h for h in classify_sections(doc, genre)}
    assert not hits["shortcomings"].found
    assert "shortcomings" not in _roles(doc)
    assert _roles(doc)[1] == "measures"


def test_combined_heading_covers_both_combinable_roles():
    genre = get_genre("fazhi_report")
    doc = _doc([
        ("一、", "2023年主要工作举措", "完成培训800人次。"),
        ("二、", "主要负责人履行法治建设第一责任人职责情况", "主持会议3次。"),
        ("三、", "存在的问题及下一步工作打算", "存在的问题……原因在于……下一步，我们将……"),
    ])
    hits = {h.role: h for h in classify_sections(doc, genre)}
    assert hits["shortcomings"].found and hits["next_year"].found
    assert hits["shortcomings"].section is hits["next_year"].section is doc.sections[2]


def test_seed_roles(seed_path):
    doc = _parse(seed_path)
    match = detect_genre(doc)
    assert match is not None and match.name == "法治政府建设年度报告" and match.via == "title"
    hits = {h.role: h for h in classify_sections(doc, match.genre)}
    assert _roles(doc) == ["measures", "shortcomings", "first_responsible", "next_year"]
    for role in ("measures", "shortcomings", "first_responsible", "next_year"):
        assert hits[role].found and hits[role].line == hits[role].section.line
    assert not any(h.required and not h.found for h in hits.values())
    # Only level-1 sections carry roles.
    assert all(c.role is None for c in doc.sections[0].children)


def test_gov_work_reports_detected_and_every_part_has_a_role(gov_reports_dir):
    files = sorted(gov_reports_dir.glob("*.txt"))
    assert len(files) == 39
    for path in files:
        doc = _parse(path)
        match = detect_genre(doc)
        assert match is not None and match.name == "政府工作报告", path.name
        hits = {h.role: h for h in classify_sections(doc, match.genre)}
        assert doc.sections, path.name
        assert all(s.role for s in doc.sections), (path.name, [(s.heading, s.role) for s in doc.sections])
        assert hits["review"].found and hits["tasks"].found, path.name
        assert hits["review"].section is doc.sections[0], path.name
        # Without its title (several national reports have none) the content still says what it is.
        doc.title = None
        again = detect_genre(doc)
        assert again is not None and again.name == "政府工作报告" and again.via == "content", path.name


def _corpus(seed_path: Path | None, gov_dir: Path | None) -> list[Path]:
    files = sorted(SAMPLES_DIR.glob("*.txt"))
    if seed_path:
        files.append(seed_path)
    if gov_dir:
        files += sorted(gov_dir.glob("*.txt"))
    return files


def test_ablation_each_required_role_removed_is_exactly_what_goes_missing(seed_path, gov_reports_dir):
    """The checker's ablation: remove the sections of one required role; exactly that role goes missing."""
    checked = 0
    for path in _corpus(seed_path, gov_reports_dir):
        doc = _parse(path)
        match = detect_genre(doc)
        assert match is not None, path.name
        genre = match.genre
        hits = classify_sections(doc, genre)
        assert not [h.role for h in hits if h.required and not h.found], path.name
        for role in genre.required_roles:
            ablated = copy.deepcopy(doc)
            ablated.sections = [s for s in ablated.sections if s.role != role.id]
            for s in ablated.sections:
                s.role = None
            rematch = detect_genre(ablated)
            assert rematch is not None and rematch.id == genre.id, (path.name, role.id)
            missing = {h.role for h in classify_sections(ablated, genre) if h.required and not h.found}
            assert missing == {role.id}, (path.name, role.id, missing)
            checked += 1
    assert checked > 100


def test_samples_detected_with_their_genre_and_complete():
    """Every bundled sample is recognised as the genre its manifest names, by title and by content alone,
    and has all required parts."""
    manifest = yaml.safe_load((SAMPLES_DIR / "manifest.yaml").read_text(encoding="utf-8"))["samples"]
    assert len(manifest) >= 8
    for entry in manifest:
        expected = get_genre(entry["genre"])  # the manifest uses the exact Chinese names
        doc = _parse(SAMPLES_DIR / entry["file"])
        match = detect_genre(doc)
        assert match is not None and match.id == expected.id, entry["file"]
        hits = classify_sections(doc, match.genre)
        assert not [h.role for h in hits if h.required and not h.found], entry["file"]
        doc.title = None
        no_title = detect_genre(doc)
        assert no_title is not None and no_title.id == expected.id, f"{entry['file']} by content"


# ---------------------------------------------------------------------------------------------------------
# Genre detection
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "gid"),
    [
        ("高新区管委会关于2023年法治政府建设情况的报告", "fazhi_report"),
        ("××市司法局2023年度法治政府建设工作情况报告", "fazhi_report"),
        ("××县人民政府办公室2023年政府信息公开工作年度报告", "gov_info_disclosure_report"),
        ("2025年××省政府工作报告", "gov_work_report"),
        ("​政府工作报告", "gov_work_report"),  # zero-width space before the title, as in real files
        ("××局关于2023年工作情况的报告", "annual_work_summary"),
        ("××局2023年工作总结", "annual_work_summary"),
        ("××镇关于2023年安全生产工作情况的报告", "work_safety_summary"),
        ("××局党组关于2023年度意识形态工作责任制落实情况的报告", "ideology_report"),
        ("××局关于2023年优化营商环境工作情况的报告", "business_environment_report"),
        ("××局局长2023年度述职述廉报告", "duty_report"),
        ("××局关于申请办公用房维修资金的请示", "request"),
        ("××县关于2023年度法治政府建设工作总结的报告", "fazhi_report"),
    ],
)
def test_detect_from_title(title, gid):
    match = detect_genre(OfficialDocument(title=title))
    assert match is not None and match.id == gid and match.via == "title"
    assert match.reason


def test_request_vs_report_by_title_and_by_content():
    report = _doc([("一、", "2023年主要工作举措", "完成培训800人次。")],
                  title="××局关于2023年法治政府建设情况的报告")
    request = _doc([("一、", "基本情况", "我局办公楼建于1998年。"), ("二、", "请示事项", "恳请批准安排资金50万元。")],
                   title="××局关于2023年法治政府建设经费的请示")
    assert detect_genre(report).id == "fazhi_report"
    assert detect_genre(request).id == "request"

    # No title, no numbered sections: a short 请示 told apart from a report by its wording.
    short_request = OfficialDocument(
        preamble=[Paragraph("为保障全县中小学校舍安全，根据年度工作安排，我局拟对城北小学教学楼实施加固。", 5),
                  Paragraph("现将有关事项请示如下：恳请县人民政府安排专项资金120万元。", 6)],
        closing="妥否，请批示。", closing_line=7)
    match = detect_genre(short_request)
    assert match is not None and match.id == "request" and match.via == "content"
    hits = {h.role: h for h in classify_sections(short_request, match.genre)}
    assert hits["background"].found and hits["background"].line == 5 and hits["background"].via == "text"
    assert hits["request_items"].found and hits["request_items"].line == 6


def test_detect_from_content_without_title():
    fazhi = _doc([
        ("一、", "2023年推进法治政府建设的主要举措和成效", "全面推进依法行政，加强行政执法监督，完成合法性审查32件。"),
        ("二、", "存在的不足和原因", "法治政府建设仍有差距。"),
        ("三、", "主要负责人履行推进法治建设第一责任人职责情况", "主要负责人专题研究法治政府建设4次。"),
        ("四、", "2024年工作安排", "持续推进法治政府建设。"),
    ])
    fazhi.preamble = [Paragraph("2023年，我局深入推进法治政府建设，现将有关情况报告如下：", 3)]
    match = detect_genre(fazhi)
    assert match is not None and match.id == "fazhi_report" and match.via == "content"

    gov = _doc([("一、", "2024年工作回顾", "过去一年，全市地区生产总值增长5%。"),
                ("二、", "2025年重点工作", "今年要着力扩大内需。")])
    gov.preamble = [Paragraph("各位代表：现在，我代表市人民政府，向大会报告工作，请予审议。", 2)]
    assert detect_genre(gov).id == "gov_work_report"


def test_nothing_fits_returns_none():
    doc = _doc([("一、", "会议时间和地点", "会议于3月5日召开。")], title="关于召开春季运动会的通知")
    assert detect_genre(doc) is None
    assert detect_genre(OfficialDocument()) is None
    # A 通知 about work safety is still a 通知: its topic does not make it a 安全生产工作总结.
    notice = _doc([("一、", "检查范围", "全镇安全生产重点企业。")], title="××镇关于开展安全生产大检查的通知")
    notice.preamble = [Paragraph("为切实做好安全生产工作，防范生产安全事故，决定开展安全生产大检查。", 3)]
    assert detect_genre(notice) is None
    notice.title = "××镇关于开展安全生产大检查的报告"
    assert detect_genre(notice) is not None


def test_classify_is_fast_and_load_is_cached(seed_path):
    import time

    doc = _parse(seed_path)
    genre = get_genre("fazhi_report")
    assert load_genres() is load_genres()
    start = time.perf_counter()
    for _ in range(50):
        detect_genre(doc)
        classify_sections(doc, genre)
    assert (time.perf_counter() - start) / 50 < 0.02


def test_unnumbered_heading_lines_give_the_role_of_the_parts_under_them():
    """Some reports write their parts without 序数 ("2024年工作回顾"); when the parser sees no 一、-level
    heading, such lines still count, and the （一） parts under them take their role."""
    genre = get_genre("gov_work_report")
    doc = OfficialDocument(
        title="2025年××省政府工作报告",
        preamble=[Paragraph("各位代表：", 3), Paragraph("2025年工作安排", 8)],
        sections=[_section("（一）", "坚决维护社会和谐稳定", "今年要着力……", line=10, level=2),
                  _section("（二）", "全力以赴稳预期促增长", "今年要加快……", line=20, level=2)])
    hits = {h.role: h for h in classify_sections(doc, genre)}
    assert hits["tasks"].found and hits["tasks"].line == 8 and hits["tasks"].via == "heading_line"
    assert not hits["review"].found  # the （一） parts do not vote for roles of their own
    assert _roles(doc) == ["tasks", "tasks"]

    only_lines = OfficialDocument(title="2025年××省政府工作报告",
                                  preamble=[Paragraph("2024年工作回顾", 8), Paragraph("过去一年，全省……。", 9)])
    hits = {h.role: h for h in classify_sections(only_lines, genre)}
    assert hits["review"].found and not hits["tasks"].found


def test_common_other_names_resolve_and_are_unambiguous():
    assert get_genre("述职述廉报告").id == "duty_report"
    assert get_genre("政府信息公开年报").id == "gov_info_disclosure_report"
    assert get_genre("工作总结").id == "annual_work_summary"
    seen: dict[str, str] = {}
    for genre in load_genres().values():
        for other in genre.also_known_as + [genre.name]:
            assert other not in seen, f"{other} names both {seen.get(other)} and {genre.id}"
            seen[other] = genre.id


def test_request_items_in_the_closing_lines_of_a_request_with_sections():
    genre = get_genre("请示")
    doc = _doc([("一、", "基本情况", "我局办公楼建于1998年，屋面渗漏严重。"),
                ("二、", "维修方案和资金测算", "经测算，维修需资金50万元。\n恳请县人民政府安排维修资金50万元。")],
               title="××局关于申请办公楼维修资金的请示")
    doc.closing, doc.closing_line = "妥否，请批示。", 40
    hits = {h.role: h for h in classify_sections(doc, genre)}
    assert hits["request_items"].found and hits["request_items"].via == "text"
    assert hits["request_items"].line == 22
    # Without such a sentence the request is missing, whatever the closing formula says.
    doc.sections[1].paragraphs.pop()
    hits = {h.role: h for h in classify_sections(doc, genre)}
    assert not hits["request_items"].found


def test_a_rule_directory_with_one_genre_works(tmp_path):
    d = tmp_path / "one"
    d.mkdir()
    (d / "request.yaml").write_text((GENRES_DIR / "request.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert list(load_genres(d)) == ["request"]
    match = detect_genre(OfficialDocument(title="××局关于申请经费的请示"), directory=d)
    assert match is not None and match.id == "request"
    with pytest.raises(UnknownGenreError, match="请示"):
        get_genre("法治政府建设年度报告", directory=d)
