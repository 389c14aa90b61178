"""read_timeline: what every event (and the message in hand) says and does, each item citing its event.

Structured `data` is read first (in any vocabulary the mapping knows); an event's text adds what its data
does not say. The handoff card and the signals read the same Reading, so a failure the card shows is a
failure routing sees.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from assist.dialogue.acts import read_turn
from assist.dialogue.entities import REFERENCE_LABELS, text_entities
from assist.dialogue.models import (
    Advice,
    Entity,
    Handover,
    Promise,
    Reading,
    Statement,
    Step,
    Verification,
)
from assist.dialogue.times import resolve
from assist.dialogue.vocabulary import BUILT_IN, ChannelMapping, read_data
from assist.timeline.conventions import parse_time
from assist.timeline.models import TimelineEvent

MESSAGE_ID = "message"
BUSINESS = ("agent", "bot", "system")
# Event data keys whose values are facts a customer gave (besides the `references` object).
DATA_FACT_KEYS = ("amount", "merchant", "address", "card_last4", "date", "order_id", "case_id", "place", "payee")
_ASKED = re.compile(
    rf"\b(?P<label>{'|'.join(sorted(REFERENCE_LABELS, key=len, reverse=True))})"
    r"\s*(?:number|no|id|ref|reference|code)?\b",
    re.I,
)
_REQUEST = re.compile(
    r"\?|\b(?:please|can you|could you|kindly)\s+(?:provide|give|send|confirm|tell|share|type|enter|quote)\b", re.I
)
_BARE = re.compile(r"^\W*(?:(?:it'?s|it is|sure|yes|yeah|ok(?:ay)?|the number is|number is|here you go)\W+)*"
                   r"(?P<value>[A-Z]{0,4}-?\d[\d -]{4,18}\d|[A-Z]{1,5}-?\d{3,}[A-Z\d]*)\W*$", re.I)  # fmt: skip
# Where a promise is kept by the business getting in touch: a callback by a later agent call, and so on.
_MEDIUM = (("phone", re.compile(r"\b(?:call|ring|phone)", re.I)), ("email", re.compile(r"\be-?mail", re.I)),
           ("sms", re.compile(r"\b(?:text|sms)", re.I)))  # fmt: skip
_KEEPS = re.compile(
    r"\b(?:as promised|following up|as discussed|calling (?:you )?back|here is the update|update on)\b", re.I
)


def asked_reference(text: str) -> str | None:
    """The reference field a business turn asks the customer for ("what's your order number?"), if any."""
    if not _REQUEST.search(text):
        return None
    match = _ASKED.search(text)
    return REFERENCE_LABELS[match.group("label").lower()] if match else None


def bare_reference(text: str) -> str | None:
    """A reply that is only a reference (digits, or a code), as customers type one when asked."""
    match = _BARE.match(text.strip())
    if not match:
        return None
    value = match.group("value")
    return re.sub(r"[ -]", "", value) if value[0].isdigit() else value


def _data_items(event: TimelineEvent, mapping: ChannelMapping, reading: Reading) -> tuple[bool, bool, bool]:
    """Items from the event's data; says whether data already told its step, verification and promise."""
    if not event.data:
        return False, False, False
    base = {"event_id": event.event_id, "at": event.occurred_at, "channel": event.channel, "actor": event.actor}
    view = read_data(event.data, mapping)
    if view.verification:
        reason = view.reason if view.verification == "failed" else None
        reading.verifications.append(Verification(**base, source="data", outcome=view.verification, reason=reason))
    elif view.step:
        reading.steps.append(Step(**base, source="data", step=view.step, result=view.result, reason=view.reason))
    if view.promise_what:
        due = parse_time(view.due) or (resolve(view.due, event.occurred_at) if view.due else None)
        reading.promises.append(
            Promise(**base, source="data", what=view.promise_what, by=view.promise_by, due=due, due_text=view.due)
        )
    if view.resolved:
        reading.resolved.append(event.event_id)
    for field, value in view.references.items():
        reading.entities.append(Entity(**base, source="data", field=field, value=value))
    for field in DATA_FACT_KEYS:
        raw = event.data.get(field)
        if isinstance(raw, str | int | float) and not isinstance(raw, bool) and str(raw):
            reading.entities.append(Entity(**base, source="data", field=field, value=str(raw)))
    return bool(view.step or view.verification), bool(view.verification), bool(view.promise_what)


