"""The card's parts, each from the relevant events (already redacted) and each citing the events it came from.

Recency: newer items come first and older repeats are folded into counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from assist.handoff.episodes import is_resolution
from assist.handoff.facts import data_facts, identifier_facts, normalise, text_facts
from assist.handoff.models import (
    MESSAGE_ID,
    Attempt,
    Cited,
    Fact,
    Goal,
    JourneyStep,
    Promise,
    SentimentTrend,
)
from assist.intents.models import IntentPrediction
from assist.signals.models import Signals
from assist.timeline.conventions import parse_time
from assist.timeline.models import TimelineEvent

MAX_CITATIONS = 10
MAX_ATTEMPTS = 8
MAX_WORDS_CHARS = 240


def cite(ids: Iterable[str]) -> list[str]:
    unique = list(dict.fromkeys(ids))
    return unique[-MAX_CITATIONS:]


def journey(
    events: list[TimelineEvent], *, channel: str | None, message: str | None, now: datetime
) -> list[JourneyStep]:
    steps: list[JourneyStep] = []
    ids: list[str] = []
    for event in events:
        if steps and steps[-1].channel == event.channel:
            ids.append(event.event_id)
            steps[-1] = steps[-1].model_copy(
                update={"ended_at": event.occurred_at, "events": steps[-1].events + 1, "citations": cite(ids)}
            )
            continue
        ids = [event.event_id]
        steps.append(
            JourneyStep(
                text="",
                channel=event.channel,
                started_at=event.occurred_at,
                ended_at=event.occurred_at,
                events=1,
                citations=ids[:],
            )
        )
    if channel and message:
        steps.append(
            JourneyStep(text="", channel=channel, started_at=now, ended_at=now, events=0, citations=[MESSAGE_ID])
        )
    return [s.model_copy(update={"text": f"{s.channel} {s.started_at:%d %b %H:%M}"}) for s in steps]


def attempts(events: list[TimelineEvent]) -> tuple[list[Attempt], list[Attempt]]:
    """Self-service and agent steps folded by (step, result), newest first; failures not later fixed."""
    folded: dict[tuple[str, str | None], Attempt] = {}
    last_success: dict[str, datetime] = {}
    for event in events:
        data = event.data
        step = data.get("step") or ("verification" if data.get("verification") else None)
        if not step:
            continue
        result = data.get("result") or {"passed": "success", "failed": "failed"}.get(str(data.get("verification")))
        result = result if result in ("success", "failed") else None
        reason = str(data["reason"]) if data.get("reason") else None
        key = (str(step), result)
        if result == "success":
            last_success[str(step)] = event.occurred_at
        if key in folded:
            before = folded.pop(key)
            citations = cite([*before.citations, event.event_id])
            folded[key] = before.model_copy(
                update={
                    "count": before.count + 1,
                    "at": event.occurred_at,
                    "channel": event.channel,
                    "reason": reason or before.reason,
                    "citations": citations,
                }
            )
        else:
            folded[key] = Attempt(
                text="",
                step=str(step),
                result=result,
                reason=reason,
                channel=event.channel,
                at=event.occurred_at,
                citations=[event.event_id],
            )
    attempts = sorted(folded.values(), key=lambda a: a.at, reverse=True)[:MAX_ATTEMPTS]
    attempts = [a.model_copy(update={"text": _attempt_text(a)}) for a in attempts]
    failures = [
        a for a in attempts if a.result == "failed" and not (a.step in last_success and last_success[a.step] > a.at)
    ]
    return attempts, failures


def _attempt_text(a: Attempt) -> str:
    times = f" x{a.count}" if a.count > 1 else ""
    outcome = f"{a.result}" + (f" ({a.reason})" if a.reason else "") if a.result else "tried"
    return f"{a.step.replace('_', ' ')} in {a.channel}: {outcome}{times}, last {a.at:%d %b %H:%M}"


def promises(events: list[TimelineEvent], *, now: datetime) -> list[Promise]:
    promises: list[Promise] = []
    for index, event in enumerate(events):
        promise = event.data.get("promise")
        if not isinstance(promise, dict) or not promise.get("what"):
            continue
        due = parse_time(promise.get("due"))
        kept = any(is_resolution(later) or later.data.get("promise_kept") for later in events[index + 1 :])
        overdue = bool(due and due < now and not kept)
        what, by = str(promise["what"]), promise.get("by")
        text = f"{what}" + (f" by {by}" if by else "") + (f", due {due:%d %b %H:%M}" if due else "")
        text += " — OVERDUE" if overdue else (" — kept" if kept else "")
        promises.append(Promise(text=text, what=what, by=by, due=due, overdue=overdue, citations=[event.event_id]))
    return promises[::-1]


def facts(events: list[TimelineEvent], all_events: list[TimelineEvent], message: str | None) -> list[Fact]:
    """Facts from relevant events and the message, newest first; identifiers from every linked event."""
    sightings: list[tuple[str, str, str]] = []  # (field, value, source), oldest first
    for event in events:
        sightings += [(kind, value, event.event_id) for kind, value in data_facts(event.data)]
        if event.actor in ("customer", "agent") and event.text:
            sightings += [(kind, value, event.event_id) for kind, value in text_facts(event.text)]
    sightings += [(kind, value, MESSAGE_ID) for kind, value in text_facts(message or "")]
    # One fact per value (the first field named wins), ranked by its latest sighting.
    found: dict[str, tuple[str, str, list[str], int]] = {}
    for position, (kind, value, source) in enumerate(sightings):
        key = normalise(value)
        first_kind, first_value, sources, _ = found.get(key, (kind, value, [], 0))
        found[key] = (first_kind, first_value, [*sources, source], position)
    ranked = sorted(found.values(), key=lambda item: item[3], reverse=True)
    facts = [Fact(field=f, value=v, citations=cite(ids)) for f, v, ids, _ in ranked]
    # Identifiers ride on every event, so the first and latest relevant sightings are cited. One seen only
    # in older history (another linked identity) is still on file, cited by the latest event that carried it.
    seen: dict[tuple[str, str], list[str]] = {}
    for event in events:
        for pair in identifier_facts(event.customer):
            seen.setdefault(pair, []).append(event.event_id)
    older: dict[tuple[str, str], list[str]] = {}
    for event in all_events:
        for pair in identifier_facts(event.customer):
            if pair not in seen:
                older[pair] = [event.event_id]
    merged = {(f.field, f.value): f for f in facts}
    for (kind, value), ids in (seen | older).items():
        known = merged.get((kind, value))
        citations = cite([*(known.citations if known else []), ids[0], ids[-1]])
        merged[(kind, value)] = Fact(field=kind, value=value, citations=citations)
    return list(merged.values())


def goal(events: list[TimelineEvent], *, message: str | None, intent: IntentPrediction | None) -> Goal | None:
    label = intent.label if intent and not intent.out_of_scope else None
    labelled = [e.event_id for e in events if e.data.get("intent") and (label is None or e.data["intent"] == label)]
    if label is None and labelled:
        label = next(e.data["intent"] for e in reversed(events) if e.data.get("intent"))
    # The customer's first words about this intent state the goal; later ones tend to be complaints, and a
    # bare "NO" or "thanks" says nothing about it.
    said = [e for e in events if e.actor == "customer" and e.kind == "message" and len(e.text.split()) >= 4]
    said = [e for e in said if label and e.data.get("intent") == label] or said
    if said:
        words, source = said[0].text, said[0].event_id
    elif message:
        words, source = message, MESSAGE_ID
    else:
        return Goal(text=str(label), intent=label, customer_words=None, citations=cite(labelled)) if labelled else None
    words = words.strip()[:MAX_WORDS_CHARS]
    text = f"{label.replace('_', ' ')}: \u201c{words}\u201d" if label else f"\u201c{words}\u201d"
    return Goal(text=text, intent=label, customer_words=words, citations=cite([*labelled[-3:], source]))


def sentiment(events: list[TimelineEvent], signals: Signals | None, message: str | None) -> SentimentTrend | None:
    if signals is None:
        return None
    ids = {e.event_id for e in events}
    points = [(p.event_id, p.score) for p in signals.sentiment_trend if p.event_id in ids]
    if message:
        points.append((MESSAGE_ID, signals.sentiment))
    if len(points) < 2:
        return None
    scores = [round(score, 2) for _, score in points]
    edge = min(2, len(scores) // 2)  # compare the first and last turns, two of each when there are enough
    change = sum(scores[-edge:]) / edge - sum(scores[:edge]) / edge
    direction = "improving" if change > 0.2 else "worsening" if change < -0.2 else "steady"
    text = f"{direction} ({scores[0]:+.1f} \u2192 {scores[-1]:+.1f} over {len(scores)} turns)"
    return SentimentTrend(text=text, direction=direction, scores=scores, citations=cite(i for i, _ in points))


def open_question(events: list[TimelineEvent], message: str | None) -> Cited | None:
    if message and "?" in message:
        question = message[: message.rindex("?") + 1].strip()
        return Cited(text=question[-MAX_WORDS_CHARS:], citations=[MESSAGE_ID])
    for event in reversed(events):
        if event.actor in ("agent", "bot") and event.kind == "message":
            return None  # the last thing asked was answered, as far as the timeline shows
        if event.actor == "customer" and "?" in event.text:
            question = event.text[: event.text.rindex("?") + 1].strip()
            return Cited(text=question[-MAX_WORDS_CHARS:], citations=[event.event_id])
    return None


def next_step(
    *,
    signals: Signals | None,
    promises: list[Promise],
    failures: list[Attempt],
    question: Cited | None,
    goal: Goal | None,
) -> Cited | None:
    fraud = signals.get("fraud") if signals else None
    if fraud and fraud.evidence:
        return Cited(
            text="Treat as suspected fraud: confirm what the customer reported, secure the account and card, "
            "and raise a fraud case; do not ask them to repeat the transaction details.",
            citations=cite(fraud.evidence),
        )
    if overdue := [p for p in promises if p.overdue]:
        p = overdue[0]
        return Cited(
            text=f"Apologise that \u201c{p.what}\u201d was not done when promised and do it now.", citations=p.citations
        )
    for failure in failures:
        if failure.step == "verification":
            return Cited(
                text="Verify identity another way; do not repeat the method that already failed.",
                citations=failure.citations,
            )
    if failures:
        f = failures[0]
        because = f" ({f.reason})" if f.reason else ""
        return Cited(
            text=f"Complete {f.step.replace('_', ' ')} for the customer: it failed in {f.channel}{because}; "
            f"do not send them back to {f.channel}.",
            citations=f.citations,
        )
    if question:
        return Cited(text=f"Answer: {question.text}", citations=question.citations)
    if goal:
        return Cited(text="Confirm the goal and resolve it in this contact.", citations=goal.citations)
    return None
