"""Builds the handoff card: the local generator always, the LLM generator when configured and allowed.

The request never fails because of the LLM: any failure, unusable answer or withheld consent leaves the
local card in place, with `fallback_reason` saying why.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from assist.dialogue.vocabulary import BUILT_IN, ChannelMapping
from assist.handoff.llm import LLMUnusable, llm_card_parts
from assist.handoff.local import build_local_card
from assist.handoff.models import HandoffResult
from assist.handoff.render import assemble
from assist.intents.models import IntentPrediction
from assist.llm.client import LLM
from assist.prompts.registry import PromptRegistry
from assist.signals.models import Signals
from assist.timeline.models import TimelineEvent

PROMPT_ID = "handoff_card"
logger = logging.getLogger("assist.handoff")


def build_card(
    *,
    events: list[TimelineEvent],
    message: str | None,
    channel: str | None,
    intent: IntentPrediction | None,
    signals: Signals | None,
    now: datetime,
    llm: LLM | None,
    prompts: PromptRegistry,
    llm_allowed: bool = True,
    mapping: ChannelMapping = BUILT_IN,
    policy_steps: Sequence[str] = (),
) -> HandoffResult:
    """`llm_allowed` is the customer's consent state as the store keeps it (assist/timeline/consent.py);
    `policy_steps` the next steps the routing policy offers (the LLM may only choose among them)."""
    prompt = prompts.get(PROMPT_ID)
    card, do_not_ask, relevant = build_local_card(
        events=events, message=message, channel=channel, intent=intent, signals=signals, now=now, mapping=mapping
    )
    local = HandoffResult(summary=card, do_not_ask=do_not_ask, generator="local", prompt=prompt.ref)
    if llm is None:
        return local
    if not llm_allowed:
        return local.model_copy(update={"fallback_reason": "customer withdrew consent to AI processing"})
    label = intent.label if intent and not intent.out_of_scope else None
    try:
        parts, model = llm_card_parts(
            card=card,
            events=relevant,
            message=message,
            channel=channel,
            intent_label=label,
            llm=llm,
            prompt=prompt,
            policy_steps=policy_steps,
        )
    except LLMUnusable as exc:
        logger.warning("LLM card not used: %s", exc.reason)
        return local.model_copy(update={"fallback_reason": exc.reason})
    summary = assemble(**{**card.model_dump(exclude={"text", "citations"}), **parts})
    return local.model_copy(update={"summary": summary, "generator": "llm", "llm_model": model})
