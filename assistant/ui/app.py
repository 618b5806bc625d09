"""Local web UI (Gradio): 起草 / 检查 / 引用核查 / 知识库, in Chinese, for office staff.

Security model (product brief): the UI binds 127.0.0.1 by default and refuses any other address without a
login (`check_bind`); analytics, share links and the SSR node server are off, so the page talks to this
machine only; a document is sent to an LLM endpoint only when the user configured one (OPENAI_BASE_URL).
Text from documents and the knowledge base is data: it is rendered HTML-escaped or as plain text (never as
Markdown, whose image syntax would make the browser fetch a remote URL).

The handlers (`check_input`, `cite_input`, `search_kb`, `index_uploads`, `draft_reply`, …) are plain
functions of `UIState` so they can be tested without a browser; `create_app` wires them to components.
"""

from __future__ import annotations

import html
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError, ConfigError, DocumentError
from assistant.settings import Settings, get_settings

TITLE = "公文助手"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
AUTH_ENV = "ASSISTANT_UI_AUTH"
AUTO_GENRE = "自动识别"
ALL = "全部"
KIND_CHOICES = [(ALL, ""), ("往年报告", "report"), ("法规条文", "regulation")]
CITE_HEADERS = ["原文", "规范名称", "匹配方式", "类别", "状态", "说明", "条文"]
SEARCH_HEADERS = ["类别", "标题", "位置", "章节", "年份", "得分", "内容"]
SOURCE_HEADERS = ["标题", "章节", "年份", "来源"]
WARNING_HEADERS = ["类型", "内容", "说明"]
UPLOAD_TYPES = [".txt", ".md", ".docx", ".pdf"]
ROLE_LABELS_FALLBACK = {"measures": "主要举措和成效", "shortcomings": "存在的不足和原因", "next_year": "下一年度安排"}

CSS = """
.gradio-container, .gradio-container * { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC",
  "Microsoft YaHei", "PingFang SC", sans-serif; }
.gw-error { color: #b91c1c; font-weight: 600; }
.gw-sev-error { color: #b91c1c; } .gw-sev-warning { color: #b45309; } .gw-sev-info { color: #1d4ed8; }
.gw-fix { color: #374151; margin-left: 1.5em; } .gw-basis { color: #6b7280; margin-left: 1.5em; font-size: 0.9em; }
.gw-report h4 { margin: 0.6em 0 0.2em 0; } .gw-report ul { margin: 0 0 0 1.2em; padding: 0; }
"""


# ---------------------------------------------------------------------------------------------------------
# Binding and auth
# ---------------------------------------------------------------------------------------------------------


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """`USER:PASS` → (user, pass); None/empty → None. The password may contain colons."""
    if value is None or not value.strip():
        return None
    user, sep, password = value.strip().partition(":")
    if not sep or not user or not password:
        raise ConfigError("登录凭据格式不对，应为“用户名:密码”（--auth 或环境变量 ASSISTANT_UI_AUTH）",
                          hint="例如 --auth zhangsan:一个足够长的密码")
    return user, password


def is_local_host(host: str) -> bool:
    return host.strip().lower() in LOCAL_HOSTS


def check_bind(host: str, auth: tuple[str, str] | None) -> None:
    """Binding beyond this machine exposes internal documents to the network: only with a login."""
    if not host or not host.strip():
        raise ConfigError("监听地址不能为空", hint="默认 127.0.0.1（仅本机访问）")
    if not is_local_host(host) and auth is None:
        raise ConfigError(
            f"拒绝在 {host} 上启动：绑定本机以外的地址会让局域网内其他人访问到内部文件，必须先设置登录凭据",
            hint="加 --auth 用户名:密码（或设置环境变量 ASSISTANT_UI_AUTH），或改用默认的 --host 127.0.0.1",
        )


def _quiet_environment() -> None:
    # Before gradio is imported: no analytics / version check / hub telemetry leaves the machine.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


