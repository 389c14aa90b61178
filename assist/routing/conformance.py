"""The routing policy conformance suite: journeys as data (evals/routing/journeys.yaml), run against the policy.

A journey is a customer's recent timeline, the message in hand and what the intent model said about it,
with the route a contact-centre lead expects. The intent is given rather than predicted, so a failure
here is a routing failure, never a classifier one. Two invariants are checked on every journey whatever
it expects: no journey with a friction signal goes to self-service, and self-service always comes with
a human alternative.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import frontmatter
import yaml
from pydantic import BaseModel, ConfigDict, Field

from assist.intents.models import IntentAlternative, IntentPrediction
from assist.knowledge.models import Answer
from assist.routing.models import HUMAN_ROUTES, Action, Priority, RouteType, TriageDecision
from assist.routing.policy import RoutingPolicy
from assist.routing.service import next_actions, triage
from assist.signals.models import Signals
from assist.signals.service import compute_signals
from assist.timeline.models import Actor, Channel, EventKind, TimelineEvent

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
_AGO = re.compile(r"^(\d+(?:\.\d+)?)([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JourneyEvent(_Strict):
    id: str | None = None
    ago: str = Field(pattern=_AGO.pattern, description="How long before the contact: 20m, 3h, 2d.")
    channel: Channel
    actor: Actor = "customer"
    kind: EventKind = "message"
    text: str = ""
    data: dict[str, Any] = Field(default_factory=dict)


class JourneyIntent(_Strict):
    label: str
    confidence: float = 0.95
    low_confidence: bool = False
    out_of_scope: bool = False


class Expectation(_Strict):
    route: RouteType
    queue: str | None = None
    priority: Priority | None = None
    rules: list[str] = Field(default_factory=list, description="Rule ids that must fire.")
    suppressed: list[RouteType] = Field(default_factory=list)
    signals: list[str] = Field(default_factory=list, description="Signal names that must be present.")
    done_steps: list[str] = Field(default_factory=list, description="Procedure steps the timeline shows done.")


class Journey(_Strict):
    id: str
    situation: str
    channel: Channel
    message: str
    intent: JourneyIntent
    answers: list[str] = Field(default_factory=list, description="Ids of approved articles the search returned.")
    events: list[JourneyEvent] = Field(default_factory=list)
    expect: Expectation


class JourneyResult(BaseModel):
    id: str
    passed: bool
    failures: list[str]
    route: RouteType
    queue: str
    priority: Priority
    friction: list[str]


def load_journeys(path: Path) -> list[Journey]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Journey.model_validate(item) for item in raw["journeys"]]


def load_answers(articles_dir: Path, ids: set[str]) -> dict[str, Answer]:
    """The approved text of the articles the journeys name, as the knowledge base would serve it."""
    found = {}
    for article_id in sorted(ids):
        post = frontmatter.load(articles_dir / f"{article_id}.md")
        if post.get("status") != "approved":
            raise ValueError(f"journey answer {article_id!r} is not an approved article")
        found[article_id] = Answer(
            article_id=article_id,
            version=int(str(post["version"])),
            title=str(post["title"]),
            text=post.content.strip(),
            score=0.8,
            owner=str(post["owner"]),
            updated=None,
        )
    return found


def timeline(journey: Journey, *, now: datetime = NOW) -> list[TimelineEvent]:
    events = []
    for i, item in enumerate(journey.events):
        amount, unit = _AGO.match(item.ago).groups()  # type: ignore[union-attr]
        events.append(
            TimelineEvent(
                event_id=item.id or f"{journey.id}.{i + 1}",
                customer_id=f"cus_{journey.id}",
                source_id=None,
                customer={"account_id": journey.id},
                channel=item.channel,
                actor=item.actor,
                kind=item.kind,
                occurred_at=now - timedelta(**{_UNITS[unit]: float(amount)}),
                text=item.text,
                data=item.data,
            )
        )
    return sorted(events, key=lambda e: e.occurred_at)


def prediction(journey: Journey) -> IntentPrediction:
    given = journey.intent
    return IntentPrediction(
        label="out_of_scope" if given.out_of_scope else given.label,
        confidence=given.confidence,
        out_of_scope=given.out_of_scope,
        low_confidence=given.low_confidence,
        alternatives=[IntentAlternative(label=given.label, confidence=round(1 - given.confidence, 3))],
        model_id="conformance",
    )


def decide(
    journey: Journey, *, policy: RoutingPolicy, answers: dict[str, Answer], now: datetime = NOW
) -> tuple[Signals, TriageDecision, list[Action]]:
    """Signals, route and agent actions for one journey: the stages the pipeline runs, minus I/O."""
    events = timeline(journey, now=now)
    intent = prediction(journey)
    served = [answers[a] for a in journey.answers]
    signals = compute_signals(events=events, message=journey.message, channel=journey.channel, intent=intent, now=now)
    decision = triage(intent=intent, signals=signals, answers=served, policy=policy, channel=journey.channel)
    actions = next_actions(intent=intent, signals=signals, answers=served, events=events, policy=policy)
    return signals, decision, actions


def check(journey: Journey, signals: Signals, decision: TriageDecision, actions: list[Action]) -> JourneyResult:
    expect, route = journey.expect, decision.route
    failures = []
    if route.type != expect.route:
        failures.append(f"route {route.type}, expected {expect.route}")
    if expect.queue and route.queue != expect.queue:
        failures.append(f"queue {route.queue}, expected {expect.queue}")
    if expect.priority and route.priority != expect.priority:
        failures.append(f"priority {route.priority}, expected {expect.priority}")
    failures += [f"rule {r} did not fire" for r in expect.rules if r not in decision.rules_fired]
    suppressed = {s.option for s in decision.suppressed}
    failures += [f"{o} not suppressed" for o in expect.suppressed if o not in suppressed]
    failures += [f"signal {s} missing" for s in expect.signals if not signals.has(s)]
    done = {step.id for action in actions for step in action.steps if step.done}
    failures += [f"step {s} not marked done" for s in expect.done_steps if s not in done]
    if signals.friction and route.type == "self_service":
        failures.append("invariant: a journey with friction was routed to self-service")
    if route.type == "self_service" and not any(a.type in HUMAN_ROUTES for a in decision.alternatives):
        failures.append("invariant: self-service without a human alternative")
    if not route.reasons or not route.rules:
        failures.append("invariant: route without reasons and rule ids")
    return JourneyResult(
        id=journey.id,
        passed=not failures,
        failures=failures,
        route=route.type,
        queue=route.queue,
        priority=route.priority,
        friction=[s.name for s in signals.friction],
    )


def run_suite(
    path: Path, *, policy: RoutingPolicy, articles_dir: Path
) -> tuple[list[JourneyResult], Literal["pass", "fail"]]:
    journeys = load_journeys(path)
    answers = load_answers(articles_dir, {a for j in journeys for a in j.answers})
    results = [check(j, *decide(j, policy=policy, answers=answers)) for j in journeys]
    return results, "pass" if all(r.passed for r in results) else "fail"
