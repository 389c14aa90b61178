"""The LLM card generator: narrative lines from a versioned prompt, each claim checked against its events.

The model only writes prose (goal, open question, next step, a summary). Facts, promises, the journey and
do-not-ask stay the local generator's, so nothing a customer writes to the model can change them.

What a customer wrote can never pass for instructions or structure: the events and the message go to the
model as one JSON document (strings escaped, marker sequences neutralised) between delimiters made fresh for
each request, which the customer cannot know. And the answer is checked, whatever the model did: a line is
kept only when every event it cites exists and holds its references and some of its words; a line asserting
an outcome only the business can establish (verified, approved, refunded, an exception) on the customer's
word alone, or a next step the routing policy does not offer, rejects the whole LLM card (the local card
stands in, and the reason goes into the audit record).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assist.handoff.grounding import Said, supported, unbacked_outcomes
from assist.handoff.models import MESSAGE_ID, Cited, HandoffCard
from assist.llm.client import LLM, LLMError
from assist.privacy.redact import redact, redact_obj
from assist.prompts.registry import Prompt
from assist.timeline.models import TimelineEvent

MAX_DROPPED_SHARE = 0.34
MAX_EVENTS_SENT = 60
BUSINESS_ACTORS = frozenset(("agent", "bot", "system"))
# Sequences that read as structure to a model: prompt markers, chat-template tokens, code fences.
_MARKERS = re.compile(r"<{2,}|>{2,}|<\||\|>|`{3,}|\[/?INST\]|<</?SYS>>|^#{2,}", re.MULTILINE)


class LLMUnusable(RuntimeError):
    """The LLM's answer cannot be used; `reason` goes into the result's fallback_reason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class _Claim(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: str = Field(min_length=1, max_length=600)
    citations: list[str] = Field(min_length=1)


class _Step(_Claim):
    step: str | None = None


class _Answer(BaseModel):
    """What the prompt asks the model for; extra keys are ignored, missing required ones are an error."""

    model_config = ConfigDict(extra="ignore")

    goal: _Claim
    open_question: _Claim | None = None
    next_step: _Step | None = None
    summary: _Claim


def neutralise(text: str, boundary: str) -> str:
    """`text` with marker sequences and the request's delimiter broken, so it can only ever read as data."""
    text = _MARKERS.sub(lambda m: " ".join(m.group()), text)
    return text.replace(boundary, "[delimiter removed]")


def _event(event: TimelineEvent, previous: str) -> dict[str, Any]:
    return {
        "id": event.event_id,
        "at": event.occurred_at.isoformat(),
        "channel": event.channel,
        "actor": event.actor,
        "kind": event.kind,
        "text": redact(event.text, previous),
        "data": redact_obj(event.data),
    }


def _said(events: list[TimelineEvent], message: str | None) -> dict[str, Said]:
    """What each citable id says, lower-cased, as the model saw it (redacted), and whether the business said it."""
    said, previous = {}, ""
    for e in events:
        text = redact(e.text, previous) + " " + json.dumps(redact_obj(e.data))
        said[e.event_id] = Said(text=text.lower(), business=e.actor in BUSINESS_ACTORS)
        previous = e.text
    if message:
        said[MESSAGE_ID] = Said(text=redact(message, previous).lower(), business=False)
    return said


def _document(events: list[TimelineEvent], message: str | None, boundary: str) -> str:
    """The customer-supplied content as one JSON document: events as JSON lines, then the message."""
    lines, previous = [], ""
    for e in events:
        lines.append(json.dumps(_event(e, previous), ensure_ascii=False))
        previous = e.text
    lines.append(json.dumps({"current_message": redact(message or "", previous)}, ensure_ascii=False))
    return neutralise("\n".join(lines), boundary)


def _leaks_prompt(text: str, prompt: Prompt) -> bool:
    """True when the claim repeats six or more consecutive words of the prompt's instructions."""
    words = text.lower().split()
    instructions = " ".join(" ".join(m.content.lower().split()) for m in prompt.messages if m.role == "system")
    return any(" ".join(words[i : i + 6]) in instructions for i in range(max(0, len(words) - 5)))


def _options(card: HandoffCard, policy_steps: Sequence[str]) -> dict[str, str]:
    """The next steps the model may choose from: the card's own (from the routing guards) and the policy's."""
    texts = [card.next_step.text] if card.next_step else []
    texts += [s for s in policy_steps if s not in texts]
    return {f"s{i}": text for i, text in enumerate(texts, start=1)}


def llm_card_parts(
    *,
    card: HandoffCard,
    events: list[TimelineEvent],
    message: str | None,
    channel: str | None,
    intent_label: str | None,
    llm: LLM,
    prompt: Prompt,
    policy_steps: Sequence[str] = (),
) -> tuple[dict[str, Any], str]:
    """The card parts the LLM rewrote (goal, open_question, next_step, narrative) and the model that answered.

    Raises LLMUnusable when the call fails, the answer does not parse, a line breaks a business rule, or too
    many lines are unsupported.
    """
    sent = events[-MAX_EVENTS_SENT:]
    facts = [f.model_dump() for f in card.facts] + [p.model_dump(mode="json") for p in card.promises]
    options = _options(card, policy_steps)
    boundary = secrets.token_hex(12)
    messages = prompt.render(
        data=_document(sent, message, boundary),
        boundary=boundary,
        channel=channel or "unknown",
        intent=intent_label or "unknown",
        facts=neutralise(json.dumps(facts, ensure_ascii=False), boundary),
        next_steps=neutralise(json.dumps(options, ensure_ascii=False), boundary),
    )
    try:
        reply = llm.complete(messages, params=prompt.model)
    except LLMError as exc:
        raise LLMUnusable(exc.reason) from exc
    answer = _parse(reply.text)
    said = _said(sent, message)
    claims: dict[str, _Claim | None] = {
        "goal": answer.goal,
        "open_question": answer.open_question,
        "next_step": answer.next_step,
        "narrative": answer.summary,
    }
    given = {name: claim for name, claim in claims.items() if claim is not None}
    _enforce_business_rules(given, said, options)
    kept = {
        name: claim
        for name, claim in given.items()
        if supported(claim.text, claim.citations, said, card.text) and not _leaks_prompt(claim.text, prompt)
    }
    dropped = len(given) - len(kept)
    if "goal" not in kept or dropped / len(given) > MAX_DROPPED_SHARE:
        raise LLMUnusable(f"LLM card dropped: {dropped} of {len(given)} claims unsupported by their citations")
    parts: dict[str, Any] = {
        name: Cited(text=redact(claim.text), citations=list(dict.fromkeys(claim.citations)))
        for name, claim in kept.items()
    }
    if card.goal is not None:
        parts["goal"] = card.goal.model_copy(update=parts["goal"].model_dump())
    else:
        parts["goal"] = {"intent": intent_label, "customer_words": None, **parts["goal"].model_dump()}
    return parts, reply.model


def _enforce_business_rules(given: dict[str, _Claim], said: dict[str, Said], options: dict[str, str]) -> None:
    """Raises LLMUnusable for a next step outside the policy's options, or an outcome only the business can
    establish that rests on customer-supplied text alone."""
    step = given.get("next_step")
    allowed = ""
    if isinstance(step, _Step):
        if step.step not in options:
            raise LLMUnusable(f"LLM next step {str(step.step)[:40]!r} is not one the routing policy allows")
        allowed = options[step.step].lower()
    for name, claim in given.items():
        unbacked = unbacked_outcomes(claim.text.lower(), claim.citations, said, allowed if name == "next_step" else "")
        if unbacked:
            raise LLMUnusable(
                f"LLM {name} asserts {', '.join(sorted(unbacked))} that only the business can establish, "
                "on customer-supplied text alone"
            )


def _parse(text: str) -> _Answer:
    try:
        return _Answer.model_validate(json.loads(_strip_fences(text)))
    except json.JSONDecodeError as exc:
        raise LLMUnusable("LLM answer was not valid JSON") from exc
    except ValidationError as exc:
        field = ".".join(str(p) for p in exc.errors()[0]["loc"])
        raise LLMUnusable(f"LLM answer did not match the card schema at {field}") from exc


def _strip_fences(text: str) -> str:
    """Models often wrap JSON in ``` fences despite being asked not to."""
    text = text.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text
