"""Structures found in the ninth dev set and re-read in the earlier ones (issue 9): unnumbered theme headings of
two halves around a comma, a part's full name as a long heading line, a container heading with one opening
paragraph, an item's sentence of results that mentions 存在问题, a plan part that opens with the coming year, and
a 公开 report pasted without line breaks whose overview lists its aspects; from the thirteenth and fourteenth:
led paragraphs for 其他事项 and the leader's duty, plan items that never stand for a removed part, and a pasted
safety summary whose problems follow a table."""

from __future__ import annotations

from assistant.documents.reading import read_text_input
from assistant.documents.structure import parse_official
from assistant.models import OfficialDocument
from assistant.rules.check import check_text


def flattened(text: str) -> str:
    """The text as pasted from a web page: every line run together."""
    return "".join(line.strip() for line in text.splitlines())


def status(text: str, flat: bool = False) -> dict[str, str]:
    text = flattened(text) if flat else text
    return {s.role: s.status for s in check_text(text, with_citations=False).sections}


def parsed(text: str, flat: bool = False) -> OfficialDocument:
    return parse_official(read_text_input(flattened(text) if flat else text))


def drop_parts(text: str, first: str, upto: str) -> str:
    """The text without the lines from `first` up to (not including) `upto`."""
    lines = text.splitlines()
    return "\n".join(lines[:lines.index(first)] + lines[lines.index(upto):])


def without(text: str, *starts: str) -> str:
    """The text with the parts beginning at these lines removed (each up to the next blank-line-led heading
    listed in `starts` order or the next line that is not indented body)."""
    lines = text.splitlines()
    out, skipping = [], False
    for line in lines:
        if line in starts:
            skipping = True
            continue
        if skipping and line in HEADS:
            skipping = False
        if not skipping:
            out.append(line)
    return "\n".join(out) + "\n"


THEMES = """示例开发区管理委员会关于2024年度法治政府建设工作情况的报告

市人民政府：

2024年，管委会坚持以法治思维推动园区发展，现将有关情况报告如下。

把牢法治建设方向，责任体系更加健全

坚持党工委统一领导、管委会组织实施的工作格局，制定年度法治建设工作要点，明确任务28项。

管委会主要负责人履职情况。管委会主任认真履行推进法治建设第一责任人职责，主持专题会议研究法治工作4次，带头出庭应诉1件，年底专题述法。

以营商环境法治化为牵引，企业获得感持续增强

深化相对集中行政许可权改革，企业开办平均用时压缩至0.5个工作日，涉企检查次数下降40%。

存在的不足及原因：一是权责边界还不够清晰，个别事项存在推诿现象；二是合法性审查力量薄弱，原因是专业人才引进渠道有限。

2025年工作要点

推动权责关系规范化。会同属地政府梳理权责清单，年内完成事项划转。

提升执法规范化水平。开展执法人员全员轮训，推行执法案卷季度评查。

示例开发区管理委员会

2025年2月10日
"""

UNNUMBERED = """示例县人民政府关于2019年度法治政府建设情况的报告

2019年法治政府建设主要举措和成效

强化组织领导，落实法治建设责任。县政府成立法治政府建设领导小组，全年召开专题会议3次。

县政府主要负责人履行推进法治建设第一责任人职责情况

县长认真履行推进法治建设第一责任人职责，带头学法用法，主持县政府常务会议学法4次。

存在的不足及原因

一是部分领导干部法治思维不强；二是基层执法力量薄弱，原因是编制不足。

2020年工作打算

一是全面对标纲要任务开展自查评估；二是持续深化放管服改革。

示例县人民政府

2020年3月10日
"""

HEADS = {
    "把牢法治建设方向，责任体系更加健全", "以营商环境法治化为牵引，企业获得感持续增强", "2025年工作要点",
    "县政府主要负责人履行推进法治建设第一责任人职责情况", "存在的不足及原因", "2020年工作打算",
    "2019年法治政府建设主要举措和成效", "二、廉洁自律情况", "三、存在的不足", "示例开发区管理委员会",
    "示例县人民政府",
}


def test_unnumbered_theme_headings_around_a_comma_are_the_year_s_work():
    assert status(THEMES) == {"measures": "found", "shortcomings": "found", "first_responsible": "found",
                              "next_year": "found", "other": "missing"}


def test_themes_removed_leave_the_year_s_work_unconfirmed():
    text = without(THEMES, "把牢法治建设方向，责任体系更加健全", "以营商环境法治化为牵引，企业获得感持续增强")
    assert "把牢法治" not in text and "管委会主任认真履行" not in text
    assert status(text)["measures"] != "found"


