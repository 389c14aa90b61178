"""Friction stated only in words, by the customer, a bot or an agent: the signals fire and cite it."""

from __future__ import annotations

from datetime import timedelta

from assist.signals.service import compute_signals
from tests.signals.conftest import NOW, event, intent

H = timedelta(hours=1)


def signals_for(events, message, *, label="passcode_forgotten"):  # type: ignore[no-untyped-def]
    return compute_signals(events=events, message=message, channel="chat", intent=intent(label), now=NOW)


def test_a_customer_saying_how_often_self_service_failed() -> None:
    failed = signals_for([], "I've tried the reset link five times in the app and it never works").get(
        "failed_self_service"
    )
    assert failed is not None and failed.count == 5 and failed.evidence == ["message"]


def test_a_bot_saying_it_could_not_verify_them() -> None:
    bot = event(ago=H, actor="bot", text="Sorry, I wasn't able to verify your identity, the details didn't match.")
    failed = signals_for([bot], "Can you help me get into my account?").get("failed_verification")
    assert failed is not None and failed.evidence == [bot.event_id] and "didn't match" in failed.detail


def test_an_agents_promised_callback_time_that_has_passed() -> None:
    promise = event(ago=30 * H, actor="agent", text="A specialist will call you back by 9am tomorrow.")
    overdue = signals_for([promise], "Hello?").get("overdue_promise")
    assert overdue is not None and overdue.evidence == [promise.event_id]
    future = event(ago=H, actor="agent", text="A specialist will call you back in 2 working days.")
    assert signals_for([future], "ok").get("overdue_promise") is None


def test_a_customer_saying_they_have_been_in_touch_before() -> None:
    repeat = signals_for([], "I already called you about this on Monday and emailed twice").get("repeat_contact")
    assert repeat is not None and repeat.evidence == ["message"]


def test_a_customer_saying_the_suggested_article_did_not_help() -> None:
    bot = event(ago=0.1 * H, actor="bot", text="This article may help: Resetting your passcode.")
    said = event(ago=0.05 * H, text="That article didn't help at all")
    failed = signals_for([bot, said], "I still can't log in").get("failed_self_service")
    assert failed is not None and said.event_id in failed.evidence


def test_describing_the_problem_is_not_friction() -> None:
    result = signals_for([], "My card got declined at the supermarket", label="declined_card_payment")
    assert result.friction == []


def test_a_promise_made_weeks_ago_and_never_kept_is_still_overdue() -> None:
    promise = event(ago=20 * 24 * H, actor="agent", text="We'll send you the replacement within 5 working days.")
    overdue = signals_for([promise], "Hello?").get("overdue_promise")
    assert overdue is not None and overdue.evidence == [promise.event_id]
