"""The card put together from its parts: citations gathered, and the text a person reads in ten seconds.

One line per part, the most useful first (the goal, then what to do, then what went wrong and what was
promised); within a line the newest items first. At most about a dozen lines, whatever the history.
"""

from __future__ import annotations

from collections.abc import Sequence

from assist.handoff.models import Cited, Fact, HandoffCard

MAX_ITEMS_PER_LINE = 4
MAX_FACTS = 8
MAX_ADVICE_LINE = 2


def _cited(item: Cited | Fact) -> str:
    return f" [{', '.join(item.citations)}]"


def _line(label: str, items: Sequence[Cited], limit: int = MAX_ITEMS_PER_LINE) -> list[str]:
    if not items:
        return []
    more = f"; +{len(items) - limit} more" if len(items) > limit else ""
    return [f"{label}: " + "; ".join(f"{i.text}{_cited(i)}" for i in items[:limit]) + more]


def render(card: HandoffCard) -> str:
    """The card as plain text for an agent desktop: one labelled line per part, citations in brackets."""
    lines = []
    if card.goal:
        lines.append(f"Goal: {card.goal.text}{_cited(card.goal)}")
    if card.narrative:
        lines.append(f"Summary: {card.narrative.text}{_cited(card.narrative)}")
    if card.next_step:
        lines.append(f"Next step: {card.next_step.text}{_cited(card.next_step)}")
    lines += _line("Promised", card.promises)
    lines += _line("Failed", card.failures)
    lines += _line("Escalated", card.escalations)
    lines += _line("Advised", card.advised, MAX_ADVICE_LINE)
    failed = {id(f) for f in card.failures}
    lines += _line("Tried", [a for a in card.attempts if a.result != "failed" and id(a) not in failed])
    if card.facts:
        shown = card.facts[:MAX_FACTS]
        more = f"; +{len(card.facts) - MAX_FACTS} more" if len(card.facts) > MAX_FACTS else ""
        lines.append(
            "Facts given: " + "; ".join(f"{f.field.replace('_', ' ')} {f.value}{_cited(f)}" for f in shown) + more
        )
    if card.open_question:
        lines.append(f"Open question: {card.open_question.text}{_cited(card.open_question)}")
    if card.journey:
        lines.append("Path: " + " \u2192 ".join(s.text if s.events else f"{s.channel} (now)" for s in card.journey))
    if card.sentiment:
        lines.append(f"Sentiment: {card.sentiment.text}{_cited(card.sentiment)}")
    return "\n".join(lines) if lines else "No history for this customer yet."


def assemble(**parts: object) -> HandoffCard:
    """A card from its parts, with `citations` gathered from every part and `text` rendered."""
    card = HandoffCard.model_validate({"text": "", "citations": [], **parts})
    items: list[Cited | Fact] = [
        *(x for x in (card.goal, card.narrative) if x),
        *card.journey,
        *card.attempts,
        *card.failures,
        *card.promises,
        *card.escalations,
        *card.advised,
        *card.facts,
        *(x for x in (card.sentiment, card.open_question, card.next_step) if x),
    ]
    citations = list(dict.fromkeys(c for item in items for c in item.citations))
    return card.model_copy(update={"citations": citations, "text": render(card)})
