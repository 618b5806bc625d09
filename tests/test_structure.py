"""公文 structure parsing (版头, 标题, 主送, 层次, 落款, 附注, 版记), regulations, and `assistant parse`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.documents.structure import is_regulation, parse_any, parse_official, parse_regulation
from assistant.models import OfficialDocument, Paragraph, Regulation, SourceText


def src(text: str) -> SourceText:
    """A SourceText with one paragraph per non-empty line, keeping the line numbers."""
    paras = [Paragraph(line, i) for i, line in enumerate(text.split("\n"), 1) if line.strip()]
    return SourceText(paras, format="text")


# A fictional 请示-style report with every format element (written for these tests).
FULL_DOC = """\
示例县市场监督管理局文件

示市监〔2025〕7号　　　　签发人：李明

示例县市场监督管理局关于2024年
法治政府建设情况的报告

县委、县政府：

2024年，我局坚持依法行政，现将有关情况报告如下。

一、主要举措和成效
（一）健全制度体系
1.加强组织领导。全年召开专题会议4次，研究解决重点问题。
2.完善规章制度。修订内部管理制度12项。
（二）规范执法行为
（1）推行执法全过程记录。
二、存在的不足和原因
一是执法队伍专业化程度不高。二是宣传形式单一。
三、下一年度工作安排
1.深化普法宣传。
特此报告。

附件：1.2024年度执法案件统计表
2.2024年度普法活动清单

示例县市场监督管理局
二〇二五年一月二十日

（联系人：王芳，电话：12345678）

抄送：市市场监督管理局，县委依法治县办。

