"""The task tabs' handlers (检查, 引用核查, 知识库, 起草): plain functions of `UIState` that call the service
layer and return what the components show, so they can be tested without a browser."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.services import checking, citing, drafting
from assistant.services.admin import index_lock, safe_upload_path
from assistant.services.inputs import read_file
from assistant.services.knowledge import Knowledge, open_kb
from assistant.settings import Settings
from assistant.ui.render import (
    citation_rows,
    error_html,
    esc,
    message_html,
    report_html,
    sections_html,
)

AUTO_GENRE = "自动识别"


@dataclass
class UIState:
    """What the handlers share: settings and the knowledge base (opened once, lazily)."""

    settings: Settings
    embed_after_upload: bool = True
    _kb: Knowledge | None = None
    _kb_error: str | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _samples: Any = None  # parsed once: the sample exemplar source caches what it has read

    def kb(self) -> Knowledge:
        with self._lock:
            if self._kb is None:
                self._kb = open_kb(self.settings)
            return self._kb

    def source(self) -> Any:
        """Exemplars from the knowledge base, backed by the bundled samples (drafting works without a KB)."""
        if self._samples is None:
            self._samples = drafting.exemplar_source(self.settings)
        try:
            return drafting.exemplar_source(self.settings, self.kb(), self._samples)
        except (ImportError, AssistantError) as err:
            self._kb_error = str(err)
            return self._samples

    def wait_for_embedding(self, timeout: float | None = None) -> None:
        if self._kb is not None:
            self._kb.wait_for_embedding(timeout)

    def close(self) -> None:
        if self._kb is not None:
            self._kb.close()
            self._kb = None


def _genre_or_auto(genre: str | None) -> str | None:
    return None if genre in (None, "", AUTO_GENRE) else genre


def check_input(text: str | None, file: str | None, genre: str | None) -> tuple[str, str, list[list[str]]]:
    """检查 tab: (checklist html, sections html, citation rows). Errors become a visible message."""
    try:
        report = checking.check_upload(text, file, _genre_or_auto(genre))
    except AssistantError as err:
        return error_html(err), "", []
    return report_html(report), sections_html(report), citation_rows(report.citations)


def cite_input(text: str | None, file: str | None) -> tuple[str, list[list[str]]]:
    """引用核查 tab: (summary html, rows)."""
    try:
        result = citing.cite_upload(text, file)
    except AssistantError as err:
        return error_html(err), []
    if not result.citations:
        return message_html("没有找到书名号《》引用。"), []
    counts = result.counts()
    date_note = f"按成文日期 {result.date} 判断效力" if result.date else "未找到成文日期，按今天判断效力"
    return (message_html(f"共 {len(result.citations)} 处引用：错误 {counts['error']}，警告 {counts['warning']}。"
                         f"{date_note}。"), citation_rows(result.citations))


def stats_html(state: UIState) -> str:
    try:
        kb = state.kb()
        st = kb.stats()
    except AssistantError as err:
        return error_html(err)
    rep, reg = st["by_kind"]["report"], st["by_kind"]["regulation"]
    lines = [
        f"文档 {st['documents']} 个（往年报告 {rep['documents']}，法规 {reg['documents']}），片段 {st['chunks']} 个",
        f"已生成向量 {st['embedded']} 个（{st['embedded_ratio']:.0%}），待生成 {st['pending']} 个"
        + ("，正在后台生成" if kb.embedding_active else ""),
        "未生成向量的片段可用关键词检索；向量生成后检索会兼顾语义。",
        f"向量模型：{st['embedder']}",
        st["law_texts"]["label"] + "（引用核查和查法规用）",
    ]
    error = kb.embed_error or state._kb_error
    if error:
        lines.append(f"后台生成向量时出错：{error}（关键词检索不受影响）")
    return "<div>" + "".join(f"<div>{esc(x)}</div>" for x in lines) + "</div>"


def search_rows(hits: Sequence[Any]) -> list[list[str]]:
    kinds = {"report": "报告", "regulation": "法规"}
    rows = []
    for h in hits:
        where = " ".join(x for x in (h.heading_path, h.article) if x)
        text = h.text.replace("\n", " ")
        rows.append([kinds.get(h.kind, h.kind), h.title, where, h.role or "", str(h.year or ""),
                     f"{h.score:.3f}", text[:300] + ("…" if len(text) > 300 else "")])
    return rows


def search_kb(state: UIState, query: str | None, kind: str | None, role: str | None,
              k: int = 8) -> tuple[str, list[list[str]]]:
    try:
        hits = state.kb().search(query or "", k=k, kind=kind or None, role=role or None)
    except AssistantError as err:
        return error_html(err), []
    if not hits:
        return message_html("没有找到相关内容。"), []
    return message_html(f"找到 {len(hits)} 条结果。"), search_rows(hits)


def index_uploads(state: UIState, files: Sequence[str] | None, kind: str = "auto") -> str:
    """Add uploaded files to the knowledge base. Each file is read first: a file that cannot be read (empty,
    random bytes, scanned PDF) is reported and neither copied nor indexed. Readable files are copied into
    ASSISTANT_HOME/uploads (Gradio's temp copies are deleted later) and indexed at once (keyword phase);
    vectors follow in a background thread."""
    paths = [str(f) for f in (files or []) if f]
    if not paths:
        return error_html("请先选择要加入知识库的文件")
    good: list[Path] = []
    messages: list[str] = []
    for p in paths:
        try:
            read_file(p)
        except AssistantError as err:
            messages.append(f"未加入 {Path(p).name}：{err}")
            continue
        good.append(Path(p))
    if good:
        try:
            summary = _index_copies(state, good, kind, messages)
        except AssistantError as err:
            return error_html(err)
        except OSError as err:
            return error_html(f"无法保存上传的文件：{err.strerror or err}")
        messages.insert(0, summary)
    ok = bool(good) and len(messages) == 1
    body = "".join(f"<div>{esc(m)}</div>" for m in messages)
    return f"<div>{body}</div>" if ok else f'<div class="gw-error">{body}</div>'


def _index_copies(state: UIState, good: list[Path], kind: str, messages: list[str]) -> str:
    copies, fresh = [], set()
    for p in good:
        dest = safe_upload_path(state.settings.home, p.name)  # same name again = a new version of that document
        if not dest.exists():
            fresh.add(dest)
        shutil.copyfile(p, dest)
        copies.append(dest)
    kb = state.kb()
    # One writer at a time, also against an `assistant index` running in another process.
    with index_lock(state.settings, timeout=120):
        report = kb.index(copies, kind=kind)
    for f in report.failed:
        messages.append(f"未加入 {Path(f.path).name}：{f.message}")
        if Path(f.path) in fresh:
            Path(f.path).unlink(missing_ok=True)
    summary = (f"新增 {len(report.added)} 个、更新 {len(report.updated)} 个、未变 {len(report.unchanged)} 个文件，"
               f"新增片段 {report.chunks_added} 个，已可用关键词检索。")
    if report.pending and state.embed_after_upload:
        kb.start_background_embedding()
        summary += f"向量正在后台生成（{report.pending} 个片段）。"
    return summary


def draft_stream(state: UIState, message: str, genre: str | None, role: str | None, issuer: str | None = None,
                 year: str | int | None = None) -> Iterator[drafting.DraftUpdate]:
    """起草 tab: the reply as it streams (model) or at once (template)."""
    if not genre:
        yield drafting.DraftUpdate("", done=True, error="请先选择文种")
        return
    if not role:
        yield drafting.DraftUpdate("", done=True, error="请先选择要起草的章节")
        return
    try:
        year_value = drafting.parse_year(year)
    except AssistantError as err:
        yield drafting.DraftUpdate("", done=True, error=str(err))
        return
    request = drafting.DraftRequest(genre=genre, role=role, facts=(message or "").strip(),
                                    issuer=(issuer or "").strip() or None, year=year_value)
    yield from drafting.draft_stream(request, state.source(), settings=state.settings)


def export_docx(text: str | None, genre: str | None = None) -> Path:
    """The last draft as a GB/T 9704 .docx in a fresh temp folder."""
    return drafting.export_draft(text, genre)
