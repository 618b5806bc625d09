"""A real HTTP server that speaks the OpenAI chat-completions API, for tests.

Stdlib only (ThreadingHTTPServer). It listens on 127.0.0.1, records every request (method, path, headers,
JSON body) and answers chat completions from a script of `Reply` objects (the default reply once the
script is used up), streamed as SSE (`data: {...}` … `data: [DONE]`) or as one JSON body. A reply can
instead be an HTTP error (500, 429, 401, 404, 400 with a context-length message), a slow answer (for
client timeouts), a malformed SSE line or a non-JSON body. `hold` pauses a stream after its first chunk
until the test sets the event, so a test can prove that chunks reach the caller before the server is done.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    text: str = "好的。"
    chunks: list[str] | None = None  # explicit split of `text` for streaming; default: ~4 chars each
    status: int = 200
    body: str | None = None  # raw body (errors, garbage); overrides everything else
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line (client timeout tests)
    chunk_delay: float = 0.0  # seconds between streamed chunks
    malformed_after: int | None = None  # stream: send a broken SSE line after this many chunks
    hold: threading.Event | None = None  # stream: after the first chunk wait until this is set
    cut_after: int | None = None  # stream: drop the connection after this many chunks (no [DONE], no end)
    no_finish: bool = False  # stream: end cleanly but without a finish_reason chunk or [DONE]

    @classmethod
    def error(cls, status: int, message: str, *, code: str | None = None, err_type: str = "invalid_request_error",
              headers: dict[str, str] | None = None) -> Reply:
        body = json.dumps({"error": {"message": message, "type": err_type, "param": None, "code": code}})
        return cls(status=status, body=body, headers=headers or {})

    def split(self) -> list[str]:
        if self.chunks is not None:
            return list(self.chunks)
        return [self.text[i:i + 4] for i in range(0, len(self.text), 4)] or [""]


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.body or {}).get("messages", []))

    def text_of(self, role: str) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.messages if m.get("role") == role)

    @property
    def all_text(self) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.messages)


class FakeOpenAIServer:
    """`with FakeOpenAIServer([Reply(...), ...]) as server: ... server.base_url ... server.requests`."""

    def __init__(self, script: list[Reply] | None = None, *, default: Reply | None = None,
                 models: list[str] | None = None) -> None:
        self.script: list[Reply] = list(script or [])
        self.default = default or Reply()
        self.models = models if models is not None else ["fake-model"]
        self.requests: list[RecordedRequest] = []
        self.finished = threading.Event()  # set when the last stream was fully written
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------------
    def start(self) -> str:
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeOpenAIServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    # -- script -----------------------------------------------------------------------------------
    def enqueue(self, *replies: Reply) -> None:
        with self._lock:
            self.script.extend(replies)

    def next_reply(self) -> Reply:
        with self._lock:
            return self.script.pop(0) if self.script else self.default

    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        # Clients that drop a keep-alive connection (or time out on purpose) make the stdlib print
        # ConnectionResetError tracebacks; they are expected here.
        pass


class _Handler(BaseHTTPRequestHandler):
    owner: FakeOpenAIServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _record(self, body: Any) -> None:
        with self.owner._lock:
            self.owner.requests.append(
                RecordedRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))

    def _send(self, status: int, body: str, content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def do_GET(self) -> None:  # noqa: N802
        self._record(None)
        if self.path.rstrip("/").endswith("/models"):
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "test"} for m in self.owner.models]
            self._send(200, json.dumps({"object": "list", "data": data}))
        else:
            self._send(404, json.dumps({"error": {"message": "not found", "type": "not_found"}}))

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self._record(body)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(404, json.dumps({"error": {"message": "not found", "type": "not_found"}}))
            return
        reply = self.owner.next_reply()
        if reply.delay:
            time.sleep(reply.delay)
        try:
            if reply.body is not None or reply.status != 200:
                self._send(reply.status, reply.body or "", headers=reply.headers,
                           content_type="application/json" if (reply.body or "").startswith("{") else "text/html")
            elif isinstance(body, dict) and body.get("stream"):
                self._stream(reply, body)
            else:
                self._send(200, json.dumps(_completion(reply.text, body)), headers=reply.headers)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.owner.finished.set()

    def _stream(self, reply: Reply, body: dict[str, Any]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        for k, v in reply.headers.items():
            self.send_header(k, v)
        self.end_headers()
        model = body.get("model", "fake-model")

        def event(payload: str) -> None:
            data = f"data: {payload}\n\n".encode()
            self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        event(json.dumps(_chunk(model, {"role": "assistant", "content": ""})))
        for i, piece in enumerate(reply.split()):
            if reply.malformed_after is not None and i == reply.malformed_after:
                event('{"id": "broken", "choices": [{"delta": {"content": "半截')  # not JSON
            if reply.cut_after is not None and i == reply.cut_after:
                self.close_connection = True
                self.connection.shutdown(2)  # mid-body: the client sees a broken chunked stream
                return
            event(json.dumps(_chunk(model, {"content": piece}), ensure_ascii=False))
            if i == 0 and reply.hold is not None:
                reply.hold.wait(10)
            if reply.chunk_delay:
                time.sleep(reply.chunk_delay)
        if not reply.no_finish:
            event(json.dumps(_chunk(model, {}, finish="stop")))
            event("[DONE]")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def _completion(text: str, body: Any) -> dict[str, Any]:
    model = body.get("model", "fake-model") if isinstance(body, dict) else "fake-model"
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
