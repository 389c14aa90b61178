"""The LLM client against a real HTTP server: answers, failures, timeouts, retries and the circuit breaker."""

from __future__ import annotations

import time

import pytest

from assist.config import Settings
from assist.llm.client import CircuitBreaker, LLMError, build_llm
from assist.prompts.registry import ModelParams
from tests.support.openai_server import OpenAIServer, Reply

MESSAGES = [{"role": "system", "content": "Answer in JSON."}, {"role": "user", "content": "hello"}]
JSON = ModelParams(temperature=0, max_tokens=50, response_format="json_object")


def test_no_llm_without_an_endpoint(settings: Settings) -> None:
    assert build_llm(settings) is None
    assert build_llm(settings.model_copy(update={"llm_base_url": "http://127.0.0.1:9/v1"})) is None


def test_a_good_answer_and_the_parameters_sent(llm_settings: Settings, openai_server: OpenAIServer) -> None:
    openai_server.default = Reply(content='{"a": 1}', model="test-model-2026-01")
    llm = build_llm(llm_settings)
    assert llm is not None and llm.model_id == "test-model"

    reply = llm.complete(MESSAGES, params=JSON)

    assert reply.text == '{"a": 1}'
    assert reply.model == "test-model-2026-01"
    sent = openai_server.requests[-1]
    assert sent["model"] == "test-model"
    assert sent["messages"] == MESSAGES
    assert sent["response_format"] == {"type": "json_object"}
    assert sent["temperature"] == 0
    assert sent.get("max_tokens", sent.get("max_completion_tokens")) == 50


def test_a_500_is_retried_then_succeeds(llm_settings: Settings, openai_server: OpenAIServer) -> None:
    openai_server.enqueue(Reply(status=500))
    openai_server.default = Reply(content="fine")
    llm = build_llm(llm_settings.model_copy(update={"llm_max_retries": 1}))
    assert llm is not None

    assert llm.complete(MESSAGES, params=JSON).text == "fine"
    assert len(openai_server.requests) == 2


def test_an_unreachable_endpoint_raises_llm_error(settings: Settings) -> None:
    llm = build_llm(settings.model_copy(update={"llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "m"}))
    assert llm is not None
    with pytest.raises(LLMError, match="unreachable"):
        llm.complete(MESSAGES, params=JSON)


def test_persistent_500s_raise_llm_error(llm_settings: Settings, openai_server: OpenAIServer) -> None:
    openai_server.default = Reply(status=500)
    llm = build_llm(llm_settings.model_copy(update={"llm_max_retries": 1}))
    assert llm is not None

    with pytest.raises(LLMError, match="HTTP 500"):
        llm.complete(MESSAGES, params=JSON)
    assert len(openai_server.requests) == 2


def test_a_slow_answer_times_out(llm_settings: Settings, openai_server: OpenAIServer) -> None:
    openai_server.default = Reply(content="late", delay_s=2.0)
    llm = build_llm(llm_settings.model_copy(update={"llm_timeout_s": 0.3, "llm_max_retries": 0}))
    assert llm is not None

    started = time.monotonic()
    with pytest.raises(LLMError, match="timed out"):
        llm.complete(MESSAGES, params=JSON)
    assert time.monotonic() - started < 1.5


def test_the_circuit_opens_after_repeated_failures_and_probes_after_cooldown(
    llm_settings: Settings, openai_server: OpenAIServer
) -> None:
    openai_server.default = Reply(status=500)
    breaker = CircuitBreaker(threshold=2, cooldown_s=0.3)
    llm = build_llm(llm_settings.model_copy(update={"llm_max_retries": 0}), breaker=breaker)
    assert llm is not None
    for _ in range(2):
        with pytest.raises(LLMError):
            llm.complete(MESSAGES, params=JSON)
    calls = len(openai_server.requests)

    with pytest.raises(LLMError, match="circuit open"):
        llm.complete(MESSAGES, params=JSON)
    assert len(openai_server.requests) == calls  # the open circuit did not call the endpoint

    time.sleep(0.35)
    openai_server.default = Reply(content="back")
    assert llm.complete(MESSAGES, params=JSON).text == "back"
    assert not breaker.is_open


def test_a_slow_endpoint_costs_at_most_the_deadline(llm_settings: Settings, openai_server: OpenAIServer) -> None:
    openai_server.default = Reply(content="late", delay_s=3.0)
    settings = llm_settings.model_copy(update={"llm_timeout_s": 1.0, "llm_max_retries": 3, "llm_deadline_s": 1.5})
    llm = build_llm(settings)
    assert llm is not None

    started = time.monotonic()
    with pytest.raises(LLMError, match="timed out"):
        llm.complete(MESSAGES, params=JSON)
    # Without the deadline: four attempts of 1 s plus pauses.
    assert time.monotonic() - started < 1.5 + 0.3
    assert len(openai_server.requests) <= 2


def test_only_failures_that_may_pass_are_retried(llm_settings: Settings, openai_server: OpenAIServer) -> None:
    llm = build_llm(llm_settings.model_copy(update={"llm_max_retries": 2}))
    assert llm is not None
    openai_server.enqueue(Reply(status=429))
    openai_server.default = Reply(content="fine")
    assert llm.complete(MESSAGES, params=JSON).text == "fine"
    assert len(openai_server.requests) == 2

    openai_server.enqueue(Reply(status=400))
    with pytest.raises(LLMError, match="HTTP 400"):
        llm.complete(MESSAGES, params=JSON)
    assert len(openai_server.requests) == 3  # a bad request stays bad: asked once
