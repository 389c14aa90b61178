"""Finders of personal data in text. Each returns findings: a span, its placeholder and how certain it is.

A CERTAIN finding has a checksum or an unmistakable form (a Luhn-valid card with an issuer's first digit,
an IBAN whose country length and mod-97 hold, an email, a dialled +44 number, a number named as an SSN):
it is redacted even where the words call it a reference. A LIKELY finding (a valid-looking national phone
number, an NHS-shaped number) gives way to a reference, a date or an amount. Checksums and national id
formats come from python-stdnum; phone numbers from phonenumbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import phonenumbers
from stdnum import iban, luhn
from stdnum.be import nn as be_nn
from stdnum.dk import cpr as dk_cpr
from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie
from stdnum.fi import hetu as fi_hetu
from stdnum.fr import nir as fr_nir
from stdnum.gb import nhs as gb_nhs
from stdnum.ie import pps as ie_pps
from stdnum.it import codicefiscale as it_cf
from stdnum.se import personnummer as se_pnr
from stdnum.us import itin as us_itin
from stdnum.us import ssn as us_ssn

from assist.privacy.context import Cue, cue_near

PHONE_REGIONS = ("GB", "US")
_POSSIBLE = phonenumbers.Leniency.POSSIBLE
CERTAIN, LIKELY = 2, 1


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    placeholder: str
    strength: int


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


_EMAIL = re.compile(r"(?<![\w.+'-])[\w.%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")


def emails(text: str, _cue: Cue | None) -> Iterator[Finding]:
    for m in _EMAIL.finditer(text):
        yield Finding(m.start(), m.end(), "[EMAIL]", CERTAIN)


# Country, check digits, then 11-30 letters and digits in any case, in groups or not.
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -]{0,2}[A-Za-z0-9]){11,30}")


def ibans(text: str, _cue: Cue | None) -> Iterator[Finding]:
    for m in _IBAN.finditer(text):
        # The match may run into the next words; shorten it until the country's length and mod-97 hold.
        candidate = m.group()
        while len(candidate) >= 15:
            if iban.is_valid(candidate):
                yield Finding(m.start(), m.start() + len(candidate), "[IBAN]", CERTAIN)
                break
            candidate = candidate[:-1].rstrip(" -")


# 13-19 digits, in one run or in groups of 3+ split by spaces (one or two), dashes or dots.
_CARD = re.compile(r"(?<![\w.-])\d(?:(?:[ .-]| {2})?\d){12,18}(?![\w-]|[.,]\d)")


def cards(text: str, cue: Cue | None) -> Iterator[Finding]:
    for m in _CARD.finditer(text):
        groups = re.split(r"[ .-]+", m.group())
        if len(groups) > 1 and min(len(g) for g in groups) < 3:
            continue
        digits = _digits(m.group())
        named = (cue_near(text, m.start(), m.end()) or cue) is Cue.CARD
        if named or (digits[0] in "23456" and luhn.is_valid(digits)):
            yield Finding(m.start(), m.end(), f"[CARD ****{digits[-4:]}]", CERTAIN)


_ID_FORMS: tuple[tuple[re.Pattern[str], Callable[[str], bool], str, int], ...] = (
    # UK National Insurance number: any two letters (HMRC's own example QQ 12 34 56 C is what people paste).
    (
        re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}(?:[ -]?\d{2}){3}[ -]?[A-Da-d](?![A-Za-z0-9])"),
        bool,
        "[NI_NUMBER]",
        CERTAIN,
    ),
    (
        re.compile(r"(?<![\w.-])\d{3}([-. ]{1,2})\d{2}\1\d{4}(?![\w-]|[.,]\d)"),
        lambda s: us_ssn.is_valid(_digits(s)),
        "[SSN]",
        CERTAIN,
    ),
    (
        re.compile(r"(?<![\w.-])9\d{2}([-. ]?)[5-9]\d\1\d{4}(?![\w-]|[.,]\d)"),
        lambda s: us_itin.is_valid(_digits(s)),
        "[NATIONAL_ID]",
        CERTAIN,
    ),
    (re.compile(r"(?<![\w-])\d{8}-?[A-Za-z](?![\w-])"), es_dni.is_valid, "[NATIONAL_ID]", CERTAIN),
    (re.compile(r"(?<![\w-])[XYZxyz]-?\d{7}-?[A-Za-z](?![\w-])"), es_nie.is_valid, "[NATIONAL_ID]", CERTAIN),
    (
        re.compile(
            r"(?<![\w-])[A-Za-z]{6}[\dLMNP-Vlmnp-v]{2}[A-Za-z][\dLMNP-Vlmnp-v]{2}[A-Za-z][\dLMNP-Vlmnp-v]{3}"
            r"[A-Za-z](?![\w-])"
        ),
        it_cf.is_valid,
        "[NATIONAL_ID]",
        CERTAIN,
    ),
    (re.compile(r"(?<![\w-])\d{7}[A-Wa-w][A-IWa-iw]?(?![\w-])"), ie_pps.is_valid, "[NATIONAL_ID]", CERTAIN),
    (re.compile(r"(?<![\w-])\d{6}[-+Aa]\d{3}[\dA-Ya-y](?![\w-])"), fi_hetu.is_valid, "[NATIONAL_ID]", CERTAIN),
    (
        re.compile(r"(?<![\w-])(?:\d{2})?\d{6}[-+]\d{4}(?![\w-])"),
        lambda s: se_pnr.is_valid(s) or dk_cpr.is_valid(s),
        "[NATIONAL_ID]",
        CERTAIN,
    ),
    (
        re.compile(r"(?<![\w-])[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[ABab]) ?\d{3} ?\d{3} ?\d{2}(?![\w-])"),
        fr_nir.is_valid,
        "[NATIONAL_ID]",
        CERTAIN,
    ),
    (re.compile(r"(?<![\w.-])\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}(?![\w-])"), be_nn.is_valid, "[NATIONAL_ID]", CERTAIN),
    # An NHS number is written 3-3-4 like a US phone number: likely, so a reference cue keeps it.
    (re.compile(r"(?<![\w.-])\d{3}([ -])\d{3}\1\d{4}(?![\w-]|[.,]\d)"), gb_nhs.is_valid, "[NATIONAL_ID]", LIKELY),
)


def national_ids(text: str, _cue: Cue | None) -> Iterator[Finding]:
    for pattern, valid, placeholder, strength in _ID_FORMS:
        for m in pattern.finditer(text):
            if valid(m.group()):
                yield Finding(m.start(), m.end(), placeholder, strength)


# A token a cue can name: digits (in groups), or letters and digits with at least three digits.
_TOKEN = re.compile(r"(?<![\w@-])(?:\d+(?:[ -]\d{2,})*|[A-Za-z0-9]*\d[A-Za-z0-9]*)(?![\w@-])")
_NAMED = {Cue.SSN: "[SSN]", Cue.NATIONAL_ID: "[NATIONAL_ID]", Cue.SECRET: "[SECRET]"}
_NAMED_MIN_DIGITS = {Cue.SSN: 9, Cue.NATIONAL_ID: 5, Cue.SECRET: 3}


def named(text: str, cue: Cue | None) -> Iterator[Finding]:
    """Numbers that the words before them name: "SSN 123456789", "passport 123456789", "PIN is 1234"."""
    for m in _TOKEN.finditer(text):
        near = cue_near(text, m.start(), m.end()) or cue
        if near in _NAMED and len(_digits(m.group())) >= _NAMED_MIN_DIGITS[near]:
            yield Finding(m.start(), m.end(), _NAMED[near], CERTAIN)


# A digit run glued to letters or dashes is part of an id (evt_9aa8bf2084154174a346, a UUID), not a phone.
_PHONE_CANDIDATE = re.compile(r"(?<![\w+(-])(?:\+|\b00)?\(?\d[\d ().-]{5,22}\d(?![\w-])")


def phones(text: str, cue: Cue | None) -> Iterator[Finding]:
    # The matcher is slow on long text, so it only reads digit runs that could be a phone number.
    for candidate in _PHONE_CANDIDATE.finditer(text):
        if sum(ch.isdigit() for ch in candidate.group()) < 7:
            continue
        offset = candidate.start()
        for region in PHONE_REGIONS:
            matcher = phonenumbers.PhoneNumberMatcher(
                candidate.group(), region, leniency=phonenumbers.Leniency.POSSIBLE
            )
            for m in matcher:
                start, end = offset + m.start, offset + m.end
                strength = _phone_strength(m.raw_string, m.number, cue_near(text, start, end) or cue)
                if strength:
                    yield Finding(start, end, "[PHONE]", strength)


def _phone_strength(raw: str, number: phonenumbers.PhoneNumber, cue: Cue | None) -> int:
    if raw.startswith("+"):  # dialled with a country code: nobody writes a reference that way
        return CERTAIN if phonenumbers.is_possible_number(number) else 0
    if cue in (Cue.REFERENCE, Cue.TIME):
        return 0
    if cue is Cue.PHONE:
        return CERTAIN if phonenumbers.is_possible_number(number) else 0
    if raw.startswith("00"):  # the international prefix from Europe: a phone, unless named a reference
        return LIKELY if phonenumbers.is_possible_number(number) else 0
    # Fictional and new ranges (07700 900xxx) are not "valid" to phonenumbers, so a number written the way
    # people write phones (0.., (415)..) with enough digits counts too.
    dialled = raw[0] in "0(" and sum(ch.isdigit() for ch in raw) >= 10
    return LIKELY if dialled or phonenumbers.is_valid_number(number) else 0


FINDERS: tuple[Callable[[str, Cue | None], Iterator[Finding]], ...] = (
    emails,
    ibans,
    cards,
    national_ids,
    named,
    phones,
)
