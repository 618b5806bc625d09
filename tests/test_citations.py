"""Citation extraction, resolution, status at the draft's date, article text and quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.citations.articles import ArticleStore
from assistant.citations.resolver import check_citations, citation_findings, document_date, extract
from assistant.documents.reading import read_document, read_text_input
from assistant.documents.structure import parse_official, parse_regulation
from assistant.errors import StoreError
from assistant.models import Article, Paragraph, Regulation
from assistant.settings import Settings

SAFETY = Path("社会法") / "中华人民共和国安全生产法.md"
OPENNESS = Path("行政法规") / "中华人民共和国政府信息公开条例.md"


def one(text: str, date: str | None = "2024年3月1日", **kw):
    cites = check_citations(text, date, use_store=False, **kw)
    assert len(cites) == 1, [c.text for c in cites]
    return cites[0]


def by_title(cites, title):
    return next(c for c in cites if c.title_as_written == title)


@pytest.fixture
def indexed(regulations_dir, isolated_home):
    """The two texts parsed and put into an ArticleStore in the test's own home."""
    store = ArticleStore(Settings())
    regs = {}
    for rel in (SAFETY, OPENNESS):
        path = regulations_dir / "texts" / rel
        reg = parse_regulation(read_document(path))
        assert store.add_regulation(reg, str(path)) == len(reg.articles)
        regs[reg.title] = reg
    yield regs
    store.close()


# ------------------------------------------------------------------------------------------ seed acceptance


def test_seed_citations(seed_path):
    src = read_document(seed_path)
    date = parse_official(src).date
    assert date == "2024年2月26日" and document_date(src) == date
    cites = check_citations(src, date)

    c = by_title(cites, "中华人民共和国信息公开条例")
    assert (c.resolved_title, c.match, c.suggestion) == ("中华人民共和国政府信息公开条例", "fuzzy",
                                                         "中华人民共和国政府信息公开条例")
    assert c.severity == "error" and "政府信息公开条例" in c.message and c.line == 35

    c = by_title(cites, "宣传工作条例")
    assert (c.resolved_title, c.kind, c.match) == ("中国共产党宣传工作条例", "party_regulation", "abbreviation")
    assert c.suggestion == "中国共产党宣传工作条例" and "全称" in c.message

    c = by_title(cites, "民法典")
    assert (c.resolved_title, c.match, c.status, c.in_force) == ("中华人民共和国民法典", "short_title", "现行有效", True)

    c = by_title(cites, "中华人民共和国安全生产法")
    assert (c.match, c.status, c.in_force, c.findings) == ("exact", "现行有效", True, [])

    c = by_title(cites, "高新区法治宣传教育第八个五年规划（2021-2025）")
    assert c.kind == "local" and c.match == "none" and c.severity == "info"
    c = by_title(cites, "鲤城区党（工）委（党组）意识形态工作责任制实施细则")
    assert c.kind == "local" and c.resolved_title is None and c.severity == "info"
    c = by_title(cites, "高新区理论学习中心组2023年学习计划")
    assert c.kind == "other" and c.match == "none" and c.findings == []
    # Only the wrong title is an error.
    assert [c.title_as_written for c in cites if c.severity == "error"] == ["中华人民共和国信息公开条例"]


def test_repealed_law_depends_on_the_draft_date():
    c = one("依据《中华人民共和国合同法》第五十二条", "2024年5月6日")
    assert (c.status, c.in_force, c.replaced_by) == ("已废止", False, "中华人民共和国民法典")
    assert c.severity == "error" and "2021-01-01" in c.message and "成文日期2024-05-06" in c.message
    c = one("依据《中华人民共和国合同法》第五十二条", "2019年5月6日")
    assert (c.status, c.in_force, c.replaced_by, c.findings) == ("现行有效", True, None, [])


def test_date_comes_from_the_document_when_it_has_one():
    text = "关于××的报告\n区政府：\n根据《中华人民共和国合同法》和《信访条例》，现报告如下。\n特此报告。\n××局\n2019年3月1日"
    src = read_text_input(text)
    when = document_date(src)
    assert when == "2019年3月1日"
    assert all(c.in_force for c in check_citations(src, when))
    assert not any(c.in_force for c in check_citations(src, "2024年3月1日"))
    # Without a date: today, and the message says so.
    c = one("《信访条例》", None)
    assert c.status == "已废止" and "当前日期" in c.message


def test_not_yet_in_force_and_amended_versions():
    c = one("《民法典》", "2019年6月1日")
    assert c.status == "尚未施行" and c.in_force is False and c.severity == "warning"
    c = one("《中华人民共和国行政复议法（2017年修正）》第十条", "2024年3月1日")
    assert (c.resolved_title, c.version_year, c.status, c.in_force) == ("中华人民共和国行政复议法", 2017, "已修改", False)
    assert "2023年" in c.message
    c = one("《中华人民共和国行政复议法》(2017年修正)", "2019年3月1日")
    assert c.status == "现行有效" and c.in_force is True  # the 2023 revision did not exist yet
    c = one("《中华人民共和国安全生产法（2021年修正）》", "2024年3月1日")
    assert c.status == "现行有效" and c.findings == []
    c = one("《中华人民共和国安全生产法（2015年修正）》", "2024年3月1日")
    assert any(f["rule"] == "citation.version" for f in c.findings)


