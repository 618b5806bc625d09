"""Reading documents: encodings, .docx, .pdf, bad input, line-wrap repair, whitespace normalisation."""

from __future__ import annotations

import json
import os
import re
import time
import tracemalloc
from pathlib import Path

import pytest
from fixtures_docs import (
    SAMPLE_LINES,
    SAMPLE_TEXT,
    make_cjk_pdf,
    make_image_only_pdf,
    make_sample_docx,
    sample_docx_twin,
    wrap_fixed,
)

from assistant.documents.normalize import normalize_spaces
from assistant.documents.pdf import OCR_MESSAGE
from assistant.documents.reading import decode_text, read_document, read_text_input
from assistant.documents.word import format_number
from assistant.documents.wraps import repair_wraps
from assistant.errors import AssistantError, DocumentError, NeedsOCRError


def texts(source) -> list[str]:
    return [p.text for p in source.paragraphs]


# --- encodings --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-bom"), ("gbk", "gb18030"), ("gb18030", "gb18030"),
     ("utf-16", "utf-16-le"), ("utf-16-be-bom", "utf-16-be")],
)
def test_same_text_in_every_encoding_reads_identically(tmp_path: Path, encoding: str, reported: str) -> None:
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + SAMPLE_TEXT.encode("utf-16-be")
    else:
        data = SAMPLE_TEXT.encode(encoding)
    path = tmp_path / f"report-{encoding}.txt"
    path.write_bytes(data)
    source = read_document(path)
    assert texts(source) == SAMPLE_LINES
    assert source.encoding == reported
    assert source.format == "txt"
    assert [p.line for p in source.paragraphs] == list(range(1, len(SAMPLE_LINES) + 1))


def test_crlf_and_markdown_suffix(tmp_path: Path) -> None:
    path = tmp_path / "report.MD"
    path.write_bytes(SAMPLE_TEXT.replace("\n", "\r\n").encode("gbk"))
    source = read_document(path)
    assert source.format == "md"
    assert texts(source) == SAMPLE_LINES


def test_gb18030_only_characters(tmp_path: Path) -> None:
    text = "关于䶮字和𠮷字的说明\n本段包含扩展区汉字，需要按GB18030读取。\n" * 3
    path = tmp_path / "ext.txt"
    path.write_bytes(text.encode("gb18030"))
    source = read_document(path)
    assert source.encoding == "gb18030"
    assert "䶮" in source.text and "𠮷" in source.text


def test_big5_is_never_silent_mojibake(tmp_path: Path) -> None:
    original = "臺灣省政府關於加強法治宣傳教育工作的報告，請各單位認真學習貫徹執行。\n" * 5
    path = tmp_path / "big5.txt"
    path.write_bytes(original.encode("big5"))
    try:
        source = read_document(path)
    except DocumentError as err:
        assert "编码" in err.message
    else:  # if it is decoded at all, it must be decoded right (checked in simplified, the original kept)
        assert "台湾省政府关于加强法治宣传教育工作的报告" in source.text
        assert "臺灣省政府關於加強法治宣傳教育工作的報告" in source.paragraphs[0].original


def test_undecodable_bytes_raise_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 40)
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert "编码" in info.value.message or "不是文本文件" in info.value.message


