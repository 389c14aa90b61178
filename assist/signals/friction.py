"""Friction: what has made this contact harder than it should be, from event data and from what was said.

Failures, verifications, promises and "I've been in touch before" come from the same Reading of the
timeline as the handoff card (assist.dialogue); event `data` conventions are in docs/events.md.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from assist.dialogue.models import Reading, Step, Verification
from assist.signals.models import MESSAGE_EVIDENCE, Signal
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
    events: Sequence[TimelineEvent], reading: Reading, *, intent: str | None, channel: str | None, now: datetime
) -> Signal | None:
    """Earlier contacts (customer messages, grouped into sessions) on the same intent in the last 7 days, or
    the customer saying they have been in touch before about it.

    The conversation the current message belongs to is not an earlier contact.
    """
    said = [s for s in reading.statements if s.kind == "contacted_before" and now - s.at <= WINDOW]
    earlier_on_record = _repeat_on_record(events, intent=intent, channel=channel, now=now)
    if earlier_on_record is None and not said:
        return None
    if earlier_on_record is None:
        return Signal(
            name="repeat_contact",
            kind="friction",
            detail="the customer says they have been in touch before about this",
            evidence=list(dict.fromkeys(s.event_id for s in said)),
            strength=0.75,
            count=1,
        )
    if said:
        return earlier_on_record.model_copy(
            update={
                "detail": earlier_on_record.detail + "; the customer says so too",
                "evidence": list(dict.fromkeys([*earlier_on_record.evidence, *(s.event_id for s in said)])),
            }
        )
    return earlier_on_record


def _repeat_on_record(
    events: Sequence[TimelineEvent], *, intent: str | None, channel: str | None, now: datetime
) -> Signal | None:
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
        count=n,
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


def failed_self_service(
    events: Sequence[TimelineEvent], reading: Reading, *, intent: str | None, now: datetime
) -> Signal | None:
    """Self-service failures in the last 7 days, in data or in words, after the last success of the same step.

    Failures a bot or system reported, failures the customer describes ("I've tried three times"), and a
    customer saying the suggested answer did not help. `count` is how many failed tries are known."""
    tagged = {e.event_id: e for e in events}

    def on_need(item_id: str) -> bool:
        if item_id == MESSAGE_EVIDENCE:
            return True
        event = tagged.get(item_id)
        return event is not None and now - event.occurred_at <= WINDOW and same_need(event, intent)

    failed: list[Step] = []
    for step in reading.steps:
        if step.actor == "agent" or step.refusal or not step.self_service or not on_need(step.event_id):
            continue
        if step.result == "failed":
            failed.append(step)
        elif step.result == "success":
            failed = [f for f in failed if f.step != step.step]
    stated = [
        s for s in reading.statements if s.kind in ("self_service_failed", "did_not_help") and on_need(s.event_id)
    ]
    if not failed and not stated:
        return None
    count = max(sum(f.count for f in failed), max((s.count for s in stated), default=0))
    count += sum(1 for s in stated if s.kind == "did_not_help")
    what = sorted({f.step.replace("_", " ") for f in failed})
    where = sorted({f.channel for f in failed} | {s.channel for s in stated})
    said = [s for s in stated if s.kind == "did_not_help"]
    detail = f"{count} failed self-service attempt{'s' if count > 1 else ''}"
    detail += f" ({', '.join(what)})" if what else " (the customer says so)"
    detail += f" in the {'/'.join(where)}" + ("; the suggested help did not help" if said else "")
    return Signal(
        name="failed_self_service",
        kind="friction",
        detail=detail,
        evidence=list(dict.fromkeys([*(f.event_id for f in failed), *(s.event_id for s in stated)])),
        strength=min(1.0, 0.5 * count),
        count=count,
    )


def failed_verification(reading: Reading, *, now: datetime) -> Signal | None:
    """Failed identity verifications in the last 7 days (in data or in words) not followed by a pass."""
    failed: list[Verification] = []
    for check in sorted(reading.verifications, key=lambda v: v.at):
        if now - check.at > WINDOW:
            continue
        failed = [*failed, check] if check.outcome == "failed" else []
    if not failed:
        return None
    reasons = sorted({v.reason for v in failed if v.reason})
    return Signal(
        name="failed_verification",
        kind="friction",
        detail=f"{len(failed)} failed identity verification{'s' if len(failed) > 1 else ''}"
        f" ({', '.join(sorted({v.channel for v in failed}))})" + (f": {'; '.join(reasons)}" if reasons else ""),
        evidence=[v.event_id for v in failed],
        count=len(failed),
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


def overdue_promise(reading: Reading, *, now: datetime) -> Signal | None:
    """Promises (in data or in words) past their due time that nothing later kept."""
    overdue = [p for p in reading.promises if p.due is not None and p.due < now and p.event_id not in reading.kept]
    if not overdue:
        return None
    promise = min(overdue, key=lambda p: p.due or now)
    late = now - (promise.due or now)
    hours = int(late.total_seconds() // 3600)
    return Signal(
        name="overdue_promise",
        kind="friction",
        detail=f"promised {promise.what or 'a follow-up'} by {promise.due:%Y-%m-%d %H:%M} UTC, "
        f"{f'{hours // 24} days' if hours >= 48 else f'{hours} hours'} overdue"
        + (f" (and {len(overdue) - 1} more)" if len(overdue) > 1 else ""),
        evidence=list(dict.fromkeys(p.event_id for p in overdue)),
        count=len(overdue),
    )
