"""The handoff journey suite (evals/handoff/journeys.yaml): load, run through build_card, score.

Scores, over all journeys: key-fact recall (expected facts, failures, promises and goal intent found on the
card), unsupported citations (a cited id that is not an event or the message, or an event that does not
hold the cited fact), personal-data leaks (anything `redact` would still change, or a listed secret), and
do-not-ask coverage of the references the customer gave.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assist.dialogue.entities import normalise
from assist.handoff.models import MESSAGE_ID, HandoffResult
from assist.handoff.service import build_card
from assist.intents.models import IntentPrediction
from assist.privacy.redact import redact, redact_obj
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


def resolved_noise(n: int, *, end: datetime, seed: int = 0) -> list[TimelineEvent]:
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
                    data={"status": "resolved"} if last else {"intent": intent, "references": {"order_id": order}},
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
    return [*resolved_noise(journey.noise, end=start, seed=len(journey.id)), *own]


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


class JourneyScore(BaseModel):
    id: str
    expected: int
    found: int
    missing: list[str]
    unsupported: list[str]
    leaks: list[str]
    do_not_ask_missing: list[str]


def score_journey(journey: Journey, result: HandoffResult, events: list[TimelineEvent]) -> JourneyScore:
    card, exp = result.summary, journey.expect
    fact_values = {(f.field, normalise(f.value)) for f in card.facts}
    checks: dict[str, bool] = {}
    for fact in exp.facts:
        for field, value in fact.items():
            checks[f"fact {field}={value}"] = (field, normalise(value)) in fact_values
    for step in exp.failures:
        checks[f"failure {step}"] = any(f.step == step for f in card.failures)
    for promise in exp.promises:
        checks[f"promise {promise['what']}"] = any(
            promise["what"] in p.what and p.overdue == promise.get("overdue", p.overdue) for p in card.promises
        )
    if exp.intent:
        checks[f"intent {exp.intent}"] = card.goal is not None and card.goal.intent == exp.intent
    if exp.next_step_contains:
        checks["next step"] = bool(card.next_step and exp.next_step_contains.lower() in card.next_step.text.lower())
    for value in exp.absent:
        checks[f"absent {value}"] = value not in card.text and value not in {f.value for f in card.facts}
    return JourneyScore(
        id=journey.id,
        expected=len(checks),
        found=sum(checks.values()),
        missing=[name for name, ok in checks.items() if not ok],
        unsupported=_unsupported(result, events, journey.message),
        leaks=_leaks(result, exp.secrets),
        do_not_ask_missing=[f for f in exp.do_not_ask if f not in {d.field for d in result.do_not_ask}],
    )


def _unsupported(result: HandoffResult, events: list[TimelineEvent], message: str | None) -> list[str]:
    """Citations of ids that do not exist, and facts whose cited event does not hold the value."""
    said = {e.event_id: (redact(e.text) + json.dumps(redact_obj(e.data), ensure_ascii=False)) for e in events}
    identifiers = {e.event_id: e.customer for e in events}
    if message:
        said[MESSAGE_ID] = redact(message)
    bad = [f"{c} (no such event)" for c in result.summary.citations if c not in said]
    for fact in result.summary.facts:
        for c in fact.citations:
            holds = normalise(fact.value) in normalise(said.get(c, "")) or fact.field in identifiers.get(c, {})
            if not holds:
                bad.append(f"{fact.field}={fact.value} cites {c}")
    return bad


def _leaks(result: HandoffResult, secrets: list[str]) -> list[str]:
    dumped = result.model_dump(mode="json")
    text = json.dumps(dumped, ensure_ascii=False)
    leaks = [s for s in secrets if s in text]
    if redact_obj(dumped) != dumped:
        leaks.append("redact() still finds personal data in the result")
    return leaks


def evaluate(path: Path, *, prompts: PromptRegistry) -> dict[str, Any]:
    scores = []
    for journey in load_journeys(path):
        result, events = run_journey(journey, prompts=prompts)
        scores.append(score_journey(journey, result, events))
    expected = sum(s.expected for s in scores)
    return {
        "journeys": len(scores),
        "key_fact_recall": round(sum(s.found for s in scores) / expected, 4) if expected else 1.0,
        "unsupported_citations": sum(len(s.unsupported) for s in scores),
        "personal_data_leaks": sum(len(s.leaks) for s in scores),
        "do_not_ask_missing": sum(len(s.do_not_ask_missing) for s in scores),
        "failures": [s.model_dump() for s in scores if s.missing or s.unsupported or s.leaks or s.do_not_ask_missing],
        "evaluated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
