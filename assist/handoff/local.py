"""The local, deterministic card generator: no LLM, linear in the number of events.

Redaction happens once, here at the stage's boundary: the relevant events and the message are redacted
before any part of the card reads them, so no part can show personal data and none needs to redact.
"""

from __future__ import annotations

from datetime import datetime

from assist.handoff import parts
from assist.handoff.episodes import relevant_events
from assist.handoff.models import DoNotAsk, Fact, HandoffCard
from assist.handoff.render import assemble
from assist.intents.models import IntentPrediction
from assist.privacy.redact import redact, redact_obj
from assist.signals.models import Signals
from assist.timeline.models import TimelineEvent


def redacted(events: list[TimelineEvent]) -> list[TimelineEvent]:
    """Copies of `events` whose text and data hold no personal data (identifiers stay: facts use placeholders)."""
    return [e.model_copy(update={"text": redact(e.text), "data": redact_obj(e.data)}) for e in events]


def build_local_card(
    *,
    events: list[TimelineEvent],
    message: str | None,
    channel: str | None,
    intent: IntentPrediction | None,
    signals: Signals | None,
    now: datetime,
) -> tuple[HandoffCard, list[DoNotAsk], list[TimelineEvent]]:
    """The card, what not to ask again, and the relevant events it was built from (oldest first, redacted)."""
    label = intent.label if intent and not intent.out_of_scope else None
    relevant = redacted(relevant_events(events, message=message, intent=label, now=now))
    message = redact(message) if message else message
    attempts, failures = parts.attempts(relevant)
    promises = parts.promises(relevant, now=now)
    goal = parts.goal(relevant, message=message, intent=intent)
    question = parts.open_question(relevant, message)
    facts = parts.facts(relevant, events, message)
    card = assemble(
        goal=goal,
        journey=parts.journey(relevant, channel=channel, message=message, now=now),
        attempts=attempts,
        failures=failures,
        promises=promises,
        facts=facts,
        sentiment=parts.sentiment(relevant, signals, message),
        open_question=question,
        next_step=parts.next_step(signals=signals, promises=promises, failures=failures, question=question, goal=goal),
    )
    return card, do_not_ask(facts, relevant), relevant


def do_not_ask(facts: list[Fact], relevant: list[TimelineEvent]) -> list[DoNotAsk]:
    """Every fact already given, with the first event that gave it; and a passed verification."""
    items = [DoNotAsk(field=f.field, value=f.value, source_event=f.citations[0]) for f in facts]
    passed = [e for e in relevant if e.data.get("verification") == "passed"]
    if passed:
        items.append(
            DoNotAsk(
                field="identity_verified", value=f"passed in {passed[-1].channel}", source_event=passed[-1].event_id
            )
        )
    return items
