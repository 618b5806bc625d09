"""Drafting LLM client: any OpenAI-compatible chat endpoint (vLLM, Ollama, Xinference, DeepSeek/Qwen clouds)
through langchain-openai's ChatOpenAI.

Nothing is sent anywhere unless OPENAI_BASE_URL (settings.llm_base_url) is set: `is_configured()` is the
switch between LLM drafting and offline template drafting. Every failure becomes one `LLMError` with a
Chinese message (unreachable, bad key, unknown model, context too long, rate limit, server error, timeout,
malformed stream, a connection cut mid-reply). 429 and 5xx are retried with exponential backoff, but only
before the first chunk has been handed to the caller (a half-streamed answer is never silently restarted), and
only while the retry still fits in the configured timeout: the user hears back within ASSISTANT_LLM_TIMEOUT, not
after minutes of silent retrying. A reply that breaks off after some text raises an LLMError whose `partial`
holds that text, so the caller can keep it, labelled as unfinished.

Token counting never goes through tiktoken (it downloads BPE files and fails offline): `estimate_tokens`
counts characters instead.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.errors import ConfigError, LLMError
from assistant.settings import Settings, get_settings

Message = tuple[str, str]  # (role, content), role in system | user | assistant


def is_configured(settings: Settings | None = None) -> bool:
    s = settings or get_settings()
    return bool((s.llm_base_url or "").strip())


def estimate_tokens(text: str) -> int:
    """Upper-bound token estimate without a tokenizer: a CJK character is about one token in Qwen/DeepSeek
    style vocabularies, other text about four characters per token."""
    cjk = sum(1 for ch in text if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return cjk + (len(text) - cjk + 3) // 4


@dataclass
class _Failure:
    message: str
    hint: str | None
    retryable: bool
    retry_after: float | None = None


class LLMClient:
    """Chat client for the configured endpoint. `stream()` yields text pieces as they arrive."""

    def __init__(self, settings: Settings | None = None, *, backoff: float = 1.0, max_backoff: float = 20.0,
                 sleep: Callable[[float], None] = time.sleep, temperature: float = 0.3) -> None:
        s = settings or get_settings()
        if not is_configured(s):
            raise ConfigError("未配置大模型接口（OPENAI_BASE_URL），无法调用大模型",
                              hint="设置 OPENAI_BASE_URL 与 ASSISTANT_LLM_MODEL，或使用离线模板草稿")
        self.base_url = str(s.llm_base_url).strip().rstrip("/")
        self.api_key = (s.llm_api_key or "").strip() or "EMPTY"  # local servers accept any key
        self.model = (s.llm_model or "").strip() or None
        self.timeout = float(s.llm_timeout)
        self.max_retries = max(0, int(s.llm_max_retries))
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.temperature = temperature
        self._sleep = sleep
        self._chat: Any = None

    # -- model ----------------------------------------------------------------------------------
    def resolve_model(self) -> str:
        """The configured model; when none is set, the endpoint's only model (vLLM serves exactly one)."""
        if self.model:
            return self.model
        from openai import OpenAI

        client = OpenAI(base_url=self.base_url, api_key=self.api_key, timeout=self.timeout, max_retries=0,
                        http_client=_http_client(self.timeout))
        try:
            ids = [m.id for m in client.models.list()]
        except Exception as exc:  # noqa: BLE001 - every failure is reported as one LLMError
            raise self._to_error(exc) from exc
        if len(ids) == 1:
            self.model = ids[0]
            return self.model
        listed = "、".join(ids[:10]) or "（无）"
        raise ConfigError(f"未设置 ASSISTANT_LLM_MODEL，接口提供的模型有：{listed}",
                          hint="设置 ASSISTANT_LLM_MODEL 为其中之一")

    def _chat_model(self) -> Any:
        if self._chat is None:
            from langchain_openai import ChatOpenAI

            # max_retries=0: retries happen here, where we know whether text already reached the user.
            self._chat = ChatOpenAI(model=self.resolve_model(), base_url=self.base_url, api_key=self.api_key,
                                    timeout=self.timeout, max_retries=0, temperature=self.temperature,
                                    http_client=_http_client(self.timeout))
        return self._chat

    @staticmethod
    def _to_lc(messages: Sequence[Message]) -> list[Any]:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        kinds = {"system": SystemMessage, "user": HumanMessage, "human": HumanMessage, "assistant": AIMessage}
        return [kinds[role](content=content) for role, content in messages]

    # -- calls ----------------------------------------------------------------------------------
    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        """Yield the reply piece by piece as the server sends it."""
        lc_messages = self._to_lc(messages)
        deadline = time.monotonic() + self.timeout
        attempt = 0
        while True:
            received: list[str] = []
            finished = False
            try:
                for chunk in self._chat_model().stream(lc_messages):
                    finished = finished or bool((chunk.response_metadata or {}).get("finish_reason"))
                    piece = _content_text(chunk.content)
                    if piece:
                        received.append(piece)
                        yield piece
                if not received:
                    raise LLMError("大模型返回了空内容", hint="检查模型是否正常加载，或换用其他模型")
                if not finished:
                    # The stream ended without a finish reason: the connection closed early (a proxy or a
                    # crashed server), so the text is only the first part of the answer.
                    raise _partial(LLMError("大模型的回复在途中断了（未收到结束标记）",
                                            hint="已收到的部分已保留；可重新生成"), received)
                return
            except LLMError as err:
                raise _partial(err, received) from err.__cause__
            except ConfigError:
                raise
            except Exception as exc:  # noqa: BLE001 - mapped to one Chinese message below
                failure = self._classify(exc, midway=bool(received))
                final = failure if received else self._retry_or_final(failure, attempt, deadline)
                if final is None:
                    attempt += 1
                    continue
                raise _partial(LLMError(final.message, hint=final.hint), received) from exc

    def complete(self, messages: Sequence[Message]) -> str:
        """The whole reply at once (non-streaming request)."""
        lc_messages = self._to_lc(messages)
        deadline = time.monotonic() + self.timeout
        attempt = 0
        while True:
            try:
                text = _content_text(self._chat_model().invoke(lc_messages).content)
                if not text.strip():
                    raise LLMError("大模型返回了空内容", hint="检查模型是否正常加载，或换用其他模型")
                return text
            except (LLMError, ConfigError):
                raise
            except Exception as exc:  # noqa: BLE001
                final = self._retry_or_final(self._classify(exc), attempt, deadline)
                if final is None:
                    attempt += 1
                    continue
                raise LLMError(final.message, hint=final.hint) from exc

    def _retry_or_final(self, failure: _Failure, attempt: int, deadline: float) -> _Failure | None:
        """None when a retry is due (after its wait, which fits in the timeout); else the failure to report."""
        if not failure.retryable or attempt >= self.max_retries:
            return failure
        delay = self._delay(attempt, failure.retry_after)
        if time.monotonic() + delay >= deadline:
            return self._out_of_time(failure)
        self._sleep(delay)
        return None

    def _out_of_time(self, failure: _Failure) -> _Failure:
        """A retry would not fit in the timeout: say so now instead of waiting."""
        if failure.retry_after is not None:
            return _Failure(f"{failure.message.replace('，重试后仍未成功', '')}；服务端要求 {failure.retry_after:g} 秒后再试，"
                            f"超过了等待上限 {self.timeout:g} 秒", failure.hint, retryable=False)
        return failure

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        base = self.backoff * (2 ** attempt)
        if retry_after is not None:
            base = max(base, retry_after)
        return min(base, self.max_backoff)

    # -- errors ---------------------------------------------------------------------------------
    def _to_error(self, exc: Exception) -> LLMError:
        f = self._classify(exc)
        return LLMError(f.message, hint=f.hint)

    def _classify(self, exc: Exception, *, midway: bool = False) -> _Failure:
        import httpx
        import openai

        where = self.base_url
        timeout = isinstance(exc, openai.APITimeoutError | httpx.TimeoutException)
        if midway and not timeout and isinstance(exc, openai.APIConnectionError | httpx.TransportError):
            # The SDK reports a stream broken after the first bytes as a connection error.
            return _Failure(f"与大模型接口 {where} 的连接在回复途中断开",
                            "检查模型服务与网络是否稳定；可重新生成", retryable=False)
        if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException):
            return _Failure(f"大模型接口 {where} 响应超时（超过 {self.timeout:g} 秒）",
                            "稍后重试，或调大 ASSISTANT_LLM_TIMEOUT", retryable=True)
        if isinstance(exc, openai.APIConnectionError):
            return _Failure(f"无法连接大模型接口 {where}",
                            "检查 OPENAI_BASE_URL 是否正确、模型服务是否已启动、网络是否可达", retryable=False)
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return _Failure("大模型接口拒绝了访问密钥（401/403）", "检查 OPENAI_API_KEY 是否正确、是否过期",
                            retryable=False)
        if isinstance(exc, openai.NotFoundError):
            return _Failure(f"大模型接口上找不到模型“{self.model}”（404）",
                            "检查 ASSISTANT_LLM_MODEL 是否与服务端加载的模型名称一致；OPENAI_BASE_URL 通常以 /v1 结尾",
                            retryable=False)
        if isinstance(exc, openai.RateLimitError):
            return _Failure("大模型接口请求过于频繁或额度不足（429），重试后仍未成功",
                            "稍后再试，或检查账户额度与并发限制", retryable=True,
                            retry_after=_retry_after(exc))
        if isinstance(exc, openai.InternalServerError):
            code = getattr(exc, "status_code", 500)
            return _Failure(f"大模型服务端出错（HTTP {code}），重试后仍未成功", "稍后再试，或检查模型服务日志",
                            retryable=True, retry_after=_retry_after(exc))
        if isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError):
            text = _error_text(exc).lower()
            if any(k in text for k in ("context length", "context_length", "maximum context", "too long",
                                       "max_tokens", "too many tokens", "context window", "超出", "过长")):
                return _Failure("提示词超出模型的上下文长度", "减少材料或参考范文，或换用上下文更长的模型",
                                retryable=False)
            return _Failure(f"大模型接口拒绝了请求（HTTP 400）：{_error_text(exc)[:200]}",
                            "检查模型名称与接口参数", retryable=False)
        if isinstance(exc, openai.APIStatusError):
            code = getattr(exc, "status_code", "?")
            return _Failure(f"大模型接口返回错误（HTTP {code}）：{_error_text(exc)[:200]}", None, retryable=False)
        if isinstance(exc, httpx.TransportError):  # the stream broke after the response had started
            return _Failure(f"与大模型接口 {where} 的连接在回复途中断开", "检查模型服务与网络是否稳定；可重新生成",
                            retryable=True)
        if isinstance(exc, openai.APIResponseValidationError | json.JSONDecodeError | ValueError | KeyError
                      | TypeError | AttributeError | openai.APIError):
            return _Failure("大模型接口返回了无法解析的内容（流式数据格式错误）",
                            "确认 OPENAI_BASE_URL 指向 OpenAI 兼容的 /v1 接口", retryable=False)
        return _Failure(f"调用大模型失败：{type(exc).__name__}: {exc}"[:300], None, retryable=False)


