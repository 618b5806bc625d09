"""One chat for the three jobs: each message is routed (chat_routing) and answered by the engine, as Markdown.

Check, cite and article answers always come from the engine, never from model text; a model (when configured)
only writes drafting prose. Text from documents and the knowledge base is data: it is quoted and escaped in
the reply, never followed as an instruction.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from assistant.errors import AssistantError
from assistant.rules import genres
from assistant.services import chat_render as render
from assistant.services import checking, citing, drafting
from assistant.services.chat_routing import Job, Route, job_label, route
from assistant.services.inputs import read_file
from assistant.services.knowledge import Knowledge
from assistant.settings import Settings, get_settings

log = logging.getLogger(__name__)
DEFAULT_GENRE = "法治政府建设年度报告"
MAX_MESSAGE = 100_000  # characters; a longer paste is refused with a message, not truncated silently
REDO_JOBS: tuple[Job, ...] = ("draft", "check", "lookup", "cite")
# What a conversation keeps: the last turns, each cut to a length that still reads well on the page. Long
# pastes (a whole draft to check) are not kept whole, so a session stays small however long it runs.
KEEP_TURNS = 40
KEEP_CHARS = 4000


@dataclass
class Turn:
    role: str  # user | assistant
    content: str
    job: str | None = None


@dataclass
class ChatSession:
    """One conversation: its turns and what follow-ups refer to (the last draft, genre, facts)."""

    turns: list[Turn] = field(default_factory=list)
    genre: str | None = None
    last_draft: str | None = None
    last_role: str | None = None
    facts: str = ""
    attachments: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"turns": [t.__dict__ for t in self.turns], "genre": self.genre, "last_draft": self.last_draft,
                "last_role": self.last_role, "facts": self.facts, "attachments": list(self.attachments)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChatSession:
        turns = [Turn(**t) for t in data.get("turns", [])]
        return cls(turns, data.get("genre"), data.get("last_draft"), data.get("last_role"), data.get("facts", ""),
                   list(data.get("attachments", [])))

    def history(self) -> list[tuple[str, str]]:
        return [(t.role, t.content) for t in self.turns]

    def add(self, role: str, content: str, job: str | None = None) -> None:
        if len(content) > KEEP_CHARS:
            content = content[:KEEP_CHARS] + f"……（共 {len(content)} 字，其余未保存）"
        self.turns.append(Turn(role, content, job))
        del self.turns[:-KEEP_TURNS]


@dataclass
class ChatUpdate:
    """The reply so far (Markdown). The last update has done=True and says how the message was handled."""

    text: str
    done: bool = False
    job: str | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)


class Chat:
    """Answers messages of one session. `kb` is opened lazily by the caller's factory (the UI shares one)."""

    def __init__(self, session: ChatSession, *, kb: Any = None, settings: Settings | None = None,
                 exemplars: Any = None) -> None:
        self.session = session
        self.settings = settings or get_settings()
        self._kb = kb  # a Knowledge, or a callable returning one
        self._exemplars = exemplars

    def kb(self) -> Knowledge:
        if callable(self._kb) and not isinstance(self._kb, Knowledge):
            self._kb = self._kb()
        if self._kb is None:
            raise AssistantError("知识库未打开")
        return self._kb

    # --- entry point ------------------------------------------------------------------------------------------

    def reply(self, message: str, files: list[str] | None = None, *, job: Job | None = None) -> Iterator[ChatUpdate]:
        """Answer one message (optionally with attached files); `job` forces the job (the redo buttons)."""
        message = (message or "").strip()
        files = [f for f in (files or []) if f]
        if not message and not files:
            yield ChatUpdate("请输入问题或要求，例如：“帮我写‘存在的不足和原因’部分，材料：……”、“帮我检查这份报告缺什么：……”、"
                             "“《安全生产法》第二十五条怎么规定的？”", done=True, job="help")
            return
        if len(message) > MAX_MESSAGE:
            yield ChatUpdate(f"消息太长（{len(message)} 字，上限 {MAX_MESSAGE} 字）。请把文稿作为附件上传，或分段发送。",
                             done=True, job="help")
            return
        attached = ""
        if files:
            try:
                attached = "\n".join(read_file(f).text for f in files)
            except AssistantError as err:
                yield ChatUpdate(f"附件无法使用：{err}", done=True, job="help")
                return
        r = route(message, has_attachment=bool(files), has_draft=bool(self.session.last_draft))
        if job is not None:
            r = Route(job, r.instruction, r.body)
        if attached:
            r = Route(r.job, message, attached if r.job in ("check", "cite") else f"{r.body}\n{attached}".strip())
        self.session.add("user", message + "".join(f"\n（附件：{f.rsplit('/', 1)[-1]}）" for f in files))
        final = ChatUpdate("", done=True, job=r.job)
        try:
            for update in self._answer(r):
                final = self._stamp(update) if update.done else update
                yield final
        except AssistantError as err:
            final = self._stamp(ChatUpdate(f"没有完成：{err}", done=True, job=r.job))
            yield final
        except Exception as err:  # noqa: BLE001 — the conversation goes on; the details go to the log
            log.exception("chat reply failed")
            final = self._stamp(ChatUpdate(f"处理时出错（{type(err).__name__}），请换个说法再试，或使用上方的任务页。",
                                           done=True, job=r.job))
            yield final
        self.session.add("assistant", final.text, final.job)

    def _stamp(self, update: ChatUpdate) -> ChatUpdate:
        note = f"\n\n——按『{job_label(update.job or 'question')}』处理"
        return ChatUpdate(update.text + note, True, update.job, update.sources)

    def _answer(self, r: Route) -> Iterator[ChatUpdate]:
        handlers = {"check": self._check, "cite": self._cite, "lookup": self._lookup, "question": self._question,
                    "draft": self._draft, "revise": self._revise, "whole": self._whole}
        yield from handlers[r.job](r)

    # --- check, cite, look up: the engine's answers ------------------------------------------------------------

    def _check(self, r: Route) -> Iterator[ChatUpdate]:
        report = checking.check_source_text(r.body)
        if report.genre:
            self.session.genre = report.genre["name"]
        yield ChatUpdate(render.check_reply(report), done=True, job="check")

    def _cite(self, r: Route) -> Iterator[ChatUpdate]:
        result = citing.cite_text(r.body, settings=self.settings)
        yield ChatUpdate(render.cite_reply(result), done=True, job="cite")

    def _lookup(self, r: Route) -> Iterator[ChatUpdate]:
        result = citing.cite_text(r.body, settings=self.settings)
        answered = [c for c in result.citations if c.article]
        if not answered:
            yield from self._question(r)
            return
        missing_text = [c for c in answered if not c.article_text]
        hits = self._article_hits(missing_text)
        yield ChatUpdate(render.lookup_reply(answered, hits), done=True, job="lookup")

    def _article_hits(self, citations: list[Any]) -> dict[str, Any]:
        """Article text from the knowledge base for references whose text is not in the article store."""
        found: dict[str, Any] = {}
        for c in citations:
            if not c.resolved_title:
                continue
            try:
                hits = self.kb().search(f"《{c.resolved_title}》{c.article}", k=1, kind="regulation")
            except AssistantError:
                return found
            if hits and hits[0].article == c.article and hits[0].title == c.resolved_title:
                found[c.text] = hits[0]
        return found

    def _question(self, r: Route) -> Iterator[ChatUpdate]:
        hits = self.kb().search(r.body, k=3, kind="regulation", per_doc=1)
        has_laws = bool(hits) or self.kb().has_chunks("regulation")
        yield ChatUpdate(render.question_reply(r.body, hits, has_laws), done=True, job="question",
                         sources=[h.to_dict() for h in hits])

    # --- drafting ---------------------------------------------------------------------------------------------

    def _genre_for(self, text: str) -> str:
        for name in checking.genre_names():
            genre = genres.get_genre(name)
            if any(word and word in text for word in (genre.name, *genre.also_known_as)):
                return genre.name
        return self.session.genre or DEFAULT_GENRE

    def _role_for(self, genre_name: str, text: str) -> str | None:
        genre = genres.get_genre(genre_name)
        compact = re.sub(r"\s+", "", text)
        scored = [(role.heading_score(compact) + (5 if role.name in compact else 0), -role.order, role.id)
                  for role in genre.roles]
        best = max(scored, default=(0, 0, None))
        return best[2] if best[0] > 0 else None

    def _sources(self) -> Any:
        if callable(self._exemplars):
            self._exemplars = self._exemplars()
        if self._exemplars is None:
            try:
                self._exemplars = drafting.exemplar_source(self.settings, self.kb())
            except AssistantError:
                self._exemplars = drafting.exemplar_source(self.settings)
        return self._exemplars

    def _draft(self, r: Route) -> Iterator[ChatUpdate]:
        genre = self._genre_for(r.instruction)
        role = self._role_for(genre, r.instruction)
        if role is None:
            names = "、".join(name for name, _ in checking.role_choices(genre))
            yield ChatUpdate(f"请说明要写《{genre}》的哪一部分：{names}。也可以说“写整篇”。", done=True, job="draft")
            return
        facts = r.body if r.body != r.instruction else ""
        self.session.genre, self.session.last_role, self.session.facts = genre, role, facts
        request = drafting.DraftRequest(genre=genre, role=role, facts=facts)
        yield from self._stream(drafting.draft_stream(request, self._sources(), settings=self.settings), "draft")

    def _revise(self, r: Route) -> Iterator[ChatUpdate]:
        genre = self.session.genre or DEFAULT_GENRE
        role = self.session.last_role or "measures"
        request = drafting.DraftRequest(genre=genre, role=role, facts=self.session.facts)
        stream = drafting.revise_stream(self.session.last_draft or "", r.body, request,
                                        self.session.history(), settings=self.settings)
        yield from self._stream(stream, "revise")

    def _whole(self, r: Route) -> Iterator[ChatUpdate]:
        genre = self._genre_for(r.instruction)
        facts = r.body if r.body != r.instruction else ""
        self.session.genre, self.session.last_role, self.session.facts = genre, None, facts
        stream = drafting.whole_stream(genre, facts, self._sources(), settings=self.settings)
        yield from self._stream(stream, "whole")

    def _stream(self, updates: Iterator[drafting.DraftUpdate], job: Job) -> Iterator[ChatUpdate]:
        for upd in updates:
            if upd.error:
                partial = f"{upd.text}\n\n（以上为未完成的部分草稿）" if upd.text else ""
                yield ChatUpdate(f"{partial}\n\n起草没有完成：{upd.error}".strip(), done=True, job=job)
                return
            if not upd.done:
                yield ChatUpdate(render.plain(upd.text), job=job)
                continue
            result = upd.result
            self.session.last_draft = result.text
            offline = None if result.mode == "llm" else drafting.offline_note()
            yield ChatUpdate(render.draft_reply(result, offline), done=True, job=job, sources=list(result.sources))