# ---------------------------------------------------------------------------------------------------------
# Rendering helpers (everything from documents is escaped)
# ---------------------------------------------------------------------------------------------------------


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def chat_safe(text: str) -> str:
    """Chat bubbles render HTML even with Markdown off (an <img> there would be fetched from its host): the
    text goes in escaped, so it shows as written. Already-shown history is not escaped again."""
    return html.escape(text, quote=False)


def error_html(err: AssistantError | str) -> str:
    return f'<div class="gw-error">错误：{esc(err)}</div>'


def message_html(text: str) -> str:
    return f"<div>{esc(text)}</div>"


def report_html(report: Any) -> str:
    """The checker's report as a Chinese checklist: genre, sections found/missing, findings by severity."""
    parts = ['<div class="gw-report">']
    if getattr(report, "title", None):
        parts.append(f"<div>标题：{esc(report.title)}</div>")
    genre = report.genre["name"] if report.genre else "未识别（只检查通用格式）"
    parts.append(f"<div>文种：{esc(genre)}</div>")
    parts.append(f"<div><b>合计：{esc(report.counts_text())}</b></div>")
    for sev, label, items in report.groups():
        parts.append(f'<h4 class="gw-sev-{sev}">{label}（{len(items)}）</h4><ul>')
        for f in items:
            parts.append(f'<li><span class="gw-sev-{sev}">[{label}]</span> {f.where}：{esc(f.message)}')
            if f.fix:
                parts.append(f'<div class="gw-fix">修改：{esc(f.fix)}</div>')
            if f.source:
                parts.append(f'<div class="gw-basis">依据：{esc(f.source)}</div>')
            parts.append("</li>")
        parts.append("</ul>")
    if not report.findings:
        parts.append("<div>未发现问题。</div>")
    parts.append("</div>")
    return "".join(parts)


def sections_html(report: Any) -> str:
    if not report.genre:
        return "<div>未识别文种，无法核对必备部分；可在“文种”中手动指定后重新检查。</div>"
    rows = []
    for s in report.sections:
        kind = "必备" if s.required else "可选"
        if s.found:
            state = f"✓ 已找到：第{s.line}行 {esc(s.heading or '')}"
        else:
            state = "✗ 缺少" if s.required else "– 未写（可选）"
        rows.append(f"<li>{esc(s.name)}（{kind}）— {state}</li>")
    missing = [s.name for s in report.missing]
    head = f"<div><b>缺少的必备部分：</b>{esc('、'.join(missing))}</div>" if missing else \
        "<div><b>必备部分齐全。</b></div>"
    return f'<div class="gw-report">{head}<ul>{"".join(rows)}</ul></div>'


def citation_rows(citations: Sequence[Any]) -> list[list[str]]:
    """One row per citation: 原文, 规范名称, 匹配方式, 类别, 状态, 说明, 条文."""
    from assistant.citations.resolver import KIND_LABELS, MATCH_LABELS

    rows = []
    for c in citations:
        d = c.to_dict() if hasattr(c, "to_dict") else dict(c)
        status = d.get("status") or ""
        if d.get("in_force") is False and d.get("replaced_by"):
            status = f"{status}（已由《{d['replaced_by']}》取代）"
        note = d.get("message") or ""
        if d.get("suggestion") and d["suggestion"] not in note:
            note = f"{note} 建议：{d['suggestion']}".strip()
        article = d.get("article") or ""
        if d.get("article_text"):
            article = f"{article}：{d['article_text']}"
        rows.append([
            d.get("text") or "", d.get("resolved_title") or "（未匹配）",
            MATCH_LABELS.get(d.get("match") or "none", d.get("match") or ""),
            KIND_LABELS.get(d.get("kind") or "unknown", d.get("kind") or ""), status, note, article,
        ])
    return rows


