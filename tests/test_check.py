"""Checker rules: every rule in knowledge/format_rules.yaml has a failing and a passing example here, and the
rule file itself is validated at load time."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from fixtures_docs import FAZHI_REPORT as SAMPLE_REPORT

from assistant.documents.structure import parse_official
from assistant.errors import ConfigError
from assistant.models import OfficialDocument, Paragraph, Section
from assistant.rules.check import (
    RULE_KINDS,
    CheckContext,
    SectionStatus,
    check_document,
    check_file,
    check_text,
    load_format_rules,
)
from assistant.rules.genres import Genre

RULES = {r.id: r for r in load_format_rules()}

# A genre in the shape of knowledge/genres/*.yaml, so rule tests do not depend on the shipped genre files.
GENRE = {
    "id": "test_fazhi",
    "name": "法治政府建设年度报告",
    "official_genre": "报告",
    "direction": "上行文",
    "closing": ["特此报告。"],
    "forbidden_phrases": ["一把抓"],
    "roles": [
        {"id": "measures", "name": "上一年度主要举措和成效", "required": True, "year_relation": "previous",
         "source": "督察规定（一）"},
        {"id": "shortcomings", "name": "存在的不足和原因", "required": True, "source": "督察规定（二）",
         "sub_requirements": [{"id": "cause", "name": "原因分析", "aliases": ["原因"]}]},
        {"id": "next_year", "name": "下一年度主要安排", "required": True, "year_relation": "next",
         "source": "督察规定（四）"},
        {"id": "other", "name": "其他需要报告的情况", "required": False},
    ],
}


def make_genre(spec: dict) -> Genre:
    """A validated Genre from the few fields a rule test cares about; the rest get neutral defaults."""
    data = copy.deepcopy(spec)
    roles = data.pop("roles", None) or data.pop("sections", None) or [{"id": "measures", "name": "主要工作"}]
    for i, role in enumerate(roles, 1):
        role.setdefault("order", i)
        role.setdefault("required", True)
        role.setdefault("aliases", [role["name"]])
        role.setdefault("guidance", "写清楚。")
        if not role.get("source"):
            role["practice"] = True
    data["sections"] = roles
    data["closing"] = [{"text": c, "required": True, "source": "惯例"} if isinstance(c, str) else c
                       for c in data.get("closing", [])]
    data["forbidden_phrases"] = [{"text": c, "source": "惯例"} if isinstance(c, str) else c
                                 for c in data.get("forbidden_phrases", [])]
    elements = data.setdefault("required_format_elements", ["主送机关", "签发人"])
    data.setdefault("needs_recipients", "主送机关" in elements)
    data.setdefault("needs_signer", "签发人" in elements)
    data.setdefault("official_genre", "报告")
    data.setdefault("official", True)
    data.setdefault("direction", "上行文")
    data.setdefault("title_patterns", [data["name"]])
    data.setdefault("detect_keywords", [{"phrase": data["name"]}])
    return Genre.model_validate(data)


def run(rule_id: str, doc: OfficialDocument | str, *, genre=None, **ctx) -> list:
    if isinstance(doc, str):
        doc = parse_official(doc)
    rule = RULES[rule_id]
    context = CheckContext(doc=doc, genre=make_genre(genre) if isinstance(genre, dict) else genre, **ctx)
    return list(RULE_KINDS[rule.kind].fn(context, rule))


def body(*lines: str, **fields) -> OfficialDocument:
    """A document whose paragraphs are `lines`, numbered from line 1."""
    paras = [Paragraph(t, i) for i, t in enumerate(lines, 1)]
    return OfficialDocument(paragraphs=paras, **fields)


def sec(number: str, heading: str, line: int, role: str | None = None, text: str = "") -> Section:
    level = 1 if number.endswith("、") else 2
    paras = [Paragraph(text, line + 1)] if text else []
    return Section(level=level, number=number, heading=heading, line=line, role=role, paragraphs=paras)


# The end of a report (落款, 附注, 版记) as text, parsed by the real parser.
TAIL = """示例局关于2023年工作情况的报告

区委、区政府：

一、主要工作

全年办理案件320件。

特此报告。

示例局

2024年2月26日

{notes}

抄送：区委依法治区办，区司法局。

