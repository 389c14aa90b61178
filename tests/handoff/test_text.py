"""The card from plain text alone: what every actor said, with no `data` at all."""

from __future__ import annotations

from assist.handoff.models import HandoffResult
from assist.timeline.models import TimelineEvent
from tests.handoff.journeys import card, event


def _card(events: list[TimelineEvent], message: str | None) -> HandoffResult:
    return card(events, message, real_signals=True)


def _plain_journey() -> list[TimelineEvent]:
    return [
        event("x1", hours_ago=80, text="Hello! Hope you're well. I want to return the boots I bought, they don't fit."),
        event("x2", hours_ago=79.9, actor="bot", text="What is your order number?"),
        event("x3", hours_ago=79.8, text="2025550143"),
        event("x4", hours_ago=79.7, actor="bot", text="Sorry, I couldn't verify your identity with those details."),
        event(
            "x5",
            hours_ago=79,
            actor="agent",
            text="We can't accept this return because the boots have been worn. I've passed this to my supervisor, "
            "they will ring you by Thursday noon.",
        ),
        event("x6", hours_ago=30, channel="email", text="Still no call. I paid £1,249.99 for these at Footloose."),
    ]


def test_a_plain_text_journey_gives_a_full_cited_card() -> None:
    result = _card(_plain_journey(), "This is the third time I'm chasing this")
    card = result.summary
    assert card.goal is not None and card.goal.customer_words is not None
    assert card.goal.customer_words.startswith("I want to return the boots")  # the need, not the greeting
    assert [(p.overdue, p.citations) for p in card.promises] == [(True, ["x5"])]
    assert any(f.refused and f.reason and "worn" in f.reason and f.citations == ["x5"] for f in card.failures)
    assert any(f.step == "verification" and f.citations == ["x4"] for f in card.failures)
    assert [e.citations for e in card.escalations] == [["x5"]]
    facts = {(f.field, f.value): f.citations for f in card.facts}
    assert facts[("order_id", "2025550143")] == ["x3"]  # a valid US phone number, but it was asked for as an order
    assert facts[("amount", "£1,249.99")] == ["x6"] and facts[("merchant", "Footloose")] == ["x6"]
    assert ("order_id", "2025550143") in {(d.field, d.value) for d in result.do_not_ask}
    assert "[PHONE]" not in card.text


def test_the_card_reads_in_ten_seconds_whatever_the_history() -> None:
    events = [
        event(f"h{i}", hours_ago=60 - i, actor="system", kind="action", text=f"Step {i} failed: error E-{1000 + i}")
        for i in range(40)
    ]
    card = _card([*events, *_plain_journey()], "Where is my refund?").summary
    lines = card.text.splitlines()
    assert len(lines) <= 12 and lines[0].startswith("Goal:") and lines[1].startswith("Next step:")


def test_a_typed_phone_number_is_still_redacted_when_not_asked_for_a_reference() -> None:
    result = _card([event("y1", hours_ago=1, text="Please call me on 07700 900123 about my card")], None)
    assert "900123" not in result.model_dump_json()
