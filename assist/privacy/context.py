"""What the words around a number say it is: a reference the agent needs, a phone, a national id, a secret.

A number means what its context says. "order 4811223344" is a reference, "call me on 4811223344" a phone,
"SSN 123456789" a social security number, and a bare "4811223344" typed right after the agent asked for the
order number is a reference too. Context comes from three places: the words just before or after the number
in the same text, the key a value sits under in structured data (`order_id`, `phone`), and the turn said
just before (the agent's question) when the text is a short answer to it.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache


class Cue(Enum):
    REFERENCE = "reference"
    TIME = "time"
    PHONE = "phone"
    CARD = "card"
    SSN = "ssn"
    NATIONAL_ID = "national_id"
    SECRET = "secret"


# Nouns that make the number after them a reference: an order, case, ticket ... number.
_REFERENCE_NOUNS = (
    "order|case|ticket|dispute|tracking|consignment|shipment|parcel|delivery|account|acct|booking|reservation|"
    "confirmation|reference|ref|invoice|claim|complaint|incident|policy|membership|member|customer|transaction|"
    "txn|receipt|return|rma|contract|loan|application|job|pnr|serial|sku|item|product|voucher|coupon|statement|"
    "cheque|check|sort code|payment|refund|chargeback|batch|request|flight|order-?no|version|build|ip"
)
_LABEL = r"(?:[\s_-]*(?:number|numbers|no\.?|nr\.?|num|id|ids|ref|reference|code|#))?"
# Each cue: the words that carry it. Named personal data comes first: a key like phone_number is a phone.
_CUE_WORDS: tuple[tuple[Cue, str], ...] = (
    (
        Cue.SECRET,
        r"pin|pin code|cvv2?|cvc2?|cv2|csc|security code|passcode|pass code|password|passwd|otp|"
        r"one[- ]time (?:pass)?code|verification code|auth(?:ori[sz]ation)? code|memorable (?:word|information)",
    ),
    (Cue.SSN, r"ssn|ssns|social security(?: number| no\.?)?"),
    (
        Cue.NATIONAL_ID,
        r"national insurance(?: number| no\.?)?|ni number|ni no\.?|nino|nhs(?: number| no\.?)?|"
        r"passport(?: number| no\.?)?|driving licen[cs]e(?: number| no\.?)?|driver'?s? licen[cs]e(?: number)?|"
        r"licen[cs]e number|tax id|tin|itin|ein|utr|bsn|pesel|steuer-?id|steuernummer|personnummer|cpr|hetu|dni|"
        r"nie|nif|codice fiscale|national id(?: number)?|id card(?: number)?|identity card(?: number)?|"
        r"id number|sin|sofi|burgerservicenummer",
    ),
    (Cue.CARD, r"card number|card no\.?|card num|card|pan|credit card|debit card"),
    (
        Cue.PHONE,
        r"phone|phones|mobile|mob|cell|cellphone|tel|telephone|landline|ring|call|calls|text|sms|"
        r"whatsapp|fax|reach|contact number|callback|call back|(?:my|your|his|her|our|their|best|home|work) number",
    ),
    (Cue.REFERENCE, rf"(?:{_REFERENCE_NOUNS}){_LABEL}|#|no\.|nr\."),
)
_CUE_BEFORE = re.compile(
    "|".join(rf"(?P<{cue.name}>(?<![a-z])(?:{words})(?![a-z]))" for cue, words in _CUE_WORDS), re.IGNORECASE
)
# The cue word must be close: at most three short words (": is my", "number was") between it and the number.
_GAP = re.compile(
    r"^(?:\W{0,3}(?:is|was|are|were|it'?s|my|the|your|our|a|an|of|on|at|to|for|number|no|nr|"
    r"id|ref|reference|code|me|us|be|will|new|old|same|full|here|below|=)\b){0,3}\W{0,4}$",
    re.I,
)
# After the number: "4811223344 is my order number", "07700 900123 (mobile)".
_AFTER = re.compile(r"^\W{0,3}(?:(?:is|was|=|as)\s+)?(?:(?:my|the|your|our|a)\s+)?(?:new\s+)?(\w+(?:\s\w+)?)", re.I)
_KEY_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_KEY_REFERENCE_TAIL = frozenset(
    (
        "id",
        "ids",
        "uuid",
        "ref",
        "reference",
        "number",
        "no",
        "num",
        "code",
        "key",
        "hash",
        "sha256",
        "version",
        "citations",
        "evidence",
    )
)
_KEY_TIME = frozenset(
    (
        "at",
        "ts",
        "time",
        "timestamp",
        "date",
        "created",
        "updated",
        "due",
        "when",
        "since",
        "until",
        "expires",
        "expiry",
    )
)
_KEY_PHONE = frozenset(
    ("phone", "phones", "mobile", "cell", "tel", "telephone", "landline", "fax", "msisdn", "whatsapp")
)
_KEY_NATIONAL = frozenset(
    (
        "nino",
        "nhs",
        "passport",
        "licence",
        "license",
        "tin",
        "itin",
        "ein",
        "utr",
        "bsn",
        "pesel",
        "nif",
        "nie",
        "dni",
        "cpr",
        "sin",
    )
)
_KEY_SECRET = frozenset(("pin", "cvv", "cvc", "cv2", "csc", "password", "passwd", "passcode", "otp", "secret"))
_ASKS_FOR_WORDS = 5  # a reply of at most this many words besides the number answers the question before it


def cue_near(text: str, start: int, end: int) -> Cue | None:
    """The cue carried by the words right before the span (the closest one), else right after it."""
    window = text[max(0, start - 60) : start]
    best: re.Match[str] | None = None
    for match in _CUE_BEFORE.finditer(window):
        if _GAP.match(window[match.end() :]) and (best is None or match.end() >= best.end()):
            best = match
    if best is not None and best.lastgroup:
        return Cue[best.lastgroup]
    after = _AFTER.match(text[end : end + 40])
    if after:
        found = _CUE_BEFORE.match(after.group(1))
        if found and found.lastgroup:
            return Cue[found.lastgroup]
    return None


@lru_cache(maxsize=1024)
def context_cue(context: str, text: str) -> Cue | None:
    """The cue that `context` (a data key, or the turn said just before) gives to all of `text`.

    A key (`order_id`, `phoneNumber`, `ssn`) applies to its whole value. A previous turn applies only when
    `text` is a short answer ("884213377", "sure, it's 884213377"): the agent asked, the customer answered.
    """
    if not context:
        return None
    if not any(ch.isspace() for ch in context.strip()) and len(context) <= 60:
        return _key_cue(context)
    words = re.sub(r"[\d\W_]+", " ", text).split()
    if len(words) > _ASKS_FOR_WORDS:
        return None
    # The question's last cue is what was asked for ("your account is locked; what's the phone number?").
    matches = list(_CUE_BEFORE.finditer(context[-200:]))
    named = [m for m in matches if (m.lastgroup and m.lastgroup != Cue.REFERENCE.name) or _is_labelled(m.group())]
    return Cue[named[-1].lastgroup] if named and named[-1].lastgroup else None


def _is_labelled(word: str) -> bool:
    """A question asks for a reference only when it names one: "order number", "case ref", not "your order"."""
    return bool(re.search(r"(?i)(number|no\.?|nr\.?|num|id|ids|ref|reference|code|#)$", word.strip()))


def _key_cue(key: str) -> Cue | None:
    words = [w.lower() for w in _KEY_WORD.findall(key.strip())]
    if not words:
        return None
    joined = " ".join(words)
    if set(words) & _KEY_SECRET:
        return Cue.SECRET
    if "ssn" in words or "social security" in joined:
        return Cue.SSN
    if set(words) & _KEY_NATIONAL or "national" in words:
        return Cue.NATIONAL_ID
    if set(words) & _KEY_PHONE:
        return Cue.PHONE
    if "card" in words and words[-1] not in ("last4", "last", "4", "id", "ending") and "last" not in words:
        return Cue.CARD if words[-1] in ("card", "number", "no", "num", "pan") else None
    if "pan" in words:
        return Cue.CARD
    if words[-1] in _KEY_TIME:
        return Cue.TIME
    if words[-1] in _KEY_REFERENCE_TAIL or re.search(rf"\b(?:{_REFERENCE_NOUNS})\b", joined):
        return Cue.REFERENCE
    return None


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# Dates, times and amounts: their digits are never a phone number or an id, whatever follows them.
_PROTECTED = re.compile(
    rf"""(?ix)
    \d{{4}}-\d{{2}}-\d{{2}}(?:[T\s]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:[.,]\d+)?)?)?(?:\s?(?:Z|UTC|GMT|[+-]\d{{2}}:?\d{{2}}))?
    | (?<!\d)\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})(?![\d/.-]\d)
    | (?<![\d:])\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s?[ap]\.?m\.?)?(?!\d)
    | (?<!\d)\d{{1,2}}(?:\.\d{{2}})?\s?[ap]\.?m\.?(?![a-z])
    | (?<!\d)\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?
    | {_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?
    | [£$€¥]\s?\d{{1,3}}(?:[,\s]\d{{3}})*(?:\.\d{{1,2}})?(?!\d) | [£$€¥]\s?\d+(?:\.\d{{1,2}})?
    | (?<![\w.])\d{{1,3}}(?:,\d{{3}})*(?:\.\d{{1,2}})?\s?(?:gbp|usd|eur|pounds?|dollars?|euros?|pence|cents?|p)\b
    """
)


def protected_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PROTECTED.finditer(text)]
