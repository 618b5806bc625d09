"""Structures found in reports written by other hands (issue 9, third dev set): 第一部分 numbering, a table's rows
numbered 一、二、 inside a part, a part led by a short sentence, combined parts split by colon leads, and the same
texts pasted without line breaks."""

from __future__ import annotations

import pytest

from assistant.documents.reading import read_text_input
from assistant.documents.structure import parse_official
from assistant.rules.check import check_text


def check(text: str, flat: bool = False):
    if flat:
        text = "".join(line.strip() for line in text.splitlines())
    return check_text(text, with_citations=False)


def status(report) -> dict[str, str]:
    return {s.role: s.status for s in report.sections}


PARTS = """示例县2024年法治政府建设年度报告

第一部分 2024年推进法治政府建设的主要举措和成效

1.依法决策机制有效运行。县政府公布年度重大行政决策事项4项，全部履行公众参与、专家论证和合法性审查程序。

2.行政执法质量稳步提升。开展执法案卷评查，抽查案卷320卷，优秀率达到86%。

第二部分 党政主要负责人履行推进法治建设第一责任人职责情况

县委书记、县长带头学法，主持召开专题会议研究法治政府建设事项6次，带头出庭应诉2件。

第三部分 存在的薄弱环节及成因

一是基层法治力量偏弱，部分乡镇专职法制审核人员不足；二是执法信息化水平不高，原因是投入不足。

第四部分 2025年工作思路

一是推进法治政府示范创建；二是开展执法质量提升行动；三是加强基层法治队伍建设。

示例县人民政府

2025年2月10日
"""


def test_parts_numbered_di_yi_bu_fen_are_the_outermost_parts():
    doc = parse_official(read_text_input(PARTS))
    assert [s.number for s in doc.sections] == ["第一部分", "第二部分", "第三部分", "第四部分"]
    assert [c.number for c in doc.sections[0].children] == ["1.", "2."]
    for flat in (False, True):
        report = check(PARTS, flat)
        assert status(report) == {"measures": "found", "shortcomings": "found", "first_responsible": "found",
                                  "next_year": "found", "other": "missing"}, flat


DISCLOSURE = """示例县人民政府2023年政府信息公开工作年度报告

一、总体情况

2023年，县政府办公室认真贯彻政府信息公开条例，全年主动公开政府信息2860条，办理依申请公开49件。

二、主动公开政府信息情况

行政规范性文件：本年制发9件，现行有效57件

三、收到和处理政府信息公开申请情况

一、本年新收政府信息公开申请数量 46

二、上年结转政府信息公开申请数量 3

三、本年度办理结果 49

四、结转下年度继续办理 0

四、政府信息公开行政复议、行政诉讼情况

行政复议：结果维持1件，结果纠正0件，总计1件

五、存在的主要问题及改进情况

一是部分专栏更新不及时；二是政策解读形式单一。下一步将加强督促检查，丰富解读形式。

六、其他需要报告的事项

本年度未收取信息处理费。

示例县人民政府办公室

2024年1月20日
"""


def test_a_tables_rows_numbered_again_stay_inside_their_part():
    doc = parse_official(read_text_input(DISCLOSURE))
    assert [s.number for s in doc.sections] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    assert len(doc.sections[2].children) == 4  # the table's 一、…四、 rows
    report = check(DISCLOSURE)
    assert set(status(report).values()) == {"found"}
    flat = check(DISCLOSURE, flat=True)  # "……现行有效57件三、收到和处理……": a part after a figure
    assert set(status(flat).values()) == {"found"}


THEMES = """示例区人民政府关于2021年法治政府建设情况的报告

区委、市人民政府：

2021年，我区坚持以法治政府建设为抓手，推动各项工作取得新成效。现将有关情况报告如下。

一、坚持党的领导，法治建设责任体系更加健全

强化统筹部署。区政府调整充实法治政府建设领导小组，制定实施方案，明确重点任务38项并逐项落实到单位。

主要负责同志带头履职。区长全年主持召开区政府常务会议专题研究法治政府建设4次，带头出庭应诉行政案件2件。

二、深化简政放权，营商环境持续优化

全区政务服务事项网上可办率达到98%，企业开办时间压缩至1个工作日。

三、存在问题及下一步打算

存在的不足：基层执法力量薄弱，部分执法人员业务能力不足，执法规范化水平有待提高。

改进举措：2022年，区政府将深化综合执法改革，开展执法人员全员轮训，推进法治政府示范创建。

示例区人民政府

2022年3月1日
"""


@pytest.mark.parametrize("flat", [False, True])
def test_a_paragraph_led_by_a_short_sentence_carries_its_role(flat):
    report = check(THEMES, flat)
    assert status(report)["first_responsible"] == "found"
    assert set(status(report).values()) - {"missing"} == {"found"}  # only the optional 其他 is absent


@pytest.mark.parametrize("flat", [False, True])
def test_a_combined_part_split_by_colon_leads_loses_the_role_whose_lead_is_deleted(flat):
    without_plan = "\n".join(line for line in THEMES.splitlines() if not line.startswith("改进举措"))
    assert status(check(without_plan, flat))["next_year"] in ("missing", "uncertain")
    without_problems = "\n".join(line for line in THEMES.splitlines() if not line.startswith("存在的不足"))
    assert status(check(without_problems, flat))["shortcomings"] in ("missing", "uncertain")


def test_a_township_titles_its_report_fazhi_jianshe_and_it_is_still_the_annual_report():
    text = PARTS.replace("示例县2024年法治政府建设年度报告", "示例镇2024年法治建设工作总结")
    assert check(text).genre["name"] == "法治政府建设年度报告"


LEADS = """示例县信访局2024年度法治政府建设工作报告

2024年，县信访局深入贯彻《信访工作条例》，推进信访工作法治化，现将有关情况报告如下。

主要举措和成效：全年受理群众信访事项1260件，按期办结率99.2%，网上信访占比提高到68%。

不足及原因：一是部分乡镇依法分类处理信访诉求不够规范；二是基层信访干部法律素养有待提高，原因是培训覆盖面不够。

局长履行第一责任人职责情况：局长带头学习《信访工作条例》，主持专题会议研究法治建设4次，带头接访下访12次。

2025年工作打算：一是开展信访工作法治化示范创建；二是健全依法分类处理清单；三是加强信访干部法治培训。

示例县信访局

2025年1月16日
"""


@pytest.mark.parametrize("flat", [False, True])
def test_parts_led_by_a_phrase_and_a_colon_are_found_with_or_without_line_breaks(flat):
    report = check(LEADS, flat)
    assert {r: s for r, s in status(report).items() if r != "other"} == {
        "measures": "found", "shortcomings": "found", "first_responsible": "found", "next_year": "found"}