# ---------------------------------------------------------------------------------------------------------
# State and handlers
# ---------------------------------------------------------------------------------------------------------


@dataclass
class UIState:
    """What the handlers share: settings, the knowledge base (opened once, lazily) and a lock for writes."""

    settings: Settings
    embed_after_upload: bool = True
    _kb: Any = None
    _kb_error: str | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _embedding: threading.Thread | None = None
    _embedding_active: bool = False
    _samples: Any = None  # parsed once: SampleExemplarSource caches the samples it has read

    def kb(self) -> Any:
        with self._lock:
            if self._kb is None:
                from assistant.kb.retrieval import KnowledgeBase

                self._kb = KnowledgeBase.open(self.settings)
            return self._kb

    def source(self) -> Any:
        """Exemplars from the knowledge base, backed by the bundled samples (drafting works without a KB)."""
        from assistant.drafting.writer import (
            FallbackSource,
            KnowledgeBaseExemplarSource,
            SampleExemplarSource,
        )

        if self._samples is None:
            self._samples = SampleExemplarSource(self.settings.samples_dir)
        samples = self._samples
        try:
            return FallbackSource(KnowledgeBaseExemplarSource(self.kb()), samples)
        except (ImportError, AssistantError) as err:
            self._kb_error = str(err)
            return samples

    def close(self) -> None:
        if self._kb is not None:
            self._kb.close()
            self._kb = None


def _read_input(text: str | None, file: str | None) -> Any:
    """An uploaded file wins over pasted text; nothing at all is a clear error."""
    from assistant.documents.reading import read_document, read_text_input

    if file:
        return read_document(file)
    if text and text.strip():
        return read_text_input(text)
    raise DocumentError("请粘贴公文文字或上传文件（.txt/.docx/.pdf）")


def genre_choices() -> list[str]:
    from assistant.rules.genres import genre_names

    return genre_names()


def role_choices(genre: str | None) -> list[tuple[str, str]]:
    """(中文名, id) for the roles of a genre, in customary order."""
    if not genre:
        return []
    from assistant.rules.genres import get_genre

    return [(r.name, r.id) for r in get_genre(genre).ordered_roles()]


def all_role_choices() -> list[tuple[str, str]]:
    """Every role id over all genres (search filter); the label names the role in Chinese."""
    from assistant.rules.genres import load_genres

    seen: dict[str, str] = {}
    for g in load_genres().values():
        for r in g.ordered_roles():
            seen.setdefault(r.id, f"{r.name}（{r.id}）")
    return [(ALL, "")] + [(label, rid) for rid, label in seen.items()]


def check_input(text: str | None, file: str | None, genre: str | None) -> tuple[str, str, list[list[str]]]:
    """检查 tab: (checklist html, sections html, citation rows). Errors become a visible message."""
    from assistant.rules.check import check_source

    try:
        source = _read_input(text, file)
        report = check_source(source, genre=None if genre in (None, "", AUTO_GENRE) else genre)
    except AssistantError as err:
        return error_html(err), "", []
    if file:
        report.file = Path(file).name
    return report_html(report), sections_html(report), citation_rows(report.citations)


def cite_input(text: str | None, file: str | None) -> tuple[str, list[list[str]]]:
    """引用核查 tab: (summary html, rows)."""
    from assistant.citations.resolver import check_citations, document_date

    try:
        source = _read_input(text, file)
        when = document_date(source)
        cites = check_citations(source, when)
    except AssistantError as err:
        return error_html(err), []
    if not cites:
        return message_html("没有找到书名号《》引用。"), []
    errors = sum(1 for c in cites if c.severity == "error")
    warnings = sum(1 for c in cites if c.severity == "warning")
    date_note = f"按成文日期 {when} 判断效力" if when else "未找到成文日期，按今天判断效力"
    return message_html(f"共 {len(cites)} 处引用：错误 {errors}，警告 {warnings}。{date_note}。"), citation_rows(cites)