示例局办公室 2024年2月26日印发
"""


# rule id → (document that breaks the rule, document that follows it, extra context for both)
CASES: dict[str, tuple] = {
    "doc_number.brackets": (
        [OfficialDocument(doc_number="泉鲤高文[2024]3号", doc_number_line=5),
         OfficialDocument(doc_number="泉鲤高文（2024）3号", doc_number_line=5),
         OfficialDocument(doc_number="泉鲤高文【2024】3号", doc_number_line=5),
         OfficialDocument(doc_number="泉鲤高文2024-3号", doc_number_line=5)],
        [OfficialDocument(doc_number="泉鲤高文〔2024〕3号", doc_number_line=5),
         OfficialDocument(doc_number="泉鲤高文 〔 2024 〕 3 号", doc_number_line=5)],
        {},
    ),
    "doc_number.di": ([OfficialDocument(doc_number="泉鲤高文〔2024〕第3号")],
                      [OfficialDocument(doc_number="泉鲤高文〔2024〕13号")], {}),
    "doc_number.leading_zero": ([OfficialDocument(doc_number="泉鲤高文〔2024〕03号")],
                                [OfficialDocument(doc_number="泉鲤高文〔2024〕30号")], {}),
    "doc_number.full_year": ([OfficialDocument(doc_number="泉鲤高文〔24〕3号")],
                             [OfficialDocument(doc_number="泉鲤高文〔2024〕3号")], {}),
    "date.chinese_numerals": (
        [OfficialDocument(date="二〇二四年二月二十六日", date_line=57),
         OfficialDocument(date="2024年二月二十六日", date_line=57),
         TAIL.format(notes="（此件主动公开）").replace("2024年2月26日", "二〇二四年二月二十六日", 1)],
        [OfficialDocument(date="2024年2月26日", date_line=57),
         OfficialDocument(date="２０２４年２月２６日", date_line=57),
         OfficialDocument(date="2024 年 2 月 26 日", date_line=57)],
        {},
    ),
    "date.zero_padding": ([OfficialDocument(date="2024年02月26日"), OfficialDocument(date="2024年2月06日"),
                           TAIL.format(notes="（此件主动公开）").replace("2024年2月26日", "2024年02月06日", 1)],
                          [OfficialDocument(date="2024年10月20日")], {}),
    "date.full_year": ([OfficialDocument(date="24年2月26日"),
                        TAIL.format(notes="（此件主动公开）").replace("2024年2月26日", "24年2月26日", 1)],
                       [OfficialDocument(date="2024年2月26日"), TAIL.format(notes="（此件主动公开）")], {}),
    "date.separators": ([OfficialDocument(date="2024.2.26"), OfficialDocument(date="2024-02-26"),
                         TAIL.format(notes="（此件主动公开）").replace("2024年2月26日", "2024.2.26", 1)],
                        [OfficialDocument(date="2024年2月26日"), TAIL.format(notes="（此件主动公开）")], {}),
    "numbering.form": (
        [body("一、总体情况", "1、加强领导"), body("一、总体情况", "（一）、加强领导"),
         body("一、总体情况", "(一)加强领导"), body("一．总体情况")],
        [body("一、总体情况", "（一）加强领导", "1.健全制度", "（1）完善规则", "１．全角点也可以")],
        {},
    ),
    "numbering.skip_level": (
        [body("一、总体情况", "1.健全制度"), body("一、总体情况", "（一）加强领导", "（1）完善规则")],
        [body("一、总体情况", "（一）加强领导", "1.健全制度", "（1）完善规则", "二、存在问题", "（一）认识不足")],
        {},
    ),
    "numbering.sequence": (
        [body("一、甲", "二、乙", "二、丙"), body("一、甲", "三、乙"), body("二、甲"),
         body("一、甲", "（一）子", "（三）子"), body("一、甲", "三、乙", "二、丙")],
        [body("一、甲", "（一）子", "（二）子", "二、乙", "（一）子", "三、丙"),
         body("一、甲", "二、乙", "三、丙", "四、丁"),
         # an unnumbered part title starts a new list (government work reports do this)
         body("（一）稳增长。", "（二）促改革。", "2025年工作安排建议", "（一）扩内需。"),
         # "8.6个重大科技专项" after item 7 is item 8, not the decimal 8.6
         body("1.甲：", "2.乙：", "3.丙：", "4.丁：", "5.戊：", "6.己：", "7.庚：", "8.6个专项：", "9.辛：")],
        {},
    ),
    "numbering.mixed": ([body("一、甲", "（一）子", "1.条", "2、条")],
                        [body("一、甲", "（一）子", "1.条", "2.条"),
                         body("一、甲", "（一）子", "1.条", "2．条")], {}),  # full-width dot is the same form
    "title.missing": ([OfficialDocument(title=None)], [OfficialDocument(title="××关于××的报告")], {}),
    "title.fake_genre": (
        [OfficialDocument(title="示例局关于申请专项经费的请示报告", title_line=9),
         OfficialDocument(title="示例局2023年工作总结报告")],
        [OfficialDocument(title="示例局关于申请专项经费的请示"),
         OfficialDocument(title="示例局关于2023年工作总结的报告")],
        {},
    ),
    "title.genre_word": (
        [OfficialDocument(title="示例局关于2023年法治政府建设情况的汇报"),
         OfficialDocument(title="示例局关于2023年工作的总结")],
        [OfficialDocument(title="示例局关于 2023 年法治政府 建设情况的报告"),
         OfficialDocument(title="示例局2023年工作总结")],  # no 关于: a 事务文书, not held to 文种 endings
        {},
    ),
    "title.pattern": (
        [OfficialDocument(title="关于2023年法治政府建设情况的报告"),
         OfficialDocument(title="示例局2023年法治政府建设情况报告"),
         OfficialDocument(title="示例局关于2023年法治政府建设情况报告")],
        [OfficialDocument(title="示例局关于 2023 年法治政府 建设情况的报告")],
        {"genre": GENRE},
    ),
    "recipients.missing": ([OfficialDocument(title="示例局关于2023年法治政府建设情况的报告", title_line=9)],
                           [OfficialDocument(title="示例局关于2023年法治政府建设情况的报告",
                                             recipients=["区委", "区政府"], recipients_line=11)],
                           {"genre": GENRE}),
    "signer.missing": ([OfficialDocument(doc_number="示文〔2024〕3号", doc_number_line=5)],
                       [OfficialDocument(doc_number="示文〔2024〕3号", signer="王明"),
                        OfficialDocument(doc_number=None)],  # a draft without 版头 is not nagged
                       {"genre": GENRE}),
    "notes.content": ([OfficialDocument(notes="（此件主动公开）", notes_line=20), OfficialDocument(date_line=19)],
                      [OfficialDocument(notes="（联系人：王明，联系电话：0595-12345678）", notes_line=20)],
                      {"genre": {"id": "request", "name": "请示", "notes_requirements": [
                          {"id": "contact", "name": "联系人及联系电话", "patterns": ["联系人", "联系电话|电话"],
                           "severity": "warning", "source": "惯例"}]}}),
    "format.element_missing": (
        [body("一、甲", "全年办结案件320件。", issuer="示例局"),
         body("一、甲", "全年办结案件320件。", date="2024年2月26日", date_line=3),
         body(issuer="示例局", date="2024年2月26日")],
        [body("一、甲", "全年办结案件320件。", issuer="示例局", date="2024年2月26日", date_line=4),
         # a malformed date is present (date.separators reports its form)
         body("一、甲", "全年办结案件320件。", "示例局", "2024.2.26", issuer="示例局")],
        {"genre": {"id": "t", "name": "年度工作总结",
                   "required_format_elements": ["标题", "正文", "发文机关署名", "成文日期", "印章"]}},
    ),
    "recipients.colon": ([body("区委、区政府", recipients=["区委", "区政府"], recipients_line=1)],
                         [body("区委、区政府：", recipients=["区委", "区政府"], recipients_line=1),
                          body("区委、区政府:", recipients=["区委", "区政府"], recipients_line=1)],
                         {}),
    "notes.parentheses": ([OfficialDocument(notes="此件主动公开", notes_line=59),
                           TAIL.format(notes="此件主动公开")],
                          [OfficialDocument(notes="（此件主动公开）"), OfficialDocument(notes="(此件主动公开)"),
                           TAIL.format(notes="（此件主动公开）")],
                          {}),
    "cc.period": ([OfficialDocument(cc=["区委依法治区办"], cc_raw="区委依法治区办", cc_line=61),
                   TAIL.format(notes="（此件主动公开）").replace("区司法局。", "区司法局"),
                   TAIL.format(notes="（此件主动公开）").replace("区司法局。", "区司法局；")],
                  [TAIL.format(notes="（此件主动公开）"),
                   TAIL.format(notes="（此件主动公开）").replace("区司法局。", "区司法局。 ")],
                  {}),
    "cc.colon": ([TAIL.format(notes="（此件主动公开）").replace("抄送：", "抄送")],
                 [TAIL.format(notes="（此件主动公开）"),
                  TAIL.format(notes="（此件主动公开）").replace("抄送：", "抄送:")], {}),
    "print_line.form": (
        [OfficialDocument(print_line="鲤城高新区综合科 2024年2月26日", print_line_no=65),
         OfficialDocument(print_line="鲤城高新区综合科 2024.2.26印发"),
         OfficialDocument(print_line="2024年2月26日印发"),
         TAIL.format(notes="（此件主动公开）").replace("2024年2月26日印发", "2024年2月26日"),
         TAIL.format(notes="（此件主动公开）").replace("2024年2月26日印发", "2024.2.26印发")],
        [OfficialDocument(print_line="鲤城高新区综合科（党建办） 2024年2月26日印发"),
         OfficialDocument(print_line="示例县人民政府办公室  2024年12月2日印发"),
         TAIL.format(notes="（此件主动公开）")],
        {},
    ),
    "placeholder.unfilled": ([body("全年办理行政复议案件【待补充】件。"), body("【待核实：签发日期】")],
                             [body("全年办理行政复议案件12件。")], {}),
    "subject_words.obsolete": ([body("主题词：法治 报告")], [body("抄送：区委依法治区办。")], {}),
    "report.request_wording": (
        [body("以上报告，妥否，请批示。", title="示例局关于2023年工作情况的报告"),
         body("建议增加编制3名，请予批准。", title="示例局关于2023年工作情况的报告"),
         body("当否，请批复。", title="示例局2023年工作情况报告")],
        [body("特此报告。", title="示例局关于2023年工作情况的报告"),
         body("以上报告如无不妥，请批转各部门执行。", title="示例局关于2023年工作情况的报告"),
         body("妥否，请批示。", title="示例局关于增加编制的请示")],
        {},
    ),
    "closing.customary": ([body("一、甲", "工作情况如上。")], [body("一、甲", "特此报告。")], {"genre": GENRE}),
    "year.consistency": (
        [OfficialDocument(title="示例局关于2023年法治政府建设情况的报告",
                          sections=[sec("一、", "2022年主要工作举措", 15, "measures")]),
         OfficialDocument(title="示例局关于2023年法治政府建设情况的报告",
                          sections=[sec("四、", "2023年工作安排", 45, "next_year")])],
        [OfficialDocument(title="示例局关于 2023 年法治政府建设情况的报告",
                          sections=[sec("一、", "2023 年主要工作举措", 15, "measures"),
                                    sec("四、", "2024年推进法治政府建设的主要安排", 45, "next_year")]),
         OfficialDocument(title="示例局关于2023年法治政府建设情况的报告",
                          sections=[sec("一、", "落实《纲要（2021—2025年）》情况", 15, "measures")])],
        {"genre": GENRE},
    ),
    "wording.forbidden": ([body("我们要搞好法治宣传。"), body("坚持一把抓。")],
                          [body("我们要做好法治宣传。")], {"genre": GENRE}),
    "section.missing": (
        [OfficialDocument()], [OfficialDocument()],
        {"genre": GENRE},
    ),
    "section.uncertain": (
        [OfficialDocument()], [OfficialDocument()],
        {"genre": GENRE},
    ),
    "section.sub_requirement": (
        [OfficialDocument(sections=[sec("二、", "存在的问题", 37, "shortcomings", "普法形式单一。")]),
         # the heading promises 原因 but the body gives none
         OfficialDocument(sections=[sec("二、", "存在的不足和原因", 37, "shortcomings", "普法形式单一。")])],
        [OfficialDocument(sections=[sec("二、", "存在的不足和原因", 37, "shortcomings", "普法形式单一，原因是人手少。")]),
         OfficialDocument(sections=[sec("二、", "存在的问题", 37, "shortcomings", "普法形式单一，究其原因是投入不足。")])],
        {"genre": GENRE},
    ),
}

_FOUND = [SectionStatus("measures", "上一年度主要举措和成效", True, True, "一、2023年主要工作举措", 15)]
_MISSING = [SectionStatus("measures", "上一年度主要举措和成效", True, False, source="督察规定（一）"),
            SectionStatus("other", "其他需要报告的情况", False, False)]
_UNCERTAIN = [SectionStatus("shortcomings", "存在的不足和原因", True, False, "三、有待改进的方面", 40,
                           source="督察规定（二）", level=1, status="uncertain")]


def _context_for(rule_id: str, doc: OfficialDocument | str, extra: dict, failing: bool) -> dict:
    ctx = dict(extra)
    if isinstance(doc, str):
        return ctx
    if rule_id == "section.missing":
        ctx["statuses"] = _MISSING if failing else _FOUND + _UNCERTAIN  # uncertain is never a confident 缺少
    if rule_id == "section.uncertain":
        ctx["statuses"] = _UNCERTAIN if failing else _FOUND + _MISSING
    if rule_id in ("year.consistency", "section.sub_requirement"):
        by_role: dict = {}
        for s in doc.iter_sections():
            by_role.setdefault(s.role, []).append(s)
        ctx["role_sections"] = by_role
    return ctx


def test_every_rule_has_a_failing_and_a_passing_case():
    untested = set(RULES) - set(CASES) - {"citation"}  # citation findings are tested with the seed below
    assert not untested, f"rules without test cases: {sorted(untested)}"


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fails_on_bad_example(rule_id):
    bad, _good, extra = CASES[rule_id]
    for doc in bad:
        found = run(rule_id, doc, **_context_for(rule_id, doc, extra, True))
        assert found, f"{rule_id} did not flag {doc}"
        assert all(f.rule == rule_id for f in found)
        assert all(f.message and f.fix and f.source for f in found)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_passes_good_example(rule_id):
    _bad, good, extra = CASES[rule_id]
    for doc in good:
        found = run(rule_id, doc, **_context_for(rule_id, doc, extra, False))
        assert not found, f"{rule_id} wrongly flagged: {[f.message for f in found]}"


def test_messages_point_at_the_right_line_and_value():
    [f] = run("doc_number.brackets", OfficialDocument(doc_number="泉鲤高文[2024]3号", doc_number_line=5))
    assert f.line == 5 and "泉鲤高文[2024]3号" in f.message and f.severity == "error"
    assert "7.2.5" in f.source
    seq = run("numbering.sequence", body("一、甲", "二、乙", "二、丙", "五、丁"))
    assert [(f.line, f.severity) for f in seq] == [(3, "error"), (4, "error")]
    assert "重复" in seq[0].message and "“三、”、“四、”" in seq[1].message
    form = run("numbering.form", body("一、甲", "（一）子", "1、条"))
    assert form[0].line == 3 and "1." in form[0].message


def test_year_of_a_government_work_report_title_is_the_coming_year():
    genre = {"id": "gov_work_report", "name": "政府工作报告", "title_year": "coming",
             "sections": [{"id": "review", "name": "上年工作回顾", "required": True, "year_relation": "previous"},
                          {"id": "tasks", "name": "本年工作任务", "required": True, "year_relation": "next"}]}
    good = [sec("一、", "2024年工作回顾", 6, "review"), sec("二、", "2025年政府工作任务", 25, "tasks")]
    doc = OfficialDocument(title="2025年示例省政府工作报告", sections=good)
    assert run("year.consistency", doc, genre=genre, role_sections={"review": good[:1], "tasks": good[1:]}) == []
    bad = [sec("一、", "2025年工作回顾", 6, "review")]
    doc = OfficialDocument(title="2025年示例省政府工作报告", sections=bad)
    [f] = run("year.consistency", doc, genre=genre, role_sections={"review": bad})
    assert f.line == 6 and "2024" in f.message


def test_repeated_defects_are_reported_once_with_their_lines():
    doc = body("一、甲", "(一)子", "(二)子", "(三)子", "二、乙", "1.条", "2.条", "3.条")
    [form] = run("numbering.form", doc)
    assert form.line == 2 and "共3处" in form.message and "第3、4行" in form.message
    [skip] = run("numbering.skip_level", doc)
    assert skip.line == 6 and skip.severity == "warning"


def test_title_defects_are_reported_by_one_rule_each():
    rules = ("title.fake_genre", "title.genre_word", "title.pattern")
    fake = OfficialDocument(title="示例局关于申请专项经费的请示报告")
    assert [r for r in rules if run(r, fake, genre=GENRE)] == ["title.fake_genre"]
    no_genre_word = OfficialDocument(title="示例局关于2023年工作的总结")
    assert [r for r in rules if run(r, no_genre_word, genre=GENRE)] == ["title.genre_word"]
    no_de = OfficialDocument(title="示例局关于2023年法治政府建设情况报告")
    assert [r for r in rules if run(r, no_de, genre=GENRE)] == ["title.pattern"]


def test_title_pattern_exempts_genres_with_a_national_title_format():
    doc = OfficialDocument(title="示例县自然资源局2023年政府信息公开工作年度报告")
    genre = {"id": "gov_info_disclosure_report", "name": "政府信息公开工作年度报告", "official": True}
    assert run("title.pattern", doc, genre=genre) == []
    assert run("title.pattern", doc, genre=GENRE)


def test_request_wording_cites_article_15():
    [f] = run("report.request_wording", body("妥否，请批示。", title="示例局关于2023年工作情况的报告"))
    assert f.severity == "error" and "第十五条（四）" in f.source


def test_closing_phrase_is_only_info():
    [f] = run("closing.customary", body("一、甲", "以上。"), genre=GENRE)
    assert f.severity == "info" and "特此报告" in f.message


def test_uncertain_role_is_a_warning_pointing_at_the_best_candidate():
    [f] = run("section.uncertain", OfficialDocument(), genre=GENRE, statuses=_UNCERTAIN)
    assert f.severity == "warning" and f.line == 40 and f.source == "督察规定（二）"
    assert f.message.startswith("未能确认是否包含") and "请人工核对" in f.message and "有待改进的方面" in f.message
    assert _UNCERTAIN[0].missing_dict()["status"] == "uncertain"


def test_optional_role_is_never_reported_missing():
    found = run("section.missing", OfficialDocument(), genre=GENRE, statuses=_MISSING)
    assert [f.message for f in found] == ["缺少必备部分“上一年度主要举措和成效”"]
    assert found[0].source == "督察规定（一）"


# ---------------------------------------------------------------------------------------------------------
# Loading the rule file
# ---------------------------------------------------------------------------------------------------------

_GOOD_RULE = """
  - id: x.one
    kind: field_forbid
    severity: error
    message: m
    fix: f
    source: s
    params: {field: doc_number, patterns: ['第']}
