"""The task tabs (起草, 检查, 引用核查, 知识库): components and their wiring to the handlers.

Their events are callable but left out of the API page (`undocumented`): other programs use the stable
endpoints of the chat module (/chat, /check, /cite, /search, /draft)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from assistant.errors import AssistantError
from assistant.services import checking, drafting
from assistant.ui.handlers import (
    AUTO_GENRE,
    UIState,
    check_input,
    cite_input,
    draft_stream,
    export_docx,
    index_uploads,
    search_kb,
    stats_html,
)
from assistant.ui.render import (
    chat_safe,
    error_html,
    message_html,
    normalize_history,
    source_rows,
    warning_rows,
)

ALL = "全部"
KIND_CHOICES = [(ALL, ""), ("往年报告", "report"), ("法规条文", "regulation")]
CITE_HEADERS = ["原文", "规范名称", "匹配方式", "类别", "状态", "说明", "条文"]
SEARCH_HEADERS = ["类别", "标题", "位置", "章节", "年份", "得分", "内容"]
SOURCE_HEADERS = ["标题", "章节", "年份", "来源"]
WARNING_HEADERS = ["类型", "内容", "说明"]
UPLOAD_TYPES = [".txt", ".md", ".docx", ".pdf"]
HIDDEN = {"api_visibility": "undocumented"}


def draft_replies(state: UIState, message: str, history: Any, genre: str | None, role: str | None,
                  issuer: str | None, year: str | None) -> Iterator[tuple[Any, ...]]:
    """The 起草 tab's send: (chat, box, status, sources, warnings, last draft) as the reply streams."""
    import gradio as gr

    history = normalize_history(history) + [
        {"role": "user", "content": chat_safe((message or "").strip() or "（未提供材料）")},
        {"role": "assistant", "content": ""}]
    status = message_html("正在起草……")
    keep = (gr.update(), gr.update(), gr.update())
    yield history, "", status, *keep
    for upd in draft_stream(state, message, genre, role, issuer, year):
        if upd.error:
            history[-1]["content"] = chat_safe(upd.text or f"（起草失败：{upd.error}）")
            yield history, "", error_html(upd.error), *keep
            return
        history[-1]["content"] = chat_safe(upd.text)
        if not upd.done:
            yield history, "", status, *keep
            continue
        r = upd.result
        label = "模板草稿（离线生成）" if r.mode == "template" else "大模型草稿"
        done = message_html(f"已完成：{label}。参考范文 {len(r.sources)} 篇，核对提示 {len(r.warnings)} 条。请核实后使用。")
        yield history, "", done, source_rows(r.sources), warning_rows(r.warnings), r.text


def draft_tab(gr: Any, state: UIState, genres: list[str]) -> None:
    default_genre = "法治政府建设年度报告" if "法治政府建设年度报告" in genres else (genres[0] if genres else None)
    roles = checking.role_choices(default_genre)
    gr.HTML(message_html(drafting.mode_note(state.settings)), elem_id="mode-note")
    with gr.Row():
        genre = gr.Dropdown(genres, value=default_genre, label="文种", elem_id="draft-genre")
        role = gr.Dropdown(roles, value=roles[0][1] if roles else None, label="章节", elem_id="draft-role")
        issuer = gr.Textbox(label="发文机关（可选）", elem_id="draft-issuer")
        year = gr.Textbox(label="报告年度（可选）", placeholder="例如 2024", elem_id="draft-year")
    chatbot = gr.Chatbot(label="起草对话", elem_id="chatbot", height=420, render_markdown=False, sanitize_html=True)
    msg = gr.Textbox(label="材料和要求", lines=3, elem_id="msg",
                     placeholder="写明本单位的事实材料和要求，例如：全年开展执法培训3次，执法人员持证率100%……")
    with gr.Row():
        send = gr.Button("起草", variant="primary", elem_id="send")
        export = gr.Button("导出 Word（.docx）", elem_id="export")
    status = gr.HTML(elem_id="draft-status")
    file = gr.File(label="下载草稿", elem_id="draft-file", interactive=False, visible=False)
    gr.Markdown("### 参考范文")
    sources = gr.Dataframe(headers=SOURCE_HEADERS, value=[], interactive=False, wrap=True, elem_id="draft-sources")
    gr.Markdown("### 自动核对提示")
    warnings = gr.Dataframe(headers=WARNING_HEADERS, value=[], interactive=False, wrap=True,
                            elem_id="draft-warnings")
    last_draft = gr.State("")

    def on_genre(name: str | None) -> Any:
        try:
            choices = checking.role_choices(name)
        except AssistantError as err:
            raise gr.Error(str(err)) from None
        return gr.update(choices=choices, value=choices[0][1] if choices else None)

    def on_send(message, history, genre_name, role_id, issuer_name, year_text):
        yield from draft_replies(state, message, history, genre_name, role_id, issuer_name, year_text)

    def on_export(text: str, genre_name: str | None) -> tuple[Any, str]:
        try:
            path = export_docx(text, genre_name)
        except AssistantError as err:
            return gr.update(value=None, visible=False), error_html(err)
        return gr.update(value=str(path), visible=True), message_html(f"已生成 {path.name}（GB/T 9704 版式），请点击下方下载。")

    genre.change(on_genre, genre, role, **HIDDEN)
    inputs, outputs = [msg, chatbot, genre, role, issuer, year], [chatbot, msg, status, sources, warnings, last_draft]
    send.click(on_send, inputs, outputs, **HIDDEN)
    msg.submit(on_send, inputs, outputs, **HIDDEN)
    export.click(on_export, [last_draft, genre], [file, status], **HIDDEN)