示例县市场监督管理局办公室    2025年1月20日印发
"""


def test_full_document_elements() -> None:
    doc = parse_official(src(FULL_DOC))
    assert doc.issuer_mark == "示例县市场监督管理局文件"
    assert doc.doc_number == "示市监〔2025〕7号"
    assert doc.doc_number_line == 3
    assert doc.signer == "李明"
    assert doc.title == "示例县市场监督管理局关于2024年法治政府建设情况的报告"
    assert doc.title_line == 5
    assert doc.recipients == ["县委", "县政府"]
    assert doc.recipients_line == 8
    assert [p.text[:5] for p in doc.preamble] == ["2024年"]
    assert doc.closing == "特此报告。"
    assert doc.attachments == ["2024年度执法案件统计表", "2024年度普法活动清单"]
    assert doc.issuer == "示例县市场监督管理局"
    assert doc.date == "二〇二五年一月二十日"
    assert doc.notes == "（联系人：王芳，电话：12345678）"
    assert doc.cc == ["市市场监督管理局", "县委依法治县办"]
    assert doc.cc_raw == "市市场监督管理局，县委依法治县办。"
    assert doc.print_org == "示例县市场监督管理局办公室"
    assert doc.print_date == "2025年1月20日印发"
    assert doc.print_line == "示例县市场监督管理局办公室 2025年1月20日印发"

    assert [(s.number, s.heading) for s in doc.sections] == [
        ("一、", "主要举措和成效"), ("二、", "存在的不足和原因"), ("三、", "下一年度工作安排")]
    first = doc.sections[0]
    assert [(c.level, c.number, c.heading) for c in first.children] == [
        (2, "（一）", "健全制度体系"), (2, "（二）", "规范执法行为")]
    items = first.children[0].children
    assert [(c.level, c.number, c.heading) for c in items] == [(3, "1.", "加强组织领导"), (3, "2.", "完善规章制度")]
    # A numbered line that runs on keeps its first sentence as the heading, the rest as inline text.
    assert items[0].inline_text == "全年召开专题会议4次，研究解决重点问题。"
    # （1） directly under （二）: a skipped level still nests, with its real level number.
    skipped = first.children[1].children[0]
    assert (skipped.level, skipped.number, skipped.heading) == (4, "（1）", "推行执法全过程记录")
    # 一是…二是… is an inline enumeration, not a heading.
    second = doc.sections[1]
    assert second.children == []
    assert second.paragraphs[0].text.startswith("一是")
    # The closing and attachments are not body text of the last section.
    assert "特此报告" not in doc.sections[2].body_text()
    assert "附件" not in doc.sections[2].body_text()
    d = doc.to_dict()
    assert d["sections"][0]["children"][0]["children"][0]["line"] == 14


def test_wrong_doc_number_forms_are_kept_for_the_checker() -> None:
    for number in ("示政[2024]5号", "示政（2024）5号", "示政【2024】5号", "示政〔2024〕第5号"):
        doc = parse_official(src(f"示例县人民政府文件\n{number}\n示例县人民政府关于某事项的请示\n市政府：\n正文内容。"))
        assert doc.doc_number == number
        assert doc.title == "示例县人民政府关于某事项的请示"
        assert doc.recipients == ["市政府"]


def test_signature_and_date_on_two_lines_and_org_wrapped() -> None:
    text = "关于某项工作的报告\n区政府：\n一、基本情况\n全年完成任务。\n示例市示例区\n人民政府办公室\n2024年3月5日"
    doc = parse_official(src(text))
    assert doc.issuer == "示例市示例区人民政府办公室"
    assert doc.date == "2024年3月5日"
    assert doc.date_line == 7
    assert [s.heading for s in doc.sections] == ["基本情况"]
    assert [p.text for p in doc.sections[0].paragraphs] == ["全年完成任务。"]


def test_print_org_and_date_on_adjacent_lines() -> None:
    text = "关于某项工作的报告\n区政府：\n正文。\n示例单位\n2024年3月5日\n抄送：甲单位、乙单位。\n示例单位办公室\n2024年3月6日印发"
    doc = parse_official(src(text))
    assert doc.cc == ["甲单位", "乙单位"]
    assert doc.print_line == "示例单位办公室 2024年3月6日印发"
    assert doc.print_line_no == 7
    assert doc.issuer == "示例单位"


GOV_REPORT = """\
2025年示例省政府工作报告
——2025年1月10日在示例省第十四届人民代表大会第三次会议上
示例省人民政府省长 某某
各位代表：
现在，我代表省人民政府，向大会报告工作，请予审议。
一、2024年工作回顾
过去一年，全省经济运行稳中有进。
（一）稳住经济基本盘。全年地区生产总值增长5%。
（二）推进改革开放。
二、2025年工作安排
（一）扩大有效需求。
三、加强政府自身建设
各位代表！让我们共同奋斗。
一、稳定和扩大就业
年度目标：新增就业10万人。
二、实施交通惠民工程
年度目标：新改建农村公路1000公里。
"""


def test_government_work_report_without_head() -> None:
    doc = parse_official(src(GOV_REPORT))
    assert doc.title == "2025年示例省政府工作报告"
    assert doc.doc_number is None
    assert doc.recipients == ["各位代表"]
    assert [p.text[:4] for p in doc.preamble] == ["现在，我"]
    assert [(s.number, s.heading) for s in doc.sections] == [
        ("一、", "2024年工作回顾"), ("二、", "2025年工作安排"), ("三、", "加强政府自身建设")]
    review = doc.sections[0]
    assert [(c.number, c.heading, c.inline_text) for c in review.children] == [
        ("（一）", "稳住经济基本盘", "全年地区生产总值增长5%。"), ("（二）", "推进改革开放", "")]
    # A list that restarts at 一、 after 三、 (an annex of 实事) nests under the current part, keeping its level.
    annex = doc.sections[2].children
    assert [(c.level, c.number, c.heading) for c in annex] == [(1, "一、", "稳定和扩大就业"), (1, "二、", "实施交通惠民工程")]


def test_annex_marker_ends_the_body() -> None:
    text = GOV_REPORT.replace("一、稳定和扩大就业", "附件\n示例省2025年民生实事\n一、稳定和扩大就业")
    doc = parse_official(src(text))
    assert len(doc.sections) == 3
    assert doc.sections[2].children == []
    assert all("年度目标" not in s.body_text() for s in doc.sections)


def test_unnumbered_part_headings() -> None:
    text = (
        "2025年示例省政府工作报告\n各位代表：\n现在，我代表省人民政府报告工作。\n2024年工作回顾\n"
        "过去一年，我们做了大量工作。\n（一）稳增长。\n2025年工作安排\n（一）扩内需。\n（二）促改革。\n"
    )
    doc = parse_official(src(text))
    assert [(s.level, s.number, s.heading, len(s.children)) for s in doc.sections] == [
        (1, "", "2024年工作回顾", 1), (1, "", "2025年工作安排", 2)]


def test_plain_string_input_and_empty_input() -> None:
    doc = parse_official("一、总体情况\n今年工作顺利。\n二、下步打算\n继续努力。")
    assert doc.title is None
    assert [s.heading for s in doc.sections] == ["总体情况", "下步打算"]
    empty = parse_official("")
    assert empty.sections == [] and empty.title is None


# A fictional regulation in LawRefBook Markdown (written for these tests).
LAW_MD = """\
# 示例管理条例

