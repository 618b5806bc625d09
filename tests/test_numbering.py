"""Numbering patterns: Chinese numerals, 层次序数, article references, 发文字号, dates."""

from __future__ import annotations

import pytest

from assistant.documents.numbering import (
    cn_to_int,
    find_article_refs,
    format_article,
    heading_level,
    int_to_cn,
    is_date_line,
    parse_article_ref,
    parse_date,
    parse_doc_number,
    split_inline_heading,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十五", 25), ("一百", 100), ("一百零八", 108),
        ("一百一十", 110), ("一百二十八", 128), ("一千零六", 1006), ("一千二百六十", 1260), ("两", 2),
        ("二〇二四", 2024), ("二零二四", 2024), ("128", 128), ("１２", 12), ("一万零五", 10005),
    ],
)
def test_cn_to_int(text: str, value: int) -> None:
    assert cn_to_int(text) == value


@pytest.mark.parametrize("text", ["", "条", "第一", "abc"])
def test_cn_to_int_rejects_non_numerals(text: str) -> None:
    assert cn_to_int(text) is None


def test_int_to_cn_round_trips_every_article_number() -> None:
    for n in range(0, 1400):
        assert cn_to_int(int_to_cn(n)) == n
    assert int_to_cn(10) == "十"
    assert int_to_cn(15) == "十五"
    assert int_to_cn(105) == "一百零五"
    assert int_to_cn(110) == "一百一十"
    assert int_to_cn(1260) == "一千二百六十"
    assert format_article(10, 1) == "第十条之一"
    assert format_article(128) == "第一百二十八条"


@pytest.mark.parametrize(
    ("text", "level", "number", "value", "rest", "ok"),
    [
        ("一、2023年主要工作举措", 1, "一、", 1, "2023年主要工作举措", True),
        ("十二、其他事项", 1, "十二、", 12, "其他事项", True),
        ("（一）夯实法治根基", 2, "（一）", 1, "夯实法治根基", True),
        ("（ 三 ） 扩大法治宣传", 2, "（三）", 3, "扩大法治宣传", True),
        ("1.加强领导", 3, "1.", 1, "加强领导", True),
        ("2．完善制度", 3, "2.", 2, "完善制度", True),
        ("（1）建立台账", 4, "（1）", 1, "建立台账", True),
        # wrong forms are recognised but flagged
        ("1、加强领导", 3, "1.", 1, "加强领导", False),
        ("（一）、夯实基础", 2, "（一）", 1, "夯实基础", False),
        ("(一)夯实基础", 2, "（一）", 1, "夯实基础", False),
        ("（一)夯实基础", 2, "（一）", 1, "夯实基础", False),
        ("一.总体情况", 1, "一、", 1, "总体情况", False),
        ("(2)建立台账", 4, "（2）", 2, "建立台账", False),
    ],
)
def test_heading_level(text: str, level: int, number: str, value: int, rest: str, ok: bool) -> None:
    mark = heading_level(text)
    assert mark is not None
    assert (mark.level, mark.number_text, mark.value, mark.rest, mark.style_ok) == (level, number, value, rest, ok)


@pytest.mark.parametrize(
    "text",
    ["一是强化学法用法，增强干部法治观念。", "其一，加强领导。", "1.5亿元用于改造。", "2024年2月26日",
     "一年来，我们坚持…", "第一条 为了规范管理", "十件实事全部完成。", "一、"],
)
def test_not_headings(text: str) -> None:
    assert heading_level(text) is None


def test_split_inline_heading() -> None:
    assert split_inline_heading("加强领导。全年召开会议4次。") == ("加强领导", "全年召开会议4次。")
    assert split_inline_heading("存在的不足和原因") == ("存在的不足和原因", "")
    assert split_inline_heading("完善制度。") == ("完善制度", "")


def test_parse_article_ref() -> None:
    ref = parse_article_ref("依照第二十五条第一款第（二）项的规定")
    assert ref is not None
    assert (ref.article, ref.suffix, ref.clause, ref.item) == (25, 0, 1, 2)
    assert ref.raw == "第二十五条第一款第（二）项"
    ref = parse_article_ref("第十条之一")
    assert ref is not None and (ref.article, ref.suffix) == (10, 1)
    assert ref.article_text == "第十条之一"
    ref = parse_article_ref("第一千二百六十条")
    assert ref is not None and ref.article == 1260
    ref = parse_article_ref("第5条第2款")
    assert ref is not None and (ref.article, ref.clause) == (5, 2)
    assert parse_article_ref("第一章 总则") is None


def test_find_article_refs_positions() -> None:
    text = "根据《某某法》第十条和第十二条之二的规定"
    refs = find_article_refs(text)
    assert [(text[s:e], r.article, r.suffix) for s, e, r in refs] == [("第十条", 10, 0), ("第十二条之二", 12, 2)]


@pytest.mark.parametrize(
    ("text", "compact", "ok"),
    [
        ("泉鲤高文〔2024〕3号", "泉鲤高文〔2024〕3号", True),
        ("泉鲤高文 〔2024〕 3 号", "泉鲤高文〔2024〕3号", True),
        ("泉鲤高文[2024]3号", "泉鲤高文[2024]3号", False),
        ("泉鲤高文(2024)3号", "泉鲤高文(2024)3号", False),
        ("泉鲤高文【2024】3号", "泉鲤高文【2024】3号", False),
        ("泉鲤高文〔2024〕第3号", "泉鲤高文〔2024〕第3号", False),
        ("泉鲤高文〔2024〕03号", "泉鲤高文〔2024〕03号", False),
    ],
)
def test_parse_doc_number(text: str, compact: str, ok: bool) -> None:
    num = parse_doc_number(text)
    assert num is not None
    assert (num.text, num.org, num.year, num.seq, num.style_ok) == (compact, "泉鲤高文", 2024, int(compact[-2]), ok)


def test_doc_number_rejects_sentences() -> None:
    assert parse_doc_number("2024年共办理案件3号") is None
    assert parse_doc_number("区委、区政府：") is None


def test_parse_date() -> None:
    d = parse_date("2024 年 2 月 26 日")
    assert d is not None and (d.text, d.year, d.month, d.day, d.chinese) == ("2024年2月26日", 2024, 2, 26, False)
    d = parse_date("二〇二四年二月二十六日")
    assert d is not None and (d.year, d.month, d.day, d.chinese) == (2024, 2, 26, True)
    assert parse_date("2024年13月1日") is None
    assert is_date_line("2024年2月26日")
    assert not is_date_line("2024年2月26日印发")


def test_numbered_line_starting_with_a_year_is_a_heading() -> None:
    mark = heading_level("1.2024年度执法案件统计表")
    assert mark is not None and (mark.level, mark.value, mark.rest) == (3, 1, "2024年度执法案件统计表")