def test_a_part_s_full_name_may_be_a_long_heading_line():
    assert len("县政府主要负责人履行推进法治建设第一责任人职责情况") > 24
    assert status(UNNUMBERED)["first_responsible"] == "found"
    text = without(UNNUMBERED, "县政府主要负责人履行推进法治建设第一责任人职责情况")
    assert status(text)["first_responsible"] in ("missing", "uncertain")


DUTY = """示例镇党委书记2022年度述职述廉报告

根据县委组织部的安排，现将本人2022年度履职和廉洁自律情况报告如下。

一、学习和履职情况

2022年，我带领镇党委班子紧紧围绕县委部署，扎实推进各项工作。

（一）坚持理论武装，在学思践悟中筑牢政治根基

坚持把政治理论学习作为第一位的任务，全年主持党委理论学习中心组学习12次。

（二）聚焦产业发展，在项目建设中推动经济提质

坚持项目为王，班子成员分片包抓重点项目，全年实施项目23个，完成投资8.6亿元。

（三）聚焦基层治理，在为民服务中维护和谐稳定

全年排查化解矛盾纠纷312件，办结群众诉求1260件。

二、廉洁自律情况

严格遵守中央八项规定精神，从未利用职权为亲属谋取利益。

三、存在的不足

一是理论学习还不够系统；二是抓产业的办法还不多。

四、下一步打算

一是持续加强理论学习；二是全力推动产业项目落地见效。

述职人：示例
"""


def test_a_combined_heading_over_study_and_duty_themes_covers_both():
    roles = status(DUTY)
    assert roles["study"] == "found" and roles["duties"] == "found"


def test_a_container_keeps_no_duties_once_its_themes_are_gone():
    text = DUTY.split("（二）聚焦产业发展")[0] + "二、廉洁自律情况" + DUTY.split("二、廉洁自律情况")[1]
    assert "聚焦基层治理" not in text and "2022年，我带领镇党委班子" in text
    roles = status(text)
    assert roles["study"] == "found"
    assert roles["duties"] in ("missing", "uncertain")


RESULTS = """示例市城市管理综合行政执法局2021年法治政府建设情况报告

一、2021年法治政府建设主要举措

（一）规范执法行为

1.严格执行行政执法三项制度，全年办理一般程序案件1263件，法制审核率达到100%。

2.开展执法案卷评查，评查案卷300卷，评出优秀案卷42卷，对存在问题的18卷进行通报并督促整改。

二、主要负责人履职情况

局党组书记、局长认真履行推进法治建设第一责任人职责，主持召开专题会议4次。

三、2022年工作思路

2022年，我局将重点做好以下工作：一是开展执法规范化提升行动；二是推进智慧执法。

示例市城市管理综合行政执法局

2022年1月25日
"""


def test_an_item_s_sentence_of_results_is_not_a_shortcomings_heading():
    assert status(RESULTS)["shortcomings"] in ("missing", "uncertain")


PLAN = """示例市公安局2021年度法治政府建设情况报告

一、聚焦执法规范，筑牢公正执法根基

全市13个执法办案管理中心全部建成投用，全年受立案数据实现网上流转。

二、聚焦第一责任，压紧压实法治建设领导责任

局党委书记、局长认真履行推进法治建设第一责任人职责，带头讲授法治课2次。

三、正视短板弱项

对照新形势新要求，我局法治建设仍存在一些不足，执法力量与执法任务不匹配。

四、锚定目标再出发

2022年，市公安局将重点抓好以下工作：

深化执法规范化建设，完成所有派出所专职法制员配备。

加强执法队伍培训，组织全警轮训。

示例市公安局

2022年2月1日
"""


def test_a_part_that_opens_by_planning_the_coming_year_is_the_plan_part():
    assert status(PLAN)["next_year"] == "found"
    speaker = PLAN.split("四、锚定目标再出发")[0].replace(
        "示例市公安局2021年度法治政府建设情况报告\n",
        "示例市公安局2021年度法治政府建设情况报告\n\n示例市公安局局长（2022年1月18日）\n")
    assert "2022年1月18日" in speaker and "2022年，市公安局将" not in speaker
    assert status(speaker)["next_year"] in ("missing", "uncertain")


