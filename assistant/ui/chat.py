"""The 对话 page and the chat API: one message box for drafting, checking, citing and looking up.

Routing and replies come from the service layer (services.chat); this module only wires components, keeps
each browser's conversation apart (a random session id in the browser's localStorage, the turns on disk) and
exposes the same replies as stable API endpoints (/chat, /check, /cite, /search, /draft).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.services.admin import safe_upload_path
from assistant.services.chat import REDO_JOBS, Chat, ChatSession, ChatUpdate
from assistant.services.chat_sessions import ChatStore, new_session_id
from assistant.ui.handlers import UIState, export_docx

PLACEHOLDER = ("例如：帮我写‘存在的不足和原因’部分，材料：……｜帮我检查这份报告缺什么：（粘贴全文或添加附件）｜"
               "《安全生产法》第二十五条怎么规定的？｜核对这段话里的法规引用：……")
REDO_LABELS = {"draft": "改为起草", "check": "改为检查", "lookup": "改为查法规", "cite": "改为核对引用"}


class ChatPage:
    """Everything the chat handlers share: the UI state (knowledge base) and the conversations on disk."""

    def __init__(self, state: UIState) -> None:
        self.state = state
        self.store = ChatStore(state.settings.home)

    def chat(self, session: ChatSession) -> Chat:
        # The knowledge base and exemplars are opened only by jobs that need them (check and cite do not).
        return Chat(session, kb=self.state.kb, settings=self.state.settings, exemplars=self.state.source)

    def save_attachments(self, sid: str, files: list[Any]) -> list[str]:
        """Copy Gradio's temporary uploads under ASSISTANT_HOME/uploads with sanitised names."""
        saved = []
        for f in files:
            src = Path(f if isinstance(f, str) else f.get("path", ""))
            dest = safe_upload_path(self.state.settings.home, f"{sid[:8]}-{src.name}")
            dest.write_bytes(src.read_bytes())
            saved.append(str(dest))
        return saved

    # --- the page ---------------------------------------------------------------------------------------------

    def history(self, session: ChatSession) -> list[dict[str, str]]:
        return [{"role": t.role, "content": t.content} for t in session.turns]

    def load(self, sid: str | None) -> tuple[str, list[dict[str, str]]]:
        sid = sid or new_session_id()
        return sid, self.history(self.store.get(sid))

    def send(self, box: dict[str, Any] | None, sid: str | None, job: str | None = None
             ) -> Iterator[tuple[list[dict[str, str]], Any, str]]:
        sid = sid or new_session_id()
        session = self.store.get(sid)
        box = box or {}
        text = str(box.get("text") or "")
        try:
            files = self.save_attachments(sid, list(box.get("files") or []))
        except (AssistantError, OSError) as err:
            files, text = [], text
            yield self.history(session) + [{"role": "assistant", "content": f"附件无法保存：{err}"}], None, sid
            return
        yield from self._run(session, sid, text, files, job)

    def redo(self, sid: str | None, job: str) -> Iterator[tuple[list[dict[str, str]], Any, str]]:
        """Answer the last question again as another job (the buttons under the reply)."""
        sid = sid or new_session_id()
        session = self.store.get(sid)
        last = next((i for i in range(len(session.turns) - 1, -1, -1) if session.turns[i].role == "user"), None)
        if last is None:
            yield self.history(session), None, sid
            return
        text = session.turns[last].content
        del session.turns[last:]
        yield from self._run(session, sid, text, [], job)

    def _run(self, session: ChatSession, sid: str, text: str, files: list[str], job: str | None
             ) -> Iterator[tuple[list[dict[str, str]], Any, str]]:
        shown = self.history(session)
        label = text + "".join(f"\n（附件：{Path(f).name}）" for f in files)
        reply: ChatUpdate | None = None
        for reply in self.chat(session).reply(text, files, job=job):  # type: ignore[arg-type]
            yield shown + [{"role": "user", "content": label}, {"role": "assistant", "content": reply.text}], None, sid
        self.store.save(sid)
        yield self.history(session), None, sid

    def new_conversation(self, sid: str | None) -> tuple[list[dict[str, str]], str]:
        sid = sid or new_session_id()
        self.store.reset(sid)
        return [], sid

    def export(self, sid: str | None) -> tuple[Any, str]:
        session = self.store.get(sid or "")
        path = export_docx(session.last_draft, session.genre)
        return str(path), f"已生成 {path.name}（GB/T 9704 版式）。"

    # --- the API (plain text in, Markdown out) ------------------------------------------------------------------

    def api_reply(self, sid: str, message: str, job: str | None = None) -> str:
        session = self.store.get(sid)
        final = ""
        for update in self.chat(session).reply(message, job=job):  # type: ignore[arg-type]
            final = update.text
        self.store.save(sid)
        return final