"""


def _write_rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "format_rules.yaml"
    path.write_text("rules:\n" + text, encoding="utf-8")
    return path


def test_rule_file_loads_and_every_kind_is_implemented():
    for rule in RULES.values():
        assert rule.kind in RULE_KINDS


def test_unknown_kind_is_a_load_error(tmp_path):
    path = _write_rules(tmp_path, _GOOD_RULE.replace("field_forbid", "no_such_kind"))
    with pytest.raises(ConfigError, match="no_such_kind"):
        load_format_rules(path)


def test_bad_regex_missing_param_bad_severity_and_duplicates_are_load_errors(tmp_path):
    cases = {
        "bad_regex": _GOOD_RULE.replace("['第']", "['(第']"),
        "missing_param": _GOOD_RULE.replace("patterns: ['第']", "x: 1"),
        "severity": _GOOD_RULE.replace("severity: error", "severity: fatal"),
        "no_fix": _GOOD_RULE.replace("    fix: f\n", ""),
        "duplicate": _GOOD_RULE + _GOOD_RULE,
    }
    for name, text in cases.items():
        folder = tmp_path / name
        folder.mkdir()
        with pytest.raises(ConfigError):
            load_format_rules(_write_rules(folder, text))
    assert len(load_format_rules(_write_rules(tmp_path, _GOOD_RULE))) == 1


@pytest.mark.parametrize(("defect", "text", "named"), [
    ("misspelled param", _GOOD_RULE.replace("patterns:", "pattens:"), "pattens"),
    ("unknown key", _GOOD_RULE.replace("    fix: f\n", "    fix: f\n    severty: info\n"), "severty"),
    ("unknown field name", _GOOD_RULE.replace("field: doc_number", "field: doc_numbr"), "field"),
    ("placeholder the kind never fills", _GOOD_RULE.replace("message: m", "message: '{vaule}'"), "vaule"),
    ("unbalanced braces", _GOOD_RULE.replace("fix: f", "fix: '{value'"), "fix"),
    ("params on a kind without params", _GOOD_RULE.replace("field_forbid", "title_present"), "params"),
])
def test_rule_schema_defects_name_the_rule_and_the_defect(tmp_path, defect, text, named):
    with pytest.raises(ConfigError) as err:
        load_format_rules(_write_rules(tmp_path, text))
    assert "x.one" in str(err.value) and named in str(err.value), defect


def test_year_placeholder_line_is_filled():
    # "第{line}行" in year.consistency's message: every rule may use {line}, and it is the finding's line.
    genre = {"id": "t", "name": "测试报告", "roles": [
        {"id": "measures", "name": "主要举措", "year_relation": "previous", "source": "督察规定（一）"}]}
    doc = OfficialDocument(title="示例局关于2023年法治政府建设情况的报告",
                           sections=[sec("一、", "2022年主要工作举措", 15, "measures")])
    [f] = run("year.consistency", doc, genre=genre, role_sections={"measures": doc.sections})
    assert f.message.startswith("第15行“一、2022年主要工作举措”") and "2023年" in f.message


# ---------------------------------------------------------------------------------------------------------
# Whole documents (parser + genre rules + citations)
# ---------------------------------------------------------------------------------------------------------


def test_seed_acceptance(seed_path):
    report = check_file(seed_path)
    assert report.genre["name"] == "法治政府建设年度报告"
    sections = {s.role: s for s in report.sections}
    assert (sections["measures"].found, sections["measures"].line) == (True, 15)
    assert (sections["shortcomings"].found, sections["shortcomings"].line) == (True, 37)
    assert (sections["first_responsible"].found, sections["first_responsible"].line) == (True, 41)
    assert (sections["next_year"].found, sections["next_year"].line) == (True, 45)
    assert report.missing == []
    bad_rules = {f.rule for f in report.findings if f.severity == "error"}
    assert not any(r.startswith(("doc_number.", "date.", "numbering.", "year.")) for r in bad_rules), bad_rules
    # The seed has no 特此报告 (info) and no 原因 analysis beyond the heading wording.
    assert any(f.rule == "closing.customary" and f.severity == "info" for f in report.findings)
    data = report.to_dict()
    assert set(data) >= {"file", "genre", "sections", "missing", "findings", "citations"}
    assert set(data["genre"]) == {"id", "name"}


def test_seed_citation_findings(seed_path):
    report = check_file(seed_path)
    by_line = {}
    for f in report.findings:
        if f.rule.startswith("citation"):
            by_line.setdefault(f.line, []).append(f)
    wrong_title = [f for f in by_line.get(35, []) if "中华人民共和国信息公开条例" in f.message]
    assert wrong_title and wrong_title[0].severity == "error"
    assert "中华人民共和国政府信息公开条例" in wrong_title[0].message + (wrong_title[0].fix or "")
    party = [f for f in by_line.get(25, []) if "宣传工作条例" in f.message]
    assert party and "中国共产党宣传工作条例" in party[0].message + (party[0].fix or "")
    cited = {c.to_dict()["title_as_written"] for c in report.citations}
    assert {"中华人民共和国信息公开条例", "宣传工作条例"} <= cited
    assert report.has_errors  # the wrong regulation title is an error




def test_clean_report_has_no_errors():
    report = check_text(SAMPLE_REPORT)
    assert report.genre["name"] == "法治政府建设年度报告"
    assert report.missing == []
    assert not report.has_errors, [f.message for f in report.findings if f.severity == "error"]


def test_broken_report_reports_each_defect_on_its_line():
    text = (SAMPLE_REPORT.replace("示区市监〔2024〕7号", "示区市监[2024]第07号")
            .replace("2024年2月20日\n\n（此件", "二〇二四年二月二十日\n\n（此件")
            .replace("（二）严格规范执法", "（三）严格规范执法")
            .replace("抄送：区委依法治区办。", "抄送：区委依法治区办")
            .replace("特此报告。", "妥否，请批示。")
            .replace("四、2024年推进", "四、2025年推进"))
    report = check_text(text)
    lines = {line: i for i, line in enumerate(text.splitlines(), 1)}
    rules = {f.rule: f for f in report.findings}
    for rid in ("doc_number.brackets", "doc_number.di", "doc_number.leading_zero", "date.chinese_numerals",
                "numbering.sequence", "cc.period", "report.request_wording", "year.consistency"):
        assert rid in rules, f"{rid} not reported: {sorted(rules)}"
        assert rules[rid].severity == "error"
    assert rules["doc_number.brackets"].line == lines["示区市监[2024]第07号"]
    assert rules["numbering.sequence"].line == lines["（三）严格规范执法"]
    assert rules["report.request_wording"].line == lines["妥否，请批示。"]
    assert report.has_errors


def test_missing_section_is_reported_with_its_source():
    start = SAMPLE_REPORT.index("二、存在的不足和原因")
    end = SAMPLE_REPORT.index("三、主要负责人")
    text = SAMPLE_REPORT[:start] + SAMPLE_REPORT[end:]
    report = check_text(text)
    assert [m["role"] for m in report.to_dict()["missing"]] == ["shortcomings"]
    assert report.to_dict()["missing"][0]["source"]
    assert any(f.rule == "section.missing" and f.severity == "error" for f in report.findings)


def test_shortcomings_without_cause_is_a_warning():
    text = SAMPLE_REPORT.replace("基层执法力量不足。究其原因，主要是专业人才缺乏。", "基层执法力量不足，普法形式单一。")
    text = text.replace("二、存在的不足和原因", "二、存在的问题和不足")
    report = check_text(text)
    subs = [f for f in report.findings if f.rule == "section.sub_requirement"]
    assert subs and subs[0].severity == "warning"
    assert report.missing == []


def test_genre_override_and_unknown_genre():
    from assistant.errors import UnknownGenreError

    with pytest.raises(UnknownGenreError):
        check_text(SAMPLE_REPORT, genre="不存在的文种")
    report = check_text(SAMPLE_REPORT, genre="请示")
    assert report.genre["name"] == "请示"


def test_check_document_without_genre_keeps_format_rules():
    doc = body("一、甲", "二、乙", "二、丙", doc_number="示文[2024]3号", doc_number_line=1)
    report = check_document(doc, genre=None, with_citations=False)
    if report.genre is None:
        assert report.sections == [] and report.to_dict()["missing"] == []
    assert {"doc_number.brackets", "numbering.sequence"} <= {f.rule for f in report.findings}


REQUEST = """示例区司法局关于申请法律援助专项经费的请示

