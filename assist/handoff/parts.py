"""What happened, as card parts: the path, attempts and failures, promises, escalations, facts given.

Each part comes from the Reading of the relevant events (already redacted) and cites the events it came
from. Recency: newer items come first and older repeats are folded into counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from assist.dialogue.entities import normalise
from assist.dialogue.models import Reading, Step, Verification
from assist.handoff.models import MESSAGE_ID, Attempt, Cited, Fact, JourneyStep, Promise
from assist.timeline.models import TimelineEvent

MAX_CITATIONS = 10
MAX_ATTEMPTS = 8
MAX_ESCALATIONS = 3
MAX_ADVICE = 2
MAX_ADVICE_CHARS = 160
# Identifiers a customer is known by; emails and phones only as placeholders (on file, do not ask).
IDENTIFIER_FACTS = {"account_id": None, "email": "[EMAIL]", "phone": "[PHONE]", "handle": None}


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


def _tries(reading: Reading) -> Iterator[tuple[str, str | None, Step | Verification]]:
    """(step, result, item) for every attempt and verification, oldest first."""
    items: list[Step | Verification] = sorted([*reading.steps, *reading.verifications], key=lambda i: i.at)
    for item in items:
        if isinstance(item, Verification):
            yield "verification", "success" if item.outcome == "passed" else "failed", item
        else:
            yield item.step, item.result, item


def attempts(reading: Reading) -> tuple[list[Attempt], list[Attempt]]:
    """Steps folded by (step, result), newest first; and the failures not later fixed by a success."""
    folded: dict[tuple[str, str | None], Attempt] = {}
    last_success: dict[str, datetime] = {}
    for step, result, item in _tries(reading):
        key = (step.replace("_", " ").lower(), result)
        if result == "success":
            last_success[key[0]] = item.at
        count = item.count if isinstance(item, Step) else 1
        if key in folded:
            before = folded.pop(key)
            folded[key] = before.model_copy(
                update={
                    "count": before.count + count,
                    "at": item.at,
                    "channel": item.channel,
                    "reason": item.reason or before.reason,
                    "citations": cite([*before.citations, item.event_id]),
                }
            )
            continue
        folded[key] = Attempt(
            text="",
            step=step,
            result=result,  # type: ignore[arg-type]
            reason=item.reason,
            channel=item.channel,
            at=item.at,
            count=count,
            refused=isinstance(item, Step) and item.refusal,
            citations=[item.event_id],
        )
    ranked = sorted(folded.items(), key=lambda kv: kv[1].at, reverse=True)[:MAX_ATTEMPTS]
    tried = [a.model_copy(update={"text": _attempt_text(a)}) for _, a in ranked]
    keys = [k for k, _ in ranked]
    failures = [
        a
        for (name, _), a in zip(keys, tried, strict=True)
        if a.result == "failed" and not (name in last_success and last_success[name] > a.at)
    ]
    return tried, failures


def _attempt_text(a: Attempt) -> str:
    times = f" x{a.count}" if a.count > 1 else ""
    outcome = ("refused" if a.refused else a.result or "tried") + (f" ({a.reason})" if a.reason else "")
    return f"{a.step.replace('_', ' ')} in {a.channel}: {outcome}{times}, {a.at:%d %b %H:%M}"


def promises(reading: Reading, *, now: datetime) -> list[Promise]:
    """Promises newest first; overdue when the due time has passed and nothing later kept them."""
    found: list[Promise] = []
    for p in reading.promises:
        kept = p.event_id in reading.kept
        overdue = bool(p.due and p.due < now and not kept)
        text = f"{p.what}" + (f" by {p.by}" if p.by else "") + (f", due {p.due:%a %d %b %H:%M}" if p.due else "")
        text += " — OVERDUE" if overdue else (" — kept" if kept else "")
        citations = [p.event_id, *([reading.kept[p.event_id]] if kept else [])]
        found.append(Promise(text=text, what=p.what, by=p.by, due=p.due, overdue=overdue, citations=citations))
    # Overdue promises first: they are what the next person must put right.
    return sorted(found[::-1], key=lambda p: not p.overdue)


def escalations(reading: Reading) -> list[Cited]:
    items = [Cited(text=f"to {h.to} ({h.actor} in {h.channel}, {h.at:%d %b %H:%M})", citations=[h.event_id])
             for h in reading.handovers]  # fmt: skip
    return items[::-1][:MAX_ESCALATIONS]


def advised(reading: Reading) -> list[Cited]:
    """The latest things the customer was asked or advised to do, newest first, in the words used."""
    items = [Cited(text=a.text[:MAX_ADVICE_CHARS], citations=[a.event_id]) for a in reading.advice]
    return items[::-1][:MAX_ADVICE]


def facts(reading: Reading, events: list[TimelineEvent], all_events: list[TimelineEvent]) -> list[Fact]:
    """Facts from the relevant events and the message, newest first; identifiers from every linked event."""
    found: dict[str, tuple[str, str, list[str], int]] = {}
    order = {e.event_id: i for i, e in enumerate(events)} | {MESSAGE_ID: len(events)}
    for entity in sorted(reading.entities, key=lambda e: order.get(e.event_id, 0)):
        key = normalise(entity.value)
        first_field, first_value, sources, _ = found.get(key, (entity.field, entity.value, [], 0))
        found[key] = (first_field, first_value, [*sources, entity.event_id], order.get(entity.event_id, 0))
    ranked = sorted(found.values(), key=lambda item: item[3], reverse=True)
    merged = {(f, v): Fact(field=f, value=v, citations=cite(ids)) for f, v, ids, _ in ranked}
    # Identifiers ride on every event, so the first and latest relevant sightings are cited. One seen only
    # in older history (another linked identity) is still on file, cited by the latest event that carried it.
    seen: dict[tuple[str, str], list[str]] = {}
    for event in events:
        for pair in _identifiers(event.customer):
            seen.setdefault(pair, []).append(event.event_id)
    older: dict[tuple[str, str], list[str]] = {}
    for event in all_events:
        for pair in _identifiers(event.customer):
            if pair not in seen:
                older[pair] = [event.event_id]
    for (field, value), ids in (seen | older).items():
        known = merged.get((field, value))
        merged[(field, value)] = Fact(
            field=field, value=value, citations=cite([*(known.citations if known else []), ids[0], ids[-1]])
        )
    return list(merged.values())


def _identifiers(customer: dict[str, str]) -> Iterator[tuple[str, str]]:
    for field, placeholder in IDENTIFIER_FACTS.items():
        if value := customer.get(field):
            yield field, placeholder or value
