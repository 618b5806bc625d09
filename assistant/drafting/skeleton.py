"""Last year's report as this year's skeleton (`assistant draft --from-previous FILE --year YYYY`).

Keeps every part and heading, moves the years (2023年主要工作举措 → 2024年主要工作举措, 2024年…主要安排 →
2025年…主要安排, the title's year too), masks every figure of last year (8项 → 【待补充】项, 80余场次 →
【待补充】场次) and blanks what is specific to one issue of the document (发文字号's number, 成文日期,
印发日期). Titles of documents in 《》 are kept, except a year in them that moved (a 2023年学习计划 is not
known to exist for 2024) which becomes 【待补充】.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from assistant.documents.numbering import DATE_RE, is_date_line, parse_doc_number
from assistant.documents.reading import read_document
from assistant.documents.structure import parse_official
from assistant.drafting.draft_types import DraftResult, warning
from assistant.drafting.figures import PLACEHOLDER, find_figures
from assistant.errors import AssistantError, DocumentError
from assistant.rules.genres import resolve_genre
from assistant.rules.title_reading import report_year

# The 印发 line at the foot of a document: “示例县人民政府办公室  2024年3月1日印发”.
_PRINTED_RE = re.compile(rf"\s*(?:{DATE_RE.pattern})\s*印发$")


def _despace(text: str) -> str:
    return re.sub(r"[ \t\u3000]+", "", text)


def _load(path: Path) -> tuple[list[str], Any]:
    source = read_document(path)
    doc = parse_official(source)
    return [p.text for p in source.paragraphs if p.text.strip()], doc


def previous_year(paragraphs: list[str], doc: Any) -> int:
    """The year the old report is about, read as the checker reads it (the title in any form, with or without
    关于, then the body); else the commonest year in its headings."""
    if doc is not None and (year := report_year(doc, resolve_genre(doc, None))):
        return year
    years = []
    if doc is not None:
        for s in doc.iter_sections():
            years += re.findall(r"((?:19|20)\d{2})\s*年", s.heading)
    if not years:
        years = re.findall(r"((?:19|20)\d{2})\s*年", "\n".join(paragraphs))
    if not years:
        raise DocumentError("无法判断这份报告所属的年度（标题和小标题中都没有年份）",
                            hint="请确认文件是上一年度的报告")
    return int(Counter(years).most_common(1)[0][0])


def _move_line(text: str, moves: dict[int, int], warnings: list[dict[str, str]]) -> str:
    """Move report years, mask every other figure; 《titles》 keep their text but lose a moved year."""
    out, last = [], 0
    for fig in find_figures(text):
        out.append(text[last:fig.start])
        last = fig.end
        if fig.kind == "year" and int(fig.values[0]) in moves:
            out.append(f"{moves[int(fig.values[0])]}")
            tail = re.match(r"[ \t\u3000]*(?=年)", text[last:])  # "2023 年" → "2024年"
            last += tail.end() if tail else 0
            if out[-2].endswith((" ", "\u3000")):
                out[-2] = out[-2].rstrip(" \u3000")
            continue
        if fig.kind == "year":
            out.append(fig.text)  # a historical year (2021年起) stays as written
            continue
        if fig.kind == "date":
            parts = re.split(r"(\d+)", fig.text)
            moved = []
            for i, part in enumerate(parts):
                if i % 2 == 1:
                    is_year = len(part) == 4
                    moved.append(str(moves[int(part)]) if is_year and int(part) in moves else PLACEHOLDER)
                else:
                    moved.append(part.strip())
            out.append("".join(moved))
        else:
            replacement = PLACEHOLDER + ("%" if fig.kind == "percent" and "%" in fig.text else "")
            replacement += "个百分点" if "百分点" in fig.text else ""
            out.append(replacement)
            if out[-2].endswith((" ", "\u3000")) and re.search(r"[\u4e00-\u9fff][ \u3000]+$", out[-2]):
                out[-2] = out[-2].rstrip(" \u3000")
            tail = re.match(r"[ \t\u3000]*(?:[余多](?=[\u4e00-\u9fff]))?[ \t\u3000]*", text[last:])
            last += tail.end() if tail else 0
        warnings.append(warning("masked", fig.text.strip(), f"上一年度的“{fig.text.strip()}”已隐去，请填写本年度数据"))
    out.append(text[last:])
    line = "".join(out)

    def title_year(m: re.Match[str]) -> str:
        title = m.group(0)
        for old in moves:
            if re.search(rf"{old}\s*年", title):
                warnings.append(warning("title_year", title,
                                        f"{title}中的年份随年度变化，请核实本年度对应文件的名称"))
                title = re.sub(rf"{old}(\s*年)", PLACEHOLDER + r"\1", title)
        return title

    return re.sub(r"《[^《》\n]*》", title_year, line)


def skeleton_from_previous(path: str | Path, year: int) -> DraftResult:
    """Next report's skeleton from last year's report at `path`, for report year `year`."""
    path = Path(path)
    if not path.exists():
        raise DocumentError(f"找不到文件：{path}")
    if not 1900 < int(year) < 2200:
        raise AssistantError(f"年份不正确：{year}", hint="例如 --year 2024")
    paragraphs, doc = _load(path)
    if not paragraphs:
        raise DocumentError(f"文件没有正文内容：{path}")
    prev = previous_year(paragraphs, doc)
    delta = int(year) - prev
    # The report year and the year it plans for both move; the document was issued in the year after.
    moves = {prev: prev + delta, prev + 1: prev + 1 + delta}
    warnings: list[dict[str, str]] = []
    if delta <= 0:
        warnings.append(warning("year", str(year), f"目标年度 {year} 不晚于原报告年度 {prev}"))

    title = _despace(doc.title) if doc is not None and doc.title else None
    doc_number = _despace(doc.doc_number) if doc is not None and doc.doc_number else None
    date = _despace(doc.date) if doc is not None and doc.date else None
    out: list[str] = []
    i = 0
    while i < len(paragraphs):
        text = paragraphs[i]
        flat = _despace(text)
        dn = parse_doc_number(flat)
        if title and flat == title:
            out.append(_move_line(title, moves, warnings))
        elif title and i + 1 < len(paragraphs) and flat + _despace(paragraphs[i + 1]) == title:
            out.append(_move_line(title, moves, warnings))  # a title broken over two lines
            i += 1
        elif (doc_number and flat == doc_number) or (dn and dn.style_ok):
            out.append(f"{dn.org}〔{dn.year + delta}〕{PLACEHOLDER}号" if dn else f"{PLACEHOLDER}（发文字号）")
            warnings.append(warning("doc_number", flat, "发文字号的序号需按本年度发文登记填写"))
        elif (date and flat == date) or is_date_line(flat):
            out.append("【待补充：成文日期】")
        elif printed := _PRINTED_RE.search(text):
            org = text[:printed.start()].strip()
            out.append(f"{org}  【待补充：印发日期】印发" if org else "【待补充：印发日期】印发")
        else:
            out.append(_move_line(text, moves, warnings))
        i += 1
    sources = [{"title": doc.title if doc is not None else None, "role": None, "year": prev, "source": str(path)}]
    return DraftResult(text="\n\n".join(out) + "\n", mode="skeleton", sources=sources, warnings=warnings)