2024年1月1日 示例委员会通过

2024年3月1日 施行

<!-- INFO END -->

## 第一章  总  则

第一条 为了规范示例管理，制定本条例。

第二条 本条例适用于示例活动。

依照本条例第一条规定开展的活动，应当登记。

## 第二章 管理措施

### 第一节 一般规定

第三条 管理机关应当履行下列职责：

（一）制定计划；

（二）组织实施。

第三条之一 管理机关应当公开信息。

第十条规定的事项不适用本条。

### 第二节 特别规定

笫四条 特别事项另行规定。

第五 条特别事项由管理机关决定。

第六条 本条例自2024年3月1日起施行。
"""


def test_regulation_markdown() -> None:
    reg = parse_regulation(LAW_MD)
    assert reg.title == "示例管理条例"
    assert reg.history == ["2024年1月1日 示例委员会通过", "2024年3月1日 施行"]
    assert [a.number for a in reg.articles] == ["第一条", "第二条", "第三条", "第三条之一", "第四条", "第五条", "第六条"]
    second = reg.article(2)
    assert second is not None
    # A paragraph that cites 第一条 is a 款 of 第二条, not a new article.
    assert second.text == "本条例适用于示例活动。\n依照本条例第一条规定开展的活动，应当登记。"
    assert second.chapter_path == ["第一章 总则"]
    third = reg.article(3)
    assert third is not None and third.text.split("\n") == ["管理机关应当履行下列职责：", "（一）制定计划；", "（二）组织实施。"]
    assert third.chapter_path == ["第二章 管理措施", "第一节 一般规定"]
    one = reg.article(3, 1)
    assert one is not None and one.suffix == 1 and one.index == 3
    # "第十条规定的…" out of sequence at a paragraph start stays inside 第三条之一.
    assert one.text.endswith("第十条规定的事项不适用本条。")
    # The two source typos (笫 and a space inside the marker) are recovered.
    assert reg.article(4) is not None and reg.article(4).text == "特别事项另行规定。"
    assert reg.article(5) is not None and reg.article(5).text == "特别事项由管理机关决定。"
    assert reg.article(6).chapter_path == ["第二章 管理措施", "第二节 特别规定"]
    assert reg.article(1).line == 11
    assert is_regulation(LAW_MD)
    assert isinstance(parse_any(LAW_MD), Regulation)


LAW_PLAIN = """\
示例档案管理办法

（2023年5月1日示例委员会通过　2024年6月1日修订）

目　　录

第一章　总　　则
第二章　档案管理
第三章　附　　则

第一章　总　　则

第一条　为了加强档案管理，制定本办法。
第二条　本办法所称档案，是指示例单位形成的记录。

第二章　档案管理

第三条　档案应当集中管理。
第四条　档案不得擅自销毁。

第三章　附　　则