def test_binary_file_named_txt(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    with pytest.raises(DocumentError, match="不是文本文件"):
        read_document(path)


def test_utf16_without_bom_and_truncated_utf8_tail() -> None:
    for enc in ("utf-16-le", "utf-16-be"):
        text, reported = decode_text(SAMPLE_TEXT.encode(enc))
        assert (text, reported) == (SAMPLE_TEXT, enc)
    cut = (SAMPLE_TEXT + "报").encode("utf-8")[:-1]  # file cut in the middle of the last character
    assert decode_text(cut) == (SAMPLE_TEXT, "utf-8")


def test_single_byte_guesses_are_refused_not_shown_as_mojibake() -> None:
    with pytest.raises(DocumentError, match="编码") as info:
        decode_text(("Café déjà vu, naïve résumé. " * 20).encode("latin-1"), name="notes.txt")
    assert "notes.txt" in info.value.message and "UTF-8" in info.value.hint


def test_decode_text_prefers_strict_utf8() -> None:
    text, enc = decode_text("法治政府建设".encode())
    assert (text, enc) == ("法治政府建设", "utf-8")


# --- docx ---------------------------------------------------------------------------------------------------


def test_docx_reads_like_its_txt_twin(tmp_path: Path) -> None:
    docx_source = read_document(make_sample_docx(tmp_path / "sample.docx"))
    twin = tmp_path / "sample.txt"
    twin.write_text("\n".join(sample_docx_twin()), encoding="utf-8")
    assert texts(docx_source) == texts(read_document(twin))
    assert docx_source.format == "docx"


def test_docx_numbering_styles_and_tables(tmp_path: Path) -> None:
    source = read_document(make_sample_docx(tmp_path / "sample.docx"))
    by_text = {p.text: p for p in source.paragraphs}
    # Automatic numbering (chineseCounting "%1、", "（%2）", decimal "%3.") rendered as text.
    assert by_text["一、主要举措"].style == "Heading 1"
    assert by_text["三、下一年度工作安排"].style == "Heading 1"
    assert by_text["（二）规范行政执法行为"].style == "Heading 2"
    assert "2.推进包容审慎监管。" in source.text
    assert by_text[SAMPLE_LINES[2]].style == "Title"
    # Table rows, in body order, after the last section and before the signature.
    rows = [p for p in source.paragraphs if p.style == "Table"]
    assert [r.text for r in rows][0] == "项目 | 2023年 | 2024年"
    order = [p.text for p in source.paragraphs]
    assert order.index(SAMPLE_LINES[14]) < order.index(rows[0].text) < order.index(SAMPLE_LINES[15])
    # Line numbers: 1-based body paragraph/row counter, strictly increasing.
    lines = [p.line for p in source.paragraphs]
    assert lines == sorted(set(lines)) and lines[0] == 1


def test_docx_soft_line_breaks_become_lines(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    run = d.add_paragraph().add_run("示例县人民政府办公室")
    run.add_break()
    run.add_text("2025年3月1日")
    d.save(str(tmp_path / "sig.docx"))
    source = read_document(tmp_path / "sig.docx")
    assert texts(source) == ["示例县人民政府办公室", "2025年3月1日"]


def test_docx_text_boxes_are_read_once(tmp_path: Path) -> None:
    import docx
    from docx.oxml import parse_xml

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"

    def box(text: str) -> str:
        return f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"

    d = docx.Document()
    host = d.add_paragraph("正文第一段。")
    # Modern Word: the same box twice, as DrawingML (mc:Choice) and as VML (mc:Fallback).
    host._p.append(parse_xml(
        f'<w:r xmlns:w="{w}" xmlns:mc="{mc}"><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        f'{box("示例县人民政府文件")}</w:drawing></mc:Choice><mc:Fallback><w:pict>{box("示例县人民政府文件")}'
        f"</w:pict></mc:Fallback></mc:AlternateContent></w:r>"))
    d.add_paragraph("正文第二段。")._p.append(parse_xml(
        f'<w:r xmlns:w="{w}"><w:pict>{box("抄送：县委办公室。")}</w:pict></w:r>'))  # old VML-only box
    d.save(str(tmp_path / "boxes.docx"))
    assert texts(read_document(tmp_path / "boxes.docx")) == [
        "示例县人民政府文件", "正文第一段。", "抄送：县委办公室。", "正文第二段。"]


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [(1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (12, "chineseCountingThousand", "十二"),
     (21, "chineseCounting", "二十一"), (105, "chineseCounting", "一百零五"), (3, "decimal", "3"),
     (4, "upperRoman", "IV"), (28, "lowerLetter", "bb"), (2, "decimalEnclosedCircle", "②"),
     (3, "ideographTraditional", "丙"), (5, "decimalZero", "05"), (2, "chineseLegalSimplified", "贰")],
)
def test_format_number(n: int, fmt: str, expected: str) -> None:
    assert format_number(n, fmt) == expected


# --- pdf ----------------------------------------------------------------------------------------------------


def test_pdf_text_layer_with_wrapped_lines_and_page_numbers(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    wrapped = wrap_fixed(SAMPLE_LINES)
    assert len(wrapped) > len(SAMPLE_LINES) + 5  # the layout really broke paragraphs
    path = make_cjk_pdf(tmp_path / "report.pdf", wrapped, lines_per_page=20)  # 2 pages, "— 1 —" footers
    source = read_document(path)
    assert source.format == "pdf"
    assert texts(source) == SAMPLE_LINES


def test_pdf_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    path = make_image_only_pdf(tmp_path / "scan.pdf")
    with pytest.raises(NeedsOCRError) as info:
        read_document(path)
    assert info.value.message == OCR_MESSAGE == "该PDF没有文字层（可能是扫描件），需要先做OCR识别"
    assert isinstance(info.value, DocumentError)


def test_truncated_pdf(tmp_path: Path) -> None:
    full = make_image_only_pdf(tmp_path / "full.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(full[: len(full) // 2])
    with pytest.raises(DocumentError, match="PDF") as info:
        read_document(path)
    assert "不完整" in info.value.message or "损坏" in info.value.message


def test_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_text("这不是PDF", encoding="utf-8")
    with pytest.raises(DocumentError, match="不是有效的 PDF"):
        read_document(path)


def test_corrupt_pdf_body(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(3000) + b"\n%%EOF\n")
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert "PDF" in info.value.message


# --- bad input ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.txt", "empty.docx", "empty.pdf", "empty.md"])
def test_zero_byte_files(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(DocumentError, match="文件是空的"):
        read_document(path)


def test_random_bytes_named_docx(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(os.urandom(5000))
    with pytest.raises(DocumentError, match="无法读取 Word 文件") as info:
        read_document(path)
    assert info.value.hint  # tells the user what to do


def test_zip_that_is_not_a_docx(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "不是Word文档")
    with pytest.raises(DocumentError, match="无法读取 Word 文件"):
        read_document(path)


def test_legacy_doc_renamed_docx(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(DocumentError, match=r"旧版 Word"):
        read_document(path)


@pytest.mark.parametrize("name", ["report.doc", "report.wps", "sheet.xlsx", "noext"])
def test_unsupported_formats_name_the_supported_ones(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"x" * 10)
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert "不支持的文件格式" in info.value.message
    for suffix in (".txt", ".md", ".docx", ".pdf"):
        assert suffix in info.value.message
    if name.endswith((".doc", ".wps")):
        assert ".docx" in info.value.hint


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="找不到文件"):
        read_document(tmp_path / "nope.txt")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(DocumentError, match="文件夹"):
        read_document(folder)


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("\n\u3000\u3000\n   \n", encoding="utf-8")
    with pytest.raises(DocumentError, match="没有可读的文字"):
        read_document(path)


def test_50mb_file_is_refused_fast_with_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:  # sparse: 50 MB on paper, no disk or time spent writing it
        fh.truncate(50 * 1024 * 1024)
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(DocumentError) as info:
        read_document(path)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "文件太大" in info.value.message and "50.0 MB" in info.value.message and "20 MB" in info.value.message
    assert "ASSISTANT_MAX_FILE_MB" in info.value.hint
    assert elapsed < 2.0
    assert peak < 5 * 1024 * 1024


def test_size_limit_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.settings import get_settings

    path = tmp_path / "medium.txt"
    path.write_text("法治政府建设。\n" * 100_000, encoding="utf-8")  # ~2.3 MB
    monkeypatch.setenv("ASSISTANT_MAX_FILE_MB", "1")
    get_settings.cache_clear()
    with pytest.raises(DocumentError, match="超过上限 1 MB"):
        read_document(path)
    assert len(read_document(path, max_file_mb=5).paragraphs) == 100_000


def test_errors_are_assistant_errors_with_chinese_text(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(AssistantError) as info:
        read_document(path)
    assert re.search(r"[\u4e00-\u9fff]", str(info.value))


# --- pasted text ----------------------------------------------------------------------------------------------


def test_read_text_input() -> None:
    source = read_text_input("\ufeff　　关于 2024 年工作的报告\n\n为企业提供全方位精准化法律\n服务。下一步继续推进。")
    assert source.format == "text" and source.path is None
    assert texts(source) == ["关于2024年工作的报告", "为企业提供全方位精准化法律服务。下一步继续推进。"] or texts(
        source) == ["关于2024年工作的报告", "为企业提供全方位精准化法律", "服务。下一步继续推进。"]
    assert source.paragraphs[0].line == 1
    with pytest.raises(DocumentError, match="空"):
        read_text_input("  \n　\n")


# --- whitespace -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("　　2023 年以来，", "2023年以来，"),
        ("高新区管委会关于 2023 年法治政府 建设情况的报告", "高新区管委会关于2023年法治政府建设情况的报告"),
        ("活动 80 余场次", "活动80余场次"),
        ("一、 2023 年主要工作举措", "一、2023年主要工作举措"),
        ("（一） 夯实法治根基", "（一）夯实法治根基"),
        ("Open  Government   Data 平台", "Open Government Data 平台"),
        ("第一条 为了保护个人信息权益，制定本法。", "第一条 为了保护个人信息权益，制定本法。"),
        ("第十条之一　国家 建立", "第十条之一 国家建立"),
        ("## 第一章 总 则", "## 第一章 总则"),
        ("# 中华人民共和国个人信息保护法", "# 中华人民共和国个人信息保护法"),
        ("2021年8月20日 第十三届全国人民代表大会常务委员会第三十次会议通过",
         "2021年8月20日 第十三届全国人民代表大会常务委员会第三十次会议通过"),
        ("省长\u00a0王予波\u200b", "省长王予波"),
        ("细颗粒物（PM 2.5）浓度", "细颗粒物（PM 2.5）浓度"),
        ("项目 | 数量", "项目 | 数量"),
        ("组长：张某某　县长", "组长：张某某 县长"),
        ("一、　总体要求", "一、总体要求"),
    ],
)
def test_normalize_spaces(raw: str, expected: str) -> None:
    assert normalize_spaces(raw) == expected


# --- line-wrap repair ---------------------------------------------------------------------------------------


def test_seed_wraps_are_rejoined_and_structure_lines_kept(seed_path: Path) -> None:
    source = read_document(seed_path)
    body = texts(source)
    joined = "\n".join(body)
    assert "聘请法律顾问及公职律师，为重大行政决策" in joined
    assert "为企业提供全方位精准化法律服务。协同" in joined
    assert "更好发挥宪法在治国理政中的重要作用。" in joined
    raw_lines = [ln for ln in seed_path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert len(body) == len(raw_lines) - 3  # exactly the three wraps are joined
    for line in ["泉州市鲤城高新技术产业开发区管理委员会文件", "泉鲤高文〔2024〕3号", "签发人：张志强",
                 "高新区管委会关于2023年法治政府建设情况的报告", "区委、区政府：", "一、2023年主要工作举措",
                 "（一）夯实法治根基", "（四）法治引领工作", "二、存在的不足和原因",
                 "三、主要负责人履行法治建设第一责任人职责情况", "四、2024年推进法治政府建设的主要安排",
                 "泉州市鲤城高新技术产业", "开发区管理委员会", "2024年2月26日", "（此件主动公开）",
                 "抄送：区委依法治区办。", "鲤城高新区综合科（党建办）", "2024年2月26日印发"]:
        assert line in body, line
    by_text = {p.text: p.line for p in source.paragraphs}
    assert by_text["泉鲤高文〔2024〕3号"] == 5
    assert by_text["一、2023年主要工作举措"] == 15
    first_wrap = next(p for p in source.paragraphs if "公职律师，为重大行政决策" in p.text)
    assert first_wrap.line == 19  # where the paragraph starts in the file


def test_one_paragraph_per_line_text_is_unchanged() -> None:
    assert [p.text for p in repair_wraps(SAMPLE_LINES)] == SAMPLE_LINES
    spaced = [x for line in SAMPLE_LINES for x in (line, "")]  # blank line after every line, like the seed
    paragraphs = repair_wraps(spaced)
    assert [p.text for p in paragraphs] == SAMPLE_LINES
    assert [p.line for p in paragraphs] == list(range(1, 2 * len(SAMPLE_LINES), 2))


def test_fixed_width_layout_is_rejoined_without_touching_headings() -> None:
    wrapped = wrap_fixed(SAMPLE_LINES, width=24)
    assert [p.text for p in repair_wraps(wrapped)] == SAMPLE_LINES


def test_wrap_with_blank_line_inside_the_break() -> None:
    lines = ["一、基本情况", "", "我们聘请法律顾问及公职律师，", "", "为重大决策提供法律审核。", "",
             "二、下一步安排", "", "继续做好各项工作。"]
    assert [p.text for p in repair_wraps(lines)] == [
        "一、基本情况", "我们聘请法律顾问及公职律师，为重大决策提供法律审核。", "二、下一步安排", "继续做好各项工作。"]


def test_long_line_cut_mid_word_is_rejoined_but_headings_and_dates_are_not() -> None:
    long_start = "全年组织开展法治宣传进企业、进社区、进校园活动，覆盖群众两万余人次，为企业提供全方位精准化法律"
    lines = [long_start, "", "服务。协同推进各项工作。", "", "（二）加强执法监督", "", "示例县司法局", "2025年2月1日"]
    assert [p.text for p in repair_wraps(lines)] == [
        long_start + "服务。协同推进各项工作。", "（二）加强执法监督", "示例县司法局", "2025年2月1日"]


def test_lines_starting_with_closing_marks_are_continuations() -> None:
    lines = ["全市重点城市细颗粒物（PM", "2.5", "）平均浓度下降，推动《", "巴黎协定", "》生效。"]
    assert [p.text for p in repair_wraps(lines)] == ["全市重点城市细颗粒物（PM2.5）平均浓度下降，推动《巴黎协定》生效。"]


def test_header_and_footer_lines_never_merge() -> None:
    lines = ["示例市人民政府办公室关于开展2025年法治政府建设督察工作的通知",
             "各县（市、区）人民政府，市直各单位：",
             "为贯彻落实有关要求，现就开展督察工作通知如下：",
             "附件：督察工作安排表",
             "示例市人民政府办公室",
             "2025年3月1日",
             "（此件公开发布）",
             "抄送：市委办公室，市人大常委会办公室",
             "示例市人民政府办公室 2025年3月1日印发"]
    assert [p.text for p in repair_wraps(lines)] == [normalize_spaces(x) for x in lines]


def test_lists_of_short_lines_stay_apart() -> None:
    lines = ["示例县法治政府建设领导小组成员名单", "组长：张某某　县长", "副组长：李某某　副县长",
             "成员：王某某　司法局局长", "赵某某　公安局局长", "钱某某　财政局局长", "孙某某　市场监管局局长",
             "周某某　自然资源局局长", "吴某某　生态环境局局长"]
    assert [p.text for p in repair_wraps(lines)] == [normalize_spaces(x) for x in lines]


def test_gov_work_reports_keep_their_headings(gov_reports_dir: Path) -> None:
    files = sorted(gov_reports_dir.glob("*.txt"))
    assert len(files) == 39
    heading = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
    joined_total = 0
    for f in files:
        source = read_document(f)
        raw = f.read_text(encoding="utf-8").splitlines()
        starts = {p.line: p.text for p in source.paragraphs}
        for no, line in enumerate(raw, 1):
            text = normalize_spaces(line)
            if heading.match(text) and len(text) < 40:
                assert starts.get(no) == text, f"{f.name}:{no} heading merged: {text}"
        joined_total += sum(1 for ln in raw if normalize_spaces(ln)) - len(source.paragraphs)
    assert joined_total > 50  # the web-scraped 2017/2021 reports really are repaired


def test_regulation_articles_survive_wrap_repair(regulations_dir: Path) -> None:
    article = re.compile(r"^第[一二三四五六七八九十百千零〇]+条(?:之[一二三四五六七八九十]+)? ")
    catalog = [json.loads(x) for x in (regulations_dir / "catalog.jsonl").read_text(encoding="utf-8").splitlines()]
    for entry in catalog:
        source = read_document(regulations_dir / entry["path"])
        count = sum(1 for p in source.paragraphs if article.match(p.text))
        assert count == entry["articles"], entry["path"]


def _without_lines(value):
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if k != "line"}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value


def test_docx_and_encodings_parse_like_the_txt(tmp_path: Path) -> None:
    from assistant.documents import structure
    twin = tmp_path / "twin.txt"
    twin.write_text("\n".join(sample_docx_twin()), encoding="utf-8")
    expected = structure.parse_official(read_document(twin))
    assert expected.title == SAMPLE_LINES[2] and len(expected.sections) == 3
    from_docx = structure.parse_official(read_document(make_sample_docx(tmp_path / "sample.docx")))
    assert _without_lines(from_docx.to_dict()) == _without_lines(expected.to_dict())
    for enc in ("gbk", "gb18030", "utf-16"):
        path = tmp_path / f"twin-{enc}.txt"
        path.write_bytes("\n".join(sample_docx_twin()).encode(enc))
        assert structure.parse_official(read_document(path)).to_dict() == expected.to_dict()


def test_folder_or_missing_file_without_suffix_is_not_called_unsupported(tmp_path: Path) -> None:
    """`assistant parse some_folder` must say it is a folder, not "unsupported format"."""
    folder = tmp_path / "drafts"
    folder.mkdir()
    with pytest.raises(DocumentError, match="文件夹") as info:
        read_document(folder)
    assert "不支持" not in info.value.message
    with pytest.raises(DocumentError, match="找不到文件"):
        read_document(tmp_path / "no_such_file")
