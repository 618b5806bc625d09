"""A whole report's outline: the genre's sections in customary order with their headings, one line of
guidance each and the exemplars behind them; with an endpoint, the model's fuller outline on top of it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from assistant.drafting.draft_types import source_entry
from assistant.drafting.exemplars import ExemplarSource, default_source
from assistant.drafting.figures import PLACEHOLDER
from assistant.drafting.genre_sections import genre_roles, resolve_genre, section_spec
from assistant.drafting.llm import LLMClient
from assistant.drafting.prompting import ChatClient, stream_all, system_prompt, year_label
from assistant.drafting.prompts import data_block, load_prompt
from assistant.settings import Settings


def outline(genre_name: str, source: ExemplarSource | None = None, *, year: int | None = None,
            issuer: str | None = None, k: int = 2) -> dict[str, Any]:
    """Required sections in customary order (optional ones after, marked), one line of guidance each, and
    the exemplars behind them."""
    genre = resolve_genre(genre_name)
    src = source or default_source()
    sections = []
    for r in genre_roles(genre):
        spec = section_spec(genre, r.id)
        exemplars = [e for e in src.exemplars(genre.name, spec.role, k=k) if e.get("role") == spec.role]
        sections.append({"role": spec.role, "name": spec.name, "heading": spec.heading(year),
                         "required": spec.required, "guidance": _first_line(spec.guidance),
                         "exemplars": [dict(source_entry(e), heading=e.get("heading")) for e in exemplars]})
    return {"genre": genre.name, "title": report_title(genre.name, issuer, year), "year": year, "issuer": issuer,
            "sections": sections}


def report_title(genre_name: str, issuer: str | None, year: int | None) -> str | None:
    """The customary title when the genre fixes it; otherwise a pattern with … for the subject."""
    if issuer and year and "法治政府" in genre_name:
        return f"{issuer}关于{year}年法治政府建设情况的报告"
    if issuer:
        return f"{issuer}关于{year or PLACEHOLDER}年…的报告"
    return None


def _first_line(text: str) -> str:
    text = (text or "").strip()
    m = re.match(r"[^\n。]*。?", text)
    return (m.group(0) if m else text).strip()


def outline_with_llm(data: dict[str, Any], facts: str = "", *, settings: Settings | None = None,
                     on_chunk: Callable[[str], None] | None = None, client: ChatClient | None = None) -> str:
    """The model's fuller outline (second-level headings) on top of `outline()`'s skeleton."""
    year, issuer = data.get("year"), data.get("issuer") or "本单位"
    listing = "\n".join(f"{s['heading']}（{'必备' if s['required'] else '可选'}）：{s['guidance']}"
                        for s in data["sections"])
    user = load_prompt("outline").render(genre=data["genre"], issuer=issuer, year=year_label(year), sections=listing,
                                         facts=data_block(facts) if facts.strip() else "（无）")
    messages = [("system", system_prompt(data["genre"], issuer, year)), ("user", user)]
    return stream_all(client or LLMClient(settings), messages, on_chunk)
