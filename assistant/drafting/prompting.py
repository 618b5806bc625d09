"""Prompts as sent: the files of prompts/ filled in, indexed and user text embedded as data blocks, within
the model's context budget (exemplars are trimmed first, then regulations, never the facts), and the reply
streamed back piece by piece."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from assistant.drafting.draft_types import DraftRequest, report_year, warning
from assistant.drafting.genre_sections import SectionSpec
from assistant.drafting.llm import Message, estimate_tokens
from assistant.drafting.prompts import data_block, load_prompt
from assistant.errors import LLMError

# Output reserve and per-exemplar cap for the prompt budget (characters ≈ tokens for Chinese).
OUTPUT_RESERVE_TOKENS = 2048
EXEMPLAR_MAX_CHARS = 1500
REGULATION_MAX_CHARS = 600


class ChatClient(Protocol):
    def stream(self, messages: list[Message]) -> Iterable[str]: ...


def year_label(year: int | None) -> str:
    return f"{year}年" if year else "未注明"


def system_prompt(genre: str, issuer: str | None, year: int | None) -> str:
    return load_prompt("system").render(genre=genre, issuer=issuer or "本单位", year=year_label(year))


def format_exemplars(exemplars: list[dict[str, Any]]) -> str:
    if not exemplars:
        return "（无）"
    parts = []
    for i, e in enumerate(exemplars, 1):
        head = f"【范文{i}】出处：{data_block(str(e.get('title') or ''))}（{e.get('year') or '年份不详'}），章节：{e.get('role')}"
        parts.append(f"{head}\n{data_block(e['text'])}")
    return "\n\n".join(parts)


def format_regulations(regulations: list[dict[str, Any]]) -> str:
    if not regulations:
        return "（无）"
    return "\n\n".join(f"《{data_block(str(r.get('title') or ''))}》{r.get('article') or ''}\n{data_block(r['text'])}"
                       for r in regulations)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a sentence end when one is near."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind("。"), cut.rfind("\n"))
    return (cut[:end + 1] if end > limit // 2 else cut) + "……"


def build_messages(request: DraftRequest, spec: SectionSpec, genre_name: str, exemplars: list[dict[str, Any]],
                   regulations: list[dict[str, Any]], *, context_tokens: int
                   ) -> tuple[list[Message], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, str]]]:
    """System + user messages within the budget, the exemplars and regulations that fit, and a note when
    exemplars were left out. The facts are never cut: if they alone do not fit, that is an error before
    anything is sent."""
    year = report_year(request)
    system = system_prompt(genre_name, request.issuer, year)
    section = load_prompt("section")
    facts = data_block(request.facts) if request.facts.strip() else "（未提供材料：所有具体内容都写成【待补充：……】）"
    exemplars = [dict(e, text=clip(e["text"], EXEMPLAR_MAX_CHARS)) for e in exemplars]
    regulations = [dict(r, text=clip(r["text"], REGULATION_MAX_CHARS)) for r in regulations]
    budget = context_tokens - OUTPUT_RESERVE_TOKENS

    def render(ex: list[dict[str, Any]], regs: list[dict[str, Any]]) -> str:
        return section.render(genre=genre_name, section_name=spec.name, section_heading=spec.heading(year),
                              section_guidance=spec.guidance or "按本文种惯例撰写", issuer=request.issuer or "本单位",
                              year=year_label(year), exemplars=format_exemplars(ex),
                              regulations=format_regulations(regs), facts=facts)

    user = render(exemplars, regulations)
    dropped = 0
    while estimate_tokens(system) + estimate_tokens(user) > budget and (exemplars or regulations):
        if exemplars:
            exemplars = exemplars[:-1]
            dropped += 1
        else:
            regulations = regulations[:-1]
        user = render(exemplars, regulations)
    if estimate_tokens(system) + estimate_tokens(user) > budget:
        raise LLMError("材料过长，超出模型的上下文长度，未发送请求",
                       hint="精简材料，或设置更大的 ASSISTANT_LLM_CONTEXT_TOKENS / 换用上下文更长的模型")
    notes = [warning("budget", str(dropped), f"为控制提示词长度，少用了 {dropped} 篇参考范文")] if dropped else []
    return [("system", system), ("user", user)], exemplars, regulations, notes


def stream_all(client: ChatClient, messages: list[Message], on_chunk: Callable[[str], None] | None) -> str:
    """The whole reply, each piece handed to `on_chunk` as it arrives."""
    pieces = []
    for piece in client.stream(messages):
        pieces.append(piece)
        if on_chunk:
            on_chunk(piece)
    return "".join(pieces).strip()


def stream_keeping_partial(client: ChatClient, messages: list[Message], on_chunk: Callable[[str], None] | None
                           ) -> tuple[str, LLMError | None]:
    """The reply and None; or, when it broke off after some text, that text's error (its `partial`).
    A failure before any text arrived is raised."""
    try:
        return stream_all(client, messages, on_chunk), None
    except LLMError as err:
        if not err.partial.strip():
            raise
        return err.partial, err
