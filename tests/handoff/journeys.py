"""Builders of timeline events for handoff tests: readable journeys without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from assist.config import PROJECT_ROOT
from assist.handoff.models import HandoffResult
from assist.handoff.service import build_card
from assist.prompts.registry import PromptRegistry
from assist.signals.models import Signals
from assist.signals.service import compute_signals
from assist.timeline.models import TimelineEvent

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
PROMPTS = PromptRegistry(PROJECT_ROOT / "prompts")


def card(
    events: list[TimelineEvent],
    message: str | None = None,
    signals: Signals | None = None,
    *,
    real_signals: bool = False,
) -> HandoffResult:
    """The local card for a phone contact now; `real_signals` computes them with the signals stage."""
    if real_signals:
        signals = compute_signals(events=events, message=message, channel="phone", intent=None, now=NOW)
    return build_card(
        events=events,
        message=message,
        channel="phone",
        intent=None,
        signals=signals,
        now=NOW,
        llm=None,
        prompts=PROMPTS,
    )


def event(
    event_id: str,
    *,
    hours_ago: float,
    channel: str = "chat",
    actor: str = "customer",
    kind: str = "message",
    text: str = "",
    data: dict[str, Any] | None = None,
    customer: dict[str, str] | None = None,
) -> TimelineEvent:
    return TimelineEvent(
        event_id=event_id,
        customer_id="c1",
        source_id=None,
        customer=customer or {"email": "ana@example.com"},
        channel=channel,  # type: ignore[arg-type]
        actor=actor,  # type: ignore[arg-type]
        kind=kind,  # type: ignore[arg-type]
        occurred_at=NOW - timedelta(hours=hours_ago),
        text=text,
        data=data or {},
    )


def return_journey() -> list[TimelineEvent]:
    """A return that dead-ends in the app on a billing exception, then chat with a promised callback."""
    return [
        event(
            "e1",
            hours_ago=30,
            channel="app",
            actor="customer",
            kind="action",
            text="Requested a refund for order 88231",
            data={
                "step": "refund_request",
                "result": "failed",
                "reason": "billing exception",
                "references": {"order_id": "88231"},
                "intent": "request_refund",
            },
        ),
        event(
            "e2",
            hours_ago=29.5,
            channel="app",
            actor="customer",
            kind="action",
            text="Requested a refund for order 88231",
            data={"step": "refund_request", "result": "failed", "reason": "billing exception"},
        ),
        event(
            "e3",
            hours_ago=28,
            channel="chat",
            actor="customer",
            text="The app won't refund order 88231, it was £45.99 on my card ending 4242. Can you help?",
        ),
        event(
            "e4",
            hours_ago=27.9,
            channel="chat",
            actor="agent",
            text="Sorry about that. I've raised case CS-20931 and billing will call you back.",
            data={
                "references": {"case_id": "CS-20931"},
                "promise": {"what": "billing callback", "by": "agent", "due": "2026-11-20T09:00:00Z"},
            },
        ),
    ]
