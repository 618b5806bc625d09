"""No egress: with no endpoint configured, index, search, check, cite and template drafting open no connection
to anything but loopback, and resolve no outside host name; with a drafting endpoint configured, the only
connections go to it. Proven with an audit hook on `socket.connect` / `socket.getaddrinfo` /
`socket.sendto` (sys.addaudithook), around the service functions the CLI and UI call.

The embedder is the bundled e5 model and the vector store the embedded Chroma, as a new user has them.
(The web UI's actions are covered by the UI tests.)
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fixtures_docs import FAZHI_REPORT
from openai_server import FakeOpenAIServer, Reply

from assistant.drafting.writer import DraftRequest
from assistant.services import checking, citing
from assistant.services.drafting import draft
from assistant.services.knowledge import open_kb
from assistant.settings import Settings

_events: list[tuple[str, object]] = []
_recording = threading.Event()


def _hook(event: str, args: tuple) -> None:
    if _recording.is_set() and event in ("socket.connect", "socket.getaddrinfo", "socket.sendto"):
        if event == "socket.connect":
            _events.append((event, args[1]))
        elif event == "socket.getaddrinfo":
            _events.append((event, args[0]))
        else:
            _events.append((event, args[1]))


sys.addaudithook(_hook)  # audit hooks cannot be removed: this one only records while a test asks it to


@contextmanager
def audited() -> Iterator[list[tuple[str, object]]]:
    _events.clear()
    _recording.set()
    try:
        yield _events
    finally:
        _recording.clear()


def is_local(target: object) -> bool:
    """Loopback IP, localhost, or a Unix socket path."""
    if isinstance(target, bytes) or (isinstance(target, str) and "/" in target):
        return True  # AF_UNIX path
    host = target[0] if isinstance(target, tuple) else target
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def outside(events: list[tuple[str, object]]) -> list[tuple[str, object]]:
    return [e for e in events if not is_local(e[1])]


def test_the_hook_sees_connections():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    where = srv.getsockname()
    with audited() as events:
        socket.create_connection(where, timeout=2).close()
    srv.close()
    assert ("socket.connect", where) in events
    assert not is_local(("93.184.216.34", 443)) and not is_local(("example.org", 80))
    assert is_local(("127.0.0.1", 80)) and is_local(("::1", 80, 0, 0)) and is_local("/tmp/x.sock")


@pytest.fixture
def report_file(tmp_path) -> Path:
    path = tmp_path / "2024年法治政府建设情况的报告.txt"
    path.write_text(FAZHI_REPORT, encoding="utf-8")
    return path


def _engine_actions(home: Path, report: Path, settings: Settings) -> dict:
    kb = open_kb(settings, auto_samples=False)
    try:
        kb.index([report])
        embedded = kb.embed_pending()
        hits = kb.search("存在的不足和原因", k=3)
    finally:
        kb.close()
    check = checking.check_path(report)
    cites = citing.cite_input("依据《中华人民共和国安全生产法》第二十五条")
    result = draft(DraftRequest("法治政府建设年度报告", "shortcomings", facts="执法人员培训不足。"), settings=settings)
    return {"embedded": embedded, "hits": len(hits), "check": check, "cites": cites.citations, "draft": result}


def test_no_endpoint_no_connection_outside_this_machine(tmp_path, report_file, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("ASSISTANT_HOME", str(home))
    settings = Settings()
    assert settings.llm_base_url is None and settings.embeddings_base_url is None and settings.chroma_host is None
    with audited() as events:
        done = _engine_actions(home, report_file, settings)
    assert done["embedded"] > 0 and done["hits"] > 0 and done["cites"]  # the work really happened
    assert done["draft"].mode == "template"
    assert outside(events) == [], outside(events)


def test_with_an_endpoint_only_the_endpoint_is_contacted(tmp_path, report_file, monkeypatch):
    home = tmp_path / "home"
    with FakeOpenAIServer(default=Reply(text="一、存在的不足和原因\n执法人员培训不足。")) as server:
        monkeypatch.setenv("ASSISTANT_HOME", str(home))
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("ASSISTANT_LLM_MODEL", "fake-model")
        settings = Settings()
        with audited() as events:
            done = _engine_actions(home, report_file, settings)
        assert done["draft"].mode == "llm"
        assert server.chat_requests(), "the draft went to the configured endpoint"
        connects = [addr for ev, addr in events if ev == "socket.connect"]
        assert connects and all(addr[:2] == ("127.0.0.1", server.port) for addr in connects), connects
        assert outside(events) == []
