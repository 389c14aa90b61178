"""The card put together from its parts: citations gathered, and the text an agent desktop shows."""

from __future__ import annotations

from assist.handoff.models import Cited, Fact, HandoffCard


def render(card: HandoffCard) -> str:
    """The card as plain text for an agent desktop: one labelled line per part, citations in brackets."""

    def cited(item: Cited | Fact) -> str:
        return f" [{', '.join(item.citations)}]"

    lines = []
    if card.goal:
        lines.append(f"Goal: {card.goal.text}{cited(card.goal)}")
    if card.narrative:
        lines.append(f"Summary: {card.narrative.text}{cited(card.narrative)}")
    if card.journey:
        lines.append("Path: " + " \u2192 ".join(s.text if s.events else f"{s.channel} (now)" for s in card.journey))
    lines += [f"Tried: {a.text}{cited(a)}" for a in card.attempts if a.result != "failed"]
    lines += [f"Failed: {a.text}{cited(a)}" for a in card.failures]
    lines += [f"Promised: {p.text}{cited(p)}" for p in card.promises]
    if card.facts:
        lines.append(
            "Facts given: " + "; ".join(f"{f.field.replace('_', ' ')} {f.value}{cited(f)}" for f in card.facts)
        )
    if card.sentiment:
        lines.append(f"Sentiment: {card.sentiment.text}{cited(card.sentiment)}")
    if card.open_question:
        lines.append(f"Open question: {card.open_question.text}{cited(card.open_question)}")
    if card.next_step:
        lines.append(f"Next step: {card.next_step.text}{cited(card.next_step)}")
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
        *card.facts,
        *(x for x in (card.sentiment, card.open_question, card.next_step) if x),
    ]
    citations = list(dict.fromkeys(c for item in items for c in item.citations))
    return card.model_copy(update={"citations": citations, "text": render(card)})
