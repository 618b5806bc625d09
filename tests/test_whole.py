"""A whole report in one go ("写整篇"): every required section in order, assembled under 一、二、…; offline
as template drafts, and through tests/openai_server.py over a real socket."""

from __future__ import annotations

import re

import pytest
from openai_server import FakeOpenAIServer, Reply

from assistant.drafting.draft_types import PARTIAL_MARK
from assistant.drafting.exemplars import SampleExemplarSource
from assistant.drafting.figures import fact_values, find_figures
from assistant.drafting.whole import draft_whole, required_sections
from assistant.settings import Settings

GENRE = "法治政府建设年度报告"
FACTS = """2024年，本局开展普法宣传活动12场，覆盖企业86家。
行政执法人员持证率为92%，仍有部分执法人员对新修订的法规掌握不够。
原因：培训经费有限，学法用法考核机制不健全。
局长主持召开专题会议3次，研究法治政府建设重大事项。
2025年计划开展执法培训4期。"""
HEADINGS = ["一、2024年推进法治政府建设的主要举措和成效", "二、2024年推进法治政府建设存在的不足和原因",
            "三、党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况",
            "四、2025年推进法治政府建设的主要安排"]


@pytest.fixture(scope="module")
def samples() -> SampleExemplarSource:
    return SampleExemplarSource()


def llm_settings(server: FakeOpenAIServer) -> Settings:
    return Settings(OPENAI_BASE_URL=server.base_url, ASSISTANT_LLM_MODEL="fake-model", OPENAI_API_KEY="sk-test",
                    ASSISTANT_LLM_MAX_RETRIES=0, ASSISTANT_LLM_TIMEOUT=5)


def part_of(text: str, needle: str) -> int:
    """Which 一、二、… part of the assembled text a line containing `needle` sits in (1-based)."""
    lines = text.splitlines()
    where = next(i for i, ln in enumerate(lines) if needle in ln)
    return sum(1 for ln in lines[:where] if re.match(r"^[一二三四五六七八九十]、", ln))


def test_offline_whole_report_in_order_with_every_fact_once(samples, no_network):
    done: list[str] = []
    result = draft_whole(GENRE, FACTS, issuer="示例区司法局", year=2024, settings=Settings(), source=samples,
                         on_section=lambda heading, part: done.append(heading))
    text = result.text
    assert result.mode == "template"
    assert done == HEADINGS
    assert text.startswith("模板草稿") and text.count("模板草稿") == 1
    assert "\n示例区司法局关于2024年法治政府建设情况的报告\n" in text
    level1 = [ln for ln in text.splitlines() if re.match(r"^[一二三四五六七八九十]、", ln)]
    assert level1 == HEADINGS
    for fact in FACTS.splitlines():
        assert text.count(fact) == 1, fact
    assert part_of(text, "覆盖企业86家") == 1
    assert part_of(text, "培训经费有限") == 2
    assert part_of(text, "局长主持召开专题会议") == 3
    assert part_of(text, "2025年计划开展执法培训") == 4
    own = fact_values(FACTS) | {"2024", "2025"}
    body = "\n".join(ln for ln in text.splitlines() if not ln.startswith("【写作要点】"))
    assert [f.text for f in find_figures(body) if not set(f.values) <= own] == []
    assert {s["role"] for s in result.sources} == {"measures", "shortcomings", "first_responsible", "next_year"}
    assert any(w["kind"] == "offline" for w in result.warnings)


def test_sections_are_numbered_among_the_required_ones():
    specs = required_sections("年度工作总结")  # optional overview and experience sit between required parts
    assert [s.role for s in specs] == ["measures", "shortcomings", "next_year"]
    assert [s.heading(None)[:2] for s in specs] == ["一、", "二、", "三、"]


def test_whole_report_through_the_model(samples, server):
    server.enqueue(
        Reply(text="一、2024年主要举措和成效\n开展普法宣传活动12场，覆盖企业86家。"),
        Reply(text="一、存在的不足和原因\n持证率为92%，仍有37名人员未参加培训。培训经费有限。"),  # wrong number
        Reply(text="局长主持召开专题会议3次。"),  # no heading at all
        Reply(text="四、2025年主要安排\n计划开展执法培训4期。"),
    )
    pieces: list[str] = []
    result = draft_whole(GENRE, FACTS, issuer="示例区司法局", year=2024, settings=llm_settings(server),
                         source=samples, on_chunk=pieces.append)
    assert result.mode == "llm"
    assert "".join(pieces).startswith("一、2024年主要举措和成效")
    level1 = [ln for ln in result.text.splitlines() if re.match(r"^[一二三四五六七八九十]、", ln)]
    assert level1 == ["一、2024年主要举措和成效", "二、存在的不足和原因", HEADINGS[2], "四、2025年主要安排"]
    [flag] = [w for w in result.warnings if w["kind"] == "figure"]
    assert flag["text"] == "37" and flag["section"] == "上一年度推进法治政府建设存在的不足和原因"

    requests = server.chat_requests()
    assert len(requests) == 4
    for req, role in zip(requests, ["measures", "shortcomings", "first_responsible", "next_year"], strict=True):
        user = req.text_of("user")
        assert not re.search(rf"章节：(?!{role})", user)  # only this section's exemplars
    assert "培训经费有限" in requests[1].text_of("user")
    assert "培训经费有限" not in requests[0].text_of("user")  # each section gets the facts that belong to it


def test_a_section_that_breaks_off_ends_the_run_as_partial(samples, server):
    server.enqueue(Reply(text="一、2024年主要举措和成效\n开展普法宣传活动12场。"),
                   Reply(text="二、存在的不足\n持证率为92%。下一步", chunks=["二、存在的不足\n", "持证率为92%。", "下一步"],
                         cut_after=2))
    result = draft_whole(GENRE, FACTS, issuer="示例区司法局", year=2024, settings=llm_settings(server),
                         source=samples)
    assert result.mode == "partial"
    assert len(server.chat_requests()) == 2
    assert result.text.rstrip("\n").endswith(PARTIAL_MARK.strip())
    assert "三、" not in result.text
