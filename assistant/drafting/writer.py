"""Drafting one section of a report, in the office's style, grounded in the user's facts.

Flow: genre rules (role name, guidance, order; genre_sections) → exemplars of the same genre AND role from
past reports (style only) and regulation articles relevant to the facts (grounding; exemplars) → prompt
within a token budget (prompting) → streamed LLM reply → post-check (figures not in the facts, citations,
office names carried over from exemplars; postcheck). Without an endpoint nothing is sent anywhere and the
result is an offline template draft with every specific of the exemplar masked (template).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from assistant.drafting.draft_types import (
    PARTIAL_MARK,
    DraftRequest,
    DraftResult,
    partial_result,
    source_entry,
    warning,
)
from assistant.drafting.exemplars import ExemplarSource, default_source
from assistant.drafting.genre_sections import SectionSpec, resolve_genre, section_spec
from assistant.drafting.llm import LLMClient, is_configured
from assistant.drafting.postcheck import post_check
from assistant.drafting.prompting import ChatClient, build_messages, stream_keeping_partial, system_prompt
from assistant.drafting.prompts import data_block, load_prompt
from assistant.drafting.template import template_draft
from assistant.settings import Settings, get_settings

__all__ = ["PARTIAL_MARK", "DraftRequest", "DraftResult", "draft_section", "draft_with_spec", "polish_text",
           "same_role_exemplars"]


def same_role_exemplars(source: ExemplarSource, genre_name: str, spec: SectionSpec, facts: str,
                        k: int = 3) -> list[dict[str, Any]]:
    """Exemplars of this section only: whatever a source returns, another role's text never gets in."""
    found = source.exemplars(genre_name, spec.role, k=k, query=facts or spec.name)
    return [e for e in found if e.get("role") == spec.role and e.get("text")]


def draft_section(request: DraftRequest, source: ExemplarSource | None = None, *, settings: Settings | None = None,
                  on_chunk: Callable[[str], None] | None = None, client: ChatClient | None = None,
                  k: int = 3) -> DraftResult:
    """Draft one section. With an endpoint the reply streams through `on_chunk` as it arrives; without one
    no request is made and a template draft comes back."""
    s = settings or get_settings()
    genre = resolve_genre(request.genre)
    spec = section_spec(genre, request.role)
    request = replace(request, genre=genre.name, role=spec.role)
    src = source or default_source(s)
    exemplars = same_role_exemplars(src, genre.name, spec, request.facts, k)
    pre = [] if exemplars else [warning("exemplar", spec.role, f"知识库中没有“{genre.name}·{spec.name}”的参考范文")]
    if client is None and not is_configured(s):
        return template_draft(request, spec, exemplars, pre)
    return draft_with_spec(request, spec, exemplars, src, settings=s, on_chunk=on_chunk, client=client, pre=pre)


def draft_with_spec(request: DraftRequest, spec: SectionSpec, exemplars: list[dict[str, Any]],
                    source: ExemplarSource, *, settings: Settings, on_chunk: Callable[[str], None] | None = None,
                    client: ChatClient | None = None, pre: list[dict[str, str]] | None = None) -> DraftResult:
    """One section through the model: regulations for the facts, the prompt within budget, the streamed
    reply, the post-check. A reply that breaks off comes back as a partial result."""
    pre = pre or []
    query = " ".join(x for x in (spec.name, request.facts[:500]) if x)
    regulations = source.regulations(query, k=4) if request.facts.strip() else []
    messages, used, used_regs, notes = build_messages(request, spec, request.genre, exemplars, regulations,
                                                      context_tokens=int(settings.llm_context_tokens or 8192))
    reply, broken = stream_keeping_partial(client or LLMClient(settings), messages, on_chunk)
    if broken is not None:
        return partial_result(broken, pre + notes)
    text, warnings = post_check(reply, request, exemplars,
                                allowed_titles=[str(r.get("title") or "") for r in used_regs])
    sources = [source_entry(e) for e in used]
    sources += [{"title": r.get("title"), "role": None, "year": None, "source": r.get("article")} for r in used_regs]
    return DraftResult(text=text, mode="llm", sources=sources, warnings=pre + notes + warnings)


def polish_text(text: str, genre: str = "报告", *, settings: Settings | None = None,
                on_chunk: Callable[[str], None] | None = None, client: ChatClient | None = None) -> DraftResult:
    """Language-only polishing through the model; figures the model adds are flagged like in drafting."""
    user = load_prompt("polish").render(genre=genre, text=data_block(text))
    messages = [("system", system_prompt(genre, None, None)), ("user", user)]
    out, broken = stream_keeping_partial(client or LLMClient(settings), messages, on_chunk)
    if broken is not None:
        return partial_result(broken, [])
    checked, warnings = post_check(out, DraftRequest(genre=genre, role="", facts=text), [],
                                   resolve_citations=False)
    return DraftResult(text=checked, mode="llm", sources=[], warnings=warnings)