# ------------------------------------------------------------------------------------------ extraction


def test_nested_consecutive_and_variant_titles():
    text = ("依照《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》和《最高人民法院关于适用《中华人民共和国行政诉讼法》的解释》，"
            "学习《民法典》《安全生产法》《法治政府建设实施纲要(2021-2025年)》《法治政府建设实施纲要（2021－2025年）》。")
    cites = check_citations(text, "2024年3月1日", use_store=False)
    assert [c.resolved_title for c in cites] == [
        "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释", "最高人民法院关于适用《中华人民共和国行政诉讼法》的解释",
        "中华人民共和国民法典", "中华人民共和国安全生产法", "法治政府建设实施纲要（2021—2025年）",
        "法治政府建设实施纲要（2021—2025年）"]
    assert [c.match for c in cites] == ["exact", "exact", "short_title", "short_title", "normalized", "normalized"]
    assert cites[4].suggestion == "法治政府建设实施纲要（2021—2025年）" and cites[4].severity == "info"


def test_article_reference_forms():
    raws = extract([Paragraph("按《安全生产法》第二十五条第一款第（三）项、第25条和《民法典》第一千二百六十条至第一千二百六十一条办理。"
                              "《信访工作条例》第5条之一", 7)])
    assert [r.title for r in raws] == ["安全生产法", "民法典", "信访工作条例"]
    a, b = raws[0].refs
    assert (a.index, a.clause, a.item, a.text) == (25, 1, 3, "第二十五条第一款第（三）项")
    assert (b.index, b.text) == (25, "第25条")
    r = raws[1].refs[0]
    assert (r.index, r.end_index) == (1260, 1261)
    assert (raws[2].refs[0].index, raws[2].refs[0].suffix) == (5, 1)
    assert all(r.line == 7 for r in raws)


def test_declared_short_name_resolves_later_mentions():
    text = ("认真贯彻《中华人民共和国安全生产法》（以下简称《安全生产法》）。\n"
            "按照《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，依据《条例》第十条公开。\n"
            "依据《安全生产法》第二十五条。\n"
            "《中华人民共和国行政复议法》，以下简称《复议法》。《复议法》第二条。")
    cites = check_citations(text, "2024年3月1日", use_store=False)
    assert [c.title_as_written for c in cites] == ["中华人民共和国安全生产法", "中华人民共和国政府信息公开条例", "条例",
                                                   "安全生产法", "中华人民共和国行政复议法", "复议法"]
    assert (cites[5].resolved_title, cites[5].match, cites[5].article) == ("中华人民共和国行政复议法", "alias", "第二条")
    assert cites[0].declared_as == "安全生产法"
    assert (cites[2].resolved_title, cites[2].match) == ("中华人民共和国政府信息公开条例", "alias")
    assert cites[2].article == "第十条" and cites[2].line == 2
    assert (cites[3].match, cites[3].findings) == ("alias", [])  # declared: no "use the full name" hint


def test_document_number_after_the_title_is_compared():
    c = one("《中国制造2025》（国发〔2015〕28号）")
    assert c.text == "《中国制造2025》（国发〔2015〕28号）" and c.findings == []
    c = one("《中国制造2025》（国发〔2015〕82号）")
    assert c.severity == "warning" and "国发〔2015〕28号" in c.message


def test_first_short_mention_hint_only_once():
    cites = check_citations("学习《民法典》。\n再学《民法典》。", "2024年3月1日", use_store=False)
    assert [bool(c.findings) for c in cites] == [True, False]
    cites = check_citations("学习《中华人民共和国民法典》。\n再学《民法典》。", "2024年3月1日", use_store=False)
    assert all(not c.findings for c in cites)


def test_non_regulatory_and_local_titles_are_not_errors():
    text = ("观看《长津湖》，阅读《中国国防报》《现代汉语词典》，落实《巴黎协定》和《决定》，参照《江西省安全生产责任追究办法（试行）》"
            "《福建省营商环境建设规划（2024—2029年）》《泉州市鲤城区人民政府关于印发××方案的通知》《高新区干部素质提升行动工作方案》。")
    cites = check_citations(text, "2024年3月1日", use_store=False)
    kinds = {c.title_as_written: c.kind for c in cites}
    assert [kinds[t] for t in ("长津湖", "中国国防报", "现代汉语词典", "巴黎协定", "决定")] == ["other"] * 5
    assert {kinds[t] for t in kinds if t[:2] in ("江西", "福建", "泉州", "高新")} == {"local"}
    assert not [c for c in cites if c.severity in ("error", "warning")]
    assert all(c.match == "none" for c in cites)


