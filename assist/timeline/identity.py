"""Normalising identifiers so the same person matches across channels."""

from __future__ import annotations

import phonenumbers

from assist.errors import InputError


def normalise(kind: str, value: str, *, region: str) -> str:
    value = value.strip()
    if not value.lstrip("@" if kind == "handle" else ""):
        raise InputError(("customer", kind), "must not be blank")
    if kind == "email":
        if "@" not in value or value.startswith("@") or value.endswith("@"):
            raise InputError(("customer", "email"), "not an email address")
        return value.lower()
    if kind == "phone":
        return normalise_phone(value, region=region)
    if kind == "handle":
        # Social handles are case-insensitive; "@Ana" and "ana" are the same account.
        return value.lstrip("@").lower()
    return value


def normalise_phone(value: str, *, region: str) -> str:
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise InputError(("customer", "phone"), f"not a phone number ({exc})") from exc
    if not phonenumbers.is_possible_number(number):
        raise InputError(("customer", "phone"), "not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