def check_tab(gr: Any, genres: list[str]) -> None:
    with gr.Row():
        file = gr.File(label="上传公文（.txt/.docx/.pdf）", file_types=UPLOAD_TYPES, type="filepath",
                       elem_id="check-file")
        genre = gr.Dropdown([AUTO_GENRE, *genres], value=AUTO_GENRE, label="文种（可手动指定）", elem_id="check-genre")
    text = gr.Textbox(label="或粘贴公文全文", lines=10, elem_id="check-text")
    button = gr.Button("检查", variant="primary", elem_id="check-btn")
    report = gr.HTML(elem_id="check-report")
    gr.Markdown("### 组成部分")
    sections = gr.HTML(elem_id="check-sections")
    gr.Markdown("### 法规引用")
    cites = gr.Dataframe(headers=CITE_HEADERS, value=[], interactive=False, wrap=True, elem_id="check-cites")
    button.click(check_input, [text, file, genre], [report, sections, cites], **HIDDEN)


def cite_tab(gr: Any) -> None:
    file = gr.File(label="上传公文（.txt/.docx/.pdf）", file_types=UPLOAD_TYPES, type="filepath", elem_id="cite-file")
    text = gr.Textbox(label="或粘贴含《》引用的文字", lines=8, elem_id="cite-text")
    button = gr.Button("核查引用", variant="primary", elem_id="cite-btn")
    summary = gr.HTML(elem_id="cite-summary")
    table = gr.Dataframe(headers=CITE_HEADERS, value=[], interactive=False, wrap=True, elem_id="cite-table")
    button.click(cite_input, [text, file], [summary, table], **HIDDEN)


def kb_tab(gr: Any, state: UIState, tab: Any) -> None:
    stats = gr.HTML(elem_id="kb-stats")
    refresh = gr.Button("刷新统计", elem_id="kb-refresh", size="sm")
    with gr.Row():
        files = gr.File(label="上传往年报告或法规（.txt/.md/.docx/.pdf）", file_count="multiple",
                        file_types=UPLOAD_TYPES, type="filepath", elem_id="kb-files")
        kind = gr.Dropdown([("自动识别", "auto"), ("往年报告", "report"), ("法规", "regulation")], value="auto",
                           label="文件类别", elem_id="kb-kind")
    index = gr.Button("加入知识库", elem_id="kb-index")
    index_msg = gr.HTML(elem_id="kb-index-msg")
    with gr.Row():
        query = gr.Textbox(label="检索", placeholder="例如：存在的不足和原因；安全生产法第二十五条", elem_id="kb-query",
                           scale=3)
        qkind = gr.Dropdown(KIND_CHOICES, value="", label="类别", elem_id="kb-qkind")
        role = gr.Dropdown([(ALL, ""), *checking.all_role_choices()], value="", label="章节角色", elem_id="kb-role")
    search = gr.Button("检索", variant="primary", elem_id="kb-search")
    msg = gr.HTML(elem_id="kb-msg")
    results = gr.Dataframe(headers=SEARCH_HEADERS, value=[], interactive=False, wrap=True, elem_id="kb-results")

    def refresh_stats() -> str:
        return stats_html(state)

    def on_index(paths, file_kind):
        return index_uploads(state, paths, file_kind), stats_html(state)

    def on_search(text, kind_id, role_id):
        return search_kb(state, text, kind_id, role_id)

    tab.select(refresh_stats, None, stats, **HIDDEN)
    refresh.click(refresh_stats, None, stats, **HIDDEN)
    index.click(on_index, [files, kind], [index_msg, stats], **HIDDEN)
    search.click(on_search, [query, qkind, role], [msg, results], **HIDDEN)
    query.submit(on_search, [query, qkind, role], [msg, results], **HIDDEN)