def test_unknown_law_and_rivers():
    c = one("《中华人民共和国数字乡村促进法》")
    assert c.match == "none" and c.severity == "warning" and "法规库未收录，请核对名称" in c.message
    c = one("《黄河保护法》")
    assert c.resolved_title == "中华人民共和国黄河保护法" and c.match == "short_title"
    # Looks like a regulation (…意见) and is not in the catalog: never shown as fine.
    c = one("《国务院关于加强数字政府建设的指导意见》")
    assert c.kind == "central_policy" and c.severity == "warning" and c.suggestion is None
    # Other genre words (…通知) that the catalog does not hold stay a note.
    c = one("《国务院关于做好某项工作的通知》")
    assert c.kind == "central_policy" and c.severity == "info"


# ------------------------------------------------------------------------------------------ articles


def test_article_text_and_range_with_the_texts_indexed(indexed):
    safety = indexed["中华人民共和国安全生产法"]
    cites = check_citations("依据《安全生产法》第二十五条，并按《中华人民共和国政府信息公开条例》第九十条办理。", "2024年3月1日")
    a, b = cites
    assert a.resolved_title == "中华人民共和国安全生产法" and a.article == "第二十五条"
    assert a.article_text == safety.article(25).text and a.article_text.startswith("生产经营单位的安全生产管理机构")
    assert b.article_text is None and b.severity == "error"
    assert "共56条" in b.message and "第九十条" in b.message
    assert any(f["rule"] == "citation.article_range" for f in citation_findings([b]))


def test_article_range_known_from_catalog_without_texts():
    c = one("《中华人民共和国政府信息公开条例》第九十条")
    assert c.severity == "error" and "共56条" in c.message and c.article_text is None
    assert one("《中华人民共和国政府信息公开条例》第五十六条").findings == []


def test_quoted_passage_is_compared_with_the_article(indexed):
    text = indexed["中华人民共和国安全生产法"].article(3).text.split("\n")[0]
    good = check_citations(f"《中华人民共和国安全生产法》第三条规定：“{text}”", "2024年3月1日")[0]
    assert good.quote == text and good.quote_diff == [] and good.findings == []
    wrong = text.replace("领导", "指导")
    bad = check_citations(f"《中华人民共和国安全生产法》第三条规定：“{wrong}”", "2024年3月1日")[0]
    assert bad.severity == "warning" and bad.quote_diff
    assert bad.quote_diff == [{"op": "改", "article": "领", "quote": "指"}]
    assert "引文与原文不一致" in bad.message


def test_findings_shape_for_the_checker():
    cites = check_citations("《宣传工作条例》\n《中华人民共和国合同法》", "2024年3月1日", use_store=False)
    found = citation_findings(cites)
    assert [(f["rule"], f["severity"], f["line"]) for f in found] == [
        ("citation.full_name", "warning", 1), ("citation.repealed", "error", 2)]
    for f in found:
        assert {"rule", "severity", "message", "line", "source"} <= set(f)
        assert f["message"]


def test_official_document_input_and_empty_text():
    doc = parse_official(read_text_input("关于××的报告\n依据《民法典》办理。\n特此报告。"))
    assert [c.resolved_title for c in check_citations(doc, doc.date, use_store=False)] == ["中华人民共和国民法典"]
    assert check_citations("没有书名号的文字", None) == []
    assert check_citations("未闭合的《书名号", None) == []


# ------------------------------------------------------------------------------------------ ArticleStore


def _reg(title: str, date_line: str, texts: list[str]) -> Regulation:
    arts = [Article(number=f"第{i}条", index=i, chapter_path=[], text=t, line=i) for i, t in enumerate(texts, 1)]
    return Regulation(title=title, articles=arts, history=[date_line])


def test_article_store_versions_replace_and_remove(tmp_path):
    store = ArticleStore(path=tmp_path / "a.sqlite3")
    assert ArticleStore.existing(path=tmp_path / "none.sqlite3") is None
    assert store.add_regulation(_reg("示例法", "2017年9月1日 修正", ["旧一", "旧二"]), "old.md") == 2
    assert store.add_regulation(_reg("示例法", "2023年9月1日 修订", ["新一", "新二", "新三"]), "new.md") == 3
    assert store.add_regulation(_reg("示例法", "2023年9月1日 修订", ["新一", "新二", "新三"]), "new.md") == 0
    assert store.get("示例法", 1).text == "新一" and store.count("示例法") == 3
    assert store.get("示例法", 1, version="2017").text == "旧一" and store.count("示例法", "2017") == 2
    assert store.get("中华人民共和国示例法", 2).text == "新二"  # found by normalised title
    assert store.get("示例法", 9) is None and store.count("别的法") is None
    assert store.titles() == ["示例法"]
    assert store.remove("new.md") == 1 and store.get("示例法", 3) is None
    assert store.remove("示例法") == 1 and store.titles() == []
    with pytest.raises(StoreError, match="没有可存入的条文"):
        store.add_regulation(Regulation(title="空法"), "empty.md")
    store.close()


def test_article_store_cannot_open_is_a_store_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="无法打开条文库"):
        ArticleStore(path=blocker / "sub" / "a.sqlite3").titles()
