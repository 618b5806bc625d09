"""Conversations kept per browser session (and per API client), on disk under ASSISTANT_HOME/chats, so the
last conversation comes back after a page reload or a restart. Session ids are random and never user text."""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
from collections import OrderedDict
from pathlib import Path

from assistant.services.chat import ChatSession

_SID_RE = re.compile(r"^[A-Za-z0-9_-]{8,80}$")
LIVE_SESSIONS = 200  # kept in memory; older ones are read back from disk when they return


def new_session_id() -> str:
    return secrets.token_urlsafe(18)


class ChatStore:
    """Session id → ChatSession. Two sessions never share state; a malformed id gets a fresh session."""

    def __init__(self, home: Path) -> None:
        self.folder = home / "chats"
        self._lock = threading.Lock()
        self._live: OrderedDict[str, ChatSession] = OrderedDict()

    def _path(self, sid: str) -> Path | None:
        return self.folder / f"{sid}.json" if _SID_RE.match(sid or "") else None

    def get(self, sid: str) -> ChatSession:
        with self._lock:
            if sid in self._live:
                self._live.move_to_end(sid)
                return self._live[sid]
            path = self._path(sid)
            session = ChatSession()
            if path is not None and path.is_file():
                try:
                    session = ChatSession.from_dict(json.loads(path.read_text(encoding="utf-8")))
                except (OSError, ValueError, TypeError):
                    session = ChatSession()  # a damaged file starts a new conversation, never an error
            if path is not None:
                self._live[sid] = session
                while len(self._live) > LIVE_SESSIONS:
                    old_sid, old = self._live.popitem(last=False)
                    if old.turns:
                        self._save_locked(old_sid, old)
            return session

    def save(self, sid: str) -> None:
        with self._lock:
            session = self._live.get(sid)
            if session is not None:
                self._save_locked(sid, session)

    def _save_locked(self, sid: str, session: ChatSession) -> None:
        path = self._path(sid)
        if path is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(session.to_dict(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)  # a crash mid-write leaves the previous conversation intact

    def reset(self, sid: str) -> ChatSession:
        session = ChatSession()
        with self._lock:
            if self._path(sid) is not None:
                self._live[sid] = session
                self._save_locked(sid, session)
        return session
