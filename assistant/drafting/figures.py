"""Figures in Chinese report text: numbers, percentages, dates and counted quantities (8项, 十二场次), found,
compared across spellings (3万 = 三万 = 30000) and masked.

Section ordinals (1. （1）), article numbers (第二十五条), titles in 《》 and fixed political phrases (两个维护)
are not figures of the text. Drafting's post-check, template drafts and the next-year skeleton all use these.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.documents.numbering import cn_to_int

PLACEHOLDER = "【待补充】"
UNVERIFIED = "【待核实】"

_FW = str.maketrans("０１２３４５６７８９．％，", "0123456789.%,")

# Order matters: full dates before partial ones before bare numbers.
_DATE = (r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}\s*年\s*\d{1,2}\s*月|\d{1,2}\s*月\s*\d{1,2}\s*日"
         r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
_YEAR = r"(?:19|20)\d{2}(?=\s*年)"
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?(?:\s*(?:%|‰|个百分点))?"
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_UNITS = ("个百分点|人次|场次|户次|件次|个|项|件|场|次|人|名|家|条|篇|期|批|户|宗|起|所|类|份|支|座|处|台|辆|套|"
          "万|亿|年|月|天|周|轮|组|部|本|册|间|级|倍|成")
_CN_QTY = rf"[{_CN_DIGITS}]+(?=(?:余|多)?(?:{_UNITS}))"
_TOKEN = re.compile(rf"(?P<date>{_DATE})|(?P<year>{_YEAR})|(?P<num>(?<![\d.]){_NUM}(?![\d]))|(?P<cn>{_CN_QTY})")

# Fixed political/administrative phrases whose numerals are not statistics.
FIXED_PHRASES = (
    "两个确立", "两个维护", "四个意识", "四个自信", "四个全面", "五位一体", "三重一大", "一岗双责", "一把手",
    "一对一", "一站式", "一网通办", "一件事", "一次办", "一窗受理", "放管服", "双随机", "一公开", "八五", "七五",
    "十四五", "十三五", "十五五", "第一责任人", "一体", "一线", "一批", "一系列", "一般", "一些", "进一步", "统一",
    "同一", "唯一", "之一", "一是", "二是", "三是", "四是", "五是", "一方面", "一年来", "一年一度",
)


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    text: str
    kind: str  # date | year | number | percent | quantity
    values: tuple[str, ...]  # normalised numbers ("2024", "3", "5"; "91.6"; "12")


def normalize(text: str) -> str:
    """Full-width digits and signs to ASCII, one character for one (positions are kept)."""
    return text.translate(_FW)


def _cn_quantity(s: str) -> int | None:
    """numbering.cn_to_int, plus 亿 (statistics reach it, article numbers never do): 三亿五千万 → 350000000."""
    high, sep, low = s.partition("亿")
    if not sep:
        return cn_to_int(s)
    h = cn_to_int(high) if high else 0
    lo = cn_to_int(low) if low else 0
    if h is None or lo is None:
        return None
    return h * 100_000_000 + lo


def _canon(number: str) -> str:
    number = number.replace(",", "")
    try:
        value = float(number)
    except ValueError:
        return number
    return str(int(value)) if value == int(value) else f"{value:g}"


def _protected(text: str) -> list[tuple[int, int]]:
    """Spans that are not figures of the text: 《titles》, 【placeholders】, ordinals, article numbers."""
    spans = [m.span() for m in re.finditer(r"《[^《》\n]*》|【[^【】\n]*】", text)]
    spans += [m.span(1) for m in re.finditer(r"(?m)^[ \t\u3000]*(\d+[.．、]|[（(]\d+[）)])", text)]
    spans += [m.span() for m in re.finditer(rf"第[\d{_CN_DIGITS}]+[条款项章节编目]", text)]
    return spans


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in spans)


def _fixed_phrase_at(text: str, start: int, end: int) -> bool:
    window = text[max(0, start - 3):end + 3]
    return any(p in window and _overlaps(text, p, start, end) for p in FIXED_PHRASES)


def _overlaps(text: str, phrase: str, start: int, end: int) -> bool:
    for m in re.finditer(re.escape(phrase), text[max(0, start - len(phrase)):end + len(phrase)]):
        a = max(0, start - len(phrase)) + m.start()
        if a < end and a + len(phrase) > start:
            return True
    return False


def find_figures(text: str, *, keep_protected: bool = False, min_cn: int = 2) -> Iterator[Figure]:
    """Every figure in `text`, left to right. `keep_protected=True` also reports figures inside titles,
    placeholders and ordinals (for masking everything); Chinese quantities below `min_cn` (一个, 一次) are
    ordinary words and skipped."""
    norm = normalize(text)
    protected = [] if keep_protected else _protected(norm)
    for m in _TOKEN.finditer(norm):
        span = m.span()
        if _inside(span, protected):
            continue
        raw = text[span[0]:span[1]]
        if m.group("date"):
            values = tuple(_canon(x) for x in re.findall(r"\d+", m.group("date")))
            yield Figure(*span, raw, "date", values)
        elif m.group("year"):
            yield Figure(*span, raw, "year", (_canon(m.group("year")),))
        elif m.group("num"):
            num = re.match(r"[\d,.]+", m.group("num")).group(0)
            kind = "percent" if re.search(r"%|‰|百分点", m.group("num")) else "number"
            yield Figure(*span, raw, kind, (_canon(num),))
        else:
            value = _cn_quantity(m.group("cn"))
            if value is None or value < min_cn:
                continue
            if norm[max(0, span[0] - 1):span[0]] == "第" or _fixed_phrase_at(norm, *span):
                continue
            yield Figure(*span, raw, "quantity", (str(value),))


_UNIT_AFTER = re.compile(rf"[ \t\u3000]*(?:余|多)?(?:万|亿)?(?:元|{_UNITS})?")


def with_unit(text: str, fig: Figure) -> str:
    """The figure as a reader finds it in `text`: with the unit after it (250 → 250万元, 37 → 37名)."""
    if fig.kind == "date":
        return fig.text.strip()
    tail = _UNIT_AFTER.match(text, fig.end)
    return (fig.text + (tail.group(0) if tail else "")).strip()


def fact_values(text: str) -> set[str]:
    """All numbers the facts mention, in every spelling (dates give their parts too)."""
    values: set[str] = set()
    norm = normalize(text)
    for f in find_figures(text, keep_protected=True, min_cn=1):
        values.update(f.values)
        # 3万 and 三万 are the same figure: keep both the scaled and the unscaled value.
        scale = {"万": 10_000, "亿": 100_000_000}.get(norm[f.end:f.end + 1])
        for v in f.values:
            try:
                x = float(v)
            except ValueError:
                continue
            if scale and f.kind in ("number", "quantity"):
                values.add(_canon(str(x * scale)))
            for big in (10_000, 100_000_000):
                if f.kind == "quantity" and x >= big and x % (big / 10_000) == 0:
                    values.add(_canon(str(x / big)))
    return values


def mask(text: str, placeholder: str = PLACEHOLDER, *, keep_protected: bool = False,
         skip: set[str] | None = None) -> tuple[str, list[Figure]]:
    """Replace figures with `placeholder`; the unit stays (8项 → 【待补充】项, 80余场次 → 【待补充】场次).
    Figures whose values are all in `skip` (e.g. the user's own facts) are kept."""
    figures = [f for f in find_figures(text, keep_protected=keep_protected, min_cn=2)
               if not (skip and all(v in skip for v in f.values))]
    out, last = [], 0
    for f in figures:
        out.append(text[last:f.start])
        piece = f.text
        if f.kind == "date":
            out.append(re.sub(r"\d+\s*", placeholder, normalize(piece)) if re.search("[年月]", piece) else placeholder)
        elif f.kind == "percent":
            out.append(placeholder + ("个百分点" if "百分点" in piece else "%"))
        else:
            out.append(placeholder)
        last = f.end
        # 80 余场次 → 【待补充】场次: a vague modifier after a masked number means nothing any more; stray
        # spaces from PDF extraction ("2023 年") go too.
        tail = re.match(r"[ \t\u3000]*(?:[余多](?=[\u4e00-\u9fff]))?[ \t\u3000]*", text[last:])
        if tail and (f.kind in ("number", "quantity", "year") or not tail.group(0).strip()):
            last += tail.end()
        if out[-2:-1] and out[-2].endswith((" ", "\u3000")) and f.kind != "date":
            out[-2] = out[-2].rstrip(" \u3000") if re.search(r"[\u4e00-\u9fff]$", out[-2].rstrip(" \u3000")) else out[-2]
    out.append(text[last:])
    return "".join(out), figures
