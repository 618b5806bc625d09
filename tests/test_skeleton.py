"""Last year's report → this year's skeleton (`assistant draft --from-previous FILE --year YYYY`)."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from assistant.cli import _register, app
from assistant.documents.structure import parse_official
from assistant.drafting.skeleton import skeleton_from_previous

runner = CliRunner()
_register()

OLD_REPORT = """示例镇人民政府文件

示镇政〔2023〕12号

示例镇人民政府关于2022年法治政府建设情况的报告

示例县人民政府：

2022年，我镇对照《法治政府建设实施纲要（2021—2025年）》推进依法行政。现将有关情况报告如下：

一、2022年主要举措和成效

（一）依法决策

全年召开合法性审查会议14次，审查文件36件，审查率100%，较上年提高12.5个百分点。2022年6月15日召开专题会议。印发《示例镇2022年普法工作要点》。

二、存在的不足和原因

基层执法人员仅有七名，培训不足。

三、主要负责人履行推进法治建设第一责任人职责情况

镇党委书记带头讲法治课3次。

四、2023年工作安排

一是深化依法决策。2021年以来形成的制度继续执行。

示例镇人民政府

2023年2月20日

抄送：县司法局。

示例镇党政办公室 2023年2月20日印发
"""


def test_seed_skeleton_moves_years_masks_figures_keeps_four_parts(seed_path):
    result = skeleton_from_previous(seed_path, 2024)
    text = result.text
    assert result.mode == "skeleton"
    doc = parse_official(text)
    headings = [s.heading for s in doc.sections]
    assert len(headings) == 4, headings
    assert headings[0] == "2024年主要工作举措"
    assert headings[1] == "存在的不足和原因"
    assert headings[2].startswith("主要负责人履行法治建设第一责任人职责情况")
    assert headings[3] == "2025年推进法治政府建设的主要安排"
    assert [c.heading for c in doc.sections[0].children] == ["夯实法治根基", "加强普法教育", "扩大法治宣传",
                                                            "法治引领工作"]
    assert "\n高新区管委会关于2024年法治政府建设情况的报告\n" in text
    for figure in ("8项", "80 余场次", "80余场次", "500 人次", "500人次", "2023年"):
        assert figure not in text, figure
    assert "咨询服务事项【待补充】项" in text
    assert "活动【待补充】场次" in text
    assert "近【待补充】人次" in text
    # one issue's particulars: document number's serial and the dates are blanked, the number's year moves
    assert "〔2024〕3号" not in text and "2024年2月26日" not in text
    assert "泉鲤高文〔2025〕【待补充】号" in text
    assert "【待补充：成文日期】" in text
    # titles of documents stay, except a year that moved
    assert "《中华人民共和国安全生产法》" in text
    assert "《高新区理论学习中心组【待补充】年学习计划》" in text
    assert any(w["kind"] == "masked" and w["text"] == "8" for w in result.warnings)


def test_synthetic_report_every_figure_masked_history_kept(tmp_path):
    path = tmp_path / "old.txt"
    path.write_text(OLD_REPORT, encoding="utf-8")
    text = skeleton_from_previous(path, 2023).text
    assert "示例镇人民政府关于2023年法治政府建设情况的报告" in text
    assert "一、2023年主要举措和成效" in text
    assert "四、2024年工作安排" in text
    assert "2023年，我镇对照《法治政府建设实施纲要（2021—2025年）》" in text  # national title untouched
    assert "2021年以来" in text  # a historical year is not the report's year
    assert "召开合法性审查会议【待补充】次，审查文件【待补充】件，审查率【待补充】%，较上年提高【待补充】个百分点" in text
    assert "2023年【待补充】月【待补充】日召开专题会议" in text
    assert "《示例镇【待补充】年普法工作要点》" in text
    assert "仅有【待补充】名" in text  # Chinese numerals are figures too
    assert "讲法治课【待补充】次" in text
    assert "示镇政〔2024〕【待补充】号" in text
    assert "示例镇党政办公室  【待补充：印发日期】印发" in text
    leftover = [n for n in re.findall(r"\d+", text) if n not in {"2021", "2025", "2023", "2024"}]
    assert leftover == []


def test_cli_from_previous_json(seed_path):
    res = runner.invoke(app, ["draft", "--from-previous", str(seed_path), "--year", "2024", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) >= {"text", "mode", "sources", "warnings"}
    assert data["mode"] == "skeleton"
    assert "2025年推进法治政府建设的主要安排" in data["text"]
    assert data["sources"][0]["year"] == 2023


def test_cli_from_previous_errors(tmp_path):
    res = runner.invoke(app, ["draft", "--from-previous", str(tmp_path / "missing.txt"), "--year", "2024"])
    assert res.exit_code == 2
    assert "找不到文件" in res.stderr
    res = runner.invoke(app, ["draft", "--from-previous", str(tmp_path / "missing.txt")])
    assert res.exit_code == 2
    assert "--year" in res.stderr
    nodate = tmp_path / "noyear.txt"
    nodate.write_text("关于工作情况的报告\n\n一、主要工作\n\n做了工作。\n", encoding="utf-8")
    res = runner.invoke(app, ["draft", "--from-previous", str(nodate), "--year", "2024"])
    assert res.exit_code == 2
    assert "年度" in res.stderr
