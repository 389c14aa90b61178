"""Facts a customer has already given, from event data (the channel conventions) and from free text.

Text is read after redaction, so a full card number can only ever surface as its last four digits and an
email or phone only as a placeholder that tells the agent it is on file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*"
# "order 88231", "case number is CS-20931", "order #A-77812": the id must hold a digit.
_LABEL = r"\s*(?:number|no\.?|id|ref)?\s*(?:is\s+)?[:#]?\s*([A-Z]*-?\d[\w-]{2,})"
_TEXT_FACTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("order_id", re.compile(rf"(?i)\border{_LABEL}")),
    ("case_id", re.compile(rf"(?i)\b(?:case|ticket|complaint){_LABEL}")),
    ("reference", re.compile(r"\b((?:RMA|REF|INV|CLM|TRK|CS|CB)-?\d{3,})\b")),
    ("amount", re.compile(r"([£$€]\s?\d[\d,]*(?:\.\d{2})?|\b\d[\d,]*(?:\.\d{2})?\s?(?:GBP|USD|EUR)\b)")),
    (
        "date",
        re.compile(
            rf"\b(\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?"
            rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)\b"
        ),
    ),
    (
        "merchant",
        re.compile(
            r"(?i:charge|charged|payment|paid|transaction|purchase|debit|debited|refund)s?\s+"
            r"(?:(?i:of\s+)?[£$€]\s?[\d,.]+\s+)?(?i:from|at|to|by|with)\s+"
            r"([A-Z][\w&'.-]+(?:\s+[A-Z][\w&'.-]+){0,2})"
        ),
    ),
    (
        "address",
        re.compile(r"\b(\d{1,4}\s+[A-Z][\w' ]{2,40}?,\s*(?:[A-Z][a-z]+,?\s+)?[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})\b"),
    ),
    ("card_last4", re.compile(r"\[CARD \*{4}(\d{4})\]")),
    ("card_last4", re.compile(r"(?i)\b(?:card|account)\s+(?:ending|ends)(?:\s+(?:in|with))?\s*(\d{4})\b")),
    ("email", re.compile(r"(\[EMAIL\])")),
    ("phone", re.compile(r"(\[PHONE\])")),
    ("iban", re.compile(r"(\[IBAN\])")),
)
# Event data keys whose values are facts a customer gave (besides the `references` object).
DATA_FACT_KEYS = ("amount", "merchant", "address", "card_last4", "date", "order_id", "case_id")
NOT_REFERENCES = frozenset(("amount", "merchant", "address", "card_last4", "date"))
IDENTIFIER_FACTS = {"account_id": None, "email": "[EMAIL]", "phone": "[PHONE]", "handle": None}


def text_facts(text: str) -> Iterator[tuple[str, str]]:
    for field, pattern in _TEXT_FACTS:
        for match in pattern.finditer(text):
            yield field, match.group(1).strip().rstrip(".,")


def data_facts(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    references = data.get("references")
    if isinstance(references, dict):
        for field, value in references.items():
            if isinstance(value, str | int) and str(value):
                yield str(field), str(value)
    for field in DATA_FACT_KEYS:
        value = data.get(field)
        if isinstance(value, str | int | float) and str(value):
            yield field, str(value)


def identifier_facts(customer: dict[str, str]) -> Iterator[tuple[str, str]]:
    """The identifiers an event carried; emails and phones only as placeholders (on file, do not ask)."""
    for field, placeholder in IDENTIFIER_FACTS.items():
        if value := customer.get(field):
            yield field, placeholder or value


def normalise(value: str) -> str:
    return re.sub(r"[\s#:-]", "", value).lower()
