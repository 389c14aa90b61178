"""Friction: what has made this contact harder than it should be, read from the timeline's event data.

The event `data` conventions these rules read are documented for channel systems in docs/events.md.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from assist.signals.models import MESSAGE_EVIDENCE, Signal
from assist.timeline.conventions import parse_time
from assist.timeline.models import TimelineEvent

WINDOW = timedelta(days=7)
SESSION_GAP = timedelta(minutes=60)  # turns closer than this on one channel are one contact
ASK_WINDOW = timedelta(hours=24)

_PERSON = (
    r"(?:a |an |to a |to an |with a |with an )?(?:real |actual |live |proper )?"
    r"(?:person|human|agent|operator|representative|rep|advisor|adviser|manager|supervisor|someone|somebody|people)"
)
ASK_FOR_PERSON = re.compile(
    rf"\b(?:speak|talk|chat|get through|connect me|put me through|transfer me|escalate)\b[^.?!]{{0,25}}\b{_PERSON}\b"
    r"|\b(?:not|no more|stop)\b[^.?!]{0,12}\b(?:a )?(?:bot|robot|machine|chatbot|automated)"
    r"|\b(?:call me|ring me|phone me|call me back|human please|agent please|person please)\b"
    r"|\b(?:want|need|get me)\s+(?:a |an |to )?(?:real |actual |live )?(?:person|human|agent|representative)\b",
    re.IGNORECASE,
)
DECLINES_PERSON = re.compile(
    r"\b(?:don't|do not|no need to|not)\s+(?:need|want)?\s*(?:to\s+)?(?:speak|talk|call)\b", re.IGNORECASE
)


def event_intent(event: TimelineEvent) -> str | None:
    value = event.data.get("intent")
    return value if isinstance(value, str) and value else event.intent


def same_need(event: TimelineEvent, intent: str | None) -> bool:
    """An event is about this need unless it is tagged with a different intent."""
    tagged = event_intent(event)
    return tagged is None or intent is None or tagged == intent


def _sessions(events: Sequence[TimelineEvent]) -> list[list[TimelineEvent]]:
    sessions: list[list[TimelineEvent]] = []
    for event in events:
        last = sessions[-1][-1] if sessions else None
        if last and last.channel == event.channel and event.occurred_at - last.occurred_at <= SESSION_GAP:
            sessions[-1].append(event)
        else:
            sessions.append([event])
    return sessions


def repeat_contact(
    events: Sequence[TimelineEvent], *, intent: str | None, channel: str | None, now: datetime
) -> Signal | None:
    """Earlier contacts (customer messages, grouped into sessions) on the same intent in the last 7 days.

    The conversation the current message belongs to is not an earlier contact.
    """
    if intent is None:
        return None
    messages = [e for e in events if e.actor == "customer" and e.kind == "message" and now - e.occurred_at <= WINDOW]
    sessions = _sessions(messages)
    if sessions and sessions[-1][-1].channel == channel and now - sessions[-1][-1].occurred_at <= SESSION_GAP:
        sessions = sessions[:-1]  # the conversation the current message belongs to
    earlier = [s for s in sessions if any(event_intent(e) == intent for e in s)]
    if not earlier:
        return None
    channels = sorted({s[0].channel for s in earlier} | ({channel} if channel else set()))
    n = len(earlier)
    return Signal(
        name="repeat_contact",
        kind="friction",
        detail=f"{n} earlier contact{'s' if n > 1 else ''} about {intent.replace('_', ' ')} in 7 days"
        f" ({', '.join(channels)})",
        evidence=[e.event_id for s in earlier for e in s if event_intent(e) == intent],
        strength=min(1.0, 0.5 + 0.25 * n),
    )


def channel_switch(
    events: Sequence[TimelineEvent], *, intent: str | None, channel: str | None, now: datetime
) -> Signal | None:
    """The customer moved between channels on this need in the last 7 days."""
    turns = [e for e in events if e.actor == "customer" and now - e.occurred_at <= WINDOW and same_need(e, intent)]
    path = [(e.channel, e.event_id) for e in turns] + ([(channel, MESSAGE_EVIDENCE)] if channel else [])
    switches = [(prev[0], cur) for prev, cur in itertools.pairwise(path) if prev[0] != cur[0]]
    if not switches:
        return None
    route = " → ".join([switches[0][0], *(cur[0] for _, cur in switches)])
    return Signal(
        name="channel_switch",
        kind="friction",
        detail=f"{len(switches)} channel switch{'es' if len(switches) > 1 else ''}: {route}",
        evidence=[cur[1] for _, cur in switches],
        strength=min(1.0, 0.4 + 0.3 * len(switches)),
    )


def failed_self_service(events: Sequence[TimelineEvent], *, intent: str | None, now: datetime) -> Signal | None:
    """Self-service steps that failed in the last 7 days, after the last success of the same step."""
    failed: list[TimelineEvent] = []
    for event in events:
        step = event.data.get("step")
        if not step or event.actor == "agent" or now - event.occurred_at > WINDOW or not same_need(event, intent):
            continue
        if event.data.get("result") == "failed":
            failed.append(event)
        elif event.data.get("result") == "success":
            failed = [e for e in failed if e.data.get("step") != step]
    if not failed:
        return None
    steps = sorted({str(e.data["step"]).replace("_", " ") for e in failed})
    where = sorted({e.channel for e in failed})
    return Signal(
        name="failed_self_service",
        kind="friction",
        detail=f"{len(failed)} failed self-service attempt{'s' if len(failed) > 1 else ''} ({', '.join(steps)})"
        f" in the {'/'.join(where)}",
        evidence=[e.event_id for e in failed],
        strength=min(1.0, 0.5 * len(failed)),
    )


def failed_verification(events: Sequence[TimelineEvent], *, now: datetime) -> Signal | None:
    """Failed identity verifications in the last 7 days not followed by a pass."""
    failed: list[TimelineEvent] = []
    for event in events:
        if now - event.occurred_at > WINDOW:
            continue
        outcome = event.data.get("verification")
        if outcome == "failed":
            failed.append(event)
        elif outcome == "passed":
            failed = []
    if not failed:
        return None
    return Signal(
        name="failed_verification",
        kind="friction",
        detail=f"{len(failed)} failed identity verification{'s' if len(failed) > 1 else ''}"
        f" ({', '.join(sorted({e.channel for e in failed}))})",
        evidence=[e.event_id for e in failed],
    )


def asks_for_person(text: str) -> bool:
    return bool(ASK_FOR_PERSON.search(text)) and not DECLINES_PERSON.search(text)


def asked_for_person(events: Sequence[TimelineEvent], *, message: str | None, now: datetime) -> Signal | None:
    """An explicit request for a person in the current message or a customer message of the last 24 hours."""
    evidence = [
        e.event_id
        for e in events
        if e.actor == "customer" and e.text and now - e.occurred_at <= ASK_WINDOW and asks_for_person(e.text)
    ]
    if message and asks_for_person(message):
        evidence.append(MESSAGE_EVIDENCE)
    if not evidence:
        return None
    return Signal(name="asked_for_person", kind="friction", detail="the customer asked for a person", evidence=evidence)


def overdue_promise(events: Sequence[TimelineEvent], *, now: datetime) -> Signal | None:
    """Promises past their due time that no later event marks as kept."""
    kept = {str(e.data["fulfils"]) for e in events if e.data.get("fulfils")}
    overdue = []
    for event in events:
        promise = event.data.get("promise")
        if not isinstance(promise, dict) or event.event_id in kept or (event.source_id and event.source_id in kept):
            continue
        due = parse_time(promise.get("due"))
        if due is not None and due < now:
            overdue.append((event, promise, due))
    if not overdue:
        return None
    event, promise, due = min(overdue, key=lambda item: item[2])
    late = now - due
    hours = int(late.total_seconds() // 3600)
    return Signal(
        name="overdue_promise",
        kind="friction",
        detail=f"promised {promise.get('what') or 'a follow-up'} by {due:%Y-%m-%d %H:%M} UTC, "
        f"{f'{hours // 24} days' if hours >= 48 else f'{hours} hours'} overdue"
        + (f" (and {len(overdue) - 1} more)" if len(overdue) > 1 else ""),
        evidence=[e.event_id for e, _, _ in overdue],
    )
