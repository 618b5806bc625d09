"""Conversations kept per browser session (and per API client), on disk under ASSISTANT_HOME/chats, so the
last conversation comes back after a page reload or a restart. Session ids are random and never user text."""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
from pathlib import Path

from assistant.services.chat import ChatSession

_SID_RE = re.compile(r"^[A-Za-z0-9_-]{8,80}$")


def new_session_id() -> str:
    return secrets.token_urlsafe(18)


class ChatStore:
    """Session id → ChatSession. Two sessions never share state; a malformed id gets a fresh session."""

    def __init__(self, home: Path) -> None:
        self.folder = home / "chats"
        self._lock = threading.Lock()
        self._live: dict[str, ChatSession] = {}

    def _path(self, sid: str) -> Path | None:
        return self.folder / f"{sid}.json" if _SID_RE.match(sid or "") else None

    def get(self, sid: str) -> ChatSession:
        with self._lock:
            if sid in self._live:
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
            return session

    def save(self, sid: str) -> None:
        path = self._path(sid)
        with self._lock:
            session = self._live.get(sid)
            if path is None or session is None:
                return
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(session.to_dict(), ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)  # a crash mid-write leaves the previous conversation intact

    def reset(self, sid: str) -> ChatSession:
        with self._lock:
            self._live[sid] = ChatSession()
        self.save(sid)
        return self._live[sid]