DISCLOSURE = """示例街道办事处2020年政府信息公开工作年度报告

本报告根据《中华人民共和国政府信息公开条例》要求编制。

总体情况

2020年，街道把疫情防控、复工复产信息作为公开重点，累计主动公开各类信息742条。

主动公开方面，及时发布辖区防疫通告和补贴申领信息，全年公开社会救助信息4期。

依申请公开方面，明确党政办公室为受理机构，全年受理申请9件，均在法定期限内答复。

政府信息管理、平台建设和监督保障方面，建立信息发布三审三校制度，组织培训1次。

主动公开政府信息情况

2020年本街道主动公开政府信息情况统计如下：

规章　0　0　0

行政规范性文件　2　1　9

收到和处理政府信息公开申请情况

本年新收政府信息公开申请9件，均为自然人申请。办理结果：予以公开4件，部分公开1件，无法提供3件。

因政府信息公开被申请行政复议、提起行政诉讼情况

2020年，本街道未发生因政府信息公开被申请行政复议或被提起行政诉讼的情况。

存在的主要问题及改进情况

主要问题是社区公开内容偏重通知公告。改进措施：制定社区居务公开目录。

其他需要报告的事项

本年度街道未收取信息处理费。

示例街道办事处

2021年1月15日
"""


def test_a_pasted_disclosure_report_keeps_its_parts_and_its_overview_s_aspects_stay_items():
    for flat in (False, True):
        roles = status(DISCLOSURE, flat)
        assert all(v != "missing" for v in roles.values()), (flat, roles)
        assert roles["overview"] == roles["applications"] == "found", (flat, roles)
    gone = DISCLOSURE.split("主动公开政府信息情况\n")[0] + "收到和处理政府信息公开申请情况\n" + \
        DISCLOSURE.split("收到和处理政府信息公开申请情况\n")[1]
    assert "统计如下" not in gone and "主动公开方面" in gone
    for flat in (False, True):
        assert status(gone, flat)["proactive_disclosure"] in ("missing", "uncertain"), flat


# Pasted without line breaks (every line joined with nothing between them).

UNITS = """示例镇党委书记2022年度述职述法报告

各位领导、同志们：

2022年，我团结带领镇党委一班人，认真履行党建第一责任人和推进法治建设第一责任人职责。现将有关情况报告如下。

第一部分 履职尽责情况

抓党建引领。坚持每月召开党委会专题研究党建工作，全年开展三会一课督查4轮，整顿软弱涣散村党组织2个。

抓乡村振兴。14个村集体经营性收入全部超过10万元，新建高标准农田3200亩。

第二部分 履行推进法治建设第一责任人职责情况

带头尊法学法。全年主持党委理论学习中心组学法4次，组织镇村干部旁听庭审1次。

第三部分 落实党风廉政建设和个人廉洁自律情况

我始终严格遵守中央八项规定精神，全年开展廉政约谈38人次，从未利用职权为亲属谋取利益。

第四部分 存在的问题和下一步打算

回顾一年工作，我还存在一些差距：一是抓产业发展的思路办法还不够多；二是对村级权力监督还不够有力。下一步，我将持续加强理论学习，全力推动产业项目落地见效。

述职人：示例

2023年1月12日
"""


def test_pasted_parts_numbered_di_yi_bu_fen_run_into_their_first_item():
    roles = status(UNITS, flat=True)
    assert roles["duties"] == roles["rule_of_law"] == roles["integrity"] == "found", roles
    assert roles["shortcomings"] == roles["next_year"] == "found", roles


def test_pasted_titles_without_bao_gao_or_with_a_name_after_them_are_read_as_titles():
    bare = THEMES.replace("关于2024年度法治政府建设工作情况的报告", "2024年度法治政府建设情况").replace(
        "市人民政府：\n", "")
    assert parsed(bare, flat=True).title == "示例开发区管理委员会2024年度法治政府建设情况"
    named = "2022年度述职述廉报告\n示例县委副书记　周明\n" + DUTY.split("\n", 1)[1]
    assert parsed(named, flat=True).title == "2022年度述职述廉报告"


def test_a_pasted_part_heading_may_follow_the_announcing_colon():
    text = UNNUMBERED.replace("示例县人民政府关于2019年度法治政府建设情况的报告\n",
                              "示例县人民政府关于2019年度法治政府建设情况的报告\n\n现将有关情况报告如下：\n")
    assert status(text, flat=True)["measures"] == "found"


UNIT_LISTS = """示例省市场监督管理局2021年度法治政府建设情况报告

第一部分　2021年度推进法治政府建设的主要举措和成效

一、深入学习贯彻习近平法治思想。把学习贯彻习近平法治思想作为党组理论学习中心组的重点内容，全年专题学习6次。

二、持续深化商事制度改革。全面推行证照分离改革，全省新设经营主体同比增长12%。

第二部分　党组主要负责人履行推进法治建设第一责任人职责情况

局党组书记、局长认真履行推进法治建设第一责任人职责，主持党组会议专题研究法治工作5次。

第三部分　存在的不足和原因

一是基层执法人员专业能力不足；二是新业态监管规则不够完善，原因是立法相对滞后。

第四部分　2022年度推进法治政府建设的主要安排

一、加强市场监管重点领域立法。推动出台地方性法规1部。

二、提升执法规范化水平。开展执法案卷评查。

第五部分　其他需要报告的事项

2021年，本局被评为全省谁执法谁普法履职评议优秀单位。

示例省市场监督管理局

2022年1月28日
"""


