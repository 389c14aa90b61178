"""The handoff journey suite (evals/handoff/journeys.yaml): load, run through build_card, score.

Scores, over all journeys: key-fact recall (expected facts, failures, promises and goal intent found on the
card), unsupported citations (a cited id that is not an event or the message, or an event that does not
hold the cited fact), personal-data leaks (anything `redact` would still change, or a listed secret), and
do-not-ask coverage of the references the customer gave.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assist.handoff.models import HandoffResult
from assist.handoff.scoring import score_journey
from assist.handoff.service import build_card
from assist.intents.models import IntentPrediction
from assist.prompts.registry import PromptRegistry
from assist.signals.service import compute_signals
from assist.timeline.models import TimelineEvent

_NOISE_INTENTS = ("change_address", "card_delivery", "top_up", "exchange_rate", "pin_reset", "statement_copy")
_NOISE_CHANNELS = ("chat", "email", "phone", "app", "web")


class JourneyEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    hours_ago: float
    channel: str = "chat"
    actor: str = "customer"
    kind: str = "message"
    text: str = ""
    data: dict[str, Any] = Field(default_factory=dict)
    customer: dict[str, str] = Field(default_factory=lambda: {"email": "cust@example.com"})


class Expected(BaseModel):
    model_config = ConfigDict(extra="forbid")

    facts: list[dict[str, str]] = Field(default_factory=list, description="{field: value} pairs")
    failures: list[str] = Field(default_factory=list)
    promises: list[dict[str, Any]] = Field(default_factory=list, description="{what, overdue}")
    intent: str | None = None
    next_step_contains: str | None = None
    do_not_ask: list[str] = Field(default_factory=list, description="fields the customer gave")
    absent: list[str] = Field(default_factory=list, description="values from noise that must not show")
    secrets: list[str] = Field(default_factory=list, description="personal data that must not show")
    # Plain-text journeys name the events that hold a failure, promise or escalation (there is no step id).
    failed_in: list[str] = Field(default_factory=list, description="events a card failure must cite")
    promised_in: list[dict[str, Any]] = Field(default_factory=list, description="{event, overdue}")
    escalated_in: list[str] = Field(default_factory=list, description="events a card escalation must cite")
    goal_words: str | None = Field(default=None, description="words the goal must quote (the need, not a greeting)")


class Journey(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    description: str
    now: datetime
    channel: str
    message: str | None = None
    intent: str | None = None
    noise: int = 0
    events: list[JourneyEvent]
    expect: Expected
    text_only: bool = Field(default=False, description="Run with no `data` anywhere, noise included.")


def resolved_noise(n: int, *, end: datetime, seed: int = 0, text_only: bool = False) -> list[TimelineEvent]:
    """`n` events of old, resolved contacts ending at `end`: the history a long-standing customer has."""
    rng = random.Random(seed)
    events: list[TimelineEvent] = []
    at = end
    while len(events) < n:
        intent, order = rng.choice(_NOISE_INTENTS), f"N-{rng.randrange(10_000, 99_999)}"
        size = min(rng.randint(2, 5), n - len(events))
        for i in range(size):
            last = i == size - 1
            events.append(
                TimelineEvent(
                    event_id=f"n{len(events)}",
                    customer_id="c1",
                    source_id=None,
                    customer={"email": "cust@example.com"},
                    channel=rng.choice(_NOISE_CHANNELS),  # type: ignore[arg-type]
                    actor="agent" if last else "customer",
                    kind="status" if last else "message",
                    occurred_at=at,
                    text="Sorted, closing this." if last else f"About order {order}: £{rng.randint(5, 300)}.00 ok?",
                    data={}
                    if text_only
                    else {"status": "resolved"}
                    if last
                    else {"intent": intent, "references": {"order_id": order}},
                )
            )
            at += timedelta(minutes=rng.randint(5, 90))
        at += timedelta(hours=8 * size)
    shift = end - events[-1].occurred_at if events else timedelta(0)
    return [e.model_copy(update={"occurred_at": e.occurred_at + shift}) for e in events]


def load_journeys(path: Path) -> list[Journey]:
    return [Journey.model_validate(raw) for raw in yaml.safe_load(path.read_text(encoding="utf-8"))]


def journey_events(journey: Journey) -> list[TimelineEvent]:
    own = [
        TimelineEvent(
            event_id=e.id,
            customer_id="c1",
            source_id=None,
            customer=e.customer,
            channel=e.channel,  # type: ignore[arg-type]
            actor=e.actor,
            kind=e.kind,
            occurred_at=journey.now - timedelta(hours=e.hours_ago),  # type: ignore[arg-type]
            text=e.text,
            data=e.data,
        )
        for e in journey.events
    ]
    start = min(e.occurred_at for e in own) - timedelta(days=3)
    noise = resolved_noise(journey.noise, end=start, seed=len(journey.id), text_only=journey.text_only)
    return [*noise, *own]


def _intent(label: str | None) -> IntentPrediction | None:
    if label is None:
        return None
    return IntentPrediction(
        label=label, confidence=0.9, out_of_scope=False, low_confidence=False, alternatives=[], model_id="eval"
    )


def run_journey(
    journey: Journey, *, prompts: PromptRegistry, llm: Any = None
) -> tuple[HandoffResult, list[TimelineEvent]]:
    events = journey_events(journey)
    intent = _intent(journey.intent)
    signals = compute_signals(
        events=events, message=journey.message, channel=journey.channel, intent=intent, now=journey.now
    )
    result = build_card(
        events=events,
        message=journey.message,
        channel=journey.channel,
        intent=intent,
        signals=signals,
        now=journey.now,
        llm=llm,
        prompts=prompts,
    )
    return result, events


def text_only(journey: Journey) -> Journey:
    """The journey as a channel system that sends only what was said would post it: every `data` removed."""
    return journey.model_copy(
        update={"events": [e.model_copy(update={"data": {}}) for e in journey.events], "text_only": True}
    )


def evaluate(path: Path, *, prompts: PromptRegistry, text: bool = False) -> dict[str, Any]:
    """Scores over the suite; `text=True` runs every journey text-only and scores by what each item cites."""
    scores = []
    for journey in load_journeys(path):
        result, events = run_journey(journey, prompts=prompts)
        if text:
            reference = result
            result, events = run_journey(text_only(journey), prompts=prompts)
            scores.append(score_journey(journey, result, events, reference=reference))
        else:
            scores.append(score_journey(journey, result, events))
    expected = sum(s.expected for s in scores)
    return {
        "journeys": len(scores),
        "key_fact_recall": round(sum(s.found for s in scores) / expected, 4) if expected else 1.0,
        "unsupported_citations": sum(len(s.unsupported) for s in scores),
        "personal_data_leaks": sum(len(s.leaks) for s in scores),
        "do_not_ask_missing": sum(len(s.do_not_ask_missing) for s in scores),
        "unstated_facts": sum(len(s.unstated) for s in scores),
        "failures": [s.model_dump() for s in scores if s.missing or s.unsupported or s.leaks or s.do_not_ask_missing],
        "evaluated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
