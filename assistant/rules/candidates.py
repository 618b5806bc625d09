"""Where a role of the genre may sit in a document: candidate parts for roles.py.

A candidate is a numbered section at any level, an unnumbered line that stands alone as a heading ("有待改进的
方面", "下步工作思路") with the paragraphs under it, or a paragraph led by a short phrase and a colon ("存在的
问题：……"); in a text that lost its line breaks also a short phrase at a sentence start ending in a heading noun
("需要改进的地方对照……") and a numbered part the re-segmenting missed. Each carries the text the scorer reads:
its heading, first paragraph and the start of its body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from assistant.documents.numbering import cn_to_int, without_theme_comma
from assistant.documents.segment import PART_NOUNS
from assistant.documents.structure import is_unit
from assistant.models import OfficialDocument, Paragraph, Section
from assistant.rules.genre_schema import norm

_SENTENCE_END = "。；！？"
_COMPLETE_HEADING = ("情况", "事项", "问题", "打算", "安排")  # a heading ending so is whole, not broken over two lines
_HEADING_LINE_PUNCT = "，。；：！？,;:!?"
_LONG_HEADING_LINE = 36
_FIGURE_RE = re.compile(r"\d+(?![\d.]*年)")  # a count or amount, not a year
_BODY_CHARS = 600  # the start of a part says what it is about; the rest only adds noise
_MAX_EMBEDDED = 40  # headings that lost their line break, per paragraph: a real one holds a handful
_LEAD_RE = re.compile(r"^([^，。；：:！？]{2,16})[：:]")  # "存在的问题：" — a short lead ended by a colon
# "街道党工委书记、办事处主任履行推进法治建设第一责任人职责情况：……" (or "……职责：", or "……情况。"): a long lead
# naming a part
_LONG_LEAD_NAME = r"([^，。；：:！？“”《》]{2,36}(?:情况|问题|不足|打算|安排|措施|成效|事项|职责))[：:。]"
_LONG_LEAD_RE = re.compile("^" + _LONG_LEAD_NAME)
_LONG_LEAD_IN_RE = re.compile(r"(?<=[。！？])" + _LONG_LEAD_NAME)  # the same inside pasted text
_ASPECT_LEAD_RE = re.compile(r"^([^，。；：:！？]{2,16}方面)[，,]")  # "主要负责人履职方面，……"
# "……行政事业性收费\t0收到和处理政府信息公开申请情况申请人情况……": a part heading right after a table's last cell
_AFTER_TABLE_RE = re.compile(r"(?<=[\d\t｜|])([^，。；：:！？“”《》（）()、\d\t｜|]{6,28}?(?:情况|事项))")
# "……。不足及原因：一是……", "……。2025年工作打算：一是……": a colon lead whose paragraph break was lost
_COLON_LEAD_RE = re.compile(r"(?:^|[。！？!?；])((?:(?:19|20)\d{2}年)?(?:[^，。；：:！？“”《》（）()、\d]{2,16}、)?"
                            r"[^，。；：:！？“”《》（）()、\d]{2,30})[：:]")
# "……落地见效主要负责同志履行推进法治建设第一责任人职责情况。厅主要负责同志……": a part's lead sentence run on
# to the theme heading before it (the heading had a comma, so nothing else marks where it ends)
_RUN_ON_LEAD_RE = re.compile(r"(?<=[，,])([^，。；：:！？“”《》（）()\d]{8,40}?情况)[。：:]")
_ASPECT_RE = re.compile(r"(?:^|[。！？])([^，。；：:！？“”《》\d]{2,16}方面)[，,]")  # the same inside pasted text
# "主要负责同志带头履职。区长……": a paragraph opened by a short sentence of its own, the way a theme's item is
# led in bold; it says what the paragraph is about. Not an item of a list ("三要在从严自律上下功夫。").
_ITEM = r"(?![一二三四五六七八九十]{1,2}[是要])"
_SENTENCE_LEAD_RE = re.compile(rf"^{_ITEM}([^，。；：:！？“”《》]{{4,20}})。(?=.{{20}})")
_SHORT_SENTENCE_RE = re.compile(
    rf"(?:^|(?<=[。！？])){_ITEM}((?:(?:19|20)\d{{2}}年度?)?[^，。；：:！？“”《》、\d]{{4,20}})。(?=.{{20}})")  # "2023年工作要点。"
# A heading that lost its line break (text pasted from a web page): after a sentence end or a table's last
# figure, a short phrase without punctuation directly followed by the first item of a list ("……。工作中还存在的
# 差距一是……", "……460　540存在的问题一是……").
_EMBEDDED_RE = re.compile(r"(?:^|[。；！？]|(?<=\d)(?![\d\s.%]))([^，。；：:！？“”《》（）()]{4,20}?)(?=一是|首先|（一）|第一[，、])")


# A paragraph this long has lost its line breaks (pasted from a web page): its unnumbered headings run straight
# into their text ("需要改进的地方对照法治政府建设要求，……"). At a sentence start, a short phrase ending in a
# heading noun is taken as such a heading; the scorer still needs alias evidence to give it a role.
_FLAT_PARAGRAPH = 600
_MAX_SENTENCE_HEADS = 200
_ITEM_GAP = 200  # a list's items are short; a part's text runs on longer than this
_MIN_ITEMS = 3
_ITEM_LEADS = (_COLON_LEAD_RE, _ASPECT_RE)  # the kinds of lead a list's items have
# Notes reading leaves when it re-segmented a text that had lost its line breaks, or split a title run into it.
# "现将主要工作总结如下：" opens the body; it is no heading whatever nouns it holds.
_TRANSITION_RE = re.compile(r"[^。！？；]{0,40}?如下")
_RESEGMENTED = ("没有换行", "连在一起")
_HEAD_NOUNS = "情况|事项|工作|任务|问题|地方|方面|打算|重点|要点|思路|不足|差距|短板|方向|安排|措施|成效|举措|环节|弱项|成因|形势|回顾"
_SENTENCE_HEAD_RE = re.compile(
    rf"(?:^|[。！？!?]|(?<=如下)[：:])((?:(?:19|20)\d{{2}}年)?(?:[^，。；：:！？“”《》（）()、\d]{{2,16}}、)?"
    rf"[^，。；：:！？“”《》（）()、\d]{{2,24}}?(?:{_HEAD_NOUNS}))"
    r"(?=[^，。；：:！？]{2})(?!汇报|报告|通报)")  # "听取……法治建设情况汇报": the object of a sentence, no heading


# A heading found that way may go on with more heading nouns: "……工作" + "举措及成效", "不足" + "和2021年工作安排".
_YEAR_START_RE = re.compile(r"(?:19|20)\d{2}年")  # a heading that opens with its year, not a sentence
_HEAD_MORE_RE = re.compile(
    rf"(?:及|和|与|、)?(?:(?:19|20)\d{{2}}年)?[^，。；：:！？“”《》（）()、\d]{{0,4}}?(?:{_HEAD_NOUNS})")
_HEADING_MAX = 40  # a run-in heading longer than this has run into its text

# In such a text, a numbered part the re-segmenting missed (it follows a table's last figure, not a sentence
# end: "……86420三、收到和处理政府信息公开申请情况本年新收……") is an outermost part in its own right. Not a
# numeral run ("三、四季度", "第一、").
_INLINE_PART_RE = re.compile(
    r"(?<![第一二三四五六七八九十、])([一二三四五六七八九十]{1,2}、)(?![一二三四五六七八九十])([^，。；：:！？“”《》（）()]{2,24}"
    rf"(?:{PART_NOUNS}))")


@dataclass
class Candidate:
    line: int
    level: int  # 1 = 一、 … ; 0 = an unnumbered heading line; -1 = a led paragraph
    heading: str  # normalised
    first: str  # normalised first paragraph, at most 120 characters
    body: str  # normalised start of the body
    section: Section  # the section itself, or one made for a heading line / led paragraph
    position: float  # 0 (start of the document) … 1 (end)
    parent_role: str | None = None  # role of the level-1 section it sits in (set by the classifier)
    parent_heading: str = ""  # that section's normalised heading (set by the classifier)
    owner: Section | None = None  # for a led paragraph or heading line: the numbered section it sits in

    @property
    def label(self) -> str:
        return f"{self.section.number}{self.section.heading}"


def first_paragraph(section: Section) -> str:
    if section.inline_text:
        return section.inline_text
    if section.paragraphs:
        return section.paragraphs[0].text
    return ""  # not the first child's text: a theme (（一）…) does not say what the whole part is


def heading_text(section: Section) -> str:
    """The heading, rejoined with its tail when the heading was broken over two lines
    ("三、持续提升政府" / "治理效能和服务水平")."""
    heading = norm(section.heading)
    if section.paragraphs and not section.inline_text and not any(c in heading for c in "，。；：,") \
            and not heading.endswith(_COMPLETE_HEADING):
        nxt = norm(section.paragraphs[0].text)
        if 0 < len(nxt) <= 16 and not any(c in nxt for c in _SENTENCE_END + "，,：:") and len(heading) <= 16 \
                and not nxt.startswith("第"):  # "第二十条第（一）项": a table's label, not the heading's tail
            return heading + nxt
    return heading


def is_heading_line(text: str) -> bool:
    """A short line without sentence punctuation, not a bracketed note or a date: a heading of its own."""
    t = norm(text)
    # "县政府主要负责人履行推进法治建设第一责任人职责情况": a part's full name may run longer than a theme's
    longest = _LONG_HEADING_LINE if t.endswith(_COMPLETE_HEADING) else 24
    t = without_theme_comma(t)
    return (2 <= len(t) <= longest and not any(c in t for c in _HEADING_LINE_PUNCT + "|｜\t") and t[0] not in "（(【[〔"
            and not re.fullmatch(r"[\d年月日.\-/]+", t))


def body_start(section: Section, limit: int = _BODY_CHARS) -> str:
    """The first `limit` characters of a section's normalised body, children included, without building the
    whole text (deeply nested numbering would make that quadratic)."""
    out: list[str] = []
    size = 0

    def walk(s: Section) -> bool:
        nonlocal size
        texts = ([s.inline_text] if s.inline_text else []) + [p.text for p in s.paragraphs]
        for t in texts:
            out.append(norm(t[: limit * 2]))
            size += len(out[-1])
            if size >= limit:
                return True
        for child in s.children:
            out.append(norm(f"{child.number}{child.heading}"))
            size += len(out[-1])
            if size >= limit or walk(child):
                return True
        return False

    walk(section)
    return "".join(out)[:limit]


def _make(section: Section, level: int, last: int) -> Candidate:
    heading = heading_text(section)
    if level >= 2 and "，" in heading and _FIGURE_RE.search(heading):
        # "2.开展执法案卷评查，评查案卷300卷，……对存在问题的18卷进行通报": an item's sentence of results, not a
        # heading; only its opening clause says what the item is
        heading = heading.split("，", 1)[0]
    return Candidate(line=section.line, level=level, heading=heading,
                     first=norm(first_paragraph(section))[:120], body=body_start(section),
                     section=section, position=section.line / last if last else 0.0)


def _split_heading_lines(paragraphs: list[Paragraph], last: int, *, need_body: bool = True,
                         after: list[Section] | None = None) -> list[Candidate]:
    """Heading lines among a run of paragraphs, each with the paragraphs under it up to the next one. `after`:
    numbered sections that follow the run, which belong to its last heading line ("2022年工作打算" over
    "（一）……（四）……" at the end of the last numbered part)."""
    marks = [i for i, p in enumerate(paragraphs) if is_heading_line(p.text)
             and (not need_body or i + 1 < len(paragraphs) or after)]
    out = []
    for n, i in enumerate(marks):
        end = marks[n + 1] if n + 1 < len(marks) else len(paragraphs)
        p = paragraphs[i]
        section = Section(level=0, number="", heading=p.text.strip(), line=p.line, paragraphs=paragraphs[i + 1:end],
                          children=list(after or []) if n == len(marks) - 1 else [])
        out.append(_make(section, 0, last))
    return out


def paragraph_leads(section: Section) -> list[str]:
    """The colon-ended leads of a section's own paragraphs ("存在的不足：……", "改进举措：……"): how a part
    without numbered sub-parts separates what its heading combines."""
    texts = ([section.inline_text] if section.inline_text else []) + [p.text for p in section.paragraphs]
    return [m.group(1) for m in (_LEAD_RE.match(norm(t)) for t in texts) if m]


def _led_paragraphs(paragraphs: list[Paragraph], last: int, flat: bool = False,
                    owner: Section | None = None) -> list[Candidate]:
    """Paragraphs led by a short phrase and a colon, and phrases standing as a heading inside a paragraph."""
    out = []
    for p in paragraphs:
        text = norm(p.text)
        leads = [m for m in (_LEAD_RE.match(text) or _LONG_LEAD_RE.match(text) or _ASPECT_LEAD_RE.match(text)
                             or _SENTENCE_LEAD_RE.match(text),) if m]
        leads += list(islice(_EMBEDDED_RE.finditer(text), _MAX_EMBEDDED))
        if flat or len(text) >= _FLAT_PARAGRAPH:
            seen = {m.start(1) for m in leads}
            heads = [m for m in islice(_SENTENCE_HEAD_RE.finditer(text), _MAX_SENTENCE_HEADS)
                     if m.start(1) not in seen and not _is_transition(text, m)]
            seen |= {m.start(1) for m in heads}
            # short sentences of their own that led a paragraph before the breaks were lost
            heads += [m for rx in (_COLON_LEAD_RE, _SHORT_SENTENCE_RE, _ASPECT_RE, _AFTER_TABLE_RE, _RUN_ON_LEAD_RE,
                                   _LONG_LEAD_IN_RE)
                      for m in islice(rx.finditer(text), _MAX_SENTENCE_HEADS)
                      if m.start(1) not in seen and not _is_transition(text, m)]
            leads += heads[:_MAX_SENTENCE_HEADS]  # both kinds together: the bound per paragraph stays the same
            leads.sort(key=lambda m: m.start(1))
        items = _item_runs(leads) if flat or len(text) >= _FLAT_PARAGRAPH else {}
        made: dict[int, Candidate] = {}
        for n, m in enumerate(leads):
            heading, end = m.group(1), m.end()
            if m.re is _SENTENCE_HEAD_RE:  # "2020年主要工作|举措及成效", "存在的不足|和2021年工作安排"
                while len(heading) < _HEADING_MAX and (more := _HEAD_MORE_RE.match(text, end)) is not None and (
                        _YEAR_START_RE.match(heading) or more.group(0)[0] in "及和与、"):
                    heading, end = heading + more.group(0), more.end()
            body = text[end:end + _BODY_CHARS]  # a slice, not the rest: a pasted page can be one huge line
            section = Section(level=0, number="", heading=heading, line=p.line, inline_text=body)
            out.append(_make(section, -1, last))
            out[-1].owner = made[items[n]].section if n in items else owner
            made[n] = out[-1]
    return out


def _is_transition(text: str, m: re.Match[str]) -> bool:
    """"现将有关情况报告如下": a sentence announcing what follows, not a heading. A heading whose text opens
    with a year ("主动公开政府信息情况2020年本街道……统计如下") is still a heading."""
    return _TRANSITION_RE.match(text, m.start(1)) is not None and not text[m.end(1):m.end(1) + 1].isdigit()


def _item_runs(leads: list[re.Match[str]]) -> dict[int, int]:
    """In a paragraph that lost its line breaks, leads of one kind that follow one another closely ("主动公开：……。
    依申请公开：……。平台建设：……", "主动公开方面，……") are the items of the heading before them, not parts: index of
    each such lead → index of that heading. Sorted leads in, as _led_paragraphs orders them."""
    out: dict[int, int] = {}
    n = 0
    while n < len(leads):
        run = n
        kind = leads[n].re
        while run < len(leads) and kind in _ITEM_LEADS and leads[run].re is kind and (
                run == n or leads[run].start(1) - leads[run - 1].start(1) <= _ITEM_GAP):
            run += 1
        if run - n >= _MIN_ITEMS and n > 0 and leads[n - 1].re not in _ITEM_LEADS:
            out.update({i: n - 1 for i in range(n, run)})
        n = max(run, n + 1)
    return out


def _inline_parts(doc: OfficialDocument, last: int) -> list[Candidate]:
    """Numbered parts left inside a paragraph of a re-segmented text (see _INLINE_PART_RE), only those that
    continue the document's own 一、 numbering in order (an enumeration inside a sentence does not)."""
    if any(is_unit(s.number) for s in doc.sections):
        return []  # under 第X部分 parts a 一、 list is a part's own items
    numbers = [cn_to_int(s.number.rstrip("、")) for s in doc.sections if s.level == 1]
    expected = max((n for n in numbers if n), default=0) + 1
    out = []
    for p in doc.paragraphs:
        text = norm(p.text)
        for m in islice(_INLINE_PART_RE.finditer(text), _MAX_EMBEDDED):
            if cn_to_int(m.group(1).rstrip("、")) != expected:
                continue
            expected += 1
            body = text[m.end():m.end() + _BODY_CHARS]
            section = Section(level=1, number=m.group(1), heading=m.group(2), line=p.line, inline_text=body)
            out.append(_make(section, 1, last))
    return out


def is_resegmented(doc: OfficialDocument) -> bool:
    """Whether reading re-segmented a text that had lost its line breaks (documents/cleanup.py notes it)."""
    return any(mark in note for note in doc.normalized for mark in _RESEGMENTED)


def collect(doc: OfficialDocument) -> tuple[list[Candidate], list[Candidate]]:
    """(top-level candidates, deeper candidates) of a document. Top level: the outermost numbered sections;
    when no section has an 一、-level number, the preamble's heading lines come first (they own the numbered
    parts under them). Deeper: sections below the top, heading lines and led paragraphs inside sections."""
    last = max([p.line for p in doc.paragraphs] + [s.line for s in doc.iter_sections()] + [1])
    # Reading re-segmented a text without line breaks (documents/cleanup.py says so in doc.normalized): its
    # unnumbered headings are still run into their text, whatever the length of the paragraph they ended in.
    flat = is_resegmented(doc)
    top = [_make(s, s.level, last) for s in doc.sections]
    deeper: list[Candidate] = []
    preamble_lines = _split_heading_lines(list(doc.preamble), last, need_body=False)
    if any(s.level == 1 for s in doc.sections):
        deeper += preamble_lines
    else:
        top = preamble_lines + top
    if flat:
        top += _inline_parts(doc, last)
    # No numbered part (a pasted page with unnumbered headings), or in pasted text only numbered items with no
    # 一、 above them ("（二）行政许可：……" of a list): the led phrases are the parts, wherever they ran on to,
    # but for the items of a list under one of them.
    led_parts = not doc.sections or (flat and not any(s.level == 1 for s in doc.sections))
    led = _led_paragraphs(list(doc.preamble), last, flat)
    heads = [c for c in led if c.owner is None]
    # "……2025年工作安排2025年，我局将……（一）压实……（二）……": in pasted text, numbered items after the last
    # phrase run into the opening text are that part's items, not parts of their own.
    own = heads[-1].section if led_parts and flat and heads else None
    for s in doc.sections:
        for sub in s.iter():
            if sub is not s:
                deeper.append(_make(sub, sub.level, last))
            deeper += _split_heading_lines(sub.paragraphs, last, after=sub.children)
            inline = [Paragraph(sub.inline_text, sub.line)] if sub.inline_text else []
            led += _led_paragraphs(inline + sub.paragraphs, last, flat, owner=None if led_parts else sub)
    parts = [c for c in led if led_parts and c.owner is None]
    if own is not None:
        for c in top:
            if c.level > 0:
                c.owner = own
        top = parts + top  # the phrase is classified before the items it owns
    else:
        top += parts
    deeper += [c for c in led if not led_parts or c.owner is not None]
    return top, deeper
