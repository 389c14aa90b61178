"""The local card: complete, cited, private, and focused on what matters now."""

from __future__ import annotations

import uuid
from datetime import timedelta

from assist.handoff.evaluate import resolved_noise
from assist.privacy.redact import redact_obj
from assist.signals.models import SentimentPoint, Signal, Signals
from tests.handoff.journeys import NOW, event, return_journey
from tests.handoff.journeys import card as _card


def test_return_journey_card_has_every_part_cited() -> None:
    result = _card(return_journey(), "Hi, still no refund and nobody called me")
    card = result.summary

    assert result.generator == "local" and result.llm_model is None and result.fallback_reason is None
    assert result.prompt.id == "handoff_card"
    assert [s.channel for s in card.journey] == ["app", "chat", "phone"]
    assert [(f.step, f.count, f.reason, f.citations) for f in card.failures] == [
        ("refund_request", 2, "billing exception", ["e1", "e2"])
    ]
    assert [(p.what, p.overdue, p.citations) for p in card.promises] == [("billing callback", True, ["e4"])]
    facts = {(f.field, f.value): f.citations for f in card.facts}
    assert facts[("order_id", "88231")][0] == "e1"
    assert facts[("case_id", "CS-20931")] == ["e4"]
    assert facts[("amount", "£45.99")] == ["e3"]
    assert facts[("card_last4", "4242")] == ["e3"]
    assert card.goal is not None and card.goal.intent == "request_refund"
    assert card.next_step is not None and "billing callback" in card.next_step.text
    assert card.next_step.citations == ["e4"]
    assert set(card.citations) <= {"e1", "e2", "e3", "e4", "message"}
    assert "OVERDUE" in card.text and "88231" in card.text


def test_do_not_ask_lists_each_fact_with_the_event_it_was_first_given_in() -> None:
    result = _card(return_journey())
    given = {(d.field, d.value): d.source_event for d in result.do_not_ask}
    assert given[("order_id", "88231")] == "e1"
    assert given[("case_id", "CS-20931")] == "e4"
    assert given[("card_last4", "4242")] == "e3"
    assert given[("email", "[EMAIL]")] == "e1"  # on file: the agent need not ask, and the card does not show it


def test_personal_data_never_reaches_the_card() -> None:
    events = [
        event(
            "p1",
            hours_ago=2,
            text="My card 4111 1111 1111 1111 was charged twice, mail me at ana.silva@example.com",
            customer={"phone": "+44 7700 900123"},
        ),
        event("p2", hours_ago=1, text="or call 07700 900456", data={"reason": "iban GB82 WEST 1234 5698 7654 32"}),
    ]
    dumped = _card(events, "my NI number is QQ 12 34 56 C").model_dump_json()
    for secret in ("4111 1111", "ana.silva", "900123", "900456", "GB82", "QQ 12"):
        assert secret not in dumped
    assert "[CARD ****1111]" in dumped and '"card_last4","value":"1111"' in dumped.replace(": ", ":").replace(", ", ",")


def test_old_resolved_noise_is_left_out_and_the_current_issue_kept() -> None:
    noise = resolved_noise(480, end=NOW - timedelta(days=5), seed=7)
    result = _card([*noise, *return_journey()])
    card = result.summary

    noise_ids = {e.event_id for e in noise}
    assert not noise_ids & set(card.citations)
    assert {"88231", "CS-20931", "£45.99"} <= {f.value for f in card.facts}
    assert not [f for f in card.facts if f.value.startswith("N-")]  # noise order ids
    assert [s.channel for s in card.journey] == ["app", "chat"]


def test_an_old_episode_that_shares_a_reference_with_now_is_kept() -> None:
    old = [
        event("o1", hours_ago=24 * 40, text="Order 55120 arrived damaged", data={"references": {"order_id": "55120"}}),
        event(
            "o2",
            hours_ago=24 * 40 - 1,
            actor="agent",
            kind="status",
            text="Replacement sent",
            data={"status": "resolved"},
        ),
    ]
    unrelated = [
        event("u1", hours_ago=24 * 20, text="Change my address please", data={"intent": "change_address"}),
        event("u2", hours_ago=24 * 20 - 1, actor="agent", kind="status", data={"status": "resolved"}),
    ]
    result = _card([*old, *unrelated], "The replacement for order 55120 is broken too")
    assert {"o1", "o2"} <= set(result.summary.citations)
    assert not {"u1", "u2"} & set(result.summary.citations)


def test_a_failure_fixed_later_is_not_a_failure_and_verification_is_not_asked_again() -> None:
    events = [
        event("v1", hours_ago=3, channel="app", kind="action", data={"verification": "failed"}),
        event("v2", hours_ago=2, channel="chat", kind="action", data={"verification": "passed"}),
    ]
    result = _card(events)
    assert result.summary.failures == []
    assert {a.result for a in result.summary.attempts} == {"failed", "success"}
    assert ("identity_verified", "v2") in {(d.field, d.source_event) for d in result.do_not_ask}


def test_fraud_signal_sets_the_next_step_and_sentiment_trend_is_cited() -> None:
    events = [
        event("f1", hours_ago=1, channel="sms", actor="system", text="Did you spend £250.00 at ShopX? Reply YES or NO"),
        event("f2", hours_ago=0.9, channel="sms", text="NO"),
    ]
    signals = Signals(
        sentiment=-0.6,
        sentiment_label="negative",
        sentiment_trend=[SentimentPoint(event_id="f2", occurred_at=NOW, score=-0.2)],
        friction=[],
        risk=[Signal(name="fraud", kind="risk", detail="denied a transaction", evidence=["f1", "f2"])],
    )
    card = _card(events, "I never made that payment", signals=signals).summary
    assert card.next_step is not None and "fraud" in card.next_step.text and card.next_step.citations == ["f1", "f2"]
    assert card.sentiment is not None and card.sentiment.direction == "worsening"
    assert card.sentiment.citations == ["message"]  # only the turn that moved it (-0.2 -> -0.6)


def test_an_unanswered_customer_question_is_the_open_question() -> None:
    events = [
        event("q1", hours_ago=2, actor="agent", text="Your parcel is with the courier."),
        event("q2", hours_ago=1, text="Thanks. Will it arrive before Friday?"),
    ]
    card = _card(events).summary
    assert card.open_question is not None
    assert (card.open_question.text, card.open_question.citations) == ("Thanks. Will it arrive before Friday?", ["q2"])


def test_no_history_gives_an_empty_card_not_an_error() -> None:
    result = _card([])
    assert result.summary.goal is None and result.summary.citations == [] and result.do_not_ask == []
    assert result.summary.text == "No history for this customer yet."


def test_the_card_survives_redaction_unchanged_so_audit_keeps_its_citations() -> None:
    # The audit trail redacts what it stores; real event ids are hex and must not be taken for numbers.
    events = [
        e.model_copy(update={"event_id": f"evt_{uuid.UUID(int=i * 7919 + 4111111111111111).hex[:20]}"})
        for i, e in enumerate(return_journey() * 25)
    ]
    dumped = _card(events, "still waiting").model_dump(mode="json")
    assert redact_obj(dumped) == dumped
