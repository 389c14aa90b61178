"""compute_signals: sentiment, friction and risk for one contact, each with its evidence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from assist.dialogue.service import read_timeline
from assist.dialogue.vocabulary import BUILT_IN, ChannelMapping
from assist.signals import friction, risk, sentiment
from assist.signals.models import MESSAGE_EVIDENCE, SentimentPoint, Signal, Signals
from assist.timeline.models import TimelineEvent

if TYPE_CHECKING:
    from assist.intents.models import IntentPrediction

TREND_WINDOW = timedelta(days=7)
TREND_POINTS = 20
RECENT_TURNS = 3
MESSAGE_WEIGHT = 0.6  # the message in hand says more about the moment than earlier turns


def compute_signals(
    *,
    events: list[TimelineEvent],
    message: str | None,
    channel: str | None,
    intent: IntentPrediction | None,
    now: datetime,
    mapping: ChannelMapping = BUILT_IN,
) -> Signals:
    """Signals for a contact: `events` is the customer's timeline (oldest first), `message` the one in hand."""
    events = sorted((e for e in events if e.occurred_at <= now), key=lambda e: e.occurred_at)
    label = intent.label if intent is not None and not intent.out_of_scope else None
    # The whole timeline is read: a promise made weeks ago and never kept is still overdue. Signals that look
    # at the last 7 days only (failures, verifications, "I've been in touch") filter by time themselves.
    reading = read_timeline(events, message=message, channel=channel, now=now, mapping=mapping, entities=False)
    trend = _trend(events, message, now)
    mood = _overall(trend, has_message=bool(message and message.strip()))
    frictions = [
        friction.repeat_contact(events, reading, intent=label, channel=channel, now=now),
        friction.channel_switch(events, intent=label, channel=channel, now=now),
        friction.failed_self_service(events, reading, intent=label, now=now),
        friction.failed_verification(reading, now=now),
        friction.asked_for_person(events, message=message, now=now),
        friction.overdue_promise(reading, now=now),
    ]
    risks = [
        risk.fraud(events, message=message, intent=label, now=now),
        risk.vulnerability(events, message=message, now=now),
        risk.distress(events, message=message, sentiment=mood, now=now),
    ]
    return Signals(
        sentiment=mood,
        sentiment_label=sentiment.label(mood),  # type: ignore[arg-type]
        sentiment_trend=trend,
        friction=_present(frictions),
        risk=_present(risks),
    )


def _present(signals: Sequence[Signal | None]) -> list[Signal]:
    return [signal for signal in signals if signal is not None]


def _trend(events: Sequence[TimelineEvent], message: str | None, now: datetime) -> list[SentimentPoint]:
    recent = [
        e
        for e in events
        if e.actor == "customer" and e.kind == "message" and e.text.strip() and now - e.occurred_at <= TREND_WINDOW
    ][-TREND_POINTS:]
    turns = [
        SentimentPoint(event_id=e.event_id, occurred_at=e.occurred_at, score=round(sentiment.score(e.text), 3))
        for e in recent
    ]
    if message and message.strip():
        current = round(sentiment.score(message), 3)
        turns.append(SentimentPoint(event_id=MESSAGE_EVIDENCE, occurred_at=now, score=current))
    return turns


def _overall(trend: list[SentimentPoint], *, has_message: bool) -> float:
    if not trend:
        return 0.0
    current = trend[-1].score if has_message else None
    earlier = trend[:-1] if has_message else trend
    recent = [p.score for p in earlier[-RECENT_TURNS:]]
    if current is None:
        return round(sum(recent) / len(recent), 3)
    if not recent:
        return current
    return round(MESSAGE_WEIGHT * current + (1 - MESSAGE_WEIGHT) * sum(recent) / len(recent), 3)