区人民政府：

为保障困难群众法律援助需求，我局拟申请专项经费20万元，用于法律援助案件补贴。

特此报告。

示例区司法局

2024年3月5日

（联系人：王明，联系电话：0595-12345678）
"""


def test_report_wording_in_a_request_is_flagged_by_the_genre_rules():
    report = check_text(REQUEST)
    assert report.genre["name"] == "请示"
    flagged = [f for f in report.findings if "特此报告" in f.message]
    assert flagged and flagged[0].severity == "error" and flagged[0].line == 7
    assert not any(f.rule == "notes.content" for f in report.findings)
    fixed = check_text(REQUEST.replace("特此报告。", "妥否，请批示。"))
    assert not any("特此报告" in f.message for f in fixed.findings)
    assert not any(f.rule == "report.request_wording" for f in fixed.findings)  # a 请示 may ask


def test_request_without_closing_gets_the_genre_severity():
    report = check_text(REQUEST.replace("特此报告。\n", ""))
    [closing] = [f for f in report.findings if f.rule == "closing.customary"]
    assert closing.severity == "warning" and "妥否，请批示" in closing.message


def test_request_notes_need_contact_and_phone_as_the_genre_file_says():
    without = check_text(REQUEST.replace("（联系人：王明，联系电话：0595-12345678）", "（此件不公开）"))
    [f] = [f for f in without.findings if f.rule == "notes.content"]
    assert f.severity == "warning" and "联系人及联系电话" in f.message
    assert "国家行政机关公文处理办法" in f.source and "联系人：×××" in f.fix
    assert f.line == 13  # the 附注 line
    phone_only = check_text(REQUEST.replace("联系人：王明，", ""))
    assert [f.rule for f in phone_only.findings].count("notes.content") == 1  # every pattern must be there
    no_notes = check_text(REQUEST.replace("\n（联系人：王明，联系电话：0595-12345678）\n", "\n"))
    [f] = [f for f in no_notes.findings if f.rule == "notes.content"]
    assert f.line == 11  # pointed at the 成文日期 under which the 附注 goes
    assert not any(f.rule == "format.element_missing" and "附注" in f.message for f in no_notes.findings)
    ok = check_text(REQUEST.replace("（联系人：王明，联系电话：0595-12345678）", "（此件不公开。联系人：王明，电话：12345678）"))
    assert not any(f.rule == "notes.content" for f in ok.findings)
    # A report has no such requirement.
    assert not any(f.rule == "notes.content" for f in check_text(SAMPLE_REPORT).findings)


@pytest.mark.parametrize("closing", ["妥否，请批示。", "当否，请批复。", "以上请示如无不妥，请批准。", "特此请示，请批复。"])
def test_any_customary_request_closing_satisfies_the_required_closing(closing):
    report = check_text(REQUEST.replace("特此报告。", closing))
    assert not any(f.rule == "closing.customary" for f in report.findings)


def test_request_without_any_closing_is_a_warning_naming_the_alternatives():
    report = check_text(REQUEST.replace("特此报告。\n", "请领导审阅。\n"))
    [f] = [f for f in report.findings if f.rule == "closing.customary"]
    assert f.severity == "warning" and "妥否，请批示" in f.message and "以上请示如无不妥" in f.message
    assert f.source == "惯例（请示结语）"


def test_report_without_closing_is_info_and_with_it_is_clean():
    assert not any(f.rule == "closing.customary" for f in check_text(SAMPLE_REPORT).findings)
    report = check_text(SAMPLE_REPORT.replace("特此报告。\n", ""))
    [f] = [f for f in report.findings if f.rule == "closing.customary"]
    assert f.severity == "info" and "特此报告。" in f.message and not report.has_errors


def test_closing_that_is_not_required_is_accepted_but_never_demanded():
    genre = {"id": "t", "name": "测试报告", "closing": [
        {"text": "特此报告。", "required": False, "severity": "warning", "source": "惯例"}]}
    assert not run("closing.customary", body("一、甲", "以上。"), genre=genre)
    genre["closing"][0]["required"] = True
    [f] = run("closing.customary", body("一、甲", "以上。"), genre=genre)
    assert f.severity == "warning" and f.source == "惯例"
    genre["closing"][0]["when_title_ends_with"] = ["报告"]
    assert not run("closing.customary", body("一、甲", "以上。", title="示例局2023年工作总结"), genre=genre)
    assert run("closing.customary", body("一、甲", "以上。", title="示例局关于2023年工作情况的报告"), genre=genre)


def test_every_finding_points_at_a_line_the_text_has():
    # A draft that is only its title: "缺少主送机关" belongs after the title, but there is no line after it.
    from assistant.rules.check import check_text

    for text in ("关于2023年法治政府建设情况的报告", "关于2023年法治政府建设情况的报告\n"):
        report = check_text(text, with_citations=False)
        lines = [f.line for f in report.findings if f.line is not None]
        assert lines and max(lines) <= 1
        assert any(f.rule == "recipients.missing" and f.line == 1 for f in report.findings)
