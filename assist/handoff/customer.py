"""The customer's side of the card: their goal in their own words, how they feel, what they still ask, and
the next step that moves them forward."""

from __future__ import annotations

import re

from assist.dialogue.acts import sentences
from assist.handoff.models import MESSAGE_ID, Attempt, Cited, Goal, Promise, SentimentTrend
from assist.handoff.parts import cite
from assist.intents.models import IntentPrediction
from assist.signals.models import Signals
from assist.timeline.models import TimelineEvent

MAX_WORDS_CHARS = 240
MOVED = 0.25  # a turn whose score moved this far from the one before moved the sentiment
MAX_SENTIMENT_CITATIONS = 3
# Openers that say nothing about the need: greetings, pleasantries, introductions, thanks.
_SMALL_TALK = re.compile(
    r"^\W*(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening|day)|dear \w+|greetings|thanks?(?: you)?|cheers|"
    r"hope you(?:'re| are) (?:well|ok|good)|how are you|i hope you\b[^.?!,]*|my name is \w+(?: \w+)?|this is \w+|"
    r"it'?s \w+ here|ok(?:ay)?|yes|no|sure|right|great|please)\b(?:\s+(?:there|team|all|again|\w+ here))?\W*",
    re.I,
)


def need_words(text: str) -> str | None:
    """A customer turn without its greetings, pleasantries and introductions: the need in their words."""
    # "Hi, I'd like to return ..." keeps what follows the greeting; "Hello there!" alone is dropped.
    said = [rest for s in sentences(text) if len((rest := _SMALL_TALK.sub("", s, count=1)).split()) >= 2]
    if not said:
        return None
    words = " ".join(said)[:MAX_WORDS_CHARS]
    return words if len(words.split()) >= 3 else None


def goal(events: list[TimelineEvent], *, message: str | None, intent: IntentPrediction | None) -> Goal | None:
    label = intent.label if intent and not intent.out_of_scope else None
    labelled = [e.event_id for e in events if e.data.get("intent") and (label is None or e.data["intent"] == label)]
    if label is None and labelled:
        label = next(e.data["intent"] for e in reversed(events) if e.data.get("intent"))
    # The customer's first words about this need state the goal; later ones tend to be complaints, and a
    # greeting or a bare "NO" says nothing about it.
    said = [e for e in events if e.actor == "customer" and e.kind == "message" and need_words(e.text)]
    said = [e for e in said if label and e.data.get("intent") == label] or said
    if said:
        words, source = need_words(said[0].text) or said[0].text, said[0].event_id
    elif message and (words := need_words(message) or message):
        source = MESSAGE_ID
    else:
        return Goal(text=str(label), intent=label, customer_words=None, citations=cite(labelled)) if labelled else None
    words = words.strip()[:MAX_WORDS_CHARS]
    text = f"{label.replace('_', ' ')}: \u201c{words}\u201d" if label else f"\u201c{words}\u201d"
    return Goal(text=text, intent=label, customer_words=words, citations=cite([*labelled[-3:], source]))


def sentiment(events: list[TimelineEvent], signals: Signals | None, message: str | None) -> SentimentTrend | None:
    """The trend over the customer's turns, citing only the turns that moved it (or the latest, when none did)."""
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
    moves = [
        (abs(scores[i] - scores[i - 1]), i) for i in range(1, len(scores)) if abs(scores[i] - scores[i - 1]) >= MOVED
    ]
    biggest = sorted(i for _, i in sorted(moves, reverse=True)[:MAX_SENTIMENT_CITATIONS])
    cited = [points[i][0] for i in biggest] or [points[-1][0]]
    text = f"{direction} ({scores[0]:+.1f} \u2192 {scores[-1]:+.1f} over {len(scores)} turns)"
    return SentimentTrend(text=text, direction=direction, scores=scores, citations=cited)


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
    if refused := [f for f in failures if f.refused]:
        f = refused[0]
        because = f" ({f.reason})" if f.reason else ""
        return Cited(
            text=f"The customer was refused: {f.step}{because}; explain it and the options that remain.",
            citations=f.citations,
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
