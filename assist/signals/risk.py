"""Risk: possible fraud, a vulnerable customer, a customer in distress. Each of these needs a person.

Phrase rules rather than a model: the cost of a miss is a defrauded or distressed customer sent to a
bot, so the rules are deliberately broad and every hit names the words that matched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from assist.signals.models import MESSAGE_EVIDENCE, Signal
from assist.timeline.models import TimelineEvent

RECENT = timedelta(hours=24)
DISTRESS_SENTIMENT = -0.75

# Needs that are themselves a possible compromise, whatever words the customer used.
FRAUD_INTENTS = frozenset(
    {
        "compromised_card",
        "lost_or_stolen_card",
        "lost_or_stolen_phone",
        "card_payment_not_recognised",
        "cash_withdrawal_not_recognised",
        "direct_debit_payment_not_recognised",
    }
)

FRAUD = re.compile(
    r"\b(?:fraud\w*|scam\w*|phish\w*|hack(?:ed|er|ers)?|stolen|stole|theft|compromised|identity theft"
    r"|unauthori[sz]ed|someone (?:else )?(?:has )?(?:used|took|taken|accessed|got into|is using)"
    r"|(?:didn't|did not|never) (?:make|made|authori[sz]e|do|buy|order)"
    r"|(?:don't|do not) recogni[sz]e|not recogni[sz]ed|unrecogni[sz]ed"
    r"|(?:lost|missing) (?:my )?(?:card|wallet|phone))\b",
    re.IGNORECASE,
)
VULNERABILITY = re.compile(
    r"\b(?:passed away|died|death|bereave\w*|funeral|widow\w*|terminal\w*|cancer|hospital\w*|disab\w*|dementia"
    r"|carer|caring for|elderly|pension(?:er)?|lost my job|redundan\w*|unemployed|can't afford|cannot afford"
    r"|struggling to pay|debt\w*|bailiff\w*|evict\w*|homeless|domestic abuse|abusive|coercive|mental health"
    r"|depress\w*|blind|deaf|hearing impair\w*|learning difficult\w*)\b",
    re.IGNORECASE,
)
DISTRESS = re.compile(
    r"\b(?:desperate\w*|panic\w*|can't cope|cannot cope|can't breathe|terrified|scared|crying|in tears"
    r"|at my wits'? end|don't know what to do|do not know what to do|nowhere else|begging|please help me|help me please"
    r"|can't (?:feed|pay rent|buy food)|no money (?:left|for food)|suicid\w*|kill myself|end it all|self[- ]harm)\b",
    re.IGNORECASE,
)


def _hits(
    pattern: re.Pattern[str], events: Sequence[TimelineEvent], message: str | None, now: datetime
) -> tuple[list[str], list[str]]:
    """Evidence ids and the matched words in the message and the customer's recent turns."""
    evidence: list[str] = []
    words: list[str] = []
    texts = [(e.event_id, e.text) for e in events if e.actor == "customer" and e.text and now - e.occurred_at <= RECENT]
    if message:
        texts.append((MESSAGE_EVIDENCE, message))
    for evidence_id, text in texts:
        found = [m.group(0).lower() for m in pattern.finditer(text)]
        if found:
            evidence.append(evidence_id)
            words.extend(w for w in found if w not in words)
    return evidence, words


def fraud(events: Sequence[TimelineEvent], *, message: str | None, intent: str | None, now: datetime) -> Signal | None:
    evidence, words = _hits(FRAUD, events, message, now)
    by_intent = intent in FRAUD_INTENTS
    if not evidence and not by_intent:
        return None
    parts = ([f"the need ({intent.replace('_', ' ')}) may be a compromise"] if by_intent and intent else []) + (
        [f"the customer said: {', '.join(repr(w) for w in words[:4])}"] if words else []
    )
    return Signal(
        name="fraud",
        kind="risk",
        detail="possible fraud: " + "; ".join(parts),
        evidence=evidence or [MESSAGE_EVIDENCE],
        strength=1.0 if evidence else 0.7,
    )


def vulnerability(events: Sequence[TimelineEvent], *, message: str | None, now: datetime) -> Signal | None:
    evidence, words = _hits(VULNERABILITY, events, message, now)
    flagged = [e.event_id for e in events if e.data.get("vulnerable") is True]
    if not evidence and not flagged:
        return None
    detail = f"circumstances that may make the customer vulnerable: {', '.join(repr(w) for w in words[:4])}"
    return Signal(
        name="vulnerability",
        kind="risk",
        detail=detail if words else "marked vulnerable by a channel or agent",
        evidence=flagged + evidence,
    )


def distress(events: Sequence[TimelineEvent], *, message: str | None, sentiment: float, now: datetime) -> Signal | None:
    evidence, words = _hits(DISTRESS, events, message, now)
    very_negative = sentiment <= DISTRESS_SENTIMENT and message is not None
    if not evidence and not very_negative:
        return None
    parts = ([f"the customer said: {', '.join(repr(w) for w in words[:4])}"] if words else []) + (
        [f"very negative sentiment ({sentiment:.2f})"] if very_negative else []
    )
    return Signal(
        name="distress",
        kind="risk",
        detail="distress: " + "; ".join(parts),
        evidence=evidence or [MESSAGE_EVIDENCE],
        strength=1.0 if evidence else 0.7,
    )
