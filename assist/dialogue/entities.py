"""Facts in what people write: references, amounts, dates, merchants, places, payees, accounts.

Read from text after redaction, so personal data can only surface as a placeholder ([EMAIL], [PHONE],
[IBAN]) or a card's last four digits. Formats, not phrases: a reference is a labelled id holding a digit
or a letter-prefixed code; an amount is a currency symbol, code or word around a number with or without
thousands separators.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*"
# The word that names a reference, and the field it goes in.
REFERENCE_LABELS = {
    "order": "order_id",
    "case": "case_id",
    "ticket": "case_id",
    "complaint": "case_id",
    "dispute": "dispute_id",
    "claim": "claim_id",
    "tracking": "tracking",
    "parcel": "tracking",
    "consignment": "tracking",
    "booking": "booking_id",
    "reservation": "booking_id",
    "invoice": "invoice_id",
    "account": "account_id",
    "reference": "reference",
    "ref": "reference",
    "confirmation": "reference",
    "transaction": "reference",
    "policy": "reference",
    "membership": "reference",
}
_LABEL_WORDS = "|".join(sorted(REFERENCE_LABELS, key=len, reverse=True))
# "order 88231", "case number is CS-20931", "order #A-77812", "tracking no. 1Z999": the id holds a digit.
_LABELLED = re.compile(
    rf"(?i)\b(?P<label>{_LABEL_WORDS})s?\s*(?:(?:number|no\.?|num|id|ref(?:erence)?|code)\s*)?(?:is\s+|was\s+|:\s*|#\s*)*"
    r"(?P<id>(?-i:[A-Z]{0,5})-?\d[\dA-Z-]{2,}\d?|\d[\d ]{4,}\d)\b"
)
# A code of capital letters, a dash and digits: AB-1234, RMA-55120, TRK-99120 (not COVID-19: 3+ digits).
_CODE = re.compile(r"\b([A-Z]{1,5}-\d{3,}[A-Z\d]*|[A-Z]{2,5}\d{5,})\b")
_CURRENCY_WORDS = {"pound": "£", "pounds": "£", "quid": "£", "gbp": "£", "dollar": "$", "dollars": "$",
                   "usd": "$", "bucks": "$", "euro": "€", "euros": "€", "eur": "€"}  # fmt: skip
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?"
_AMOUNT = re.compile(
    rf"(?P<sym>[£$€])\s?(?P<n1>{_NUMBER})(?P<k1>k\b)?"
    rf"|\b(?P<code>GBP|USD|EUR)\s?(?P<n2>{_NUMBER})"
    rf"|\b(?P<n3>{_NUMBER})\s?(?P<word>pounds?|quid|dollars?|bucks|euros?|GBP|USD|EUR)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    rf"\b(\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:\s+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})\b"
)
_NAME = r"[A-Z][\w&'.-]*(?:\s+(?:[A-Z][\w&'.-]*|&|of))*"
_PAY_WORDS = r"charge|charged|payment|paid|pay|transaction|purchase|debit|debited|refund|spent|spend|bought"
_MERCHANT = re.compile(
    rf"\b(?i:{_PAY_WORDS})s?\s+(?:(?i:of|for)\s+)?(?:[£$€]\s?[\d,.]+\s+|\d[\d,.]*\s?(?i:pounds?|dollars?|euros?)\s+)?"
    r"(?:(?i:for|on|in)\s+(?:[a-z]+\s+){0,2}?)?(?i:from|at|by|with|on|to)\s+(?P<name>" + _NAME + ")"
    rf"|(?:[£$€]\s?|\b(?:GBP|USD|EUR)\s?)\d[\d,.]*\s+(?i:at|from|with)\s+(?P<name2>{_NAME})"
)
_PLACE_NOUNS = r"branch|store|shop|ATM|cash machine|office|station|depot|post office|airport|mall|centre|center"
_PLACE = re.compile(
    rf"\b(?i:at|in|on)\s+(?:the\s+)?(?P<place>{_NAME}\s+(?i:{_PLACE_NOUNS}))\b"
    rf"|\b(?i:branch|store|ATM|cash machine|cashpoint|depot)\s+(?i:in|at|on)\s+(?:the\s+)?"
    rf"(?P<place2>{_NAME}(?:\s+(?i:{_PLACE_NOUNS}))?)"
)
_ADDRESS = re.compile(r"\b(\d{1,4}\s+[A-Z][\w' ]{2,40}?,\s*(?:[A-Z][a-z]+,?\s+)?[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})\b")
_RELATIONS = (
    r"son|daughter|mum|mom|mother|dad|father|wife|husband|partner|brother|sister|friend|landlord|landlady|"
    r"grandson|granddaughter|grandmother|grandfather|nan|gran|niece|nephew|uncle|aunt|child|children|kids|builder|"
    r"plumber|electrician|solicitor|school|nursery|carer|tenant|flatmate|boss|employer|colleague|family"
)
_PERSON = r"(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?[A-Z][a-zA-Z]+(?:\s+[A-Z][a-z]+)?"
_PAYEE = re.compile(
    rf"(?i:pay|paid|paying|payment|send|sent|sending|transfer|transferred|transferring|money|gift|present|funds)\b"
    rf"(?:[^.?!]|\.\d){{0,40}}?\b(?i:to|for)\s+(?:the\s+\w+\s+account\s+of\s+)?"
    rf"(?P<payee>(?i:my|our)\s+(?i:{_RELATIONS})|{_PERSON})"
    rf"|\b(?i:for|to)\s+(?P<payee2>(?i:my|our)\s+(?i:{_RELATIONS}))\b"
    rf"|\baccount\s+of\s+(?P<payee3>{_PERSON})"
    rf"|\b(?P<payee4>{_PERSON})\s+(?i:is|will be)\s+the\s+(?i:recipient|payee|receiver)"
    rf"|\b(?i:recipient|payee|receiver)\s+(?i:is|will be|should be)\s+(?P<payee5>{_PERSON})"
    rf"|\b(?i:send|pay|transfer)\s+(?P<payee6>{_PERSON})\s+(?:[£$€]|\d|(?i:a|an|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|twenty|thirty|forty|fifty|hundred)\b)"
)
_NOT_NAMES = frozenset(
    "I The A An My Your Our This That It We You They He She Monday Tuesday Wednesday Thursday Friday Saturday "  # noqa: SIM905
    "Sunday Today Tomorrow Please Thanks Thank Hi Hello Dear".split()
)
_ACCOUNT_TYPE = re.compile(r"(?i)\b(checking|savings?|current|joint|business|isa|credit card)\s+accounts?\b")
_PLACEHOLDER_FACTS = (
    ("card_last4", re.compile(r"\[CARD \*{4}(\d{4})\]")),
    (
        "card_last4",
        re.compile(r"(?i)\b(?:card|account)\s+(?:number\s+)?(?:ending|ends)(?:\s+(?:in|with))?\s*(\d{4})\b"),
    ),
    ("email", re.compile(r"(\[EMAIL\])")),
    ("phone", re.compile(r"(\[PHONE\])")),
    ("iban", re.compile(r"(\[IBAN\])")),
)
_HAS_DIGIT = re.compile(r"\d")
NOT_REFERENCES = frozenset(("amount", "merchant", "address", "card_last4", "date", "place", "payee", "account"))


def amount_value(match: re.Match[str]) -> str:
    """An amount in one form: currency symbol and the number as written ('1,200 pounds' -> '£1,200')."""
    if match.group("sym"):
        number = match.group("n1")
        if match.group("k1"):
            number = f"{float(number.replace(',', '')) * 1000:,.0f}"
        return f"{match.group('sym')}{number}"
    if match.group("code"):
        return f"{_CURRENCY_WORDS[match.group('code').lower()]}{match.group('n2')}"
    return f"{_CURRENCY_WORDS[match.group('word').lower()]}{match.group('n3')}"


def _clean_name(name: str) -> str | None:
    words = name.strip().rstrip(".,'").split()
    while words and words[-1] in ("of", "&"):
        words.pop()
    if not words or words[0] in _NOT_NAMES:
        return None
    return " ".join(words[:4])


def text_references(text: str) -> Iterator[tuple[str, str]]:
    """References alone: labelled ids and letter-prefixed codes (what links two contacts to one issue)."""
    if not _HAS_DIGIT.search(text):
        return
    taken: set[str] = set()
    for match in _LABELLED.finditer(text):
        value = match.group("id").strip().rstrip("-")
        field = REFERENCE_LABELS[match.group("label").lower()]
        if field == "account_id" and not re.search(r"\d{4,}|[A-Z]-?\d", value):
            continue
        taken.add(value)
        yield field, value
    for match in _CODE.finditer(text):
        if match.group(1) not in taken:
            yield "reference", match.group(1)


_PAY_GATE = (
    "charge",
    "pay",
    "paid",
    "transaction",
    "purchase",
    "debit",
    "refund",
    "spen",
    "bought",
    "£",
    "$",
    "€",
    "gbp",
    "usd",
    "eur",
)
_PLACE_GATE = (
    "branch",
    "store",
    "shop",
    "atm",
    "cash machine",
    "cashpoint",
    "office",
    "station",
    "depot",
    "airport",
    "mall",
    "centre",
    "center",
)
_PAYEE_GATE = ("pay", "send", "sent", "transfer", "money", "gift", "present", " my ", " our ", "account of",
               "recipient", "receiver", "funds")  # fmt: skip


def text_entities(text: str) -> Iterator[tuple[str, str]]:
    """(field, value) pairs found in `text` (already redacted), in the order of the patterns."""
    low = text.lower()
    digits = bool(_HAS_DIGIT.search(text))
    yield from text_references(text)
    if digits:
        for match in _AMOUNT.finditer(text):
            yield "amount", amount_value(match)
        for match in _DATE.finditer(text):
            yield "date", match.group(1)
    if any(word in low for word in _PAY_GATE):
        for match in _MERCHANT.finditer(text):
            if name := _clean_name(match.group("name") or match.group("name2")):
                yield "merchant", name
    if any(word in low for word in _PLACE_GATE):
        for match in _PLACE.finditer(text):
            if name := _clean_name(match.group("place") or match.group("place2")):
                yield "place", name
    if digits:
        for match in _ADDRESS.finditer(text):
            yield "address", match.group(1)
    if any(word in low for word in _PAYEE_GATE):
        for match in _PAYEE.finditer(text):
            payee = next((p for p in match.group("payee", "payee2", "payee3", "payee4", "payee5", "payee6") if p), "")
            payee = re.sub(r"^(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+", "", payee.strip())
            if payee and (payee.split()[0].lower() in ("my", "our") or _clean_name(payee)):
                yield "payee", payee
    if "account" in low:
        for match in _ACCOUNT_TYPE.finditer(text):
            yield "account", match.group(1).lower()
    if digits or "[" in text:
        for field, pattern in _PLACEHOLDER_FACTS:
            for match in pattern.finditer(text):
                yield field, match.group(1)


def normalise(value: str) -> str:
    return re.sub(r"[\s#:-]", "", value).lower()
