"""Offline drafting (模板草稿): nothing is sent anywhere. The genre's customary heading and guidance, the
closest exemplar with every specific of it masked (figures, dates, document numbers, its office's names),
and the user's facts placed next to the part of the exemplar they are closest to."""

from __future__ import annotations

import re
from typing import Any

from assistant.documents.numbering import heading_level
from assistant.drafting.draft_types import DraftRequest, DraftResult, report_year, source_entry
from assistant.drafting.exemplars import cosine, similarity
from assistant.drafting.figures import PLACEHOLDER, mask
from assistant.drafting.genre_sections import SectionSpec
from assistant.drafting.postcheck import office_names, office_warnings

TEMPLATE_LABEL = "模板草稿"
TEMPLATE_NOTE = (f"{TEMPLATE_LABEL}（未配置大模型接口，未向任何服务发送内容；以下按文种惯例和参考范文生成，"
                 f"{PLACEHOLDER}处请补充，所有内容请核实后使用）")

# The exemplar's self-references (我县, 本局) name its kind of office, which need not be the user's.
_SELF_REFERENCE_RE = re.compile(r"(我|本)(?:县|市|区|镇|乡|街道|局|委|办|厅|院|所|中心|系统)(?![长委级域内外场民法公理事])")
# Facts about causes go to the exemplar's block of causes (究其原因…) when it has one.
_CAUSE_RE = re.compile(r"原因|由于|究其|根源|主观上|客观上")


def mask_exemplar(text: str, exemplar: dict[str, Any], facts: str = "") -> str:
    """An exemplar without its specifics: figures, dates, document titles with years, document numbers
    and the names of its office all become 【待补充】."""
    text = re.sub(r"[\u4e00-\u9fff]{1,10}〔\d{4}〕\d+号", "【待补充：发文字号】", text)
    text = re.sub(r"《[^《》\n]*\d[^《》\n]*》", "《【待补充：文件名称】》", text)
    for name in sorted(office_names([exemplar]), key=len, reverse=True):
        text = text.replace(name, PLACEHOLDER)
    text = _SELF_REFERENCE_RE.sub(lambda m: m.group(1) + "单位", text)
    text, _ = mask(text, PLACEHOLDER)
    return text


def _is_sub_heading(line: str) -> bool:  # （一） or 1.
    mark = heading_level(line)
    return mark is not None and mark.level in (2, 3)


def _units(section_text: str) -> list[str]:
    """Blocks of an exemplar section body to place facts into: its sub-sections, else its paragraphs."""
    blocks: list[list[str]] = []
    for ln in (ln for ln in section_text.split("\n")[1:] if ln.strip()):
        # A sub-heading gathers the paragraphs under it; a paragraph outside any is a block of its own.
        if _is_sub_heading(ln) or not blocks or not _is_sub_heading(blocks[-1][0]):
            blocks.append([ln])
        else:
            blocks[-1].append(ln)
    return ["\n".join(b) for b in blocks]


def place_facts(facts: list[str], units: list[str]) -> tuple[dict[int, list[str]], list[str]]:
    """Each fact to the block it is closest to (causes to the causes block); facts close to none are left."""
    placed: dict[int, list[str]] = {}
    leftover: list[str] = []
    cause = next((i for i, u in enumerate(units) if "原因" in u), None)
    candidates = [i for i in range(len(units)) if i != cause] or list(range(len(units)))
    for fact in facts:
        if cause is not None and _CAUSE_RE.search(fact):
            placed.setdefault(cause, []).append(fact)
            continue
        scores = {i: cosine(fact, units[i]) for i in candidates}
        best = max(candidates, key=scores.__getitem__) if candidates else -1
        if best >= 0 and (scores[best] >= 0.05 or cause is not None):
            placed.setdefault(best, []).append(fact)
        else:
            leftover.append(fact)
    return placed, leftover


def split_facts(facts: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", facts) if p.strip()]


def template_body(request: DraftRequest, spec: SectionSpec, exemplars: list[dict[str, Any]]
                  ) -> tuple[list[str], list[dict[str, Any]]]:
    """The section's lines from its heading on, and the exemplar used (if any)."""
    facts = split_facts(request.facts)
    lines = [spec.heading(report_year(request))]
    if spec.guidance:
        lines.append(f"【写作要点】{spec.guidance}")
    if not exemplars:
        lines += ["", "【本单位材料】", *(facts or [f"{PLACEHOLDER}（请提供本部分的具体情况）"])]
        lines += ["", f"（知识库中没有可参考的同类范文，请按写作要点补充完整。{PLACEHOLDER}）"]
        return lines, []
    best = max(exemplars, key=lambda e: similarity(request.facts, e["text"])) if facts else exemplars[0]
    units = _units(mask_exemplar(best["text"], best, request.facts))
    placed, leftover = place_facts(facts, units)
    if leftover:
        lines += ["", "【本单位材料】", *leftover]
    lines += ["", "【参考写法】（据参考范文改写，原文的数字、日期和单位名称已隐去，请替换为本单位情况）"]
    for i, unit in enumerate(units):
        lines.append(unit)
        lines += [f"【本单位材料】{fact}" for fact in placed.get(i, [])]
    return lines, [source_entry(best)]


def template_draft(request: DraftRequest, spec: SectionSpec, exemplars: list[dict[str, Any]],
                   warnings: list[dict[str, str]] | None = None) -> DraftResult:
    """Offline draft of one section, labelled as such on its first line."""
    lines, sources = template_body(request, spec, exemplars)
    text = "\n".join([TEMPLATE_NOTE, "", *lines]).rstrip() + "\n"
    return DraftResult(text=text, mode="template", sources=sources,
                       warnings=(warnings or []) + office_warnings(text, request, exemplars))
