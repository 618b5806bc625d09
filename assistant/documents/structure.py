"""Text → document model.

`parse_official` turns the paragraphs of a 公文 or report into an OfficialDocument: 版头 (发文机关标志, 发文字号,
签发人), 标题, 主送机关, the body as a section tree by 层次序数, 附件说明, 落款 (署名, 成文日期), 附注 and 版记
(抄送, 印发机关和印发日期). `parse_regulation` (documents/regulation.py) turns a law or regulation into articles
with their 编/章/节 path. `parse_any` picks one of the two.

All numbering patterns come from `assistant.documents.numbering`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.documents.normalize import squeeze_cjk_spaces
from assistant.documents.numbering import (
    DATE_PLACEHOLDER_RE,
    DATE_RE,
    HeadingMark,
    heading_level,
    parse_date,
    parse_doc_number,
    split_inline_heading,
    without_theme_comma,
)
from assistant.documents.paragraphs import as_paragraphs, normalized_of
from assistant.documents.regulation import is_regulation, parse_regulation
from assistant.models import OfficialDocument, Paragraph, Regulation, Section, SourceText

__all__ = ["as_paragraphs", "clean_text", "is_regulation", "parse_any", "parse_official", "parse_regulation"]

# ---------------------------------------------------------------------------------------------------------
# Small text helpers
# ---------------------------------------------------------------------------------------------------------

_PUNCT = "。，；：！？、,;:!?"
# The genre word a title ends with (文种); used only to decide whether a title continues on the next line.
_GENRE_END_RE = re.compile(
    r"(报告|请示|通知|总结|意见|决定|函|复函|批复|方案|纪要|通报|公告|通告|规定|办法|细则|计划|要点|决议|议案|公报|命令|令"
    r"|规划|述职报告|汇报|情况|说明|讲话|建议|提案)$"
)
_CLOSING_RE = re.compile(
    r"^(特此(报告|请示|通知|函告|函复|批复|通报|公告|通告)|以上(报告|意见|请示)|妥否|当否|是否妥当|请予|请审阅|请审议|请批示|请批复|专此)"
)
_ANNEX_RE = re.compile(r"^(附件[0-9一二三四五六七八九十]*|附录[0-9一二三四五六七八九十]*|名词解释|名词注释|注释)(\s.*)?$")
_ATTACHMENTS_RE = re.compile(r"^附\s*件\s*[:：]\s*(?P<rest>.*)$")
_CC_RE = re.compile(r"^(抄\s*送|抄\s*报)\s*[:：]\s*(?P<rest>.*)$")
_SIGNER_RE = re.compile(r"签\s*发\s*人\s*[:：]?\s*(?P<name>.+)$")
_SECRECY_RE = re.compile(r"^(绝密|机密|秘密|特急|加急|平急|特提|[0-9]{6})")
_RECIPIENT_SPLIT_RE = re.compile(r"[、，,；;]")
# A short line ending in a colon that introduces body text rather than naming the 主送机关.
_NOT_RECIPIENTS_RE = re.compile(r"^(来源|现将|根据|按照|为了|为|经)|如下|以下|情况|报告|有关事项|[0-9]")
_HEADING_STYLE_RE = re.compile(r"(?:Heading|标题)\s*([0-9])", re.IGNORECASE)
_PRINT_RE = re.compile(rf"(?P<date>{DATE_RE.pattern}|{DATE_PLACEHOLDER_RE.pattern})\s*印\s*发\s*$")


# Strip indentation and remove stray spaces between CJK characters and digits ("2023 年" → "2023年").
clean_text = squeeze_cjk_spaces


def _has_punct(text: str, chars: str = _PUNCT) -> bool:
    return re.search(f"[{re.escape(chars)}]", text) is not None


def _ends_with_colon(text: str) -> bool:
    return text.endswith(("：", ":"))


def _split_list(text: str) -> list[str]:
    text = text.strip().rstrip("。.")
    return [x.strip() for x in _RECIPIENT_SPLIT_RE.split(text) if x.strip()]


# ---------------------------------------------------------------------------------------------------------
# 公文 / reports
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _Item:
    """A paragraph with its cleaned text (used for detection; the original Paragraph is kept for output)."""

    para: Paragraph
    text: str
    mark: HeadingMark | None = None

    @property
    def line(self) -> int:
        return self.para.line


def parse_official(src: SourceText | str) -> OfficialDocument:
    """Parse a 公文 or report into an OfficialDocument (sections by 层次序数, 版头, 落款, 版记)."""
    paras, path = as_paragraphs(src)
    items = [_Item(p, clean_text(p.text)) for p in paras]
    items = [it for it in items if it.text]
    for it in items:
        it.mark = heading_level(it.text)
    doc = OfficialDocument(paragraphs=[it.para for it in items], source=path, normalized=normalized_of(src))
    if not items:
        return doc

    body_start = _parse_head(items, doc)
    body_end = _parse_tail(items, body_start, doc)

    # Within the body: an annex (附件 / 名词解释) or 附件说明 ends the part that holds the sections.
    for i in range(body_start, body_end):
        text = items[i].text
        m = _ATTACHMENTS_RE.match(text)
        if m and i > body_start:
            doc.attachments = _collect_attachments(items, i, body_end)
            body_end = i
            break
        if i > body_start and len(text) <= 24 and _ANNEX_RE.match(text) and not _has_punct(text, "。，；！？"):
            body_end = i
            break

    body = items[body_start:body_end]
    # A closing line (特此报告。) at the very end of the body.
    if body and doc.closing is None and _is_closing(body[-1].text):
        doc.closing, doc.closing_line = body[-1].text, body[-1].line
        body = body[:-1]
    doc.preamble, doc.sections = _build_sections(body)
    return doc


def _is_closing(text: str) -> bool:
    return len(text) <= 30 and bool(_CLOSING_RE.match(text))


def _parse_head(items: list[_Item], doc: OfficialDocument) -> int:
    """版头, 标题, 主送机关. Returns the index of the first body paragraph."""
    n = len(items)
    i = _parse_masthead(items, doc)
    if i >= n:
        return n
    i = _parse_title(items, i, doc)
    # Subtitle lines (——…在…会议上, 来源：…, speaker) and the salutation / 主送机关.
    for k in range(i, min(n, i + 6)):
        it = items[k]
        text = it.text
        if it.mark or len(text) > 90 or (_has_punct(text, "。") and not _is_subtitle(text)):
            break
        if _ends_with_colon(text) and len(text) <= 60 and not _NOT_RECIPIENTS_RE.search(text):
            doc.recipients = _split_list(text[:-1])
            doc.recipients_line = it.line
            return k + 1
    # No salutation: skip subtitle lines right after the title.
    while i < n and _is_subtitle(items[i].text) and doc.title is not None:
        i += 1
    return i


def _parse_masthead(items: list[_Item], doc: OfficialDocument) -> int:
    """版头: 发文机关标志, 发文字号, 签发人, 密级/紧急程度 — everything before the title. Returns where it ends."""
    i, n = 0, len(items)
    while i < n:
        text = items[i].text
        if items[i].mark:
            break
        if "签发人" in text:
            m = _SIGNER_RE.search(text)
            if m:
                doc.signer = m["name"].strip()
            before = text[: text.index("签发人")].strip()
            num = parse_doc_number(before) if before else None
            if num:
                doc.doc_number, doc.doc_number_line = num.text, items[i].line
            i += 1
            continue
        num = parse_doc_number(text)
        if num:
            doc.doc_number, doc.doc_number_line = num.text, items[i].line
            i += 1
            continue
        if len(text) <= 40 and text.endswith("文件") and doc.issuer_mark is None and doc.title is None:
            doc.issuer_mark = text
            i += 1
            continue
        if len(text) <= 12 and _SECRECY_RE.match(text):
            i += 1
            continue
        break
    return i


def _parse_title(items: list[_Item], i: int, doc: OfficialDocument) -> int:
    """标题: the first paragraph that is not a heading, not a salutation and reads like a title (possibly over
    up to three lines). Returns the index after it (i when there is no title)."""
    n = len(items)
    first = items[i]
    title_like = not _has_punct(first.text, "。；！？") and (
        not _has_punct(first.text, "，,") or bool(_GENRE_END_RE.search(first.text))
    )
    if not first.mark and len(first.text) <= 80 and title_like and not _ends_with_colon(first.text):
        parts, j = [first.text], i + 1
        # A title spanning lines: join short lines until the genre word (报告/请示/…) ends it.
        if not _GENRE_END_RE.search(first.text):
            k = j
            joined = list(parts)
            while k < n and k < i + 3:
                nxt = items[k].text
                if items[k].mark or _ends_with_colon(nxt) or len(nxt) > 40 or _has_punct(nxt, "。；！？"):
                    break
                joined.append(nxt)
                k += 1
                if _GENRE_END_RE.search("".join(joined)):
                    parts, j = joined, k
                    break
        doc.title, doc.title_line = "".join(parts), first.line
        i = j
    return i


def _is_subtitle(text: str) -> bool:
    """A line between the title and the body: ——在…会议上, 来源：…, the speaker, a bracketed date."""
    if len(text) > 90:
        return False
    if text.startswith(("——", "—", "来源：", "来源:")) or "会议上" in text:
        return True
    if len(text) <= 30 and re.search(r"(总理|省长|市长|主席|区长|县长|书记)\s*\S{2,4}$", text):
        return True
    return bool(re.fullmatch(r"[（(].*[）)]", text)) and DATE_RE.search(text) is not None


def _parse_tail(items: list[_Item], body_start: int, doc: OfficialDocument) -> int:
    """落款, 附注, 版记, read backwards from the end. Returns the index where the tail starts."""
    i = _parse_colophon(items, body_start, doc)

    def usable(k: int) -> bool:
        return k >= body_start

    # 附注 under the date: a short line in brackets.
    notes_at = None
    if usable(i) and _is_notes(items[i].text):
        notes_at = i
        i -= 1
    date_at, i = _parse_date_line(items, i, body_start, doc)
    if date_at is None:
        if notes_at is not None:
            i += 1  # a bracketed last line without a date is body text, not 附注
        return i + 1
    if notes_at is not None:
        doc.notes, doc.notes_line = items[notes_at].text, items[notes_at].line
    # 发文机关署名: up to 3 short lines right above the date.
    if doc.issuer is None:
        sig: list[str] = []
        while usable(i) and len(sig) < 3 and _looks_like_org(items[i].text) and not items[i].mark:
            sig.insert(0, items[i].text)
            i -= 1
        if sig:
            doc.issuer = "".join(sig)
    # 附件说明 above the 署名.
    for k in range(i, max(body_start - 1, i - 12), -1):
        if _ATTACHMENTS_RE.match(items[k].text):
            doc.attachments = _collect_attachments(items, k, i + 1)
            i = k - 1
            break
    if usable(i) and _is_closing(items[i].text):
        doc.closing, doc.closing_line = items[i].text, items[i].line
        i -= 1
    return i + 1


def _parse_colophon(items: list[_Item], body_start: int, doc: OfficialDocument) -> int:
    """版记 (印发机关和印发日期, 抄送) from the last line up. Returns the index of the last line above it."""
    i = len(items) - 1

    def usable(k: int) -> bool:
        return k >= body_start

    # 印发机关和印发日期: "综合科 2024年2月26日印发" on one line, or the org on the line before the date.
    if usable(i):
        m = _PRINT_RE.search(items[i].text)
        if m and len(items[i].text) <= 60:
            org = items[i].text[: m.start()].strip()
            doc.print_date = re.sub(r"\s+", "", m["date"]) + "印发"
            doc.print_line_no = items[i].line
            i -= 1
            if not org and usable(i) and _looks_like_org(items[i].text) and not _CC_RE.match(items[i].text):
                org = items[i].text
                doc.print_line_no = items[i].line
                i -= 1
            doc.print_org = org or None
            doc.print_line = f"{org} {doc.print_date}".strip()
    # 抄送: one paragraph, possibly wrapped over the next ones.
    for k in range(i, max(body_start - 1, i - 4), -1):
        m = _CC_RE.match(items[k].text)
        if m:
            raw = m["rest"] + "".join(it.text for it in items[k + 1: i + 1])
            doc.cc_raw, doc.cc, doc.cc_line = raw, _split_list(raw), items[k].line
            i = k - 1
            break
    return i


def _parse_date_line(items: list[_Item], i: int, body_start: int, doc: OfficialDocument) -> tuple[int | None, int]:
    """成文日期 at items[i], possibly merged with the 署名 on one line. Returns (its index or None, next i)."""
    date_at = None
    if i >= body_start:
        text = items[i].text
        m = DATE_RE.search(text)
        date = parse_date(text) if m and m.end() == len(text) else None
        if date and (m.start() == 0 or _looks_like_org(text[: m.start()])):
            date_at = i
            doc.date, doc.date_line = date.text, items[i].line
            if m.start() > 0:
                doc.issuer = text[: m.start()].strip()
            i -= 1
        elif DATE_PLACEHOLDER_RE.fullmatch(text):
            date_at = i
            doc.date, doc.date_line = text, items[i].line
            i -= 1
    return date_at, i


def _looks_like_org(text: str) -> bool:
    text = text.strip()
    # Joint signatures ("甲局、乙局") and a title before a name ("党组书记、局长 某某") keep their 、.
    return 2 <= len(text) <= 30 and not _has_punct(text, "。，；：！？,;:!?") and not DATE_RE.search(text)


def _is_notes(text: str) -> bool:
    return len(text) <= 80 and bool(re.fullmatch(r"[（(].+[）)]", text))


def _collect_attachments(items: list[_Item], start: int, end: int) -> list[str]:
    """"附件：1.××" and the numbered lines that follow → ["××", …]."""
    out: list[str] = []
    first = _ATTACHMENTS_RE.match(items[start].text)
    lines = [first["rest"]] if first and first["rest"] else []
    lines += [it.text for it in items[start + 1: end]]
    for text in lines:
        mark = heading_level(text)
        if mark and mark.level in (3, 4):
            out.append(mark.rest)
        elif out and len(text) <= 40 and not _looks_like_sentence(text):
            out[-1] += text  # a wrapped attachment name
        elif not out:
            out.append(text)
        else:
            break
    return out


def _looks_like_sentence(text: str) -> bool:
    return _has_punct(text, "。；！？")


def _build_sections(body: list[_Item]) -> tuple[list[Paragraph], list[Section]]:
    """Section tree by 层次序数. A deeper level directly under a shallower one becomes its child even when a
    level is skipped. A list that restarts at 一、 after a higher 一、-level number (an annex of 十件实事 inside the
    body, a table's rows) nests under the current top-level part instead of starting new top-level parts, until
    a number continues the body's own sequence where the list's would not."""
    has_level1 = any(it.mark and it.mark.level == 1 for it in body)
    bare = {} if has_level1 else _bare_headings(body)
    preamble: list[Paragraph] = []
    top: list[Section] = []
    stack: list[tuple[int, Section]] = []  # (effective depth, section)
    restart_offset = 0
    last_top_value = 0
    inner_next = 0  # the next number of the restarted list

    for idx, it in enumerate(body):
        if idx in bare:
            level = bare[idx]
            sec = Section(level=level, number="", heading=it.text, line=it.line)
            while stack and stack[-1][0] >= level:
                stack.pop()
            if stack:
                stack[-1][1].children.append(sec)
            else:
                top.append(sec)
            stack.append((level, sec))
            continue
        mark = it.mark
        if mark is None:
            if stack:
                stack[-1][1].paragraphs.append(it.para)
            else:
                preamble.append(it.para)
            continue
        heading, inline = split_inline_heading(mark.rest)
        sec = Section(level=mark.level, number=mark.number_text, heading=heading, line=it.line, inline_text=inline)
        if is_unit(mark.number_text):
            # "第一部分" over "一、…六、": the parts hold their own 一、 lists, which start again in each part
            restart_offset, last_top_value, inner_next = 0, 0, 0
            while stack:
                stack.pop()
            top.append(sec)
            stack.append((0, sec))
            continue
        if mark.level == 1 and restart_offset and mark.value == last_top_value + 1 and mark.value != inner_next:
            restart_offset = 0  # the list is over: the body's own numbering goes on ("四、" after a table's 一、…四、)
        if mark.level == 1 and restart_offset == 0:
            if mark.value == 1 and last_top_value > 1 and top:
                restart_offset, inner_next = 10, 2
            else:
                last_top_value = mark.value
        elif mark.level == 1 and mark.value == inner_next:
            inner_next += 1
        depth = mark.level + restart_offset
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            stack[-1][1].children.append(sec)
        else:
            top.append(sec)
        stack.append((depth, sec))
    return preamble, top


def is_unit(number: str) -> bool:
    """A 第X部分 number: a unit of the document that holds its own 一、 list."""
    return number.startswith("第") and number.endswith("部分")


def _bare_headings(body: list[_Item]) -> dict[int, int]:
    """Unnumbered headings in a body that has no 一、 headings, as {index: level}: .docx paragraphs styled
    "Heading N" / "标题 N", and part headings of reports ("2024年工作回顾" / "2025年工作安排"): short lines
    without any punctuation, each followed by body text (at least two of them)."""
    styled: dict[int, int] = {}
    for idx, it in enumerate(body):
        m = _HEADING_STYLE_RE.search(it.para.style or "")
        if m and not it.mark and len(it.text) <= 40 and 1 <= int(m[1]) <= 4:
            styled[idx] = int(m[1])
    if styled:
        return styled
    found: dict[int, int] = {}
    for idx, it in enumerate(body[:-1]):
        text = it.text
        # "、" joins the parts of a heading ("存在的主要问题、改进情况及其他需要报告的事项"); other marks make a sentence
        text = without_theme_comma(text)
        if it.mark or len(text) > 24 or len(text) < 4 or _has_punct(text, _PUNCT.replace("、", "") + "“”《》（）()—|｜"):
            continue
        nxt = body[idx + 1]
        cells = it.para.text.split()
        if len(cells) >= 3 or (len(cells) == 2 and re.fullmatch(r"[\d.%％\-+]+", cells[1])):
            continue  # a table's row ("指标 2022年 2023年 同比增减", "行政许可 4356": reading made its tabs spaces)
        if idx == 0 and not re.search(r"(回顾|安排|任务|目标|建设|要求|情况|概况)$", text):
            continue
        table = bool(re.match(r"第[一二三四五六七八九十百\d]{1,6}条", nxt.text)) or any(c in nxt.text for c in "\t|｜") \
            or len(nxt.para.text.split()) >= 3  # reading turned the tabs between its cells into spaces
        if not (nxt.mark or len(nxt.text) > 20 or _has_punct(nxt.text, "。；！？") or table):
            continue  # a heading is followed by body text, numbered headings or a table, not by another short line
        found[idx] = 1
    return found if len(found) >= 2 else {}


def parse_any(src: SourceText | str) -> OfficialDocument | Regulation:
    """A Regulation when the text is a law / regulation, otherwise an OfficialDocument."""
    return parse_regulation(src) if is_regulation(src) else parse_official(src)
