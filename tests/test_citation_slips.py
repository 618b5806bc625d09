"""Citations as staff really write them: homophones, one-character slips, generic words, colloquial names,
traditional characters, edition-less titles, repealed laws with their successor; the acceptance command; law
text import and the hint when it is missing; bad input to `assistant cite`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant.citations.catalog import load_catalog
from assistant.citations.extraction import pair_brackets
from assistant.citations.messages import CitationRules, citation_rules, load_rules
from assistant.citations.resolver import check_citations
from assistant.citations.slips import SlipMatcher, homophones, readings
from assistant.cli import _register, app
from assistant.errors import ConfigError
from assistant.services.laws import import_laws, law_text_coverage

runner = CliRunner()
_register()
ACCEPTANCE = ("依据《中华人民共和国数据安全发》和《大气污染法》，参照《法治政府建设实施纲要》、已废止的"
              "《中华人民共和国外国人入境出境管理法》和《中華人民共和國數據安全法》第二十一條")


def one(text: str, date: str = "2024年3月1日"):
    cites = check_citations(text, date, use_store=False)
    assert len(cites) == 1, [c.text for c in cites]
    return cites[0]


def _lines(output: str) -> list[dict]:
    return [json.loads(x) for x in output.splitlines() if x.strip()]


# ------------------------------------------------------------------------------------------ acceptance


def test_acceptance_command():
    r = runner.invoke(app, ["cite", ACCEPTANCE, "--date", "2024-03-01", "--json"])
    assert r.exit_code == 1, r.output  # slips and a repealed law are errors
    (obj,) = _lines(r.stdout)
    cites = {c["title_as_written"]: c for c in obj["citations"]}
    slip = cites["中华人民共和国数据安全发"]
    assert (slip["suggestion"], slip["suggestion_reason"]) == ("中华人民共和国数据安全法", "同音字")
    assert slip["candidates"][0] == {"title": "中华人民共和国数据安全法", "reason": "同音字", "score": 100.0}
    air = cites["大气污染法"]
    assert air["suggestion"] == "中华人民共和国大气污染防治法" and air["suggestion_reason"] == "俗称"
    plan = cites["法治政府建设实施纲要"]
    assert plan["resolved_title"] == "法治政府建设实施纲要（2021—2025年）" and plan["match"] == "edition"
    old = cites["中华人民共和国外国人入境出境管理法"]
    assert (old["status"], old["replaced_by"]) == ("已废止", "中华人民共和国出境入境管理法")
    assert "2013-07-01" in old["message"]
    trad = [c for c in obj["citations"] if c["resolved_title"] == "中华人民共和国数据安全法" and c["article"]]
    assert len(trad) == 1 and trad[0]["article"] == "第二十一条"


# ------------------------------------------------------------------------------------------ slips


@pytest.mark.parametrize(("written", "expected", "reason"), [
    ("中华人民共和国数据安全发", "中华人民共和国数据安全法", "同音字"),
    ("中华人民共和国妇女全益保障法", "中华人民共和国妇女权益保障法", "同音字"),
    ("政府信息公开条列", "中华人民共和国政府信息公开条例", "同音字"),
    ("中华人民共和国安全生产管理法", "中华人民共和国安全生产法", "多字"),
    ("优化营商环境管理条例", "优化营商环境条例", "多字"),
    ("中华人民共和国信息公开条例", "中华人民共和国政府信息公开条例", "少字"),
    ("中华人民共和国行许政可法", "中华人民共和国行政许可法", "错字"),
    ("个人信息法", "中华人民共和国个人信息保护法", "俗称"),
    ("网安法", "中华人民共和国网络安全法", "俗称"),
    ("行政处罚条例", "中华人民共和国行政处罚法", "俗称"),
])
def test_slips_are_suggested_with_their_reason(written, expected, reason):
    c = one(f"依据《{written}》")
    assert (c.suggestion, c.suggestion_reason, c.match) == (expected, reason, "fuzzy")
    assert c.severity == citation_rules().matching.reason_severity[reason]
    assert f"《{written}》" in c.message and f"《{expected}》" in c.message
    assert c.candidates[0]["title"] == expected


def test_spaces_and_traditional_characters_resolve():
    c = one("依据《中华人民共和国 数据 安全法》")
    assert c.resolved_title == "中华人民共和国数据安全法" and c.severity is None
    c = one("见《中華人民共和國個人信息保護法》第十條")
    assert (c.resolved_title, c.match, c.suggestion_reason, c.article) == (
        "中华人民共和国个人信息保护法", "traditional", "繁体", "第十条")
    assert c.severity == "info"


def test_correct_titles_short_forms_and_local_documents_are_not_flagged():
    for text in ("《中华人民共和国数据安全法》", "《数据安全法》", "《黄河保护法》", "《党政机关公文处理工作条例》",
                 "《中华人民共和国宪法修正案（2018年）》"):
        c = one(text)
        assert c.severity in (None, "info") and c.suggestion_reason is None, (text, c.message)
    for text in ("《福建省优化营商环境条例》", "《泉州市鲤城区人民政府关于印发2024年工作要点的通知》"):
        c = one(text)
        assert c.kind == "local" and c.severity == "info" and c.suggestion is None
    # A book or a film is not a regulation, and not a slip of one.
    for text in ("《长津湖》", "《人民日报》", "《习近平谈治国理政》"):
        c = one(text)
        assert c.severity is None and c.suggestion is None


def test_a_regulation_looking_title_outside_the_catalog_is_never_fine():
    for title in ("中华人民共和国数字乡村促进法", "关于加强基层治理体系建设的意见", "某某工作规定", "城乡融合发展规划纲要"):
        c = one(f"《{title}》")
        assert c.severity == "warning" and "法规库未收录，请核对名称" in c.message, (title, c.message)
    assert one("《黄河保护法》").match == "short_title"
    assert one("《中华人民共和国黄河保护法》").suggestion is None


def test_homophone_table():
    assert "fa" in readings("发") and homophones("发", "法") and homophones("例", "列")
    assert not homophones("黄", "长")
    matcher = SlipMatcher(load_catalog(), citation_rules().matching)
    assert matcher.candidates("长江保护法") == []  # a correct short title is not a slip of anything…
    assert matcher.candidates("黄河保护发")[0].entry.title == "中华人民共和国黄河保护法"


# ------------------------------------------------------------------------------------------ editions and repeals


@pytest.mark.parametrize(("date", "edition"), [
    ("2018年3月1日", "法治政府建设实施纲要（2015—2020年）"),
    ("2021年9月1日", "法治政府建设实施纲要（2021—2025年）"),
    ("2024年3月1日", "法治政府建设实施纲要（2021—2025年）"),
])
def test_edition_less_title_follows_the_document_date(date, edition):
    c = one("对照《法治政府建设实施纲要》", date)
    assert (c.resolved_title, c.match, c.status) == (edition, "edition", "现行有效")
    assert edition in c.message


def test_puf_plan_without_edition_and_the_document_own_date():
    c = one("落实《“八五”普法规划》")
    assert c.resolved_title.endswith("第八个五年规划（2021—2025年）")
    c = one("落实《普法规划》", "2018年6月1日")
    assert c.resolved_title.endswith("第七个五年规划（2016—2020年）")
    # No --date: the draft's own 成文日期 decides.
    r = runner.invoke(app, ["cite", "--json", "对照《法治政府建设实施纲要》。\n\n某某局\n2019年3月1日"])
    (obj,) = _lines(r.stdout)
    assert obj["citations"][0]["resolved_title"] == "法治政府建设实施纲要（2015—2020年）"


def test_repealed_laws_name_their_successor_and_chain():
    c = one("《中华人民共和国经济合同法》", "2024年3月1日")
    assert c.status == "已废止" and c.in_force is False
    assert "中华人民共和国民法典" in [c.replaced_by, *c.replaced_chain]
    catalog = load_catalog()
    chained = [e for e in catalog.entries if e.chain]
    assert chained, "repealed.yaml has successors that were themselves replaced"
    e = chained[0]
    c = one(f"《{e.title}》", "2026年12月1日")
    assert c.replaced_chain and c.replaced_chain[-1] == e.chain[-1] and f"《{e.chain[-1]}》" in c.message


def test_catalog_holds_the_national_texts_and_the_repeals():
    catalog = load_catalog()
    kinds = [e.kind for e in catalog.entries]
    assert kinds.count("law") >= 300 and kinds.count("administrative_regulation") >= 600
    repealed = [e for e in catalog.entries if e.status == "已废止"]
    assert len(repealed) >= 150
    assert all(e.basis for e in repealed), [e.title for e in repealed if not e.basis][:5]


# ------------------------------------------------------------------------------------------ rules as data


def test_citation_rules_are_strict(tmp_path):
    rules = citation_rules()
    assert isinstance(rules, CitationRules) and "法" in rules.matching.regulation_suffixes
    src = (rules_path := tmp_path / "citation_rules.yaml")
    from assistant.settings import PROJECT_ROOT

    text = (PROJECT_ROOT / "knowledge" / "regulations" / "citation_rules.yaml").read_text(encoding="utf-8")
    src.write_text(text.replace("应为《{title}》", "应为《{titel}》", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="titel"):
        load_rules(rules_path)
    src.write_text(text.replace("  max_candidates: 5", "  max_candidates: 5\n  maximum_candidates: 5"), encoding="utf-8")
    with pytest.raises(ConfigError, match="maximum_candidates"):
        load_rules(rules_path)


# ------------------------------------------------------------------------------------------ law texts


def test_fresh_home_says_how_to_add_texts():
    r = runner.invoke(app, ["cite", "--json", "《安全生产法》第二十五条"])
    c = _lines(r.stdout)[0]["citations"][0]
    assert c["article_text"] is None and "assistant laws import" in c["text_hint"]
    assert law_text_coverage()["texts"] == 0 and law_text_coverage()["label"].startswith("法规原文：0 部")


def test_laws_import_then_cite_gives_the_article(regulations_dir):
    texts = regulations_dir / "texts"
    r = runner.invoke(app, ["laws", "import", str(texts / "社会法")])
    assert r.exit_code == 0, r.output
    assert "新导入" in r.output and "法规原文：" in r.output and "覆盖目录" in r.output
    r = runner.invoke(app, ["cite", "--json", "《安全生产法》第二十五条"])
    c = _lines(r.stdout)[0]["citations"][0]
    assert c["article_text"].startswith("生产经营单位的安全生产管理机构") and c["text_hint"] is None
    again = import_laws(texts / "社会法")
    assert again.imported == [] and len(again.present) >= 1
    cov = law_text_coverage()
    assert cov["texts"] >= 1 and 0 < cov["percent"] < 100


def test_laws_import_reports_unreadable_files(tmp_path):
    folder = tmp_path / "laws"
    folder.mkdir()
    (folder / "某某条例.txt").write_text("某某条例\n\n第一条 为了规范某某工作，制定本条例。\n第二条 本条例自公布之日起施行。\n",
                                      encoding="utf-8")
    (folder / "说明.txt").write_text("这只是一份说明，没有条文。", encoding="utf-8")
    (folder / "坏文件.docx").write_bytes(b"not a zip")
    (folder / "空文件.pdf").write_bytes(b"")
    r = runner.invoke(app, ["laws", "import", str(folder), "--json"])
    assert r.exit_code == 0, r.output
    obj = json.loads(r.stdout.strip().splitlines()[-1])
    assert obj["imported"] == 1 and obj["already_present"] == 0
    bad = {x["file"].rsplit("/", 1)[-1]: x["reason"] for x in obj["unreadable"]}
    assert set(bad) == {"说明.txt", "坏文件.docx", "空文件.pdf"} and all(bad.values())
    r = runner.invoke(app, ["laws", "import", str(tmp_path / "nowhere")])
    assert r.exit_code == 2 and "找不到路径" in r.output and "Traceback" not in r.output


# ------------------------------------------------------------------------------------------ bad input


def test_cite_answers_every_input_with_one_json_line(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "broken.docx"
    binary.write_bytes(b"\x00\x01 not a docx")
    odd = tmp_path / "table.xlsx"
    odd.write_bytes(b"PK\x03\x04")
    good = tmp_path / "good.txt"
    good.write_text("依据《安全生产法》开展工作。", encoding="utf-8")
    r = runner.invoke(app, ["cite", "--json", str(empty), str(binary), str(odd), str(good)])
    lines = _lines(r.stdout)
    assert r.exit_code == 2 and len(lines) == 4 and "Traceback" not in r.output
    assert [bool(x.get("error")) for x in lines] == [True, True, True, False]
    assert all(x["file"] for x in lines)


def test_pathological_brackets_are_answered():
    """Linear bracket pairing: these finish (timing is in benchmarks/, not here) and yield what they hold."""
    assert check_citations("《" * 20_000, "2024年3月1日", use_store=False) == []
    assert check_citations("《" + "法" * 20_000 + "》", "2024年3月1日", use_store=False) == []  # > 200 chars
    assert check_citations("》《" * 10_000, "2024年3月1日", use_store=False) == []
    many = check_citations("《《中华人民共和国数据安全法》》" * 500, "2024年3月1日", use_store=False)
    assert len(many) == 500 and {c.resolved_title for c in many} == {"中华人民共和国数据安全法"}
    nested = check_citations("《《中华人民共和国数据安全法》》", "2024年3月1日", use_store=False)
    assert len(nested) == 1
    assert pair_brackets("《a《b》c》") == {0: 6, 2: 4}
    r = runner.invoke(app, ["cite", "--json", "《" * 20_000])
    assert r.exit_code == 0 and _lines(r.stdout)[0]["citations"] == []
