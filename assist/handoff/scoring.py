"""Scoring of one handoff journey: key facts found, citations supported, no personal data, do-not-ask.

Text-only runs (every `data` removed) are scored by what the card's items cite: a failure or promise counts
when the card shows one citing the event that had it, since its name in words is the writer's, not the
channel system's step id. Facts are matched by value.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from assist.dialogue.entities import normalise
from assist.handoff.models import MESSAGE_ID, HandoffResult
from assist.privacy.redact import redact, redact_obj
from assist.timeline.models import TimelineEvent

if TYPE_CHECKING:
    from assist.handoff.evaluate import Journey


class JourneyScore(BaseModel):
    id: str
    expected: int
    found: int
    missing: list[str]
    unsupported: list[str]
    leaks: list[str]
    do_not_ask_missing: list[str]
    unstated: list[str] = Field(default_factory=list, description="Text-only: expected facts no text states.")


def _sources(journey: Journey, test: str, value: str) -> set[str]:
    """Ids of the journey's events whose data holds the expected failure step or promise."""
    found = set()
    for e in journey.events:
        promise = e.data.get("promise")
        if test == "failure" and (
            (e.data.get("step") == value and e.data.get("result") == "failed")
            or (value == "verification" and e.data.get("verification") == "failed")
        ):
            found.add(e.id)
        if test == "promise" and isinstance(promise, dict) and value in str(promise.get("what", "")):
            found.add(e.id)
    return found


def score_journey(
    journey: Journey, result: HandoffResult, events: list[TimelineEvent], *, reference: HandoffResult | None = None
) -> JourneyScore:
    """`reference` is the card from the journey with its data: given, the run was text-only and is scored by
    citations (its next step must cite what the reference's next step cites)."""
    card, exp, text = result.summary, journey.expect, reference is not None
    fact_values = {(f.field, normalise(f.value)) for f in card.facts}
    values = {normalise(f.value) for f in card.facts}
    checks: dict[str, bool] = {}
    # What the events say in words (raw and redacted) and the identifiers they carry (shown as placeholders).
    said = [journey.message or "", *(e.text for e in journey.events)]
    said += [redact(t) for t in said] + [
        f"{k} {v} [{k.upper()}]" for e in journey.events for k, v in e.customer.items()
    ]
    stated = normalise(" ".join(said))
    unstated = [f"{f}={v}" for fact in exp.facts for f, v in fact.items() if text and normalise(v) not in stated]
    for fact in exp.facts:
        for field, value in fact.items():
            if f"{field}={value}" in unstated:
                continue  # only the data said it: nothing to find in text
            found = normalise(value) in values if text else (field, normalise(value)) in fact_values
            checks[f"fact {field}={value}"] = found
    for step in exp.failures:
        cited = _sources(journey, "failure", step)
        checks[f"failure {step}"] = any((set(f.citations) & cited) if text else f.step == step for f in card.failures)
    for promise in exp.promises:
        cited = _sources(journey, "promise", promise["what"])
        checks[f"promise {promise['what']}"] = any(
            ((set(p.citations) & cited) if text else promise["what"] in p.what)
            and p.overdue == promise.get("overdue", p.overdue)
            for p in card.promises
        )
    for event_id in exp.failed_in:
        checks[f"failure in {event_id}"] = any(event_id in f.citations for f in card.failures)
    for promise in exp.promised_in:
        checks[f"promise in {promise['event']}"] = any(
            promise["event"] in p.citations and p.overdue == promise.get("overdue", p.overdue) for p in card.promises
        )
    for event_id in exp.escalated_in:
        checks[f"escalation in {event_id}"] = any(event_id in e.citations for e in card.escalations)
    if exp.goal_words:
        words = (card.goal.customer_words or "") if card.goal else ""
        checks["goal words"] = exp.goal_words.lower() in words.lower()
    if exp.intent:
        checks[f"intent {exp.intent}"] = card.goal is not None and card.goal.intent == exp.intent
    if exp.next_step_contains and reference is not None and reference.summary.next_step:
        wanted = set(reference.summary.next_step.citations)
        checks["next step"] = bool(card.next_step and set(card.next_step.citations) & wanted)
    elif exp.next_step_contains:
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
        do_not_ask_missing=[m for m in _do_not_ask_missing(journey, result, text=text) if m not in unstated],
        unstated=unstated,
    )


def _do_not_ask_missing(journey: Journey, result: HandoffResult, *, text: bool) -> list[str]:
    if not text:
        return [f for f in journey.expect.do_not_ask if f not in {d.field for d in result.do_not_ask}]
    # Text-only: the values of the expected facts of those fields must be in do-not-ask, whatever field name.
    given = {normalise(d.value) for d in result.do_not_ask}
    wanted = [(f, v) for fact in journey.expect.facts for f, v in fact.items() if f in journey.expect.do_not_ask]
    return [f"{f}={v}" for f, v in wanted if normalise(v) not in given]


def _unsupported(result: HandoffResult, events: list[TimelineEvent], message: str | None) -> list[str]:
    """Citations of ids that do not exist, and facts whose cited event does not hold the value."""
    # What each event says, raw and redacted: a reference kept from redaction is held by the raw text.
    said = {
        e.event_id: f"{e.text} {redact(e.text)} {json.dumps(redact_obj(e.data), ensure_ascii=False)}" for e in events
    }
    identifiers = {e.event_id: e.customer for e in events}
    if message:
        said[MESSAGE_ID] = redact(message)
    bad = [f"{c} (no such event)" for c in result.summary.citations if c not in said]
    for fact in result.summary.facts:
        for c in fact.citations:
            text = normalise(said.get(c, ""))
            # An amount is shown in one form ("2,500 euros" -> "€2,500"): its number must be in the event.
            value = normalise(fact.value).lstrip("£$€") if fact.field == "amount" else normalise(fact.value)
            holds = value in text or fact.field in identifiers.get(c, {})
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