def test_parts_numbered_di_x_bu_fen_hold_their_own_lists_and_the_fifth_part_is_a_part():
    doc = parsed(UNIT_LISTS)
    assert [s.number for s in doc.sections] == ["第一部分", "第二部分", "第三部分", "第四部分", "第五部分"]
    assert [c.number for c in doc.sections[3].children] == ["一、", "二、"]
    assert status(UNIT_LISTS)["other"] == "found"


SAFETY = """示例街道2025年安全生产工作总结

2025年，示例街道在区委、区政府的坚强领导下，统筹发展和安全，全力防范化解各类安全风险。现将全年工作总结如下。全年安全生产形势保持总体平稳。2025年1月至11月，街道辖区共发生各类生产安全事故2起，同比下降33.3%，未发生较大及以上生产安全事故。

一、织密责任网络，安全生产责任体系持续完善

坚持党政同责、一岗双责，街道党工委会议专题研究安全生产工作9次，修订班子成员安全生产职责清单。

二、聚焦重点行业领域，隐患排查整治走深走实

全年检查生产经营单位617家，发现并整改隐患1280处，整改率99.7%。

三、存在的薄弱环节

一是部分小微企业主体责任落实不到位；二是老旧小区消防设施老化问题仍较突出。

四、2026年工作打算

一是深化安全生产治本攻坚；二是加强应急队伍建设。

示例街道办事处

2025年12月20日
"""


def test_pasted_overview_led_by_a_short_sentence_after_the_announcing_one():
    assert status(SAFETY, flat=True)["overview"] == "found"
    doc = parsed(SAFETY, flat=True)
    assert doc.sections[0].heading == "织密责任网络，安全生产责任体系持续完善"


TABLE_ROWS = """示例县人民政府2020年政府信息公开工作年度报告

一、总体情况

2020年，县政府坚持以公开为常态、不公开为例外，全年主动公开政府信息5260条。

二、主动公开政府信息情况

信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数
规章 | 0 | 0 | 0
规范性文件 | 8 | 8 | 71

三、收到和处理政府信息公开申请情况

全年新收申请57件，办结56件，结转下年度1件。具体情况如下：

项目 | 自然人 | 法人或其他组织 | 总计
一、本年新收政府信息公开申请数量 | 49 | 8 | 57
二、上年结转政府信息公开申请数量 | 2 | 0 | 2
三、本年度办理结果：予以公开 | 21 | 4 | 25
四、结转下年度继续办理 | 1 | 0 | 1

四、政府信息公开行政复议、行政诉讼情况

2020年，县政府因政府信息公开被申请行政复议2件，被提起行政诉讼1件，结果均为维持。

五、存在的主要问题及改进情况

主要问题是部分部门公开内容更新不及时。下一步将强化督查考核，每季度通报一次。

六、其他需要报告的事项

本年度未收取信息处理费。

示例县人民政府办公室

2021年1月20日
"""


def test_pasted_table_rows_numbered_like_parts_do_not_take_a_part_s_number():
    doc = parsed(TABLE_ROWS, flat=True)
    assert [s.number for s in doc.sections] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    assert doc.sections[3].heading == "政府信息公开行政复议、行政诉讼情况"
    assert status(TABLE_ROWS, flat=True)["review_litigation"] == "found"


def test_parts_numbered_di_x_bu_fen_may_name_a_theme_of_two_halves():
    text = UNIT_LISTS.replace("第二部分　党组主要负责人履行推进法治建设第一责任人职责情况",
                              "第二部分　坚持以上率下，带头履行法治建设第一责任")
    doc = parsed(text)
    assert [s.number for s in doc.sections][:3] == ["第一部分", "第二部分", "第三部分"]
    assert doc.sections[1].heading == "坚持以上率下，带头履行法治建设第一责任"
    assert parsed("第一部分内容，见附件。\n").sections == []


def test_a_pasted_lead_sentence_run_on_after_a_comma_theme_heading_is_found():
    text = THEMES.replace("管委会主要负责人履职情况。管委会主任", "管委会主要负责人履行推进法治建设第一责任人职责情况。管委会主任")
    text = text.replace("坚持党工委统一领导、管委会组织实施的工作格局，制定年度法治建设工作要点，明确任务28项。\n\n", "")
    assert "责任体系更加健全\n\n管委会主要负责人" in text
    assert status(text, flat=True)["first_responsible"] == "found"



