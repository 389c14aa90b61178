from __future__ import annotations

from datetime import timedelta

from assist.signals.service import compute_signals
from tests.signals.conftest import NOW, event, intent

H = timedelta(hours=1)
D = timedelta(days=1)


def signals_for(events, message, *, channel="chat", label="passcode_forgotten", **kw):  # type: ignore[no-untyped-def]
    return compute_signals(events=events, message=message, channel=channel, intent=intent(label, **kw), now=NOW)


def test_a_calm_first_contact_has_no_friction_or_risk() -> None:
    result = signals_for([], "How do I reset my passcode?")
    assert result.friction == [] and result.risk == []
    assert result.sentiment_label == "neutral"
    assert [p.event_id for p in result.sentiment_trend] == ["message"]


def test_two_failed_resets_are_friction_with_their_event_ids() -> None:
    fails = [
        event(
            ago=2 * H, channel="app", actor="system", kind="action", data={"step": "passcode_reset", "result": "failed"}
        ),
        event(
            ago=1 * H, channel="app", actor="system", kind="action", data={"step": "passcode_reset", "result": "failed"}
        ),
    ]
    result = signals_for(fails, "the reset link never works")
    failed = result.get("failed_self_service")
    assert failed is not None and failed.evidence == [e.event_id for e in fails]
    assert "2 failed" in failed.detail and "passcode reset" in failed.detail


def test_a_later_success_clears_earlier_failures_of_the_same_step() -> None:
    events = [
        event(ago=3 * H, channel="app", actor="system", data={"step": "passcode_reset", "result": "failed"}),
        event(ago=2 * H, channel="app", actor="system", data={"step": "passcode_reset", "result": "success"}),
    ]
    assert not signals_for(events, "thanks").has("failed_self_service")


def test_repeat_contact_counts_earlier_contacts_on_the_same_intent_across_channels() -> None:
    events = [
        event(
            ago=3 * D, channel="email", text="card payment I don't know", data={"intent": "card_payment_fee_charged"}
        ),
        event(ago=1 * D, channel="phone", text="about the fee again", data={"intent": "card_payment_fee_charged"}),
        event(ago=2 * D, channel="chat", text="unrelated", data={"intent": "card_arrival"}),
    ]
    events.sort(key=lambda e: e.occurred_at)
    result = signals_for(events, "why was I charged a fee", label="card_payment_fee_charged")
    repeat = result.get("repeat_contact")
    assert repeat is not None
    assert sorted(repeat.evidence) == sorted(
        e.event_id for e in events if e.data["intent"] == "card_payment_fee_charged"
    )
    assert "2 earlier contacts" in repeat.detail and "email" in repeat.detail and "phone" in repeat.detail


def test_turns_of_the_conversation_in_progress_are_not_a_repeat_contact() -> None:
    events = [
        event(ago=timedelta(minutes=5), channel="chat", text="my fee", data={"intent": "card_payment_fee_charged"})
    ]
    assert not signals_for(events, "still about the fee", label="card_payment_fee_charged").has("repeat_contact")


def test_contacts_older_than_seven_days_are_not_repeats() -> None:
    events = [event(ago=8 * D, channel="email", data={"intent": "card_payment_fee_charged"})]
    assert not signals_for(events, "fee question", label="card_payment_fee_charged").has("repeat_contact")


def test_failed_verification_is_cleared_by_a_later_pass() -> None:
    failed = event(ago=2 * H, actor="system", kind="status", data={"verification": "failed"})
    assert signals_for([failed], "hi").get("failed_verification").evidence == [failed.event_id]  # type: ignore[union-attr]
    passed = event(ago=1 * H, actor="system", kind="status", data={"verification": "passed"})
    assert not signals_for([failed, passed], "hi").has("failed_verification")


def test_explicit_request_for_a_person_and_its_negation() -> None:
    assert signals_for([], "I want to speak to a real person").get("asked_for_person").evidence == ["message"]  # type: ignore[union-attr]
    assert signals_for([], "Can I talk to a human please").has("asked_for_person")
    assert not signals_for([], "No need to speak to anyone, just tell me the fee").has("asked_for_person")
    assert not signals_for([], "How do I reset my passcode?").has("asked_for_person")


def test_overdue_promise_unless_kept() -> None:
    promise = event(
        ago=3 * D,
        channel="phone",
        actor="agent",
        kind="note",
        data={"promise": {"what": "a callback about the refund", "by": "agent", "due": (NOW - 2 * D).isoformat()}},
    )
    overdue = signals_for([promise], "nobody called me back").get("overdue_promise")
    assert overdue is not None and overdue.evidence == [promise.event_id] and "callback" in overdue.detail
    kept = event(ago=D, channel="phone", actor="agent", data={"fulfils": promise.event_id})
    assert not signals_for([promise, kept], "hello").has("overdue_promise")
    future = promise.model_copy(update={"data": {"promise": {"what": "x", "due": (NOW + D).isoformat()}}})
    assert not signals_for([future], "hello").has("overdue_promise")


def test_channel_switch_on_the_same_need() -> None:
    events = [
        event(ago=D, channel="app", data={"intent": "passcode_forgotten"}),
        event(ago=5 * H, channel="email", text="still locked out"),
    ]
    switch = signals_for(events, "help", channel="phone").get("channel_switch")
    assert switch is not None and switch.evidence == [events[1].event_id, "message"]
    assert "app → email → phone" in switch.detail


def test_fraud_from_words_and_from_the_intent() -> None:
    said = signals_for([], "Someone used my card, I did not make this payment", label="card_arrival").get("fraud")
    assert said is not None and said.evidence == ["message"] and said.strength == 1.0
    by_intent = signals_for([], "what is this charge", label="card_payment_not_recognised").get("fraud")
    assert by_intent is not None and by_intent.strength < 1.0
    assert not signals_for([], "how do I order a card", label="order_physical_card").has("fraud")


def test_distress_and_vulnerability() -> None:
    result = signals_for([], "My husband passed away and I'm desperate, I can't pay rent", label="request_refund")
    assert result.has("distress") and result.has("vulnerability")
    assert result.sentiment_label == "negative"


def test_out_of_scope_intent_never_counts_as_a_repeat() -> None:
    events = [event(ago=D, channel="email", data={"intent": "out_of_scope"})]
    result = compute_signals(
        events=events, message="what's the weather", channel="chat", intent=intent("x", oos=True), now=NOW
    )
    assert not result.has("repeat_contact")


def test_future_events_are_ignored() -> None:
    events = [event(ago=-D, channel="app", actor="system", data={"step": "passcode_reset", "result": "failed"})]
    assert not signals_for(events, "hi").has("failed_self_service")
