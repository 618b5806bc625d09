"""Every numbering pattern of the project lives here: Chinese numerals, 层次序数 (一、/（一）/1./（1）),
article references (第二十五条第一款第（二）项, 第十条之一), regulation headings (第一编/第二章/第三节),
发文字号 (泉鲤高文〔2024〕3号) and dates (2024年2月26日, 二〇二四年二月二十六日).

Other modules import the compiled patterns and helpers instead of writing their own regexes, so a fix to a
numbering rule is made once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.documents.normalize import to_halfwidth_digits

# ---------------------------------------------------------------------------------------------------------
# Chinese numerals
# ---------------------------------------------------------------------------------------------------------

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# The characters of a Chinese numeral as written in article numbers, 序数 and dates, and a pattern for one.
CN_NUM_CHARS = "零〇○一二两三四五六七八九十百千万"
CN_NUM = f"[{CN_NUM_CHARS}]+"


def cn_to_int(text: str) -> int | None:
    """Chinese (or Arabic) numeral → int: 十二 → 12, 一千二百六十 → 1260, 一百零八 → 108, 二〇二四 → 2024.

    Returns None when the text is not a numeral."""
    text = to_halfwidth_digits(text.strip())
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if any(ch not in CN_DIGITS and ch not in CN_UNITS for ch in text):
        return None
    if not any(ch in CN_UNITS for ch in text):
        # Digit-by-digit form used for years: 二〇二四 → 2024.
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch == "万":
            section = (section + (digit or 0)) * 10000
            total += section
            section, digit = 0, None
        else:
            unit = CN_UNITS[ch]
            # "十二" means 12: a unit with no digit before it counts once.
            section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


def int_to_cn(n: int) -> str:
    """int → the Chinese numeral used in article numbers: 10 → 十, 105 → 一百零五, 1260 → 一千二百六十."""
    if n < 0:
        raise ValueError("negative numbers have no article numeral")
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n - 10] if n > 10 else "")
    if n >= 10000:
        high, low = divmod(n, 10000)
        rest = int_to_cn(low) if low else ""
        zero = "零" if 0 < low < 1000 else ""
        return int_to_cn(high) + "万" + zero + rest
    out: list[str] = []
    pending_zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if pending_zero and out:
                out.append("零")
            out.append(digits[d] + unit)
            pending_zero = False
        elif out:
            pending_zero = True
    return "".join(out)


# ---------------------------------------------------------------------------------------------------------
# 层次序数: headings of the body
# ---------------------------------------------------------------------------------------------------------

_SP = r"[^\S\n]*"  # any whitespace but a newline (ASCII, full-width, no-break, en spaces)
_L1_RE = re.compile(rf"^{_SP}(?P<num>[一二三四五六七八九十]{{1,3}}){_SP}(?P<punct>[、，,.．]){_SP}")
# 第一部分 — the outermost part in reports that number their parts so; read as the 一、 level. A heading
# needs words after it ("第二部分 党政主要负责人履职情况"), and a sentence ("第一部分内容……。") is not one; a theme's
# two halves around one comma are a heading ("第二部分 坚持高位推动，压实安全生产责任链条").
_UNIT_RE = re.compile(rf"^{_SP}第(?P<num>[一二三四五六七八九十]{{1,3}})部分{_SP}[、：:]?{_SP}")
_UNIT_HEADING_RE = re.compile(r"[^。，；]{2,40}")
_L2_RE = re.compile(
    rf"^{_SP}(?P<lb>[（(]){_SP}(?P<num>[一二三四五六七八九十]{{1,3}}){_SP}(?P<rb>[）)]){_SP}(?P<punct>[、，,.．])?{_SP}"
)
# 1.  1．  1、 — an ASCII dot followed by a digit is a decimal ("1.5亿元"), not a 序数, unless a year follows
# ("1.2024年度统计表").
_L3_RE = re.compile(
    rf"^{_SP}(?P<num>[0-9０-９]{{1,2}}){_SP}(?P<punct>\.(?![0-9])|\.(?=(?:19|20)[0-9]{{2}}年)|．|、){_SP}"
)
_L4_RE = re.compile(rf"^{_SP}(?P<lb>[（(])?{_SP}(?P<num>[0-9０-９]{{1,2}}){_SP}(?P<rb>[）)]){_SP}(?P<punct>[、，,.．])?{_SP}")

LEVEL_NUMBER_FORMS = {1: "{}、", 2: "（{}）", 3: "{}.", 4: "（{}）"}


@dataclass(frozen=True)
class HeadingMark:
    """A 层次序数 found at the start of a paragraph.

    `number_text` is the normalised form ("一、", "（一）", "1.", "（1）"); `raw` is the marker as written;
    `style_ok` is False for common wrong forms (1、 / （一）、 / (一) / 一. / 1)) so the checker can report them."""

    level: int
    number_text: str
    value: int
    rest: str
    style_ok: bool
    raw: str


def heading_level(text: str) -> HeadingMark | None:
    """The 层次序数 that starts `text`, or None. Inline enumerations (一是…, 其一…) are not headings."""
    m = _L2_RE.match(text)
    if m:
        value = cn_to_int(m["num"]) or 0
        ok = m["lb"] == "（" and m["rb"] == "）" and not m["punct"]
        return _mark(2, f"（{m['num']}）", value, text, m, ok)
    m = _L4_RE.match(text)
    if m:
        num = to_halfwidth_digits(m["num"])
        ok = m["lb"] == "（" and m["rb"] == "）" and not m["punct"]
        return _mark(4, f"（{num}）", int(num), text, m, ok)
    m = _UNIT_RE.match(text)
    if m and (_UNIT_HEADING_RE.fullmatch(text, m.end()) or without_theme_comma(text[m.end():]) != text[m.end():]):
        return _mark(1, f"第{m['num']}部分", cn_to_int(m["num"]) or 0, text, m, True)
    m = _L1_RE.match(text)
    if m:
        value = cn_to_int(m["num"])
        if value is None:
            return None
        return _mark(1, f"{m['num']}、", value, text, m, m["punct"] == "、")
    m = _L3_RE.match(text)
    if m:
        num = to_halfwidth_digits(m["num"])
        if int(num) == 0:
            return None
        return _mark(3, f"{num}.", int(num), text, m, m["punct"] in ".．")
    return None


def without_theme_comma(text: str) -> str:
    """"把牢法治建设方向，责任体系更加健全" → without its comma: a theme's heading of two balanced halves around one
    comma reads as a heading (a sentence ends in 。 or runs on); any other text is returned as it is."""
    halves = text.strip().split("，")
    if len(halves) == 2 and all(4 <= len(h) <= 16 and not any(c in h for c in "。；") for h in halves):
        return "".join(halves)
    return text


def _mark(level: int, number_text: str, value: int, text: str, m: re.Match[str], ok: bool) -> HeadingMark | None:
    rest = text[m.end():].strip()
    if not rest:
        return None  # a bare "一、" with nothing after it is not a heading we can use
    return HeadingMark(level, number_text, value, rest, ok, m.group(0).strip())


def marker_shape(raw: str) -> str:
    """The shape of a 序数 as written, numbers abstracted: "(三)" → "(一)", "12．" → "1.", so markers written
    the same way group together."""
    return re.sub(r"[一二三四五六七八九十]+", "一", re.sub(r"\d+", "1", raw)).replace("．", ".")


def ordinal(level: int, value: int) -> str:
    """(2, 3) → "（三）", (3, 3) → "3.": the well-formed 序数 of a level."""
    return LEVEL_NUMBER_FORMS[level].format(int_to_cn(value) if level in (1, 2) else value)


_SENTENCE_END = "。！？!?"


def split_inline_heading(rest: str) -> tuple[str, str]:
    """"加强领导。全年召开会议…" → ("加强领导", "全年召开会议…"): a numbered paragraph that runs on into its
    first sentence keeps the part up to the first 。 as the heading."""
    for i, ch in enumerate(rest):
        if ch in _SENTENCE_END:
            heading, inline = rest[:i].strip(), rest[i + 1:].strip()
            return (heading, inline) if heading else (rest.strip(), "")
    return rest.strip(), ""


# ---------------------------------------------------------------------------------------------------------
# Regulations: article starts, 编/章/节 headings, article references
# ---------------------------------------------------------------------------------------------------------

# An article at the start of a paragraph. `sep` is the space after 条 that well-formed texts have; `gap` is
# a stray space inside the marker ("第一百二十八 条"); 笫 is a real source typo for 第.
ARTICLE_START_RE = re.compile(
    rf"^(?P<di>[第笫]){_SP}(?P<num>{CN_NUM}|[0-9]+)(?P<gap>{_SP})条"
    rf"(?:之(?P<suffix>[一二三四五六七八九十]+))?(?P<sep>[^\S\n]+|$)?"
)
REG_HEADING_RE = re.compile(rf"^第{_SP}(?P<num>{CN_NUM}|[0-9]+){_SP}(?P<kind>分编|编|章|节){_SP}(?P<name>.*)$")
REG_HEADING_RANK = {"编": 1, "分编": 2, "章": 3, "节": 4}

_REF_NUM = rf"(?:{CN_NUM}|[0-9]+)"
ARTICLE_REF_RE = re.compile(
    rf"第(?P<article>{_REF_NUM})条(?:之(?P<suffix>[一二三四五六七八九十]+))?"
    rf"(?:第(?P<clause>{_REF_NUM})款)?"
    rf"(?:第[（(](?P<item>{_REF_NUM})[）)]项|第(?P<item2>{_REF_NUM})项)?"
)


@dataclass(frozen=True)
class ArticleRef:
    """A reference like 第二十五条第一款第（二）项 → article=25, clause=1, item=2."""

    article: int
    suffix: int = 0
    clause: int | None = None
    item: int | None = None
    raw: str = ""

    @property
    def article_text(self) -> str:
        return format_article(self.article, self.suffix)


def format_article(index: int, suffix: int = 0) -> str:
    """(10, 1) → "第十条之一"."""
    return f"第{int_to_cn(index)}条" + (f"之{int_to_cn(suffix)}" if suffix else "")


def _ref_from_match(m: re.Match[str]) -> ArticleRef | None:
    article = cn_to_int(m["article"])
    if not article:
        return None
    suffix = cn_to_int(m["suffix"]) if m["suffix"] else 0
    clause = cn_to_int(m["clause"]) if m["clause"] else None
    item_text = m["item"] or m["item2"]
    item = cn_to_int(item_text) if item_text else None
    return ArticleRef(article, suffix or 0, clause, item, m.group(0))


def parse_article_ref(text: str) -> ArticleRef | None:
    """The first article reference in `text` ("第二十五条第一款第（二）项", "第十条之一", "第5条")."""
    m = ARTICLE_REF_RE.search(text)
    return _ref_from_match(m) if m else None


def find_article_refs(text: str) -> list[tuple[int, int, ArticleRef]]:
    """Every article reference in `text` as (start, end, ref)."""
    out = []
    for m in ARTICLE_REF_RE.finditer(text):
        ref = _ref_from_match(m)
        if ref:
            out.append((m.start(), m.end(), ref))
    return out


# The article part of a citation, right after 《title》 (citations.py): 第二十五条第一款第（二）项, Arabic or
# full-width digits, a stray 的 or spaces; then a range (至第三十条) or a list (、第十条…) may follow.
_CITE_NUM = rf"(?:{CN_NUM}|[0-9０-９]+)"
CITED_ARTICLE_RE = re.compile(
    rf"\s*(?:的)?第\s*(?P<a>{_CITE_NUM})\s*条(?:之(?P<s>[一二三四五六七八九十]+))?"
    rf"(?:第(?P<c>{_CITE_NUM})款)?(?:第[（(](?P<i>{_CITE_NUM})[）)]项|第(?P<i2>{_CITE_NUM})项|[（(](?P<i3>{_CITE_NUM})[）)]项?)?"
)
CITED_ARTICLE_RANGE_RE = re.compile(
    rf"\s*(?P<sep>至|到|—|－|-|~|～)\s*第?\s*(?P<a>{_CITE_NUM})\s*条(?:之(?P<s>[一二三四五六七八九十]+))?"
)
CITED_ARTICLE_MORE_RE = re.compile(
    rf"\s*(?P<sep>、|和|及|以及|，)\s*第\s*(?P<a>{_CITE_NUM})\s*条(?:之(?P<s>[一二三四五六七八九十]+))?"
    rf"(?:第(?P<c>{_CITE_NUM})款)?(?:第[（(](?P<i>{_CITE_NUM})[）)]项|第(?P<i2>{_CITE_NUM})项)?"
)


# ---------------------------------------------------------------------------------------------------------
# 发文字号 and dates
# ---------------------------------------------------------------------------------------------------------

# 泉鲤高文〔2024〕3号. Wrong brackets ([2024] (2024) 【2024】 ［2024］), a missing bracket and 第 before the
# sequence number are accepted here so the checker can flag them. A placeholder sequence (泉鲤高文〔2025〕【待补充】号,
# as the next-year skeleton writes it) is a number still to be assigned, not an error.
DOC_NUMBER_RE = re.compile(
    rf"^(?P<org>[\u4e00-\u9fff]{{1,16}}?){_SP}(?P<lb>[〔\[（(【［〖{{]?){_SP}(?P<year>(?:19|20)[0-9]{{2}})"
    rf"{_SP}(?P<rb>[〕\]）)】］〗}}]?){_SP}(?P<di>第?){_SP}(?P<seq>[0-9]+|【[^】]{{0,12}}】){_SP}号$"
)


@dataclass(frozen=True)
class DocNumber:
    text: str  # as written, stray spaces removed
    org: str
    year: int
    seq: int | None  # None: a 【待补充】 placeholder
    style_ok: bool  # 〔〕 brackets, no 第, no leading zero


def parse_doc_number(text: str) -> DocNumber | None:
    m = DOC_NUMBER_RE.match(text.strip())
    if not m:
        return None
    ok = m["lb"] == "〔" and m["rb"] == "〕" and not m["di"] and not m["seq"].startswith("0")
    compact = re.sub(_SP, "", m.group(0))
    seq = int(m["seq"]) if m["seq"].isdigit() else None
    return DocNumber(compact, m["org"], int(m["year"]), seq, ok)


_CN_DATE_DIGIT = "[零〇○Ｏ一二三四五六七八九]"
DATE_RE = re.compile(
    rf"(?P<y>(?:19|20)[0-9]{{2}}|{_CN_DATE_DIGIT}{{4}}){_SP}年{_SP}(?P<m>[0-9]{{1,2}}|[一二三四五六七八九十]{{1,3}}){_SP}月"
    rf"{_SP}(?P<d>[0-9]{{1,2}}|[一二三四五六七八九十]{{1,4}}){_SP}日"
)


# A date still to be filled in, as the next-year skeleton writes it: 【待补充：成文日期】.
DATE_PLACEHOLDER_RE = re.compile(r"【待补充[^】]{0,12}日期[^】]{0,4}】")


@dataclass(frozen=True)
class DateMark:
    text: str  # as written, stray spaces removed
    year: int
    month: int
    day: int
    chinese: bool  # 二〇二四年二月二十六日 (outdated form for 成文日期)

    @property
    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def parse_date(text: str) -> DateMark | None:
    """The first date in `text`."""
    m = DATE_RE.search(text)
    return _date_mark(m) if m else None


def find_dates(text: str) -> list[DateMark]:
    """Every well-formed date in `text`, in order."""
    return [mark for m in DATE_RE.finditer(text) if (mark := _date_mark(m))]


def _date_mark(m: re.Match[str]) -> DateMark | None:
    y, mo, d = cn_to_int(m["y"]), cn_to_int(m["m"]), cn_to_int(m["d"])
    if not (y and mo and d) or not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    chinese = not m["y"].isdigit()
    return DateMark(re.sub(_SP, "", m.group(0)), y, mo, d, chinese)


def is_date_line(text: str) -> bool:
    """A paragraph that is only a date (成文日期)."""
    m = DATE_RE.fullmatch(text.strip())
    return bool(m) and parse_date(text) is not None


# ---------------------------------------------------------------------------------------------------------
# Loose forms, for line-wrap repair (documents.py): they only say "a line starting/ending like this is not the
# continuation of a sentence", so they accept more than the readers above and capture nothing.
# ---------------------------------------------------------------------------------------------------------

_C = CN_NUM_CHARS
# 一、 （一） 1. （1） ① ⑴ ⒈ — any 序数 at the start of a line, well-formed or not.
LOOSE_SEQ_MARK = (rf"[{_C}]+[、.．]|[（(][{_C}]+[）)]|[0-9０-９]{{1,3}}[.．、](?![0-9０-９])|[（(][0-9０-９]{{1,3}}[）)]"
                  r"|[①-⑳⑴-⒇⒈-⒛]")
# 第二章 第三节 第一编 第二部分 — a heading unit; 第十条之一 — an article.
LOOSE_UNIT_MARK = rf"第[{_C}\d]+(?:[章节编]|部分)"
LOOSE_ARTICLE_MARK = rf"第[{_C}\d]+条(?:之[一二三四五六七八九十]+)?"
# 一是… — an inline enumeration: a sub-heading as a line of its own, not a heading inside a paragraph.
ENUM_MARK = rf"[{_C}]{{1,3}}是"
# 2024年2月26日, 二〇二四年二月, also without the day (cover pages, regulation histories).
LOOSE_DATE = (rf"(?:\d{{4}}|{_CN_DATE_DIGIT}{{4}})\s*年\s*[\d一二三四五六七八九十]{{1,3}}\s*月"
              r"(?:\s*[\d一二三四五六七八九十]{1,3}\s*日)?")
# A 成文日期 too malformed for DATE_RE (2024.2.26, 24年2月26, 二〇二四/二/二十六日), so the checker can find and report it.
LOOSE_TAIL_DATE_RE = re.compile(
    r"^(?:\d{2}|\d{4}|[〇零○一二三四五六七八九]{4})\s*[年./\-]\s*[\d一二三四五六七八九十]{1,3}\s*[月./\-]"
    r"\s*[\d一二三四五六七八九十]{1,3}\s*日?$"
)
# A year as written in a title or heading: 2023年.
YEAR_RE = re.compile(r"((?:19|20)\d{2})年")
# A line ending in a 发文字号's 〔2024〕3号 (any bracket).
DOC_NUMBER_TAIL_RE = re.compile(r"[〔［\[(（]\s*\d{4}\s*[〕］\])）]\s*\d+\s*号$")