def test_a_theme_heading_with_a_comma_right_above_its_text_is_not_rejoined_as_a_wrap():
    # No blank lines, and each paragraph on one long line as a word processor saves it.
    more = "，全年开展专题培训6次、专项检查3轮，推动各项任务按期完成，群众满意度持续提升"
    tight = "\n".join(line.replace("。", more + "。", 1) if len(line) > 30 else line
                      for line in THEMES.splitlines() if line.strip())
    paragraphs = [p.text for p in read_text_input(tight).paragraphs]
    assert "把牢法治建设方向，责任体系更加健全" in paragraphs
    assert status(tight)["measures"] == "found"
    # A text wrapped at about 20 characters still has its wrapped clauses rejoined.
    wrapped = "经济增速是综合性指标，今年预期目标设定\n在5%左右，考虑了稳就业的需要。\n"
    assert [p.text for p in read_text_input(wrapped).paragraphs] == [
        "经济增速是综合性指标，今年预期目标设定在5%左右，考虑了稳就业的需要。"]


LED_LAST = """示例县自然资源局2024年度法治政府建设工作报告

主要举措和成效

完善制度体系，夯实依法行政基础。全年清理规范性文件12件，废止3件。

存在的不足及原因

一是执法力量与监管任务不相匹配；二是部分执法人员法治素养有待提升，原因是培训覆盖不足。

局主要负责人履行推进法治建设第一责任人职责情况

局长切实扛起第一责任人责任，主持召开局务会议专题研究法治工作5次，带头述法。

其他需要报告的事项。2024年，我局被评为全市法治宣传教育先进单位。

2025年工作打算

一是持续推进执法规范化建设；二是深化法治宣传教育。

示例县自然资源局

2025年1月22日
"""


def test_other_matters_as_a_led_paragraph_inside_the_part_before_it_are_found():
    assert status(LED_LAST)["other"] == "found"


THEME_LED_DUTY = """示例市人民政府办公室2022年度法治政府建设情况报告

第一部分　以依法行政为主线，提升服务决策法治化水平

围绕中心工作严格执行重大行政决策程序规定，全年审核各类文件86件。

第二部分　以从严管理为保障，加强机关自身法治建设

健全机关内部制度体系。制定修订内部制度19项。

主要负责人履行推进法治建设第一责任人职责：秘书长、办公室主任认真履行第一责任人职责，全年主持专题研究法治建设4次，带头述法。

第三部分　存在的问题和2023年工作打算

办公室法治建设仍存在一些不足：部分干部运用法治思维的能力还不够强。2023年，办公室将重点抓好以下工作：一是深化学法用法；二是加强合法性审查。

示例市人民政府办公室

2023年2月8日
"""


def test_a_lead_naming_the_leader_s_duty_over_twenty_characters_is_found_inside_a_theme():
    assert status(THEME_LED_DUTY)["first_responsible"] == "found"


UNIT_PLAN_LIST = """示例省自然资源厅2022年度法治政府建设情况报告

2022年，示例省自然资源厅坚持依法行政，现将有关情况报告如下。

第一部分　主要举措和成效

一、法规制度体系进一步健全。全年修订地方性法规草案2件，清理规范性文件37件。

二、行政执法更加规范。全年立案查处违法用地案件86件，结案率97%。

第二部分　厅主要负责人履行推进法治建设第一责任人职责情况

厅党组书记、厅长认真履行第一责任人职责，全年主持召开厅党组会议专题研究法治建设5次。

第三部分　存在的不足和原因

一是立法仍有短板，部分规章出台时间较早；二是基层执法力量薄弱。

第四部分　2023年工作思路

一、加快重点领域立法。推动矿产资源管理条例修订出台。

二、提升执法监管效能。健全省市县三级联动执法机制。

示例省自然资源厅

2023年1月31日
"""


def test_pasted_plan_items_under_a_di_x_bu_fen_part_never_stand_for_the_removed_measures():
    assert status(UNIT_PLAN_LIST, flat=True)["measures"] == "found"
    text = drop_parts(UNIT_PLAN_LIST, "第一部分　主要举措和成效", "第二部分　厅主要负责人履行推进法治建设第一责任人职责情况")
    assert status(text, flat=True)["measures"] != "found"


