"""Redaction of personal data before text reaches an LLM, a log or an audit record.

Presidio would fit, but its analyzer needs a spaCy model that is not on PyPI and cannot be downloaded at
run time; its recognizers for these entities are regular expressions with checksums anyway. So: regular
expressions validated by checksums (Luhn for cards, mod-97 for IBANs) and `phonenumbers` for phones.
Known misses are listed in docs/privacy.md and pinned by tests/privacy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import phonenumbers

PHONE_REGIONS = ("GB", "US")

_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# IBAN: country, check digits, then 11-30 alphanumerics, usually printed in groups of four.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?\b")
_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
# UK National Insurance number. Any two letters, not only issued prefixes: HMRC's own example QQ 12 34 56 C
# is what people paste into tests and forms, and a false positive costs less than a leak.
_NI = re.compile(r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.IGNORECASE)
# US SSN with separators; a bare 9-digit number is one only when named as such (it could be an order id).
_SSN = re.compile(r"\b(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}\b")
_SSN_NAMED = re.compile(r"(?i)\b(ssn|social security(?: number)?)(\W{1,5})(\d{9})\b")
# A digit run glued to letters or dashes is part of an id (evt_9aa8bf2084154174a346, a UUID), not a phone or card.
_PHONE_CANDIDATE = re.compile(r"(?<![\w+(-])\+?\(?\d[\d ().-]{5,22}\d(?![\w-])")
# Digits right after one of these words are a reference the agent needs, not a phone number.
_REFERENCE_BEFORE = re.compile(
    r"(?i)(?:order|case|ref|reference|ticket|invoice|tracking|parcel|booking|claim|#)\W{0,3}$"
)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_ok(compact: str) -> bool:
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return f"[CARD ****{digits[-4:]}]" if _luhn_ok(digits) else match.group()


def _iban(match: re.Match[str]) -> str:
    # The greedy match may run into the next word; shorten it until the checksum holds.
    text = match.group()
    while text:
        compact = re.sub(r"[ -]", "", text)
        if _iban_ok(compact):
            return "[IBAN]" + match.group()[len(text) :]
        text = text[:-1].rstrip(" -")
    return match.group()


def _phones(text: str) -> str:
    # The matcher is slow on long text, so it only reads digit runs that could be a phone number.
    spans: list[tuple[int, int]] = []
    for candidate in _PHONE_CANDIDATE.finditer(text):
        if sum(ch.isdigit() for ch in candidate.group()) < 7:
            continue
        offset = candidate.start()
        for region in PHONE_REGIONS:
            matches = phonenumbers.PhoneNumberMatcher(
                candidate.group(), region, leniency=phonenumbers.Leniency.POSSIBLE
            )
            for m in matches:
                start = offset + m.start
                raw = m.raw_string
                # Fictional and new ranges (07700 900xxx) are not "valid" to phonenumbers, so a number written
                # the way people write phones (+44.., 0.., (415)..) with enough digits counts too.
                dialled = raw[0] in "+0(" and sum(ch.isdigit() for ch in raw) >= 10
                reference = _REFERENCE_BEFORE.search(text[max(0, start - 20) : start])
                if dialled or (phonenumbers.is_valid_number(m.number) and not reference):
                    spans.append((start, offset + m.end))
    for start, end in sorted(_merge(spans), reverse=True):
        text = text[:start] + "[PHONE]" + text[end:]
    return text


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# Every kind of personal data above holds a digit or an @: text without either (labels, reasons) is skipped.
_MAY_HOLD = re.compile(r"[\d@]")

_STEPS: tuple[Callable[[str], str], ...] = (
    lambda t: _EMAIL.sub("[EMAIL]", t),
    lambda t: _IBAN.sub(_iban, t),
    lambda t: _CARD.sub(_card, t),
    lambda t: _SSN_NAMED.sub(lambda m: f"{m.group(1)}{m.group(2)}[SSN]", t),
    lambda t: _SSN.sub("[SSN]", t),
    lambda t: _NI.sub("[NI_NUMBER]", t),
    _phones,
)


@lru_cache(maxsize=4096)
def redact(text: str) -> str:
    """`text` with personal data replaced by typed placeholders: [EMAIL], [PHONE], [IBAN], [CARD ****1234],
    [SSN], [NI_NUMBER]. Order ids, case ids, amounts and dates are kept: the agent needs them.

    Cached: every audit record redacts the same article texts, procedure steps and reasons again."""
    if not _MAY_HOLD.search(text):
        return text
    for step in _STEPS:
        text = step(text)
    return text


def redact_obj(obj: Any) -> Any:
    """A copy of `obj` with every string in it (dict values, list and tuple items) redacted; keys are kept."""
    if isinstance(obj, str):
        return redact(obj)
    if isinstance(obj, dict):
        return {key: redact_obj(value) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        return type(obj)(redact_obj(item) for item in obj)
    return obj
