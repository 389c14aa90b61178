"""Redaction of personal data before text reaches an LLM, a log or an audit record, keeping what agents need.

`redact(text, context)` replaces cards, emails, phones, IBANs, national ids and named secrets with typed
placeholders, and keeps references (order, case, ticket ... numbers), dates, times and amounts. `context`
is what came just before the text: the key it sits under in structured data, or the previous turn (so a
bare number typed after "what is your order number?" stays). `redact_obj` is the one walk over structured
data, keys and values of any type, that the LLM prompt, the audit trail and the handoff card share.
Decisions, measured precision and known misses: docs/privacy.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from assist.privacy.context import Cue, context_cue, protected_spans
from assist.privacy.detectors import CERTAIN, FINDERS, Finding

# Every kind of personal data above holds a digit or an @: text without either (labels, reasons) is skipped.
_MAY_HOLD = re.compile(r"[\d@]")
# In a list of {"field": "order_id", "value": "..."} pairs, the sibling names what the value is.
_LABEL_KEYS = ("field", "name", "key", "type", "label", "kind")


@lru_cache(maxsize=8192)
def redact(text: str, context: str = "") -> str:
    """`text` with personal data replaced by [EMAIL], [PHONE], [IBAN], [CARD ****1234], [SSN], [NI_NUMBER],
    [NATIONAL_ID] or [SECRET]; references, dates, times and amounts are kept.

    `context`: the data key the text sits under, or the turn said just before it (see assist.privacy.context).
    Cached: every audit record redacts the same article texts, procedure steps and reasons again."""
    whole = context_cue(context, text) if context else None
    if whole is Cue.SECRET and text.strip():
        return "[SECRET]"
    if not _MAY_HOLD.search(text):
        return text
    chosen = _resolve(text, [f for finder in FINDERS for f in finder(text, whole)], whole)
    for f in sorted(chosen, key=lambda f: f.start, reverse=True):
        text = text[: f.start] + f.placeholder + text[f.end :]
    return text


def _resolve(text: str, findings: list[Finding], whole: Cue | None) -> list[Finding]:
    """Non-overlapping findings, the most certain and then the longest first. A likely one gives way to a
    reference or time named by the context, and to a date, time or amount in the text."""
    protected = protected_spans(text) if findings else []
    chosen: list[Finding] = []
    for f in sorted(findings, key=lambda f: (-f.strength, f.start - f.end, f.start)):
        if f.strength < CERTAIN and (
            whole in (Cue.REFERENCE, Cue.TIME) or any(s < f.end and f.start < e for s, e in protected)
        ):
            continue
        if all(c.end <= f.start or f.end <= c.start for c in chosen):
            chosen.append(f)
    return chosen


def redact_turns(texts: Sequence[str]) -> list[str]:
    """Each text redacted with the one before it as context: a conversation, oldest first."""
    before = ["", *texts][: len(texts)]
    return [redact(text, previous) for previous, text in zip(before, texts, strict=True)]


def redact_obj(obj: Any, context: str = "", *, trusted: Collection[str] = ()) -> Any:
    """A copy of `obj` with personal data redacted in every string, number and key, at any depth.

    Each value is read with its key as context (`{"order_id": 4811223344}` keeps a reference,
    `{"phone": 4811223344}` is a phone); a number that holds personal data becomes its placeholder string.
    Values under a `trusted` key are the tenant's own content (approved answers) and are kept as they are.
    The input is not changed."""
    if isinstance(obj, str):
        return redact(obj, context)
    if isinstance(obj, bool) or obj is None:
        return obj
    if isinstance(obj, int | float | Decimal):
        return _number(obj, context)
    if isinstance(obj, Mapping):
        label = next((str(obj[k]) for k in _LABEL_KEYS if isinstance(obj.get(k), str)), "")
        out: dict[Any, Any] = {}
        for key, value in obj.items():
            if key in trusted:
                out[key] = value
                continue
            clean = redact_obj(key) if isinstance(key, str | int) and not isinstance(key, bool) else key
            while clean in out:  # two keys that redact alike must not overwrite each other
                clean = f"{clean}'"
            out[clean] = redact_obj(value, label if key == "value" and label else str(key), trusted=trusted)
        return out
    if isinstance(obj, list | tuple | set | frozenset):
        return type(obj)(redact_obj(item, context, trusted=trusted) for item in obj)
    return obj


def _number(value: int | float | Decimal, context: str) -> Any:
    if isinstance(value, float | Decimal) and not (math.isfinite(value) and value == int(value)):
        return value
    digits = str(abs(int(value)))
    clean = redact(digits, context)
    return value if clean == digits else clean