第五条　本办法自公布之日起施行。
"""


def test_regulation_plain_text_with_table_of_contents() -> None:
    reg = parse_regulation(src(LAW_PLAIN))
    assert reg.title == "示例档案管理办法"
    assert reg.history == ["2023年5月1日示例委员会通过　2024年6月1日修订"]
    assert [(a.number, a.chapter_path) for a in reg.articles] == [
        ("第一条", ["第一章 总则"]), ("第二条", ["第一章 总则"]), ("第三条", ["第二章 档案管理"]),
        ("第四条", ["第二章 档案管理"]), ("第五条", ["第三章 附则"])]
    assert reg.articles[0].text == "为了加强档案管理，制定本办法。"
    assert is_regulation(src(LAW_PLAIN))


def test_articles_without_space_after_marker_need_sequence() -> None:
    # After whitespace normalisation "第一条 为了" may become "第一条为了": still parsed, in sequence only.
    reg = parse_regulation("某规定\n第一条为了规范。\n第二条本规定适用于全市。\n第五条规定的情形除外。\n第三条本规定自公布之日起施行。")
    assert [a.number for a in reg.articles] == ["第一条", "第二条", "第三条"]
    assert reg.article(2).text == "本规定适用于全市。\n第五条规定的情形除外。"


def test_official_document_is_not_a_regulation() -> None:
    assert not is_regulation(src(FULL_DOC))
    assert isinstance(parse_any(src(FULL_DOC)), OfficialDocument)


# ---------------------------------------------------------------------------------------------------------
# The seed and the real government work reports
# ---------------------------------------------------------------------------------------------------------


def test_seed_acceptance(seed_path: Path) -> None:
    from assistant.documents.reading import read_document

    doc = parse_official(read_document(seed_path))
    assert doc.title == "高新区管委会关于2023年法治政府建设情况的报告"
    assert doc.doc_number == "泉鲤高文〔2024〕3号"
    assert doc.signer == "张志强"
    assert doc.recipients == ["区委", "区政府"]
    assert doc.date == "2024年2月26日"
    assert doc.issuer == "泉州市鲤城高新技术产业开发区管理委员会"
    assert doc.issuer_mark == "泉州市鲤城高新技术产业开发区管理委员会文件"
    assert doc.notes == "（此件主动公开）"
    assert doc.cc == ["区委依法治区办"]
    assert doc.print_line is not None
    assert "鲤城高新区综合科（党建办）" in doc.print_line and "2024年2月26日印发" in doc.print_line
    assert [s.level for s in doc.sections] == [1, 1, 1, 1]
    assert [s.number for s in doc.sections] == ["一、", "二、", "三、", "四、"]
    assert [s.heading for s in doc.sections[1:]] == [
        "存在的不足和原因", "主要负责人履行法治建设第一责任人职责情况", "2024年推进法治政府建设的主要安排"]
    first = doc.sections[0]
    assert first.heading == "2023年主要工作举措"
    assert [(c.level, c.number) for c in first.children] == [(2, "（一）"), (2, "（二）"), (2, "（三）"), (2, "（四）")]
    # 四、's 一是…二是…三是… paragraphs are body text, not headings.
    last = doc.sections[3]
    assert last.children == []
    assert [p.text[:2] for p in last.paragraphs] == ["一是", "二是", "三是"]
    # Wrapped lines were rejoined by the reader before parsing.
    body = doc.body_text
    assert "公职律师，为重大行政决策" in body
    assert "全方位精准化法律服务" in body
    # The signature block and 版记 are not part of the last section.
    assert "印发" not in last.body_text() and "抄送" not in last.body_text()


def test_gov_work_reports_top_level_parts(gov_reports_dir: Path) -> None:
    from assistant.documents.reading import read_document

    files = sorted(gov_reports_dir.glob("*.txt"))
    assert len(files) == 39
    for f in files:
        doc = parse_official(read_document(f))
        tops = doc.sections
        assert 2 <= len(tops) <= 5, (f.name, [s.heading for s in tops])
        assert all(s.level == 1 for s in tops), f.name
        first = tops[0]
        # The first part reviews the past year: its heading says so, or its opening paragraphs do.
        opening = "".join(p.text for p in first.paragraphs[:3])
        assert "回顾" in first.heading or "一年来" in opening or "过去一年" in opening, (f.name, first.heading)
        assert "回顾" not in "".join(s.heading for s in tops[1:]), f.name
        # No numbered item of a trailing annex (名词解释 1.… / 十件实事) becomes a top-level part.
        assert [s.number for s in tops if s.number] == ["一、", "二、", "三、", "四、", "五、"][: len([s for s in tops if s.number])]


def test_parse_cli_json_on_seed(seed_path: Path) -> None:
    from assistant.cli import _register, app

    _register()
    result = CliRunner().invoke(app, ["parse", str(seed_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for key in ("title", "doc_number", "issuer", "signer", "recipients", "date", "attachments", "notes", "cc",
                "print_line", "sections"):
        assert key in data
    assert data["title"] == "高新区管委会关于2023年法治政府建设情况的报告"
    assert data["recipients"] == ["区委", "区政府"]
    assert data["cc"] == ["区委依法治区办"]
    assert len(data["sections"]) == 4
    assert len(data["sections"][0]["children"]) == 4
    for s in data["sections"]:
        assert set(s) >= {"level", "number", "heading", "line", "role", "children"}
    assert data["sections"][0]["line"] == 15


def test_parse_cli_outline_and_regulation(tmp_path: Path) -> None:
    from assistant.cli import _register, app

    _register()
    doc_file = tmp_path / "report.txt"
    doc_file.write_text(FULL_DOC, encoding="utf-8")
    result = CliRunner().invoke(app, ["parse", str(doc_file)])
    assert result.exit_code == 0, result.output
    assert "示市监〔2025〕7号" in result.output
    assert "健全制度体系" in result.output
    assert "抄送机关" in result.output

    law_file = tmp_path / "law.md"
    law_file.write_text(LAW_MD, encoding="utf-8")
    result = CliRunner().invoke(app, ["parse", str(law_file), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == "示例管理条例"
    assert [a["number"] for a in data["articles"]][:3] == ["第一条", "第二条", "第三条"]
    assert set(data["articles"][0]) >= {"number", "chapter_path", "text", "line"}
    result = CliRunner().invoke(app, ["parse", str(law_file)])
    assert result.exit_code == 0
    assert "第二章 管理措施" in result.output and "共7条" in result.output


def test_parse_cli_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    from assistant.cli import _register, app

    _register()
    result = CliRunner().invoke(app, ["parse", str(tmp_path / "nope.txt")])
    assert result.exit_code != 0
    assert "错误" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("line", ["（此件主动公开）", "(此件公开发布)"])
def test_notes_after_date(line: str) -> None:
    doc = parse_official(src(f"关于某事的报告\n区政府：\n正文。\n示例单位\n2024年5月6日\n{line}"))
    assert doc.notes == line
    assert doc.date == "2024年5月6日"


def test_regulation_docx_parses_like_its_text_twin(tmp_path: Path) -> None:
    import docx

    from assistant.documents.reading import read_document

    document = docx.Document()
    for line in LAW_PLAIN.split("\n"):
        if line.strip():
            document.add_paragraph(line)
    path = tmp_path / "law.docx"
    document.save(str(path))
    twin = tmp_path / "law.txt"
    twin.write_text(LAW_PLAIN, encoding="utf-8")
    from_docx = parse_any(read_document(path))
    from_txt = parse_any(read_document(twin))
    assert isinstance(from_docx, Regulation) and isinstance(from_txt, Regulation)
    assert [(a.number, a.chapter_path, a.text) for a in from_docx.articles] == [
        (a.number, a.chapter_path, a.text) for a in from_txt.articles]
    assert len(from_docx.articles) == 5


def test_seed_roles_when_genre_rules_exist(seed_path: Path) -> None:
    from assistant.services.checking import parse_with_roles

    parsed = parse_with_roles(seed_path)
    doc, genre = parsed.result, parsed.genre
    assert isinstance(doc, OfficialDocument)
    assert genre == "法治政府建设年度报告"
    assert [s.role for s in doc.sections] == ["measures", "shortcomings", "first_responsible", "next_year"]


def test_docx_heading_styles_without_numbers(tmp_path: Path) -> None:
    import docx

    from assistant.documents.reading import read_document

    document = docx.Document()
    document.add_paragraph("示例镇人民政府关于2024年工作情况的报告")
    document.add_paragraph("县政府：")
    document.add_paragraph("现将有关情况报告如下。")
    document.add_heading("主要工作", level=1)
    document.add_paragraph("全年完成各项任务，群众满意度明显提升。")
    document.add_heading("基础设施", level=2)
    document.add_paragraph("新建道路3公里。")
    document.add_heading("下步打算", level=1)
    document.add_paragraph("继续推进各项工作。")
    path = tmp_path / "styled.docx"
    document.save(str(path))
    doc = parse_official(read_document(path))
    assert doc.title == "示例镇人民政府关于2024年工作情况的报告"
    assert doc.recipients == ["县政府"]
    assert [(s.level, s.number, s.heading, [c.heading for c in s.children]) for s in doc.sections] == [
        (1, "", "主要工作", ["基础设施"]), (1, "", "下步打算", [])]
    assert [p.text for p in doc.sections[0].children[0].paragraphs] == ["新建道路3公里。"]


def test_intro_line_with_colon_is_not_recipients() -> None:
    doc = parse_official(src("关于某项工作的报告\n2024年主要工作如下：\n一、完成任务\n全年完成任务。"))
    assert doc.recipients == []
    assert [p.text for p in doc.preamble] == ["2024年主要工作如下："]


def test_body_only_text_has_no_title() -> None:
    doc = parse_official("今年以来，我局认真落实各项部署，取得明显成效\n一、主要做法\n加强领导。")
    assert doc.title is None
    assert [p.text[:4] for p in doc.preamble] == ["今年以来"]


def test_report_with_annex_of_practical_matters(gov_reports_dir: Path) -> None:
    from assistant.documents.reading import read_document

    # 云南 2025 ends with 名词解释 and an annex listing 一、…十、 惠民实事 after 三、: not new top-level parts.
    doc = parse_official(read_document(gov_reports_dir / "2025年云南省政府工作报告.txt"))
    assert [s.number for s in doc.sections] == ["一、", "二、", "三、"]
    headings = [s.heading for s in doc.iter_sections()]
    assert "稳定和扩大就业" not in headings
    assert len(doc.sections[2].children) == 9
    # 四川 2025 has unnumbered parts.
    sichuan = parse_official(read_document(gov_reports_dir / "2025年四川省政府工作报告.txt"))
    assert [s.heading for s in sichuan.sections] == ["2024年工作回顾", "2025年工作安排建议", "加强政府自身建设"]


def test_gov_work_reports_recognised_with_roles(gov_reports_dir: Path) -> None:
    from assistant.services.checking import parse_with_roles

    for f in sorted(gov_reports_dir.glob("*.txt")):
        assert parse_with_roles(f).genre == "政府工作报告", f.name


def test_parse_cli_json_roles_on_seed(seed_path: Path) -> None:
    from assistant.cli import _register, app

    _register()
    result = CliRunner().invoke(app, ["parse", str(seed_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["genre"] == "法治政府建设年度报告"
    assert [s["role"] for s in data["sections"]] == ["measures", "shortcomings", "first_responsible", "next_year"]


def test_signature_and_date_on_one_line_and_invalid_date() -> None:
    doc = parse_official(src("关于某事的报告\n区政府：\n正文。\n示例县民政局 2024年5月6日"))
    assert (doc.issuer, doc.date, doc.date_line) == ("示例县民政局", "2024年5月6日", 4)
    # An impossible date is not a 成文日期 (and never a crash).
    bad = parse_official(src("关于某事的报告\n区政府：\n正文。\n示例县民政局\n2024年13月6日"))
    assert bad.date is None and bad.issuer is None


def test_next_year_skeleton_placeholders_keep_the_tail_parsed():
    """A skeleton from `draft --from-previous` has 【待补充】 where the new number and dates go; the parser still
    finds the 发文字号, 成文日期 and 印发 line instead of folding them into the title or body."""
    from assistant.documents.reading import read_text_input
    from assistant.documents.structure import parse_official

    text = "\n".join([
        "示例县人民政府文件", "示县政文〔2025〕【待补充】号", "签发人：王某", "示例县人民政府关于2024年法治政府建设情况的报告",
        "县委：", "一、2024年主要工作举措", "全年办理行政复议案件【待补充】件。", "特此报告。",
        "示例县人民政府", "【待补充：成文日期】", "（此件主动公开）", "抄送：市司法局。",
        "示例县人民政府办公室", "【待补充：印发日期】印发",
    ])
    doc = parse_official(read_text_input(text))
    assert doc.title == "示例县人民政府关于2024年法治政府建设情况的报告"
    assert doc.doc_number == "示县政文〔2025〕【待补充】号"
    assert doc.date == "【待补充：成文日期】"
    assert doc.issuer == "示例县人民政府"
    assert doc.notes == "（此件主动公开）"
    assert doc.cc == ["市司法局"]
    assert doc.print_org == "示例县人民政府办公室"


def test_parse_cli_outline_keeps_long_role_labels_and_line_numbers(seed_path: Path) -> None:
    """Piped (80 columns) output used to crop long tree labels, losing the line numbers of 三、 and 四、."""
    from assistant.cli import _register, app

    _register()
    result = CliRunner().invoke(app, ["parse", str(seed_path)], terminal_width=80)
    assert result.exit_code == 0, result.output
    flat = "".join(ch for ch in result.output if ch not in " │└├─\n")
    for line_no in (15, 17, 23, 27, 33, 37, 41, 45):
        assert f"第{line_no}行" in flat, line_no
    assert "加强法治政府建设的有关情况〕" in flat