HEARD_REPORTS = """示例开发区管理委员会关于2019年度法治政府建设情况的报告

2019年，示例开发区管委会坚持依法行政，现将有关情况报告如下。

主要工作举措和取得的成效

（一）深化行政审批制度改革。承接市级下放权限62项。

（二）规范行政执法行为。推行行政执法三项制度，全年开展执法检查1300余次。

管委会主要负责人履行推进法治建设第一责任人职责情况

管委会主任认真履行第一责任人职责。一是亲自部署，年初召开法治建设专题会议。二是亲自督办。年中、年末两次听取各部门法治建设情况汇报，对发现的问题督促限期整改。

存在的不足和原因

一是部分工作人员对依法行政的认识仍有偏差；二是执法力量不足，原因是未设专门法制机构。

2020年工作计划

一是推进管理体制改革；二是设立法制审核机构。

示例开发区管理委员会

2020年1月20日
"""


def test_a_pasted_sentence_about_hearing_reports_is_no_heading_for_the_removed_measures():
    text = drop_parts(HEARD_REPORTS, "主要工作举措和取得的成效", "管委会主要负责人履行推进法治建设第一责任人职责情况")
    assert status(HEARD_REPORTS, flat=True)["measures"] == "found"
    assert status(text, flat=True)["measures"] != "found"


SAFETY_TABLE = """示例县工业和信息化局2024年工业领域安全生产工作总结

2024年，县工业和信息化局认真履行行业安全监管职责，全县工业领域安全生产形势保持总体稳定。现将全年工作总结如下。

全年工业领域安全生产形势

截至2024年12月底，全县共有规模以上工业企业186家，全年未发生较大以上生产安全事故。

主要工作及成效

——责任体系进一步健全。局党组召开会议专题研究安全生产工作7次。

——重大事故隐患排查整治扎实开展。全年累计检查企业412家次，整改隐患1368项。

主要指标如下：

指标	2023年	2024年
检查企业（家次）	356	412
培训人员（人次）	460	540

存在的问题

一是部分中小企业主体责任落实不到位；二是行业监管力量薄弱。

2025年工作安排

2025年，我局将继续坚持人民至上、生命至上，重点做好以下工作。

（一）压实安全生产责任。严格落实行业监管责任。

（二）深化治本攻坚行动。持续开展重大事故隐患排查整治。

示例县工业和信息化局

2024年12月26日
"""


def test_a_pasted_safety_summary_finds_its_situation_and_the_problems_after_a_table():
    assert status(SAFETY_TABLE, flat=True) == {
        "overview": "found", "measures": "found", "shortcomings": "found", "next_year": "found"}


def test_pasted_plan_items_after_their_heading_never_stand_for_the_removed_work():
    assert status(drop_parts(SAFETY_TABLE, "主要工作及成效", "主要指标如下："), flat=True)["measures"] != "found"


DUTY_DISCIPLINE = """示例镇党委书记2021年度述职述廉报告

2021年，在县委的坚强领导下，本人认真履行镇党委书记职责，现将有关情况报告如下。

一、加强政治理论学习，筑牢信念根基

以党史学习教育为契机，把学习作为履职尽责的第一需要。全年主持镇党委理论学习中心组集中学习14次，讲专题党课3次，撰写心得体会4篇，到联系村开展宣讲6场，带动班子成员学深悟透、学以致用。

二、坚持发展第一要务，推动镇域经济稳中有进

始终把抓发展作为第一责任，全年引进项目6个，完成固定资产投资5.2亿元，同比增长9%。

三、坚持民生为本，统筹推进乡村振兴

坚持把群众期盼作为工作方向，新建农村公路18公里，改造危房42户。

四、严守纪律规矩，落实全面从严治党责任

认真履行全面从严治党主体责任第一责任人职责，年初与班子成员、各站所负责人签订党风廉政建设责任书，全年专题研究党风廉政建设工作4次，开展谈心谈话38人次，完善工程招投标、资金拨付等制度8项，巡察反馈的9个问题已全部整改到位。本人严格遵守中央八项规定及其实施细则精神，如实报告个人有关事项，管好家属和身边工作人员，不插手工程项目，始终做到清正廉洁。

五、存在的不足

一是理论学习的系统性还不够，学用结合不够紧密；二是推动产业转型的办法还不多，招大引强成效不明显；三是对村级班子的日常监督还存在薄弱环节。

六、2022年工作打算

一是坚持学习不放松；二是全力推动项目建设；三是严守廉洁底线。

张某某

2022年1月12日
"""


def test_a_part_about_keeping_discipline_is_the_integrity_part():
    assert status(DUTY_DISCIPLINE)["integrity"] == "found"


def test_pasted_duty_report_with_its_duty_parts_removed_reads_the_parts_after_the_gap():
    # Deleting 二、 and 三、 leaves 一、 … 四、: the parts after the gap are still parts, and the study part's
    # heading of two halves does not run on into its first sentence (which mentions 履职尽责).
    text = drop_parts(DUTY_DISCIPLINE, "二、坚持发展第一要务，推动镇域经济稳中有进", "四、严守纪律规矩，落实全面从严治党责任")
    got = status(text, flat=True)
    assert got["integrity"] == "found"
    assert got["duties"] != "found"
    assert status(DUTY_DISCIPLINE, flat=True)["duties"] == "found"


