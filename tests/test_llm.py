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


# ---------------------------------------------------------------------------------------------------------
# Faults answered in Chinese within the configured timeout; text that arrived before a break is kept
# ---------------------------------------------------------------------------------------------------------

def _answer(client: LLMClient) -> tuple[LLMError, float]:
    start = time.monotonic()
    with pytest.raises(LLMError) as info:
        list(client.stream(MESSAGES))
    return info.value, time.monotonic() - start


def test_retries_stop_at_the_timeout_instead_of_stacking_up(server):
    # Without a deadline, 3 retries of a 1 s timeout would keep the user waiting 4 s or more.
    server.default = Reply(text="太慢了", delay=8.0)
    client = LLMClient(settings_for(server.base_url, timeout=1.0, retries=3), backoff=0.01)
    err, elapsed = _answer(client)
    assert "响应超时（超过 1 秒）" in str(err)
    assert elapsed < 1.0 + 1.5  # the configured timeout plus scheduling slack on a shared machine
    assert len(server.chat_requests()) == 1


def test_429_asking_for_more_than_the_timeout_is_answered_at_once(server):
    server.default = Reply.error(429, "Rate limit reached", headers={"Retry-After": "60"})
    client = LLMClient(settings_for(server.base_url, timeout=2.0, retries=3), sleep=lambda s: time.sleep(s))
    err, elapsed = _answer(client)
    assert "429" in str(err) and "60 秒后再试" in str(err) and "等待上限 2 秒" in str(err)
    assert elapsed < 2.0
    assert len(server.chat_requests()) == 1


def test_500_retries_fit_in_the_timeout(server):
    server.default = Reply.error(500, "internal error", err_type="server_error")
    client = LLMClient(settings_for(server.base_url, timeout=1.0, retries=10), backoff=0.2, sleep=time.sleep)
    err, elapsed = _answer(client)
    assert "服务端出错（HTTP 500）" in str(err)
    assert elapsed < 1.0 + 1.5
    assert 2 <= len(server.chat_requests()) <= 4  # 0.2 + 0.4 s of backoff fit in 1 s; 0.8 more would not


def test_stream_cut_midway_keeps_the_text_that_arrived(server):
    server.default = Reply(text="一、主要成效二、存在问题", chunks=["一、主要成效", "二、存在", "问题"], cut_after=2)
    err, _ = _answer(client_for(server.base_url))
    assert err.partial == "一、主要成效二、存在"
    assert "断开" in str(err) and "已收到 10 字，作为未完成的草稿保留" in str(err)
    assert len(server.chat_requests()) == 1  # text had reached the user: never restarted


def test_stream_that_ends_without_a_finish_reason_is_partial(server):
    server.default = Reply(text="第一段。第二段", chunks=["第一段。", "第二段"], no_finish=True)
    err, _ = _answer(client_for(server.base_url))
    assert err.partial == "第一段。第二段"
    assert "途中断了" in str(err)


def test_malformed_sse_keeps_the_part_before_it(server):
    server.default = Reply(text="第一块第二块", chunks=["第一块", "第二块"], malformed_after=1)
    err, _ = _answer(client_for(server.base_url))
    assert "无法解析" in str(err) and err.partial == "第一块"


def test_empty_reply(server):
    server.default = Reply(text="", chunks=[""])
    err, _ = _answer(client_for(server.base_url))
    assert "空内容" in str(err) and err.partial == ""
    assert len(server.chat_requests()) == 1


def test_connection_refused_is_immediate_and_names_the_endpoint():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    err, elapsed = _answer(client_for(f"http://127.0.0.1:{port}/v1", retries=2, timeout=3.0))
    assert "无法连接大模型接口" in str(err) and elapsed < 3.0


def test_a_broken_draft_is_returned_labelled_as_partial(server):
    from assistant.drafting.writer import PARTIAL_MARK, DraftRequest, draft_section

    class Source:
        def exemplars(self, genre, role, k=3, query=None):
            return []

        def regulations(self, query, k=4):
            return []

    server.default = Reply(text="2024年，本局开展普法宣传12场。下一步", chunks=["2024年，本局开展", "普法宣传12场。", "下一步"],
                           cut_after=2)
    settings = settings_for(server.base_url, retries=0)
    result = draft_section(DraftRequest("法治政府建设年度报告", "measures", facts="开展普法宣传12场"), Source(),
                           settings=settings)
    assert result.mode == "partial"
    assert result.text == "2024年，本局开展普法宣传12场。" + PARTIAL_MARK
    assert [w["kind"] for w in result.warnings][-1] == "partial"
    assert "未完成" in result.warnings[-1]["message"]


@pytest.mark.parametrize(("reply", "words"), [
    (Reply.error(401, "Incorrect API key provided", code="invalid_api_key"), "密钥"),
    (Reply.error(404, "The model `nope` does not exist", code="model_not_found"), "找不到模型"),
    (Reply(status=200, body="<html>nginx</html>"), "无法解析"),
])
def test_every_fault_message_is_chinese_and_fast(server, reply, words):
    server.default = reply
    err, elapsed = _answer(client_for(server.base_url, timeout=2.0))
    assert words in str(err) and elapsed < 2.0
    assert "Traceback" not in str(err)