def stats_html(state: UIState) -> str:
    try:
        st = state.kb().stats()
    except AssistantError as err:
        return error_html(err)
    rep, reg = st["by_kind"]["report"], st["by_kind"]["regulation"]
    running = state._embedding_active
    lines = [
        f"文档 {st['documents']} 个（往年报告 {rep['documents']}，法规 {reg['documents']}），"
        f"片段 {st['chunks']} 个",
        f"已生成向量 {st['embedded']} 个（{st['embedded_ratio']:.0%}），待生成 {st['pending']} 个"
        + ("，正在后台生成" if running else ""),
        "未生成向量的片段可用关键词检索；向量生成后检索会兼顾语义。",
        f"向量模型：{st['embedder']}",
    ]
    if state._kb_error:
        lines.append(f"后台生成向量时出错：{state._kb_error}（关键词检索不受影响）")
    return "<div>" + "".join(f"<div>{esc(x)}</div>" for x in lines) + "</div>"


def search_kb(state: UIState, query: str | None, kind: str | None, role: str | None,
              k: int = 8) -> tuple[str, list[list[str]]]:
    try:
        hits = state.kb().search(query or "", k=k, filters={"kind": kind or None, "role": role or None})
    except AssistantError as err:
        return error_html(err), []
    if not hits:
        return message_html("没有找到相关内容。"), []
    kinds = {"report": "报告", "regulation": "法规"}
    rows = []
    for h in hits:
        where = " ".join(x for x in (h.heading_path, h.article) if x)
        text = h.text.replace("\n", " ")
        rows.append([kinds.get(h.kind, h.kind), h.title, where, h.role or "", str(h.year or ""),
                     f"{h.score:.3f}", text[:300] + ("…" if len(text) > 300 else "")])
    return message_html(f"找到 {len(hits)} 条结果。"), rows


def _upload_dir(settings: Settings) -> Path:
    return settings.home / "uploads"


def index_uploads(state: UIState, files: Sequence[str] | None, kind: str = "auto") -> str:
    """Add uploaded files to the knowledge base. Each file is read first: a file that cannot be read (empty,
    random bytes, scanned PDF) is reported and neither copied nor indexed. Readable files are copied into
    ASSISTANT_HOME/uploads (Gradio's temp copies are deleted later) and indexed at once (keyword phase);
    vectors follow in a background thread."""
    from assistant.documents.reading import read_document

    paths = [str(f) for f in (files or []) if f]
    if not paths:
        return error_html("请先选择要加入知识库的文件")
    good: list[Path] = []
    messages: list[str] = []
    for p in paths:
        name = Path(p).name
        try:
            read_document(p)
        except AssistantError as err:
            messages.append(f"未加入 {name}：{err}")
            continue
        good.append(Path(p))
    if good:
        dest_dir = _upload_dir(state.settings)
        try:
            dest_dir.mkdir(parents=True, exist_ok=True)
            copies, fresh = [], set()
            for p in good:
                dest = dest_dir / p.name  # same name again = a new version of that document
                if not dest.exists():
                    fresh.add(dest)
                shutil.copyfile(p, dest)
                copies.append(dest)
            with state._lock:
                report = state.kb().index(copies, kind=kind)
        except AssistantError as err:
            return error_html(err)
        except OSError as err:
            return error_html(f"无法保存上传的文件：{err.strerror or err}")
        for f in report.failed:
            messages.append(f"未加入 {Path(f.path).name}：{f.message}")
            if Path(f.path) in fresh:
                Path(f.path).unlink(missing_ok=True)
        summary = (f"新增 {len(report.added)} 个、更新 {len(report.updated)} 个、未变 {len(report.unchanged)} 个文件，"
                   f"新增片段 {report.chunks_added} 个，已可用关键词检索。")
        if report.pending and state.embed_after_upload:
            _start_embedding(state)
            summary += f"向量正在后台生成（{report.pending} 个片段）。"
        messages.insert(0, summary)
    ok = bool(good) and len(messages) == 1
    body = "".join(f"<div>{esc(m)}</div>" for m in messages)
    return f"<div>{body}</div>" if ok else f'<div class="gw-error">{body}</div>'


