"""The local, deterministic card generator: no LLM, linear in the number of events.

Redaction happens once, here at the stage's boundary: the relevant events and the message are redacted
before any part of the card reads them, so no part can show personal data and none needs to redact.
"""

from __future__ import annotations

from datetime import datetime

from assist.dialogue.models import Verification
from assist.dialogue.service import BUSINESS, asked_reference, bare_reference, read_timeline
from assist.dialogue.vocabulary import BUILT_IN, ChannelMapping
from assist.handoff import customer, parts
from assist.handoff.episodes import relevant_events
from assist.handoff.models import DoNotAsk, Fact, HandoffCard
from assist.handoff.render import assemble
from assist.intents.models import IntentPrediction
from assist.privacy.redact import redact, redact_obj
from assist.signals.models import Signals
from assist.timeline.models import TimelineEvent


def redacted(events: list[TimelineEvent]) -> list[TimelineEvent]:
    """Copies of `events` whose text and data hold no personal data (identifiers stay: facts use placeholders).

    A reply that is only a reference, typed after the business asked for one, is redacted as that reference
    (so an order number is not taken for a phone number); card numbers and dialled phones still are not kept.
    """
    out: list[TimelineEvent] = []
    asked: str | None = None
    for event in events:
        text = event.text
        if asked and event.actor == "customer" and bare_reference(text):
            # Said as a reference, redact() keeps it unless it is a card number or a dialled phone.
            text = redact(f"reference {text}").removeprefix("reference ")
        else:
            text = redact(text)
        out.append(event.model_copy(update={"text": text, "data": redact_obj(event.data)}))
        if event.actor in BUSINESS and event.text:
            asked = asked_reference(event.text)
        elif event.actor == "customer" and event.kind == "message":
            asked = None
    return out


def build_local_card(
    *,
    events: list[TimelineEvent],
    message: str | None,
    channel: str | None,
    intent: IntentPrediction | None,
    signals: Signals | None,
    now: datetime,
    mapping: ChannelMapping = BUILT_IN,
) -> tuple[HandoffCard, list[DoNotAsk], list[TimelineEvent]]:
    """The card, what not to ask again, and the relevant events it was built from (oldest first, redacted)."""
    label = intent.label if intent and not intent.out_of_scope else None
    relevant = redacted(relevant_events(events, message=message, intent=label, now=now, mapping=mapping))
    message = redact(message) if message else message
    reading = read_timeline(relevant, message=message, channel=channel, now=now, mapping=mapping)
    attempts, failures = parts.attempts(reading)
    promises = parts.promises(reading, now=now)
    goal = customer.goal(relevant, message=message, intent=intent)
    question = customer.open_question(relevant, message)
    facts = parts.facts(reading, relevant, events)
    card = assemble(
        goal=goal,
        journey=parts.journey(relevant, channel=channel, message=message, now=now),
        attempts=attempts,
        failures=failures,
        promises=promises,
        escalations=parts.escalations(reading),
        advised=parts.advised(reading),
        facts=facts,
        sentiment=customer.sentiment(relevant, signals, message),
        open_question=question,
        next_step=customer.next_step(
            signals=signals, promises=promises, failures=failures, question=question, goal=goal
        ),
    )
    passed = [v for v in reading.verifications if v.outcome == "passed"]
    return card, do_not_ask(facts, passed[-1] if passed else None), relevant


def do_not_ask(facts: list[Fact], passed: Verification | None) -> list[DoNotAsk]:
    """Every fact already given, with the first event that gave it; and a passed verification."""
    items = [DoNotAsk(field=f.field, value=f.value, source_event=f.citations[0]) for f in facts]
    if passed is not None:
        items.append(
            DoNotAsk(field="identity_verified", value=f"passed in {passed.channel}", source_event=passed.event_id)
        )
    return items
