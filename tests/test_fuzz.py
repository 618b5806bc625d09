"""Property tests (hypothesis) over the readers, the 公文 parser, the citation extractor and the checker.

Inputs are built from 公文 fragments (numbering, 《》, article numbers, dates, 发文字号, 版记 labels) mixed with
arbitrary Unicode, NUL, BOM, RTL marks and lone surrogates. Properties: the only exception is a DocumentError
with a Chinese message; line numbers point into the input; results serialise to JSON.
A few hundred examples per run (FUZZ_EXAMPLES scales them); benchmarks/fuzz.py runs thousands.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.citations.resolver import check_citations
from assistant.documents.reading import decode_text, read_document, read_text_input
from assistant.documents.structure import parse_official
from assistant.errors import DocumentError
from assistant.rules.check import check_text

SCALE = float(os.environ.get("FUZZ_EXAMPLES", "1"))
CJK = re.compile(r"[\u4e00-\u9fff]")

PIECES = ["一、", "二、", "（一）", "（二）", "1.", "2．", "（1）", "①", "第一条", "第二十五条之一", "第三章", "第一节", "第二款",
          "《", "》", "《中华人民共和国安全生产法》", "《安全生产法》", "《行政处罚法》第三十二条", "〔2024〕", "[2024]",
          "7号", "示府发", "关于", "的报告", "的通知", "特此报告。", "妥否，请批示。", "附件：", "1.", "抄送：", "印发",
          "2024年3月1日", "二〇二四年三月一日", "签发人：", "主送：", "各乡镇人民政府：", "（此件公开发布）", "\n", "\n\n",
          "\r\n", "\t", "　", "\x00", "\ufeff", "\u202e", "\u200b", "\ud800", "\udfff", "�", "《《", "》》", "（", "）",
          "以下简称", "第", "条", "款", "项", "目", "。", "，", "；", "：", "\u3000\u3000"]


def settings_for(n: int):
    return settings(max_examples=max(5, int(n * SCALE)), deadline=None, derandomize=not os.environ.get("FUZZ_RANDOM"),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


gongwen_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=80).map("".join)


def _lines(text: str) -> int:
    return len(re.split(r"\r\n|\r|\n", text))


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


@settings_for(80)
@given(data=st.one_of(st.binary(max_size=3000),
                      gongwen_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
                      gongwen_text.map(lambda t: t.encode("utf-16", "surrogatepass")),
                      gongwen_text.map(lambda t: t.encode("gb18030", "replace"))))
def test_decode_text_gives_text_or_a_chinese_error(data):
    try:
        text, encoding = decode_text(data, name="x.txt")
    except DocumentError as err:
        assert CJK.search(str(err))
        return
    assert isinstance(text, str) and encoding


@settings_for(60)
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".txt", ".md", ".docx", ".pdf"]),
       head=st.sampled_from([b"", b"PK\x03\x04", b"%PDF-1.7\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xd0\xcf\x11\xe0"]),
       tail=st.sampled_from([b"", b"\n%%EOF\n"]))
def test_read_document_on_random_bytes(data, suffix, head, tail):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(head + data + tail)
        try:
            source = read_document(path)
        except DocumentError as err:
            assert CJK.search(str(err))
            return
        assert source.paragraphs and all("\x00" not in p.text for p in source.paragraphs)


@settings_for(80)
@given(text=gongwen_text)
def test_parse_official_never_fails_and_points_into_the_text(text):
    try:
        source = read_text_input(text)
    except DocumentError as err:
        assert CJK.search(str(err))
        return
    doc = parse_official(source)
    n = _lines(text)

    def walk(sections):
        for s in sections:
            yield s
            yield from walk(s.children)

    lines = [s.line for s in walk(doc.sections)]
    assert all(1 <= line <= n for line in lines), (lines, n)
    _json(doc.to_dict() if hasattr(doc, "to_dict") else doc.__dict__)


@settings_for(80)
@given(text=gongwen_text)
def test_citation_extractor_finds_only_what_is_written(text):
    try:
        source = read_text_input(text)
    except DocumentError:
        return
    cites = check_citations(source, "2024年3月1日")
    assert len(cites) <= text.count("《") + text.count("<")
    n = _lines(text)
    for c in cites:
        assert c.line is None or 1 <= c.line <= n
        assert c.severity in (None, "error", "warning", "info")
    _json([c.to_dict() for c in cites])


@settings_for(60)
@given(text=gongwen_text)
def test_checker_answers_any_text(text):
    try:
        report = check_text(text)
    except DocumentError as err:
        assert CJK.search(str(err))
        return
    n = _lines(text)
    for f in report.findings:
        assert f.severity in ("error", "warning", "info")
        assert f.line is None or 1 <= f.line <= n, (f.rule, f.line, n)  # a line the text has, even for "缺少"
        assert CJK.search(f.message), f.message
    _json(report.to_dict())