def _start_embedding(state: UIState) -> None:
    """One background thread embeds whatever is pending; it decides to stop under the lock, so chunks
    indexed meanwhile are either picked up by it or start a new thread."""
    with state._lock:
        if state._embedding_active:
            return
        state._embedding_active = True

        def work() -> None:
            try:
                kb = state.kb()
                while True:
                    with state._lock:
                        if not kb.docstore.count_chunks(embedded=False):
                            state._embedding_active = False
                            return
                    kb.embed_pending()
            except AssistantError as err:  # shown in the stats; keyword search keeps working
                state._kb_error = str(err)
            finally:
                with state._lock:
                    state._embedding_active = False

        state._embedding = threading.Thread(target=work, name="assistant-embed", daemon=True)
        state._embedding.start()


# --- drafting ----------------------------------------------------------------------------------------------


def mode_note(settings: Settings) -> str:
    from assistant.drafting.llm import is_configured

    if is_configured(settings):
        model = settings.llm_model or "（自动选择）"
        return (f"当前模式：大模型起草。您输入的材料和参考范文会发送到您配置的接口 {settings.llm_base_url}"
                f"（模型 {model}），不会发往其他地方。")
    return "当前模式：模板草稿。未配置大模型接口（OPENAI_BASE_URL），不向任何服务发送内容。"


