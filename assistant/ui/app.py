"""Local web UI (Gradio), in Chinese, for office staff: the page layout and its wiring to the handlers.

Security model: the UI binds 127.0.0.1 by default and refuses any other address without a login
(`access.check_bind`); analytics, share links and the SSR node server are off, so the page talks to this
machine only; a document is sent to an LLM endpoint only when the user configured one (OPENAI_BASE_URL).
Text from documents and the knowledge base is data: rendered HTML-escaped or as plain text.
"""

from __future__ import annotations

import os
from typing import Any

from assistant.errors import AssistantError, ConfigError
from assistant.services import checking, drafting
from assistant.settings import Settings, get_settings
from assistant.ui import chat
from assistant.ui.access import AUTH_ENV, check_bind, parse_auth
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

__all__ = ["AUTH_ENV", "check_bind", "create_app", "launch", "parse_auth"]

TITLE = "公文助手"
ALL = "全部"
KIND_CHOICES = [(ALL, ""), ("往年报告", "report"), ("法规条文", "regulation")]
CITE_HEADERS = ["原文", "规范名称", "匹配方式", "类别", "状态", "说明", "条文"]
SEARCH_HEADERS = ["类别", "标题", "位置", "章节", "年份", "得分", "内容"]
SOURCE_HEADERS = ["标题", "章节", "年份", "来源"]
WARNING_HEADERS = ["类型", "内容", "说明"]
UPLOAD_TYPES = [".txt", ".md", ".docx", ".pdf"]
CSS = """
.gradio-container, .gradio-container * { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC",
  "Microsoft YaHei", "PingFang SC", sans-serif; }
.gw-error { color: #b91c1c; font-weight: 600; }
.gw-sev-error { color: #b91c1c; } .gw-sev-warning { color: #b45309; } .gw-sev-info { color: #1d4ed8; }
.gw-fix { color: #374151; margin-left: 1.5em; } .gw-basis { color: #6b7280; margin-left: 1.5em; font-size: 0.9em; }
.gw-report h4 { margin: 0.6em 0 0.2em 0; } .gw-report ul { margin: 0 0 0 1.2em; padding: 0; }
"""



def _quiet_environment() -> None:
    # Before gradio is imported: no analytics / version check / hub telemetry leaves the machine.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def create_app(settings: Settings | None = None, *, embed_after_upload: bool = True) -> Any:
    """Build the Blocks app (not launched). `app.ui_state` holds the shared UIState."""
    _quiet_environment()
    import gradio as gr

    state = UIState(settings or get_settings(), embed_after_upload=embed_after_upload)
    genres = checking.genre_names()
    first_genre = genres[0] if genres else None
    default_genre = "法治政府建设年度报告" if "法治政府建设年度报告" in genres else first_genre
    first_roles = checking.role_choices(default_genre)

    with gr.Blocks(analytics_enabled=False, title=TITLE) as app:
        gr.Markdown(f"# {TITLE}\n本地运行的公文起草、检查与法规引用核查工具。")
        page = chat.ChatPage(state)
        with gr.Tabs():
            # ------------------------------------------------------------------ 对话
            with gr.Tab("对话", id="chat"):
                gr.Markdown(drafting.mode_note(state.settings), elem_id="chat-mode-note")
                sid, chatbot_main = chat.build(gr, page, UPLOAD_TYPES)
            # ------------------------------------------------------------------ 起草
            with gr.Tab("起草", id="draft"):
                gr.HTML(message_html(drafting.mode_note(state.settings)), elem_id="mode-note")
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
                        roles = checking.role_choices(genre)
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
                    k_role = gr.Dropdown([(ALL, ""), *checking.all_role_choices()], value="", label="章节角色", elem_id="kb-role")
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

        app.load(page.load, [sid], [sid, chatbot_main], api_visibility="private")
        chat.api(gr, page)
    app.ui_state = state
    app.chat_page = page
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
