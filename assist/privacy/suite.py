"""The privacy suite's cases (evals/privacy/cases.yaml) and its checks, shared by tests/privacy and
benchmarks/privacy.py: every secret sent in every form that fits it, found nowhere it must not be; every
reference, time and amount kept as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict

Kind = Literal["card", "email", "phone", "iban", "national_id"]
# The key a digits-only secret is sent under as a JSON number: a card needs no name (Luhn), the others one.
_NUMBER_KEYS: dict[str, str] = {"card": "n", "phone": "phone", "national_id": "national_id"}


class Secret(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    form: str
    value: str

    def pattern(self) -> re.Pattern[str]:
        """The secret however it is spaced, dashed, dotted or cased: 4539148803436467 matches 4539 1488 0343 6467."""
        chars = [re.escape(c) for c in self.value if c.isalnum() or c in "@._+"]
        return re.compile(r"[\s.()-]{0,3}".join(chars), re.IGNORECASE)

    def placements(self) -> Iterator[tuple[str, str, Any]]:
        """(where, event text, event data) for each form of sending it that fits."""
        yield "text", f"For the record, it is {self.value} as I said.", {}
        yield "data value", "", {"details": {"note": self.value}}
        yield "data key", "", {"details": {self.value: "given"}}
        digits = "".join(c for c in self.value if c.isdigit())
        if digits and digits == "".join(c for c in self.value if c.isalnum()) and self.kind in _NUMBER_KEYS:
            yield "data number", "", {"details": {_NUMBER_KEYS[self.kind]: int(digits)}}


class Keep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    text: str


class Cases(BaseModel):
    model_config = ConfigDict(extra="forbid")

    secrets: list[Secret]
    keep: list[Keep]


def load_cases(path: Path) -> Cases:
    return Cases.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def leaks(secrets: list[Secret], places: dict[str, str]) -> list[str]:
    """'kind form in place' for every secret found unredacted in one of the places (name -> text)."""
    return [
        f"{s.kind} ({s.form}) in {place}" for s in secrets for place, text in places.items() if s.pattern().search(text)
    ]


def mangled(keeps: list[Keep], text: str) -> list[str]:
    """Kept texts that did not survive as written in `text` (what the LLM received)."""
    return [k.text for k in keeps if k.text not in text]