def _text_items(
    event: TimelineEvent, told: tuple[bool, bool, bool], asked: str | None, reading: Reading, *, entities: bool
) -> None:
    base = {"event_id": event.event_id, "at": event.occurred_at, "channel": event.channel, "actor": event.actor}
    acts = read_turn(event.text, actor=event.actor, action=event.kind == "action")
    step_told, verification_told, promise_told = told
    if acts.verification and not verification_told:
        outcome, reason = acts.verification
        reading.verifications.append(Verification(**base, outcome=outcome, reason=reason))  # type: ignore[arg-type]
    if not step_told:
        for step, result, reason, count, refusal, self_service in acts.steps:
            if event.actor == "customer" and result == "failed" and _retold(step, reading):
                continue
            reading.steps.append(
                Step(
                    **base,
                    step=step,
                    result=result,
                    reason=reason,
                    count=count,
                    refusal=refusal,
                    self_service=self_service,
                )  # type: ignore[arg-type]
            )
    if not promise_told:
        for what, by, words in acts.promises:
            due = resolve(words, event.occurred_at, past=event.actor == "customer")  # a customer reports a promise
            reading.promises.append(Promise(**base, what=what, by=by, due=due, due_text=words))
    reading.handovers.extend(Handover(**base, to=to, text=sentence) for to, sentence in acts.handovers)
    reading.advice.extend(Advice(**base, text=sentence) for sentence in acts.advice)
    reading.statements.extend(Statement(**base, kind=k, text=s, count=n) for k, s, n in acts.statements)  # type: ignore[arg-type]
    if acts.resolved:
        reading.resolved.append(event.event_id)
    if not entities:
        return
    seen = {(e.field, e.value) for e in reading.entities if e.event_id == event.event_id}
    for field, value in text_entities(event.text):
        if (field, value) not in seen:
            seen.add((field, value))
            reading.entities.append(Entity(**base, field=field, value=value))
    reply = bare_reference(event.text) if asked and event.actor == "customer" else None
    if (
        asked
        and reply
        and not any(e.value.replace(" ", "") == reply for e in reading.entities if e.event_id == event.event_id)
    ):
        reading.entities.append(Entity(**base, field=asked, value=reply))


def _words(step: str) -> set[str]:
    return {w for w in step.replace("_", " ").lower().split() if len(w) > 3}


def _retold(step: str, reading: Reading) -> bool:
    """A customer telling of a failure already on record ("the app won't refund it") is not another attempt."""
    words = _words(step)
    return any(s.result == "failed" and _words(s.step) & words for s in reading.steps)


def _kept(reading: Reading, events: Sequence[TimelineEvent]) -> dict[str, str]:
    """Promise event id -> the later event that kept it (a `fulfils`, a resolution, or the business in touch)."""
    kept: dict[str, str] = {}
    by_id = {e.event_id: e for e in events}
    resolved = set(reading.resolved)
    for event in events:
        target = event.data.get("fulfils")
        if target:
            named = next((e for e in events if str(target) in (e.event_id, e.source_id)), None)
            if named:
                kept[named.event_id] = event.event_id
    for promise in reading.promises:
        if promise.event_id in kept:
            continue
        medium = next((channel for channel, words in _MEDIUM if words.search(promise.what)), None)
        for event in events:
            if event.occurred_at <= promise.at or event.event_id == promise.event_id:
                continue
            keeps = (
                event.event_id in resolved
                or event.data.get("promise_kept")
                or (event.actor in ("agent", "system") and medium is not None and event.channel == medium)
                or (event.actor in BUSINESS and _KEEPS.search(event.text))
            )
            if keeps:
                kept[promise.event_id] = event.event_id
                break
    return {k: v for k, v in kept.items() if k in by_id}


def read_timeline(
    events: Sequence[TimelineEvent],
    *,
    message: str | None = None,
    channel: str | None = None,
    now: datetime | None = None,
    mapping: ChannelMapping = BUILT_IN,
    entities: bool = True,
) -> Reading:
    """Everything `events` (oldest first) and the message say, each item citing its event.

    Facts are read from the text as given: a caller that shows them passes redacted events (the handoff
    stage redacts at its boundary, where a reference typed on request is kept as one).

    `entities=False` skips facts (references, amounts, ...), which signals do not need."""
    reading = Reading()
    asked: str | None = None
    for event in events:
        told = _data_items(event, mapping, reading)
        if event.text:
            _text_items(event, told, asked, reading, entities=entities)
        if event.actor in BUSINESS and event.text:
            asked = asked_reference(event.text)
        elif event.actor == "customer" and event.kind == "message":
            asked = None
    if message and now is not None:
        current = TimelineEvent(
            event_id=MESSAGE_ID,
            customer_id="",
            source_id=None,
            customer={},
            channel=channel or "chat",  # type: ignore[arg-type]
            actor="customer",
            kind="message",
            occurred_at=now,
            text=message,
            data={},
        )
        _text_items(current, (False, False, False), asked, reading, entities=entities)
    reading.kept = _kept(reading, events)
    return reading
