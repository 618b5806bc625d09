"""Line-wrap repair: physical lines → paragraphs.

Lines broken mid-sentence (PDF extraction, hard-wrapped text) are rejoined; headings, 公文 header/footer lines,
dates and real paragraph ends are never merged.
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.documents.normalize import SPACES, normalize_spaces, strip_zero_width
from assistant.documents.numbering import (
    DOC_NUMBER_TAIL_RE,
    ENUM_MARK,
    LOOSE_ARTICLE_MARK,
    LOOSE_DATE,
    LOOSE_SEQ_MARK,
    LOOSE_UNIT_MARK,
)
from assistant.models import Paragraph

# ---------------------------------------------------------------------------------------------------------
# Line-wrap repair
# ---------------------------------------------------------------------------------------------------------

# Lines that always start a new paragraph: 层次序数, 条/章/节, enumerations, bullets, markdown/html blocks.
_BLOCK_START = re.compile(
    rf"^(?:{LOOSE_SEQ_MARK}|{LOOSE_ARTICLE_MARK}|{LOOSE_UNIT_MARK}|{ENUM_MARK}"
    r"|——|--|[•·●◆■□▪▶★☆]"
    r"|#{1,6}\s|[-*+>]\s|\||```|<!--|<[A-Za-z/]"
    r"|附件\s*[0-9０-９一二三四五六七八九十]*\s*[：:]?"
    r"|(?:签发人|抄送|主送|印发|来源|联系人|联系电话|电话|发布日期|发布时间|责任编辑|密级|紧急程度|附注|发文机关|发文字号)\s*[：:]"
    r")"
)
# Headings (a line starting with one of these does not absorb the next line unless the layout wrapped it).
_HEADING = re.compile(rf"^(?:{LOOSE_SEQ_MARK}|{LOOSE_UNIT_MARK}|#{{1,6}}\s)")
_ENUM = re.compile(rf"^{ENUM_MARK}")  # 一是… as a line of its own is a sub-heading, in a paragraph it is not
# 主送机关 / salutation: "区委、区政府：", "各位代表：" (but not a wrapped "报告如下：").
_RECIPIENTS = re.compile(r"^[^。，,；;：:]{2,28}[：:]$")
_DATE_LINE = re.compile(rf"^{LOOSE_DATE}\s*(?:印发|发布|通过|施行)?$")
_DATE_START = re.compile(rf"^{LOOSE_DATE}[ \t\u3000]")  # "2021年8月20日 第十三届…通过" (regulation history)
_BRACKETED = re.compile(r"^[（(][^（）()]{1,40}[）)]$")  # （此件主动公开） （2010年…通过）
_PRINT_LINE = re.compile(r"印发$")
PAGE_NUMBER = re.compile(r"^[—\-－–~～]\s*\d{1,4}\s*[—\-－–~～]$|^第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?$")
_TITLE_LIKE = re.compile(r"关于.{2,}(?:报告|请示|通知|意见|决定|批复|函|纪要|方案|总结|计划|规划|办法|规定|细则|条例|公告|"
                         r"通告|通报|议案|决议|命令|的?函)$")
_SENTENCE_END = set("。！？!?；;：:…．.")
_CLOSERS = set("”’」』）)】〕》>\"'")
_OPENERS = set("（(《“‘「『【〔<")
_STRONG_CONT_END = set("，,、") | _OPENERS
_CONT_START = set("，,。、；;：:？?！!）)》”’」』】〕…%％")
_INTERNAL_CLAUSE = re.compile(r"[，。；]")
_ONE_LINE_PARAGRAPHS = 80  # line width (upper quartile) from which the text keeps each paragraph on one line
LONG_LINE = 40  # display width from which a line that stops mid-sentence is a wrap, whatever the layout


def _width(s: str) -> float:
    """Printed width in full-width characters: ASCII counts half."""
    return len(s) - 0.5 * len(s.encode("ascii", "ignore"))


def _ends_sentence(s: str) -> bool:
    s = s.rstrip()
    while s and s[-1] in _CLOSERS:
        s = s[:-1]
        if s and s[-1] in _SENTENCE_END:
            return True
        if not s or s[-1] not in _CLOSERS:
            return False
    return bool(s) and s[-1] in _SENTENCE_END


def _is_block_start(s: str) -> bool:
    return bool(
        _BLOCK_START.match(s)
        or _DATE_LINE.match(s)
        or _DATE_START.match(s)
        or DOC_NUMBER_TAIL_RE.search(s)
        or _BRACKETED.match(s)
        or (_PRINT_LINE.search(s) and len(s) <= 60)
        or (_RECIPIENTS.match(s) and not re.search("如下|以下|下列", s))
    )


def _is_header_line(s: str) -> bool:
    """公文 lines that never continue into the next line: 发文字号, dates, ××文件, titles (关于…的报告)."""
    return bool(
        DOC_NUMBER_TAIL_RE.search(s)
        or _DATE_LINE.match(s)
        or (s.endswith("文件") and len(s) <= 30)
        or (_TITLE_LIKE.search(s) and len(s) <= 80)
    )


def _lines_widths(lines: list[str]) -> list[float]:
    return [_width(SPACES.sub(" ", x).rstrip()) if x.strip() else 0.0 for x in lines]


def _layout_widths(lines: list[str]) -> list[float]:
    """Printed widths (ASCII counts half, as a PDF lays out), or plain character counts when the text was cut
    every N characters (more lines share one exact length that way)."""
    widths = _lines_widths(lines)
    lengths = [float(len(SPACES.sub(" ", x).rstrip())) if x.strip() else 0.0 for x in lines]

    def exact(values: list[float]) -> int:
        counts = Counter(v for v in values if v >= 8)
        return max(counts.values(), default=0)

    return lengths if exact(lengths) > exact(widths) else widths


def _fixed_width(line_widths: list[float]) -> float | None:
    """If most lines are equally long (a PDF with a fixed text width), that width; else None."""
    widths = [w for w in line_widths if w >= 8]
    if len(widths) < 5:
        return None
    halves = Counter(round(x * 2) for x in widths)  # widths are multiples of 0.5
    best_w, best_n = 0.0, 0
    for w in sorted({round(x) for x in widths}):
        n = sum(halves.get(h, 0) for h in range(2 * w - 3, 2 * w + 2))  # w - 1.5 … w + 0.5
        if n >= best_n:
            best_w, best_n = float(w), n
    longer = sum(1 for x in widths if x > best_w + 1)
    # Real page layouts hold 20+ characters a line (公文: 28); narrower clusters are lists of short lines.
    if best_w >= 20 and best_n >= max(4, 0.3 * len(widths)) and longer <= 0.1 * len(widths):
        return best_w
    return None


def _unclosed(s: str) -> bool:
    """A bracket, book-title mark or quote opened and not closed on the line: "细颗粒物（PM"."""
    return any(s.count(a) > s.count(b) for a, b in ("（）", "()", "《》", "“”", "〔〕", "【】"))


def _should_join(prev_line: str, prev_width: float, prev_is_first: bool, nxt: str, gap: int,
                 fixed: float | None, next_width: float = 0.0, typical: float = 0.0) -> bool:
    """prev_line: the last physical line of the paragraph so far (stripped) and its width as laid out
    (indentation included); nxt: the next non-empty line; gap: blank lines between them; prev_is_first: the
    paragraph so far is a single line."""
    if gap > 1:
        return False
    if nxt[0] in _CONT_START:  # a paragraph never starts with a closing mark or a comma
        return not _is_block_start(nxt)
    if _is_block_start(nxt) or _ends_sentence(prev_line):
        return False
    if _is_header_line(prev_line) or PAGE_NUMBER.match(prev_line):
        return False
    # An inline heading that runs on into body text ("1.加强领导。全年召开……") is body text here.
    heading = prev_is_first and not ("。" in prev_line and _width(prev_line) >= LONG_LINE) and bool(
        _HEADING.match(prev_line) or (_ENUM.match(prev_line) and "。" not in prev_line))
    w = prev_width
    full = fixed is not None and w >= fixed - 2.5
    if prev_line[-1] in _STRONG_CONT_END or _unclosed(prev_line):
        # "聘请法律顾问及公职律师，" / blank / "为重大行政决策…"; a heading only when the layout wraps it
        return not heading or full
    if heading:
        # A heading that fills the line continues only on a shorter line: a full line after it is body text
        # (a heading exactly as long as the layout width).
        return fixed is not None and w >= fixed - 1.5 and (next_width < fixed - 1.5 or "。" in prev_line
                                                           or prev_line[-1] in _STRONG_CONT_END or "。" in nxt[:8])
    if re.match(r"^(?:签发人|抄送|主送|附件)", prev_line):
        return False
    if full:
        return True
    if w >= LONG_LINE:
        # Without a fixed layout, a line ending right after a closing quote/bracket ended a phrase, most
        # likely the paragraph with its 。 missing ("…确保“一清水永续北上”").
        return prev_line[-1] not in _CLOSERS
    # A shorter line cut mid-sentence: it already holds a clause ("经济增速是综合性指标，今年预期目标设定"). Not in
    # a text whose paragraphs each stay on one long line: there a short line is a line of its own, a theme's
    # heading of two halves ("以法治营商环境建设为牵引，激发园区发展活力") right above its text.
    if typical >= _ONE_LINE_PARAGRAPHS and w * 3 <= typical:
        return False
    return w >= 10 and bool(_INTERNAL_CLAUSE.search(prev_line[:-1])) and fixed is None and gap == 0


def _join(a: str, b: str) -> str:
    # English words broken across lines keep a space; Chinese (and "PM" + "2.5") join directly.
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return f"{a} {b}"
    return a + b


def repair_wraps(lines: list[str], *, first_line: int = 1, numbers: list[int] | None = None,
                 originals: list[str] | None = None, starts: set[int] | None = None) -> list[Paragraph]:
    """Physical lines → paragraphs. Joins lines broken mid-sentence (with at most one blank line inside the
    break), keeps headings, 公文 header/footer lines, dates and real paragraph ends apart, normalises spaces.
    `first_line` is the number of lines[0] (1-based); `numbers` gives each line's number instead (lines removed
    by the normalisation step leave gaps). `originals`: the user's text of each line, same length (before
    繁→简), joined the same way into `Paragraph.original`. `starts`: indices that always start a paragraph."""
    cleaned = [strip_zero_width(ln).replace("\f", " ") for ln in lines]
    source = [strip_zero_width(ln).replace("\f", " ") for ln in originals] if originals else None
    numbers = numbers if numbers is not None else list(range(first_line, first_line + len(lines)))
    starts = starts or set()
    widths = _layout_widths(cleaned)
    fixed = _fixed_width(widths)
    # how long the text's longer lines run: a quarter of the lines reach it (headings and dates are short)
    long_lines = sorted(w for w in widths if w >= 8)
    typical = long_lines[(3 * len(long_lines)) // 4] if long_lines else 0.0
    out: list[Paragraph] = []
    cur: list[int] = []  # indices of the physical lines of the paragraph being built
    last_width = 0.0  # layout width of the last line of cur, indentation included
    gap = 0

    def joined(texts: list[str]) -> str:
        text = texts[cur[0]].strip()
        for k in cur[1:]:
            text = _join(text, texts[k].strip())
        return normalize_spaces(text)

    def flush() -> None:
        if cur:
            text = joined(cleaned)
            original = joined(source) if source is not None else text
            if text:
                out.append(Paragraph(text=text, line=numbers[cur[0]], original=original if original != text else None))
            cur.clear()

    for i, raw in enumerate(cleaned):
        s = raw.strip()
        if not s:
            gap += 1
            continue
        if cur and i not in starts and _should_join(cleaned[cur[-1]].strip(), last_width, len(cur) == 1, s, gap,
                                                    fixed, widths[i], typical):
            cur.append(i)
        else:
            flush()
            cur.append(i)
        last_width = widths[i]
        gap = 0
    flush()
    return out