SAFETY_TAB_TABLE = """示例县交通运输局2025年安全生产工作总结

2025年，县交通运输局坚持安全发展理念，全县交通运输行业安全生产形势总体平稳，现将全年工作总结如下。

一、全年安全生产形势

2025年，全县交通运输行业未发生较大及以上生产安全责任事故。主要指标如下：

指标	2025年	2024年	同比
营运车辆事故起数（起）	2	3	-33.3%
在建交通工程事故起数（起）	0	0	持平

二、主要工作及成效

（一）健全责任体系。调整局安全生产工作领导小组，签订责任书46份。

（二）强化源头管理。全年检查道路运输企业58家次，整改隐患213处。

三、存在的问题

一是部分运输企业主体责任落实不到位；二是基层监管力量不足。

四、2026年工作安排

2026年，我局将持续推进治本攻坚，重点抓好责任落实和隐患整治。

示例县交通运输局

2025年12月18日
"""


def test_a_pasted_part_after_a_tab_table_ending_in_words_is_found():
    assert status(SAFETY_TAB_TABLE, flat=True)["measures"] == "found"


DISCLOSURE_TAB_TABLE = """示例县人力资源和社会保障局2019年政府信息公开工作年度报告

本年度报告依据《中华人民共和国政府信息公开条例》编制，数据统计期限为2019年1月1日至12月31日。

一、工作概述

2019年是新修订的《条例》正式施行的第一年。本局以贯彻落实新《条例》为主线，围绕就业创业、社会保障、人事人才、劳动关系等群众关注度高的领域，调整局政务公开工作领导小组，修订政府信息公开指南，做好主动公开、依申请公开和政策解读工作。

二、主动公开政府信息情况

全年在县政府门户网站本局栏目主动公开政府信息356条，其中就业创业政策48条、社会保险待遇调整信息36条、人事考试录用信息92条，通过政务新媒体发布解读材料27篇。

三、依申请公开政府信息办理情况

2019年，本局共收到政府信息公开申请9件，均已按期答复。

四、因政府信息公开被申请行政复议、提起行政诉讼情况

类别	结果维持	结果纠正	其他结果	尚未审结	总计
行政复议	1	0	0	0	1
行政诉讼	0	0	0	0	0

五、工作中存在的问题及改进措施

一是公开内容不够全面；二是政策解读形式单一。针对上述问题，2020年本局将完善公开目录，丰富解读形式。

示例县人力资源和社会保障局

2020年1月20日
"""


def test_pasted_headings_end_at_their_last_word_before_a_year_or_a_tab_table():
    doc = parsed(DISCLOSURE_TAB_TABLE, flat=True)
    assert [s.number + s.heading for s in doc.sections] == [
        "一、工作概述", "二、主动公开政府信息情况", "三、依申请公开政府信息办理情况",
        "四、因政府信息公开被申请行政复议、提起行政诉讼情况", "五、工作中存在的问题及改进措施"]
    assert status(DISCLOSURE_TAB_TABLE, flat=True)["review_litigation"] == "found"


SAFETY_UNNUMBERED_TABLE = """示例县工业和信息化局2023年安全生产工作总结

2023年，县工业和信息化局认真落实行业安全监管责任，全县工业领域安全生产形势总体稳定，现将全年工作总结如下。

全年安全生产总体情况

全县共有规模以上工业企业136家，全年发生生产安全事故1起，同比减少1起。主要指标如下：

指标	2022年	2023年	同比增减
检查企业（家次）	612	786	+28.4%
生产安全事故（起）	2	1	-50%

主要工作开展情况

1.压紧压实安全生产责任。局党组专题研究安全生产工作6次，签订目标责任书136份。

2.深入开展隐患排查整治。全年排查一般隐患1592项，整改率99.4%。

存在的问题和薄弱环节

一是企业主体责任落实仍不到位；二是基层监管力量薄弱，专业人员不足。

2024年工作打算

2024年，我局将以防范遏制生产安全事故为目标，持续压实责任，深化隐患排查治理。

示例县工业和信息化局

2023年12月22日
"""


def test_a_table_s_header_row_is_no_heading_and_never_stands_for_the_removed_work():
    assert status(SAFETY_UNNUMBERED_TABLE)["measures"] == "found"
    text = drop_parts(SAFETY_UNNUMBERED_TABLE, "主要工作开展情况", "存在的问题和薄弱环节")
    assert status(text)["measures"] == "missing"


