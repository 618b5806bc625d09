"""LLM client against a real HTTP server speaking the OpenAI chat-completions API (tests/openai_server.py)."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from openai_server import FakeOpenAIServer, Reply

from assistant.drafting.llm import LLMClient, estimate_tokens, is_configured
from assistant.errors import ConfigError, LLMError
from assistant.settings import Settings

MESSAGES = [("system", "你是公文写作助手。"), ("user", "请写一段话。")]


def settings_for(url: str, *, model: str | None = "fake-model", timeout: float = 5.0, retries: int = 2,
                 key: str | None = "sk-test") -> Settings:
    env = {"OPENAI_BASE_URL": url, "ASSISTANT_LLM_TIMEOUT": timeout, "ASSISTANT_LLM_MAX_RETRIES": retries}
    if model:
        env["ASSISTANT_LLM_MODEL"] = model
    if key:
        env["OPENAI_API_KEY"] = key
    return Settings(**env)


def client_for(url: str, **kw) -> LLMClient:
    sleeps: list[float] = []
    client = LLMClient(settings_for(url, **kw), backoff=0.01, sleep=sleeps.append)
    client.sleeps = sleeps  # type: ignore[attr-defined]
    return client


@pytest.fixture
def server():
    with FakeOpenAIServer() as srv:
        yield srv


def test_no_endpoint_means_not_configured_and_no_client():
    s = Settings()
    assert not is_configured(s)
    with pytest.raises(ConfigError, match="OPENAI_BASE_URL"):
        LLMClient(s)


def test_stream_yields_pieces_and_sends_messages_model_and_key(server):
    server.enqueue(Reply(text="一、存在的不足和原因\n宣传形式单一。", chunks=["一、存在的", "不足和原因\n", "宣传形式单一。"]))
    pieces = list(client_for(server.base_url).stream(MESSAGES))
    assert pieces == ["一、存在的", "不足和原因\n", "宣传形式单一。"]
    [req] = server.chat_requests()
    assert req.body["model"] == "fake-model"
    assert req.body["stream"] is True
    assert req.headers["authorization"] == "Bearer sk-test"
    assert [(m["role"], m["content"]) for m in req.messages] == list(MESSAGES)
    # exactly what docs/llm.md says is sent: the messages, the model name, and nothing about this machine
    assert set(req.body) == {"messages", "model", "stream", "temperature"}
    assert not [h for h in req.headers if h in ("x-stainless-os", "x-stainless-arch", "x-stainless-runtime-version")]


def test_complete_uses_a_non_streaming_request(server):
    server.enqueue(Reply(text="全文。"))
    assert client_for(server.base_url).complete(MESSAGES) == "全文。"
    assert not server.chat_requests()[0].body.get("stream")


def test_chunks_reach_the_caller_before_the_server_finishes(server):
    release = threading.Event()
    server.enqueue(Reply(text="第一块第二块第三块", chunks=["第一块", "第二块", "第三块"], hold=release))
    gen = client_for(server.base_url).stream(MESSAGES)
    first = next(gen)  # the server is blocked after its first chunk until `release` is set
    assert first == "第一块"
    assert not server.finished.is_set()
    release.set()
    assert "".join(gen) == "第二块第三块"


def test_model_is_taken_from_the_endpoint_when_it_serves_exactly_one(server):
    server.models = ["qwen2.5-7b-instruct"]
    client = client_for(server.base_url, model=None)
    assert "".join(client.stream(MESSAGES))
    assert server.chat_requests()[0].body["model"] == "qwen2.5-7b-instruct"


def test_model_missing_with_several_models_is_a_config_error(server):
    server.models = ["a", "b"]
    with pytest.raises(ConfigError, match="ASSISTANT_LLM_MODEL"):
        list(client_for(server.base_url, model=None).stream(MESSAGES))


def test_500_is_retried_with_backoff_then_reported(server):
    server.default = Reply.error(500, "internal error", err_type="server_error")
    client = client_for(server.base_url, retries=2)
    with pytest.raises(LLMError, match="服务端出错（HTTP 500）"):
        list(client.stream(MESSAGES))
    assert len(server.chat_requests()) == 3
    assert client.sleeps == [0.01, 0.02]  # exponential backoff


def test_429_then_success(server):
    server.enqueue(Reply.error(429, "Rate limit reached", err_type="rate_limit_error"), Reply(text="好的。"))
    client = client_for(server.base_url)
    assert "".join(client.stream(MESSAGES)) == "好的。"
    assert len(server.chat_requests()) == 2


def test_429_honours_retry_after_and_gives_its_message(server):
    server.default = Reply.error(429, "Rate limit reached", headers={"Retry-After": "0.05"})
    client = client_for(server.base_url, retries=1)
    with pytest.raises(LLMError, match="请求过于频繁或额度不足（429）"):
        list(client.stream(MESSAGES))
    assert client.sleeps == [0.05]


def test_bad_key_is_not_retried(server):
    server.default = Reply.error(401, "Incorrect API key provided", code="invalid_api_key")
    with pytest.raises(LLMError, match="密钥") as info:
        list(client_for(server.base_url).stream(MESSAGES))
    assert "OPENAI_API_KEY" in str(info.value)
    assert len(server.chat_requests()) == 1


def test_unknown_model(server):
    server.default = Reply.error(404, "The model `nope` does not exist", code="model_not_found")
    with pytest.raises(LLMError, match="找不到模型“nope”"):
        list(client_for(server.base_url, model="nope").stream(MESSAGES))


def test_context_too_long(server):
    server.default = Reply.error(400, "This model's maximum context length is 4096 tokens. However, you "
                                      "requested 9000 tokens.", code="context_length_exceeded")
    with pytest.raises(LLMError, match="上下文长度"):
        list(client_for(server.base_url).stream(MESSAGES))
    assert len(server.chat_requests()) == 1


def test_timeout(server):
    server.default = Reply(text="太慢了", delay=1.0)
    client = client_for(server.base_url, timeout=0.2, retries=0)
    start = time.monotonic()
    with pytest.raises(LLMError, match="响应超时"):
        list(client.stream(MESSAGES))
    assert time.monotonic() - start < 1.0


def test_malformed_sse_line(server):
    server.default = Reply(text="第一块第二块", chunks=["第一块", "第二块"], malformed_after=1)
    gen = client_for(server.base_url).stream(MESSAGES)
    assert next(gen) == "第一块"
    with pytest.raises(LLMError, match="无法解析"):
        list(gen)
    assert len(server.chat_requests()) == 1  # never restarted once text reached the caller


def test_garbage_body(server):
    server.default = Reply(status=200, body="<html><body>Welcome to nginx!</body></html>")
    with pytest.raises(LLMError, match="无法解析"):
        list(client_for(server.base_url).stream(MESSAGES))


def test_refused_connection():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there any more
    with pytest.raises(LLMError, match="无法连接大模型接口") as info:
        list(client_for(f"http://127.0.0.1:{port}/v1", retries=0).stream(MESSAGES))
    assert f"127.0.0.1:{port}" in str(info.value)


def test_token_estimate_counts_chinese_characters_without_a_tokenizer():
    assert estimate_tokens("存在的不足和原因") == 8
    assert estimate_tokens("abcd" * 10) == 10
    assert estimate_tokens("") == 0
