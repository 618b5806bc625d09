"""Local web UI (Gradio), in Chinese, for office staff: the page layout and its wiring to the handlers.

Security model: the UI binds 127.0.0.1 by default and refuses any other address without a login
(`access.check_bind`); analytics, share links and the SSR node server are off, so the page talks to this
machine only; a document is sent to an LLM endpoint only when the user configured one (OPENAI_BASE_URL).
Text from documents and the knowledge base is data: rendered HTML-escaped or as plain text.
"""

from __future__ import annotations

import os
from typing import Any

from assistant.errors import ConfigError
from assistant.services import checking, drafting
from assistant.settings import Settings, get_settings
from assistant.ui import chat, tabs
from assistant.ui.access import AUTH_ENV, check_bind, parse_auth
from assistant.ui.handlers import UIState

__all__ = ["AUTH_ENV", "check_bind", "create_app", "launch", "parse_auth"]

TITLE = "公文助手"
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
    with gr.Blocks(analytics_enabled=False, title=TITLE) as app:
        gr.Markdown(f"# {TITLE}\n本地运行的公文起草、检查与法规引用核查工具。")
        page = chat.ChatPage(state)
        with gr.Tabs():
            with gr.Tab("对话", id="chat"):
                gr.Markdown(drafting.mode_note(state.settings), elem_id="chat-mode-note")
                sid, conversation = chat.build(gr, page, tabs.UPLOAD_TYPES)
            with gr.Tab("起草", id="draft"):
                tabs.draft_tab(gr, state, genres)
            with gr.Tab("检查", id="check"):
                tabs.check_tab(gr, genres)
            with gr.Tab("引用核查", id="cite"):
                tabs.cite_tab(gr)
            with gr.Tab("知识库", id="kb") as kb:
                tabs.kb_tab(gr, state, kb)
        app.load(page.load, [sid], [sid, conversation], api_visibility="private")
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
