"""Drafting as the user sees it: a section in the office's style, an outline, next year's skeleton, a .docx.

Exemplars come from the knowledge base, backed by the bundled samples, so drafting works on a fresh install.
Text is sent to a model only when the user configured an endpoint (OPENAI_BASE_URL).
"""

from __future__ import annotations

import queue
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.drafting import llm
from assistant.drafting.exemplars import (
    ExemplarSource,
    FallbackSource,
    KnowledgeBaseExemplarSource,
    SampleExemplarSource,
)
from assistant.drafting.outline import outline, outline_with_llm
from assistant.drafting.revision import revise_draft
from assistant.drafting.skeleton import skeleton_from_previous
from assistant.drafting.whole import draft_whole
from assistant.drafting.writer import DraftRequest, DraftResult, draft_section
from assistant.errors import AssistantError
from assistant.services.export import export_text
from assistant.services.knowledge import Knowledge
from assistant.settings import Settings, get_settings

__all__ = ["DraftRequest", "DraftResult", "DraftUpdate", "draft", "draft_stream", "exemplar_source",
           "export_draft", "make_outline", "mode_note", "model_outline", "offline_note",
           "parse_year", "require_llm", "revise_stream", "skeleton", "whole_stream"]


def mode_note(settings: Settings | None = None) -> str:
    """One sentence saying where drafting text goes (or that it goes nowhere)."""
    settings = settings or get_settings()
    if llm.is_configured(settings):
        model = settings.llm_model or "（自动选择）"
        return (f"当前模式：大模型起草。您输入的材料和参考范文会发送到您配置的接口 {settings.llm_base_url}"
                f"（模型 {model}），不会发往其他地方。")
    return "当前模式：模板草稿。未配置大模型接口（OPENAI_BASE_URL），不向任何服务发送内容。"


def parse_year(year: str | int | None) -> int | None:
    """A report year typed by the user, or None; an unusable value is a clear error."""
    if year is None or not str(year).strip():
        return None
    try:
        value = int(str(year).strip())
    except ValueError:
        value = 0
    if not 1949 <= value <= 2100:
        raise AssistantError(f"年度“{year}”不是有效的年份", hint="例如 2024")
    return value


def exemplar_source(settings: Settings | None = None, kb: Knowledge | None = None,
                    samples: SampleExemplarSource | None = None) -> ExemplarSource:
    """Same-role exemplars from the knowledge base (when open), backed by the bundled samples."""
    settings = settings or get_settings()
    samples = samples or SampleExemplarSource(settings.samples_dir)
    if kb is None:
        return samples
    return FallbackSource(KnowledgeBaseExemplarSource(kb.kb), samples)


def draft(request: DraftRequest, source: ExemplarSource | None = None, *, settings: Settings | None = None,
          on_chunk: Callable[[str], None] | None = None) -> DraftResult:
    return draft_section(request, source, settings=settings, on_chunk=on_chunk)


@dataclass
class DraftUpdate:
    """One step of a streamed reply: the text so far, and at the end the result or an error."""

    text: str
    done: bool = False
    result: DraftResult | None = None
    error: str | None = None


def _threaded(call: Callable[[Callable[[str], None]], DraftResult]) -> Iterator[DraftUpdate]:
    """Run a drafting call in a worker thread; yield the text as it streams (model) or at once (template)."""
    pieces: queue.Queue[str | None] = queue.Queue()
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = call(pieces.put)
        except AssistantError as err:
            outcome["error"] = str(err)
        except Exception as err:  # noqa: BLE001 — the user sees a message, never a traceback
            outcome["error"] = f"起草失败：{type(err).__name__}: {err}"
        finally:
            pieces.put(None)

    threading.Thread(target=work, name="assistant-draft", daemon=True).start()
    text = ""
    while (piece := pieces.get()) is not None:
        text += piece
        yield DraftUpdate(text)
    if "error" in outcome:
        yield DraftUpdate(text, done=True, error=outcome["error"])
    else:
        yield DraftUpdate(outcome["result"].text, done=True, result=outcome["result"])


def draft_stream(request: DraftRequest, source: ExemplarSource | None = None, *,
                 settings: Settings | None = None) -> Iterator[DraftUpdate]:
    """One section, streamed."""
    return _threaded(lambda put: draft_section(request, source, settings=settings, on_chunk=put))


def revise_stream(previous: str, instruction: str, request: DraftRequest, history: list[tuple[str, str]],
                  *, settings: Settings | None = None) -> Iterator[DraftUpdate]:
    """The last draft revised as the follow-up asks ("再精炼一些", "加上培训的数字：……"), streamed."""
    return _threaded(lambda put: revise_draft(previous, instruction, request, history, settings=settings,
                                              on_chunk=put))


def whole_stream(genre: str, facts: str, source: ExemplarSource | None = None, *, issuer: str | None = None,
                 year: int | None = None, settings: Settings | None = None) -> Iterator[DraftUpdate]:
    """Every required section in turn (outline order), assembled under the genre's headings, streamed."""
    return _threaded(lambda put: draft_whole(genre, facts, source, issuer=issuer, year=year, settings=settings,
                                             on_chunk=put))


def offline_note() -> str:
    return ("这是离线模板草稿：按往年同类报告的结构和用语生成，数字一律留作【待补充】。配置单位的大模型接口"
            "（OPENAI_BASE_URL）后，会按您提供的材料写成连贯的正文，并能按您的要求逐句修改。")


def make_outline(genre: str, *, year: int | None = None, issuer: str | None = None) -> dict[str, Any]:
    """The genre's required parts in customary order, each with its guidance and exemplars (no model)."""
    return outline(genre, year=year, issuer=issuer)


def require_llm(settings: Settings | None = None) -> None:
    if not llm.is_configured(settings or get_settings()):
        raise AssistantError("未配置大模型接口（OPENAI_BASE_URL），不能使用 --llm", hint="见 docs/llm.md")


def model_outline(result: dict[str, Any], facts: str = "", *, on_chunk: Callable[[str], None] | None = None,
                  settings: Settings | None = None) -> str:
    """The model's second-level headings for an outline from make_outline (an endpoint is required)."""
    require_llm(settings)
    return outline_with_llm(result, facts, on_chunk=on_chunk)


def skeleton(previous: str | Path, year: int | None) -> DraftResult:
    if year is None:
        raise AssistantError("使用 --from-previous 时必须给出 --year（本年度报告的年度）")
    return skeleton_from_previous(Path(previous), year)


def export_draft(text: str | None, genre: str | None = None, folder: Path | None = None) -> Path:
    """A draft as a GB/T 9704 .docx in a fresh folder (a temp folder unless one is given)."""
    folder = folder or Path(tempfile.mkdtemp(prefix="gongwen-draft-"))
    name = f"{genre or '公文'}草稿.docx".replace("/", "_")
    return export_text(text or "", folder / name).path
