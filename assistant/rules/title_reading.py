"""The report year of a document: the year it reports on, read from the title in any common form
("关于2023年法治政府建设情况的报告", "××局2023年度法治政府建设年度报告", "2023年工作总结", "二〇二三年……"),
else from the body (the opening's "2023年，我局……", year headings, the 成文日期). Drafting from last year's
report and the checker's year relations both read it here."""

from __future__ import annotations

import re
from collections import Counter

from assistant.documents.numbering import cn_to_int
from assistant.models import OfficialDocument
from assistant.rules.genre_schema import Genre, norm

_YEAR_RE = re.compile(r"((?:19|20)\d{2})年")
_CN_YEAR_RE = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})年")
_RANGE_RE = re.compile(r"\d{4}年?[—–\-~～至到]\d{4}")
_OPENING_CHARS = 300


def years_in(text: str) -> list[int]:
    """Years written in a text (2023年, 二〇二三年), in order; a range such as 2021—2025年 counts for none."""
    t = _RANGE_RE.sub("", norm(text))
    found = [(m.start(), int(m.group(1))) for m in _YEAR_RE.finditer(t)]
    for m in _CN_YEAR_RE.finditer(t):
        value = cn_to_int(m.group(1).replace("○", "〇").replace("Ｏ", "〇"))
        if value and 1900 < value < 2200:
            found.append((m.start(), value))
    return [y for _, y in sorted(found)]


def title_year(title: str | None) -> int | None:
    """The first year a title names (the reviewed year in "关于2023年……的报告"), or None."""
    years = years_in(title or "")
    return years[0] if years else None


def _body_year(doc: OfficialDocument) -> int | None:
    # The opening paragraph usually says which year it reviews ("2023年，在区委、区政府的坚强领导下……").
    opening = norm("".join(p.text for p in doc.preamble))[:_OPENING_CHARS]
    years = years_in(opening)
    if years:
        return Counter(years).most_common(1)[0][0]
    heading_years = [y for s in doc.sections for y in years_in(s.heading)]
    if heading_years:
        return min(set(heading_years), key=lambda y: (-heading_years.count(y), y))  # commonest, then earliest
    return None


def report_year(doc: OfficialDocument, genre: Genre | None = None) -> int | None:
    """The year a report reviews: from the title (a 政府工作报告's title names the coming year, so one less),
    else from the body; None when neither names a year."""
    year = title_year(doc.title)
    if year is not None:
        return year - 1 if genre is not None and genre.title_year == "coming" else year
    return _body_year(doc)
