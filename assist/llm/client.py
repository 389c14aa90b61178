"""The optional chat model behind an OpenAI-compatible endpoint, guarded so it can never fail a request.

Each attempt has a timeout (settings.llm_timeout_s); failures that may pass (timeouts, lost connections,
429 and 5xx) are retried up to settings.llm_max_retries times after a short pause, but never past
settings.llm_deadline_s from the first attempt: a slow endpoint costs a request at most the deadline, a
fast failure still gets its retry. A circuit breaker stops calling an endpoint that keeps failing, so a
dead LLM costs one fast "circuit open" instead of a timeout on every request, and probes it again after
a cool-down.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass
from typing import Any

import openai
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from assist.config import Settings
from assist.prompts.registry import ModelParams

RETRY_PAUSE_S = 0.2
# An attempt with less time than this left is not started: it could not finish.
MIN_ATTEMPT_S = 0.1


class LLMError(RuntimeError):
    """The LLM gave no usable answer; `reason` is short and safe to log and audit."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class CircuitBreaker:
    """Opens after `threshold` consecutive failures; after `cooldown_s` lets one probe call through."""

    def __init__(self, *, threshold: int = 3, cooldown_s: float = 30.0) -> None:
        self.threshold = threshold
        self.cooldown_s = cooldown_s
        self._failures = 0
        self._opened_at: float | None = None
        self._lock = threading.Lock()

    def allow(self) -> bool:
        with self._lock:
            if self._opened_at is None:
                return True
            if time.monotonic() - self._opened_at >= self.cooldown_s:
                self._opened_at = time.monotonic()  # half-open: this caller probes, the others wait a cool-down
                return True
            return False

    def record(self, *, ok: bool) -> None:
        with self._lock:
            if ok:
                self._failures, self._opened_at = 0, None
            else:
                self._failures += 1
                if self._failures >= self.threshold:
                    self._opened_at = time.monotonic()

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None


@dataclass(frozen=True)
class LLMReply:
    text: str
    model: str  # the model the endpoint says answered, else the configured one


class LLM:
    """A configured chat model; `model_id` is what audit records name."""

    def __init__(
        self,
        chat: ChatOpenAI,
        *,
        model_id: str,
        breaker: CircuitBreaker,
        timeout_s: float,
        max_retries: int,
        deadline_s: float,
    ) -> None:
        self.chat = chat
        self.model_id = model_id
        self.breaker = breaker
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.deadline_s = deadline_s

    def complete(self, messages: list[dict[str, str]], *, params: ModelParams) -> LLMReply:
        """The model's answer to `messages`; raises LLMError (never anything else) when there is none."""
        if not self.breaker.allow():
            raise LLMError("circuit open after repeated LLM failures")
        options: dict[str, Any] = {"temperature": params.temperature, "max_tokens": params.max_tokens}
        if params.top_p is not None:
            options["top_p"] = params.top_p
        if params.response_format == "json_object":
            options["response_format"] = {"type": "json_object"}
        deadline = time.monotonic() + self.deadline_s
        for attempt in itertools.count():
            try:
                reply = self.chat.invoke(messages, timeout=min(self.timeout_s, deadline - time.monotonic()), **options)
                break
            except Exception as exc:  # any transport, HTTP or parsing failure of the endpoint is the same to callers
                pause = RETRY_PAUSE_S * 2**attempt
                last = attempt >= self.max_retries or deadline - time.monotonic() < pause + MIN_ATTEMPT_S
                if last or not _retryable(exc):
                    self.breaker.record(ok=False)
                    raise LLMError(_reason(exc)) from exc
                time.sleep(pause)
        self.breaker.record(ok=True)
        text = reply.content if isinstance(reply.content, str) else str(reply.content)
        return LLMReply(text=text, model=str(reply.response_metadata.get("model_name") or self.model_id))


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code == 429 or exc.status_code >= 500
    return isinstance(exc, openai.APIConnectionError)  # timeouts included


def _reason(exc: Exception) -> str:
    # Timeout first: openai's APITimeoutError is also an APIConnectionError.
    if isinstance(exc, openai.APITimeoutError):
        return "LLM timed out"
    if isinstance(exc, openai.APIStatusError):
        return f"LLM endpoint answered HTTP {exc.status_code}"
    if isinstance(exc, openai.APIConnectionError):
        return "LLM endpoint unreachable"
    return f"LLM call failed: {exc.__class__.__name__}"


def build_llm(settings: Settings, *, breaker: CircuitBreaker | None = None) -> LLM | None:
    """The LLM for these settings, or None when no endpoint is configured (local generators only)."""
    if not (settings.llm_base_url and settings.llm_model):
        return None
    chat = ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        # Local servers (vLLM, llama.cpp) accept any key; the openai client insists on one.
        api_key=SecretStr(settings.llm_api_key or "unused"),
        # Timeouts and retries are LLM.complete's: each call gets what is left of the request's deadline.
        max_retries=0,
    )
    return LLM(
        chat,
        model_id=settings.llm_model,
        breaker=breaker or CircuitBreaker(),
        timeout_s=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        deadline_s=settings.llm_deadline_s,
    )
