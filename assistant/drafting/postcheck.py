"""The checks every generated text goes through before the user sees it: figures that are not in the facts
(flagged; replaced by 【待核实】 in strict mode), names of the exemplars' offices carried over, and citations
(wrong title, repealed, or a regulation that was neither in the facts nor among the excerpts given)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from assistant.citations.resolver import check_citations
from assistant.drafting.draft_types import DraftRequest, report_year, warning
from assistant.drafting.figures import UNVERIFIED, Figure, fact_values, find_figures, with_unit
from assistant.errors import AssistantError

_ADMIN_SUFFIX = r"(?:省|自治区|市|自治州|州|盟|县|自治县|旗|区|镇|乡|街道|开发区|新区|园区)"


def office_names(exemplars: Iterable[dict[str, Any]]) -> set[str]:
    """Names that identify an exemplar's office: its issuer and the place name at the head of it
    (示例县人民政府 → 示例县人民政府, 示例县)."""
    names: set[str] = set()
    for e in exemplars:
        issuer = (e.get("issuer") or "").strip()
        if not issuer:
            continue
        names.add(issuer)
        # Successive place units at the head: 示例区望川街道办事处 → 示例区, 望川街道, 示例区望川街道.
        rest, prefix = re.sub(r"^中共", "", issuer), ""
        while m := re.match(rf"[\u4e00-\u9fff]{{2,8}}?{_ADMIN_SUFFIX}", rest):
            unit = m.group(0)
            if len(unit) < 3 or unit == rest:
                break
            prefix += unit
            names.update({unit, prefix})
            rest = rest[len(unit):]
    return names


def post_check(text: str, request: DraftRequest, exemplars: list[dict[str, Any]], *,
               resolve_citations: bool = True, allowed_titles: Iterable[str] = ()) -> tuple[str, list[dict[str, str]]]:
    """Warnings for the draft; in strict mode figures not in the facts are replaced by 【待核实】."""
    text, warnings = figure_check(text, request)
    warnings += office_warnings(text, request, exemplars)
    if resolve_citations:
        warnings += citation_warnings(text, request, allowed_titles)
    return text, warnings


def figure_check(text: str, request: DraftRequest) -> tuple[str, list[dict[str, str]]]:
    """Each figure whose values are not all in the facts (or the report's year and the next) is flagged."""
    known = fact_values(request.facts)
    year = report_year(request)
    if year:
        known |= {str(year), str(year + 1)}  # the report's own year and the year it plans for
    flagged: list[Figure] = [fig for fig in find_figures(text) if not all(v in known for v in fig.values)]
    warnings = []
    for fig in flagged:
        what = {"date": "日期", "year": "年份", "percent": "百分比"}.get(fig.kind, "数字")
        warnings.append(warning("figure", fig.text.strip(),
                                f"{what}“{with_unit(text, fig)}”不在提供的材料中，请核实或删除"))
    if request.strict:
        for fig in sorted(flagged, key=lambda f: f.start, reverse=True):
            replacement = UNVERIFIED + ("%" if fig.kind == "percent" and "%" in fig.text else "")
            text = text[:fig.start] + replacement + text[fig.end:]
    return text, warnings


def office_warnings(text: str, request: DraftRequest, exemplars: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Names of the exemplars' offices that made it into the text (and are not the user's own)."""
    own = " ".join(x for x in (request.facts, request.issuer or "") if x)
    warnings, rest = [], text
    for name in sorted(office_names(exemplars), key=len, reverse=True):
        if name in rest and name not in own:
            warnings.append(warning("office", name, f"“{name}”是参考范文所属单位的名称，不应出现在本单位的报告中"))
            rest = rest.replace(name, "")  # 示例县人民政府 flagged once, not again as 示例县
    return warnings


def citation_warnings(text: str, request: DraftRequest, allowed_titles: Iterable[str] = ()) -> list[dict[str, str]]:
    """Each 《…》 through the citation resolver (wrong title, repealed, …), and any title that was neither in
    the facts nor among the regulation excerpts given to the model."""
    titles = list(dict.fromkeys(re.findall(r"《([^《》\n]+)》", text)))
    if not titles:
        return []
    out: list[dict[str, str]] = []
    year = report_year(request)
    try:
        results = check_citations(text, f"{year + 1}-01-01" if year else None)
    except AssistantError as err:
        results = []
        out.append(warning("citation", "", f"引用核查未完成：{err}"))
    for c in results:
        if c.severity in ("error", "warning"):
            written = c.text or f"《{c.title_as_written}》"
            out.append(warning("citation", written, c.message or f"{written}需要核实"))
    allowed = " ".join([request.facts, *allowed_titles])
    flagged = " ".join(w["text"] for w in out)
    for title in titles:
        if title not in allowed and f"《{title}》" not in flagged:
            out.append(warning("citation", f"《{title}》",
                               f"《{title}》不在提供的材料和法规依据中，请核实是否确需引用"))
    return out