DISCLOSURE_UNNUMBERED = """示例区住房和城乡建设局2024年政府信息公开工作年度报告

总体情况

2024年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息612条。

主动公开政府信息情况

信息内容	本年制发件数	本年废止件数	现行有效件数
行政规范性文件	2	0	9
行政许可	4356

收到和处理政府信息公开申请情况

全年新收政府信息公开申请41件，上年结转2件，办理完毕41件，结转下年度2件。

政府信息公开行政复议、行政诉讼情况

类别	结果维持	结果纠正	其他结果	尚未审结	总计
行政复议	2	0	1	0	3
行政诉讼	1	0	0	1	2

存在的主要问题及改进情况：回顾全年工作，我局政府信息公开工作还存在解读形式单一等问题，下一步将丰富解读形式。

示例区住房和城乡建设局

2025年1月20日
"""


def test_an_unnumbered_heading_over_a_table_is_a_part_and_the_table_s_rows_are_not():
    doc = parsed(DISCLOSURE_UNNUMBERED)
    assert [s.heading for s in doc.sections] == [
        "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况"]
    assert status(DISCLOSURE_UNNUMBERED)["review_litigation"] == "found"


def test_a_pasted_plan_part_led_by_its_year_and_a_full_stop_is_found():
    text = THEME_LED_DUTY.replace(
        "2023年，办公室将重点抓好以下工作：",
        "2023年工作要点。2023年，办公室将以学习贯彻党的二十大精神为主线，重点抓好以下工作：")
    text = text.replace("第三部分　存在的问题和2023年工作打算", "第三部分　存在的问题")
    assert status(text, flat=True)["next_year"] == "found"


STREET_THEMES = """示例区芦花街道办事处关于2024年度法治政府建设工作情况的报告

区委全面依法治区委员会办公室、区人民政府：

2024年，芦花街道办事处坚持以习近平法治思想为指导，紧扣基层治理法治化目标，扎实推进法治政府建设各项任务。现将有关情况报告如下。

聚焦依法履职，基层政府职能进一步理顺

对照街道履行职责事项清单，逐项梳理基本履职事项96项、配合履职事项127项。建立属地管理事项准入审核机制，全年退回不符合准入要求的事项5项。对以办事处名义签订的37份合同全部进行合法性审查，未发生因合同问题引发的纠纷。

聚焦规范执法，综合行政执法改革落地见效

街道综合行政执法队承接区级下放的行政处罚权事项73项，全年审核行政处罚案件112件，纠正执法文书不规范问题16个，发出责令改正通知书680余份，立案处罚案件同比下降21%。

聚焦矛盾化解，基层社会治理法治化水平提升

完善三级矛盾纠纷排查化解机制，划分网格63个，全年受理各类矛盾纠纷1126件，调解成功1098件，成功率97.5%，信访总量同比下降18.6%。

党工委书记、办事处主任履行推进法治建设第一责任人职责情况。街道党工委书记年初主持召开党工委会议研究部署法治建设工作，办事处主任带头参加旁听庭审活动，并在年终述职中专题述法。

存在的问题

一是部分社区工作者法治意识还不够强；二是执法力量与承接事项不相匹配，原因是专业人员配备不足。

2025年工作要点

一是强化法治能力建设；二是提升执法规范化水平；三是深化基层依法治理。

示例区芦花街道办事处

2025年1月16日
"""


def test_a_lead_naming_the_leader_s_duty_and_ending_in_a_full_stop_is_found():
    assert status(STREET_THEMES)["first_responsible"] == "found"
    assert status(STREET_THEMES, flat=True)["first_responsible"] == "found"


def test_pasted_unnumbered_themes_before_the_placed_parts_are_the_year_s_work():
    # Once every other required part is placed, the long stretch of results between "报告如下。" and the first
    # of them is the year's work; with that work deleted, nothing is there and it is not found.
    assert status(STREET_THEMES, flat=True)["measures"] == "found"
    text = drop_parts(STREET_THEMES, "聚焦依法履职，基层政府职能进一步理顺",
                       "党工委书记、办事处主任履行推进法治建设第一责任人职责情况。街道党工委书记年初主持召开党工委会议研究部署法治建设"
                       "工作，办事处主任带头参加旁听庭审活动，并在年终述职中专题述法。")
    assert "聚焦" not in text
    assert status(text, flat=True)["measures"] != "found"


def test_a_disclosure_part_on_receiving_and_handling_applications_in_other_words_is_found():
    text = DISCLOSURE_TAB_TABLE.replace("三、依申请公开政府信息办理情况", "三、政府信息公开申请的收到和办理情况")
    assert status(text)["applications"] == "found"