def _message_text(content: Any) -> str:
    """Gradio 6 message content is a string or a list of {"type": "text", "text": …} parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    if isinstance(content, (list, tuple)):
        return "".join(_message_text(c) for c in content)
    return "" if content is None else str(content)


def normalize_history(history: Sequence[Any] | None) -> list[dict[str, str]]:
    out = []
    for m in history or []:
        role = m.get("role") if isinstance(m, dict) else getattr(m, "role", None)
        content = m.get("content") if isinstance(m, dict) else getattr(m, "content", None)
        if role in ("user", "assistant"):
            out.append({"role": role, "content": _message_text(content)})
    return out


def source_rows(sources: Sequence[dict[str, Any]]) -> list[list[str]]:
    return [[str(s.get("title") or ""), str(s.get("role") or ""), str(s.get("year") or ""),
             str(s.get("source") or "")] for s in sources]


def warning_rows(warnings: Sequence[dict[str, Any]]) -> list[list[str]]:
    return [[str(w.get("kind") or ""), str(w.get("text") or ""), str(w.get("message") or "")] for w in warnings]


@dataclass
class DraftUpdate:
    """One step of a streamed reply: the text so far, and (at the end) sources, warnings and the result."""

    text: str
    done: bool = False
    result: Any = None
    error: str | None = None


def draft_stream(state: UIState, message: str, genre: str | None, role: str | None, issuer: str | None = None,
                 year: str | int | None = None) -> Iterator[DraftUpdate]:
    """Run draft_section in a worker thread and yield the reply as it streams (LLM mode) or at once
    (template mode)."""
    from assistant.drafting.writer import DraftRequest, draft_section

    if not genre:
        yield DraftUpdate("", done=True, error="请先选择文种")
        return
    if not role:
        yield DraftUpdate("", done=True, error="请先选择要起草的章节")
        return
    try:
        year_value = int(str(year).strip()) if year is not None and str(year).strip() else None
        if year_value is not None and not 1949 <= year_value <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        yield DraftUpdate("", done=True, error=f"年度“{year}”不是有效的年份")
        return
    request = DraftRequest(genre=genre, role=role, facts=(message or "").strip(),
                           issuer=(issuer or "").strip() or None, year=year_value)
    pieces: queue.Queue[str | None] = queue.Queue()
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = draft_section(request, state.source(), settings=state.settings,
                                              on_chunk=pieces.put)
        except AssistantError as err:
            outcome["error"] = str(err)
        except Exception as err:  # noqa: BLE001 — the UI must show a message, never a traceback
            outcome["error"] = f"起草失败：{type(err).__name__}: {err}"
        finally:
            pieces.put(None)

    threading.Thread(target=work, name="assistant-draft", daemon=True).start()
    text = ""
    while True:
        piece = pieces.get()
        if piece is None:
            break
        text += piece
        yield DraftUpdate(text)
    if "error" in outcome:
        yield DraftUpdate(text, done=True, error=outcome["error"])
    else:
        result = outcome["result"]
        yield DraftUpdate(result.text, done=True, result=result)


def export_docx(text: str | None, genre: str | None = None) -> Path:
    """The last draft as a GB/T 9704 .docx (assistant.export.word.write_docx) in a fresh temp folder."""
    from assistant.export.word import write_docx

    if not text or not text.strip():
        raise DocumentError("还没有可导出的草稿，请先在上方起草")
    folder = Path(tempfile.mkdtemp(prefix="gongwen-draft-"))
    name = f"{genre or '公文'}草稿.docx".replace("/", "_")
    return write_docx([line for line in text.splitlines() if line.strip()], folder / name)


# ---------------------------------------------------------------------------------------------------------
# The app
# ---------------------------------------------------------------------------------------------------------


def create_app(settings: Settings | None = None, *, embed_after_upload: bool = True) -> Any:
    """Build the Blocks app (not launched). `app.ui_state` holds the shared UIState."""
    _quiet_environment()
    import gradio as gr

    state = UIState(settings or get_settings(), embed_after_upload=embed_after_upload)
    genres = genre_choices()
    first_genre = genres[0] if genres else None
    default_genre = "法治政府建设年度报告" if "法治政府建设年度报告" in genres else first_genre
    first_roles = role_choices(default_genre)

    with gr.Blocks(analytics_enabled=False, title=TITLE) as app:
        gr.Markdown(f"# {TITLE}\n本地运行的公文起草、检查与法规引用核查工具。")
        with gr.Tabs():
            # ------------------------------------------------------------------ 起草
            with gr.Tab("起草", id="draft"):
                gr.HTML(message_html(mode_note(state.settings)), elem_id="mode-note")
                with gr.Row():
                    d_genre = gr.Dropdown(genres, value=default_genre, label="文种", elem_id="draft-genre")
                    d_role = gr.Dropdown(first_roles, value=first_roles[0][1] if first_roles else None,
                                         label="章节", elem_id="draft-role")
                    d_issuer = gr.Textbox(label="发文机关（可选）", elem_id="draft-issuer")
                    d_year = gr.Textbox(label="报告年度（可选）", placeholder="例如 2024", elem_id="draft-year")
                chatbot = gr.Chatbot(label="起草对话", elem_id="chatbot", height=420, render_markdown=False,
                                     sanitize_html=True)
                d_msg = gr.Textbox(label="材料和要求", lines=3, elem_id="msg",
                                   placeholder="写明本单位的事实材料和要求，例如：全年开展执法培训3次，执法人员持证率100%……")
                with gr.Row():
                    d_send = gr.Button("起草", variant="primary", elem_id="send")
                    d_export = gr.Button("导出 Word（.docx）", elem_id="export")
                d_status = gr.HTML(elem_id="draft-status")
                d_file = gr.File(label="下载草稿", elem_id="draft-file", interactive=False, visible=False)
                gr.Markdown("### 参考范文")
                d_sources = gr.Dataframe(headers=SOURCE_HEADERS, value=[], interactive=False, wrap=True,
                                         elem_id="draft-sources")
                gr.Markdown("### 自动核对提示")
                d_warnings = gr.Dataframe(headers=WARNING_HEADERS, value=[], interactive=False, wrap=True,
                                          elem_id="draft-warnings")
                last_draft = gr.State("")

                def on_genre(genre: str | None):
                    try:
                        roles = role_choices(genre)
                    except AssistantError as err:
                        raise gr.Error(str(err)) from None
                    return gr.update(choices=roles, value=roles[0][1] if roles else None)

                d_genre.change(on_genre, d_genre, d_role)

                def on_send(message, history, genre, role, issuer, year):
                    history = normalize_history(history)
                    request_text = (message or "").strip() or "（未提供材料）"
                    history = history + [{"role": "user", "content": chat_safe(request_text)},
                                         {"role": "assistant", "content": ""}]
                    status = message_html("正在起草……")
                    yield history, "", status, gr.update(), gr.update(), gr.update()
                    for upd in draft_stream(state, message, genre, role, issuer, year):
                        if upd.error:
                            history[-1]["content"] = chat_safe(upd.text or f"（起草失败：{upd.error}）")
                            yield history, "", error_html(upd.error), gr.update(), gr.update(), gr.update()
                            return
                        history[-1]["content"] = chat_safe(upd.text)
                        if not upd.done:
                            yield history, "", status, gr.update(), gr.update(), gr.update()
                            continue
                        r = upd.result
                        label = "模板草稿（离线生成）" if r.mode == "template" else "大模型草稿"
                        done = message_html(f"已完成：{label}。参考范文 {len(r.sources)} 篇，核对提示 "
                                            f"{len(r.warnings)} 条。请核实后使用。")
                        yield (history, "", done, source_rows(r.sources), warning_rows(r.warnings), r.text)

                d_send.click(on_send, [d_msg, chatbot, d_genre, d_role, d_issuer, d_year],
                             [chatbot, d_msg, d_status, d_sources, d_warnings, last_draft])
                d_msg.submit(on_send, [d_msg, chatbot, d_genre, d_role, d_issuer, d_year],
                             [chatbot, d_msg, d_status, d_sources, d_warnings, last_draft])

                def on_export(text, genre):
                    try:
                        path = export_docx(text, genre)
                    except AssistantError as err:
                        return gr.update(value=None, visible=False), error_html(err)
                    return gr.update(value=str(path), visible=True), message_html(f"已生成 {path.name}（GB/T 9704 版式），请点击下方下载。")

                d_export.click(on_export, [last_draft, d_genre], [d_file, d_status])

            # ------------------------------------------------------------------ 检查
            with gr.Tab("检查", id="check"):
                with gr.Row():
                    c_file = gr.File(label="上传公文（.txt/.docx/.pdf）", file_types=UPLOAD_TYPES, type="filepath",
                                     elem_id="check-file")
                    c_genre = gr.Dropdown([AUTO_GENRE, *genres], value=AUTO_GENRE, label="文种（可手动指定）",
                                          elem_id="check-genre")
                c_text = gr.Textbox(label="或粘贴公文全文", lines=10, elem_id="check-text")
                c_btn = gr.Button("检查", variant="primary", elem_id="check-btn")
                c_report = gr.HTML(elem_id="check-report")
                gr.Markdown("### 组成部分")
                c_sections = gr.HTML(elem_id="check-sections")
                gr.Markdown("### 法规引用")
                c_cites = gr.Dataframe(headers=CITE_HEADERS, value=[], interactive=False, wrap=True,
                                       elem_id="check-cites")
                c_btn.click(check_input, [c_text, c_file, c_genre], [c_report, c_sections, c_cites])

            # ------------------------------------------------------------------ 引用核查
            with gr.Tab("引用核查", id="cite"):
                r_file = gr.File(label="上传公文（.txt/.docx/.pdf）", file_types=UPLOAD_TYPES, type="filepath",
                                 elem_id="cite-file")
                r_text = gr.Textbox(label="或粘贴含《》引用的文字", lines=8, elem_id="cite-text")
                r_btn = gr.Button("核查引用", variant="primary", elem_id="cite-btn")
                r_summary = gr.HTML(elem_id="cite-summary")
                r_table = gr.Dataframe(headers=CITE_HEADERS, value=[], interactive=False, wrap=True,
                                       elem_id="cite-table")
                r_btn.click(cite_input, [r_text, r_file], [r_summary, r_table])

            # ------------------------------------------------------------------ 知识库
            with gr.Tab("知识库", id="kb") as kb_tab:
                k_stats = gr.HTML(elem_id="kb-stats")
                k_refresh = gr.Button("刷新统计", elem_id="kb-refresh", size="sm")
                with gr.Row():
                    k_files = gr.File(label="上传往年报告或法规（.txt/.md/.docx/.pdf）", file_count="multiple",
                                      file_types=UPLOAD_TYPES, type="filepath", elem_id="kb-files")
                    k_kind = gr.Dropdown([("自动识别", "auto"), ("往年报告", "report"), ("法规", "regulation")],
                                         value="auto", label="文件类别", elem_id="kb-kind")
                k_index = gr.Button("加入知识库", elem_id="kb-index")
                k_index_msg = gr.HTML(elem_id="kb-index-msg")
                with gr.Row():
                    k_query = gr.Textbox(label="检索", placeholder="例如：存在的不足和原因；安全生产法第二十五条",
                                         elem_id="kb-query", scale=3)
                    k_qkind = gr.Dropdown(KIND_CHOICES, value="", label="类别", elem_id="kb-qkind")
                    k_role = gr.Dropdown(all_role_choices(), value="", label="章节角色", elem_id="kb-role")
                k_search = gr.Button("检索", variant="primary", elem_id="kb-search")
                k_msg = gr.HTML(elem_id="kb-msg")
                k_results = gr.Dataframe(headers=SEARCH_HEADERS, value=[], interactive=False, wrap=True,
                                         elem_id="kb-results")

                def refresh_stats() -> str:
                    return stats_html(state)

                kb_tab.select(refresh_stats, None, k_stats)
                k_refresh.click(refresh_stats, None, k_stats)

                def on_index(files, kind):
                    return index_uploads(state, files, kind), stats_html(state)

                k_index.click(on_index, [k_files, k_kind], [k_index_msg, k_stats])

                def on_search(query, kind, role):
                    return search_kb(state, query, kind, role)

                k_search.click(on_search, [k_query, k_qkind, k_role], [k_msg, k_results])
                k_query.submit(on_search, [k_query, k_qkind, k_role], [k_msg, k_results])

    app.ui_state = state
    return app


def launch(host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None, *,
           settings: Settings | None = None, prevent_thread_lock: bool = False,
           embed_after_upload: bool = True) -> tuple[Any, str]:
    """Check the binding, build and launch the app. Returns (app, local url)."""
    check_bind(host, auth)
    s = settings or get_settings()
    app = create_app(s, embed_after_upload=embed_after_upload)
    import gradio as gr

    try:
        app.queue(default_concurrency_limit=2).launch(
            server_name=host.strip("[]"), server_port=port, auth=[auth] if auth else None,
            auth_message="公文助手：请输入用户名和密码" if auth else None,
            share=False, inbrowser=False, prevent_thread_lock=prevent_thread_lock, show_error=False,
            quiet=True, ssr_mode=False, mcp_server=False, pwa=False, enable_monitoring=False,
            max_file_size=f"{s.max_file_mb:g}mb", theme=gr.themes.Default(), css=CSS,
            footer_links=[],
        )
    except OSError as err:
        raise ConfigError(f"无法在 {host}:{port} 上启动界面：{err}", hint="端口可能已被占用，请换一个 --port") from None
    url = f"http://{'[::1]' if host.strip('[]') == '::1' else host}:{app.server_port}/"
    return app, url