_PLATFORM_HEADERS = ("x-stainless-os", "x-stainless-arch", "x-stainless-runtime", "x-stainless-runtime-version",
                     "x-stainless-lang", "x-stainless-package-version", "x-stainless-async")


def _strip_platform_headers(request: Any) -> None:
    # The OpenAI SDK reports OS, CPU, Python and package versions in X-Stainless-* headers; the endpoint
    # needs none of it, and docs/llm.md promises that only the prompt and the key are sent.
    # (Only those: the SDK reads other X-Stainless-* request headers back, e.g. to return raw responses.)
    for name in _PLATFORM_HEADERS:
        if name in request.headers:
            del request.headers[name]


def _http_client(timeout: float) -> Any:
    import httpx

    return httpx.Client(timeout=timeout, event_hooks={"request": [_strip_platform_headers]})


def _partial(err: LLMError, received: list[str]) -> LLMError:
    """Attach the text that arrived before the failure, and say in the message that it was kept."""
    text = "".join(received)
    if text and not err.partial:
        err.partial = text
        err.message += f"；已收到 {len(text)} 字，作为未完成的草稿保留"
    return err


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return "" if content is None else str(content)


def _error_text(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict):
            return str(err.get("message") or err)
        return str(err)
    return str(getattr(exc, "message", None) or exc)


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