def build(gr: Any, page: ChatPage, upload_types: list[str]) -> tuple[Any, Any]:
    """The 对话 tab's components and events (inside an open gr.Blocks / gr.Tab)."""
    sid = gr.BrowserState(None, storage_key="gongwen-chat-session")
    chatbot = gr.Chatbot(label="对话", elem_id="chat", height=520, render_markdown=True, sanitize_html=True,
                         buttons=["copy"])
    box = gr.MultimodalTextbox(placeholder=PLACEHOLDER, file_types=upload_types, file_count="multiple",
                               show_label=False, elem_id="chat-input", submit_btn="发送")
    with gr.Row():
        redo = {job: gr.Button(REDO_LABELS[job], size="sm", elem_id=f"chat-redo-{job}") for job in REDO_JOBS}
        new = gr.Button("新对话", size="sm", elem_id="chat-new")
        export = gr.Button("导出最近的草稿为 Word", size="sm", elem_id="chat-export")
    export_file = gr.File(label="Word 文件", interactive=False, height=80, elem_id="chat-export-file")
    export_msg = gr.Markdown(elem_id="chat-export-msg")

    box.submit(page.send, [box, sid], [chatbot, box, sid], api_visibility="private")
    for job, button in redo.items():
        button.click(_redo_handler(page, job), [sid], [chatbot, box, sid], api_visibility="private")
    new.click(page.new_conversation, [sid], [chatbot, sid], api_visibility="private")

    def on_export(s: str | None) -> tuple[Any, str]:
        try:
            return page.export(s)
        except AssistantError as err:
            return None, f"无法导出：{err}"

    export.click(on_export, [sid], [export_file, export_msg], api_visibility="private")
    return sid, chatbot


def _redo_handler(page: ChatPage, job: str) -> Any:
    def handler(s: str | None) -> Iterator[tuple[list[dict[str, str]], Any, str]]:
        yield from page.redo(s, job)

    return handler


def api(gr: Any, page: ChatPage) -> None:
    """Stable endpoints for gradio_client: each takes plain text and returns the reply as Markdown."""

    def session_id(request: Any) -> str:
        return "api-" + str(getattr(request, "session_hash", None) or new_session_id())

    def chat(message: str, request: gr.Request) -> str:
        """对话：起草、检查、查法规、核对引用，自动判断；同一客户端的多轮对话共享上下文。"""
        return page.api_reply(session_id(request), message)

    def check(text: str, request: gr.Request) -> str:
        """检查一份公文全文：缺少的必备部分、格式要素、用语和法规引用。"""
        return page.api_reply(session_id(request), text, "check")

    def cite(text: str, request: gr.Request) -> str:
        """核对一段文字中的每一处《》法规引用。"""
        return page.api_reply(session_id(request), text, "cite")

    def search(query: str, request: gr.Request) -> str:
        """按问题在知识库的法规条文中查找最相关的条文。"""
        return page.api_reply(session_id(request), query, "question")

    def draft(request_text: str, request: gr.Request) -> str:
        """起草一部分：如“帮我写‘存在的不足和原因’部分，材料：……”。"""
        return page.api_reply(session_id(request), request_text, "draft")

    for fn in (chat, check, cite, search, draft):
        # Real types (this module's annotations are strings): gradio derives the endpoint's schema from them.
        first = next(iter(fn.__annotations__))
        fn.__annotations__ = {first: str, "request": gr.Request, "return": str}
        gr.api(fn, api_name=fn.__name__)

