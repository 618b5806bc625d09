"""A whole report in one go ("写整篇"): the genre's required sections in customary order, each drafted in
turn (through the model, or as a template draft offline) from the facts that belong to it, assembled under
the genre's headings 一、二、… into one result with the sources and warnings of every section."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from assistant.documents.numbering import heading_level
from assistant.drafting.draft_types import DraftRequest, DraftResult, warning
from assistant.drafting.exemplars import ExemplarSource, cosine, default_source
from assistant.drafting.genre_sections import SectionSpec, genre_roles, ordinal, resolve_genre, section_spec
from assistant.drafting.llm import is_configured
from assistant.drafting.outline import report_title
from assistant.drafting.postcheck import office_warnings
from assistant.drafting.prompting import ChatClient
from assistant.drafting.template import TEMPLATE_NOTE, split_facts, template_body
from assistant.drafting.writer import draft_with_spec, same_role_exemplars
from assistant.settings import Settings, get_settings

# Words that send a fact to the part about shortcomings, or to the part that plans ahead.
_SHORTCOMING_FACT = re.compile(r"原因|不足|问题|短板|薄弱|不够|不到位|不健全|不完善|有限|滞后|欠缺")
_SHORTCOMING_PART = re.compile(r"不足|问题")
_PLAN_FACT = re.compile(r"下一步|下一年度|明年|计划|将要|拟于|拟将|力争|预计")
_PLAN_PART = re.compile(r"安排|计划|打算|下一|思路|目标|任务")
_HINT_BONUS = 0.2

OnSection = Callable[[str, DraftResult], None]


def required_sections(genre_name: str) -> list[SectionSpec]:
    """The genre's required sections in customary order, numbered 一、二、… among themselves."""
    genre = resolve_genre(genre_name)
    required = [section_spec(genre, r.id) for r in genre_roles(genre) if r.required]
    return [replace(spec, position=i) for i, spec in enumerate(required, 1)]


def _plain(text: str) -> str:
    return re.sub(r"[\d０-９.,%％]+", "", text)  # figures out: 1200 should not resemble 2024


def assign_facts(facts: list[str], specs: list[SectionSpec], profiles: dict[str, str],
                 year: int | None = None) -> dict[str, list[str]]:
    """Each fact to the section it reads most like (name, guidance and exemplars), with a nudge for causes
    and shortcomings, and for plans and next year's figures; a fact like none goes to the first section."""
    out: dict[str, list[str]] = {s.role: [] for s in specs}
    for fact in facts:
        plan = bool(_PLAN_FACT.search(fact)) or (year is not None and f"{year + 1}年" in fact)
        short = bool(_SHORTCOMING_FACT.search(fact))

        def score(spec: SectionSpec, fact: str = fact, plan: bool = plan, short: bool = short) -> float:
            value = cosine(_plain(fact), _plain(profiles[spec.role]))
            value += _HINT_BONUS if short and _SHORTCOMING_PART.search(spec.name) else 0.0
            return value + (_HINT_BONUS if plan and _PLAN_PART.search(spec.name) else 0.0)

        best = max(specs, key=score)
        out[(best if score(best) > 0 else specs[0]).role].append(fact)
    return out


def with_heading(text: str, spec: SectionSpec, year: int | None) -> str:
    """A model's section under its place's heading: its own level-1 heading renumbered, or ours added."""
    lines = text.strip("\n").split("\n")
    mark = heading_level(lines[0].strip()) if lines else None
    if mark is not None and mark.level == 1:
        lines[0] = f"{ordinal(spec.position)}、{mark.rest.strip()}"
        return "\n".join(lines)
    return "\n".join([spec.heading(year), *lines])


def _merge(into: DraftResult, part: DraftResult, spec: SectionSpec) -> None:
    for s in part.sources:
        if s not in into.sources:
            into.sources.append(s)
    into.warnings += [dict(w, section=spec.name) for w in part.warnings]


def _template_section(request: DraftRequest, spec: SectionSpec, exemplars: list[dict[str, Any]],
                      pre: list[dict[str, str]]) -> DraftResult:
    lines, used = template_body(request, spec, exemplars)
    text = "\n".join(lines).strip()
    return DraftResult(text=text, mode="template", sources=used,
                       warnings=pre + office_warnings(text, request, exemplars))


def draft_whole(genre: str, facts: str, source: ExemplarSource | None = None, *, issuer: str | None = None,
                year: int | None = None, settings: Settings | None = None, on_section: OnSection | None = None,
                on_chunk: Callable[[str], None] | None = None, client: ChatClient | None = None,
                strict: bool = False, k: int = 3) -> DraftResult:
    """Every required section in order, assembled. `on_section(heading, result)` is called as each section
    is done (and `on_chunk` gets the model's pieces as they arrive). A reply that breaks off ends the run:
    the result holds the sections so far and is marked partial."""
    s = settings or get_settings()
    genre_name = resolve_genre(genre).name
    specs = required_sections(genre_name)
    src = source or default_source(s)
    offline = client is None and not is_configured(s)
    exemplars = {spec.role: same_role_exemplars(src, genre_name, spec, facts, k) for spec in specs}
    profiles = {spec.role: " ".join([spec.name, spec.guidance, *(e["text"] for e in exemplars[spec.role])])
                for spec in specs}
    assigned = assign_facts(split_facts(facts), specs, profiles, year)
    result = DraftResult(text="", mode="template" if offline else "llm")
    parts = []
    for spec in specs:
        request = DraftRequest(genre_name, spec.role, "\n".join(assigned[spec.role]), issuer, year, strict)
        pre = [] if exemplars[spec.role] else [
            warning("exemplar", spec.role, f"知识库中没有“{genre_name}·{spec.name}”的参考范文")]
        if offline:
            part = _template_section(request, spec, exemplars[spec.role], pre)
        else:
            part = draft_with_spec(request, spec, exemplars[spec.role], src, settings=s, on_chunk=on_chunk,
                                   client=client, pre=pre)
            part.text = with_heading(part.text, spec, year)
        parts.append(part.text)
        _merge(result, part, spec)
        if on_section:
            on_section(spec.heading(year), part)
        if part.mode == "partial":
            result.mode = "partial"
            break
    title = report_title(genre_name, issuer, year)
    head = [title] if title and "…" not in title else []
    if offline:
        head = [TEMPLATE_NOTE, *head]
        result.warnings.append(warning("offline", "", "未配置大模型接口，以上是模板草稿；配置接口（OPENAI_BASE_URL）后，"
                                                      "各部分会依据材料、按参考范文的文风写成连贯的正文"))
    result.text = "\n\n".join([*head, *parts]).strip() + "\n"
    return result
