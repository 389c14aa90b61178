"""The LLM card generator: narrative lines from a versioned prompt, each claim checked against its events.

The model only writes prose (goal, open question, next step, a summary). Facts, promises, the journey and
do-not-ask stay the local generator's, so nothing a customer writes to the model can change them. A claim
is kept only when every event it cites exists and holds the claim's references and some of its words.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assist.handoff.models import MESSAGE_ID, Cited, HandoffCard
from assist.llm.client import LLM, LLMError
from assist.privacy.redact import redact, redact_obj
from assist.prompts.registry import Prompt
from assist.timeline.models import TimelineEvent

MAX_DROPPED_SHARE = 0.34
MAX_EVENTS_SENT = 60
_WORD = re.compile(r"[a-z][a-z']{3,}")
_TOKEN_WITH_DIGIT = re.compile(r"[£$€]?\w*\d[\w.,-]*")
_STOPWORDS = frozenset(
    "that this with from have they them their there were been will would could should about into what when "  # noqa: SIM905
    "which while your yours customer customers wants want asked asks says said please need needs again".split()
)


class LLMUnusable(RuntimeError):
    """The LLM's answer cannot be used; `reason` goes into the result's fallback_reason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class _Claim(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: str = Field(min_length=1, max_length=600)
    citations: list[str] = Field(min_length=1)


class _Answer(BaseModel):
    """What the prompt asks the model for; extra keys are ignored, missing required ones are an error."""

    model_config = ConfigDict(extra="ignore")

    goal: _Claim
    open_question: _Claim | None = None
    next_step: _Claim | None = None
    summary: _Claim


def _event_line(event: TimelineEvent) -> str:
    return json.dumps(
        {
            "id": event.event_id,
            "at": event.occurred_at.isoformat(),
            "channel": event.channel,
            "actor": event.actor,
            "kind": event.kind,
            "text": redact(event.text),
            "data": redact_obj(event.data),
        },
        ensure_ascii=False,
    )


def _evidence(events: list[TimelineEvent], message: str | None) -> dict[str, str]:
    """What each citable id says, lower-cased, as the model saw it (redacted)."""
    texts = {e.event_id: (redact(e.text) + " " + json.dumps(redact_obj(e.data))).lower() for e in events}
    if message:
        texts[MESSAGE_ID] = redact(message).lower()
    return texts


def _supported(claim: _Claim, evidence: dict[str, str], card: HandoffCard) -> bool:
    if any(c not in evidence for c in claim.citations):
        return False
    cited = " ".join(evidence[c] for c in claim.citations)
    text = claim.text.lower()
    # Every reference, amount or date in the claim must be in what it cites: this is where invention shows.
    if any(token.rstrip(".,") not in cited for token in _TOKEN_WITH_DIGIT.findall(text)):
        return False
    # And it must be about what it cites: some content word in common (the card's own words count too,
    # since a step name like "refund_request" reads as "refund request").
    words = {w for w in _WORD.findall(text) if w not in _STOPWORDS}
    context = cited.replace("_", " ") + " " + card.text.lower()
    return not words or any(w in context for w in words)


def _leaks_prompt(text: str, prompt: Prompt) -> bool:
    """True when the claim repeats six or more consecutive words of the prompt's instructions."""
    words = text.lower().split()
    instructions = " ".join(" ".join(m.content.lower().split()) for m in prompt.messages if m.role == "system")
    return any(" ".join(words[i : i + 6]) in instructions for i in range(max(0, len(words) - 5)))


def llm_card_parts(
    *,
    card: HandoffCard,
    events: list[TimelineEvent],
    message: str | None,
    channel: str | None,
    intent_label: str | None,
    llm: LLM,
    prompt: Prompt,
) -> tuple[dict[str, Any], str]:
    """The card parts the LLM rewrote (goal, open_question, next_step, narrative) and the model that answered.

    Raises LLMUnusable when the call fails, the answer does not parse, or too many claims are unsupported.
    """
    sent = events[-MAX_EVENTS_SENT:]
    facts = [f.model_dump() for f in card.facts] + [p.model_dump(mode="json") for p in card.promises]
    messages = prompt.render(
        events="\n".join(_event_line(e) for e in sent),
        message=redact(message or ""),
        channel=channel or "unknown",
        intent=intent_label or "unknown",
        facts=json.dumps(facts, ensure_ascii=False),
    )
    try:
        reply = llm.complete(messages, params=prompt.model)
    except LLMError as exc:
        raise LLMUnusable(exc.reason) from exc
    try:
        answer = _Answer.model_validate(json.loads(_strip_fences(reply.text)))
    except json.JSONDecodeError as exc:
        raise LLMUnusable("LLM answer was not valid JSON") from exc
    except ValidationError as exc:
        field = ".".join(str(p) for p in exc.errors()[0]["loc"])
        raise LLMUnusable(f"LLM answer did not match the card schema at {field}") from exc

    evidence = _evidence(sent, message)
    claims = {
        "goal": answer.goal,
        "open_question": answer.open_question,
        "next_step": answer.next_step,
        "narrative": answer.summary,
    }
    given = {name: claim for name, claim in claims.items() if claim is not None}
    kept = {
        name: claim
        for name, claim in given.items()
        if _supported(claim, evidence, card) and not _leaks_prompt(claim.text, prompt)
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


def _strip_fences(text: str) -> str:
    """Models often wrap JSON in ``` fences despite being asked not to."""
    text = text.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text
