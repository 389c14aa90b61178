"""When something was promised for: time expressions in what people say, resolved against the time they said it.

"by Thursday noon", "in 2 working days", "within a fortnight", "within a few days", "tomorrow morning",
"by the end of the week", "on 24 Nov at 3pm". Weekdays, dates and clock times are read by `dateparser`
(relative to the event's time, preferring the future); spans of time are added here because no library
counts working days or reads "a few days". A promise due "by Thursday" is due at the end of Thursday.
Times are UTC: events carry no time zone of the customer.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache

import dateparser

# How long vague spans are taken to be: the latest a reasonable customer would still wait.
_COUNTS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "twenty": 20, "thirty": 30,
    "a couple of": 2, "couple of": 2, "a few": 3, "few": 3, "several": 5, "next": 1, "the next": 1,
}  # fmt: skip
_UNITS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1),
          "week": timedelta(weeks=1), "fortnight": timedelta(weeks=2), "month": timedelta(days=30)}  # fmt: skip
_COUNT = r"(?P<n>\d{1,3}|" + "|".join(sorted(map(re.escape, _COUNTS), key=len, reverse=True)) + r")"
_SPAN = re.compile(
    rf"\b(?:within|in|inside|over)\s+(?:the\s+)?(?:next\s+)?(?:{_COUNT}\s+)?(?P<working>working\s+|business\s+)?"
    r"(?P<unit>minute|hour|day|week|fortnight|month)s?\b",
    re.IGNORECASE,
)
_DAYPART = {"morning": time(12, 0), "noon": time(12, 0), "midday": time(12, 0), "lunchtime": time(14, 0),
            "afternoon": time(17, 0), "evening": time(21, 0), "tonight": time(23, 59), "night": time(23, 59),
            "end of day": time(17, 30), "close of business": time(17, 30), "eod": time(17, 30),
            "cob": time(17, 30)}  # fmt: skip
_WEEKDAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
_MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
# An anchor: a day (weekday, today, tomorrow, a date) with an optional time of day, or a clock time alone.
_ANCHOR = re.compile(
    rf"\b(?P<day>today|tonight|tomorrow|(?:this|next)\s+(?:{_WEEKDAYS})\w*|(?:{_WEEKDAYS})\w*"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\w*|(?:{_MONTHS})\w*\s+\d{{1,2}}(?:st|nd|rd|th)?"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?)?"
    r"(?:[\s,]*(?:at|by|around|before|from)?\s*(?:the\s+)?"
    r"(?P<part>morning|noon|midday|lunchtime|afternoon|evening|night|end of (?:the )?day|close of business|eod|cob"
    r"|\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2}))?\b",
    re.IGNORECASE,
)
_PERIOD_END = re.compile(
    r"\b(?:end of|by the end of|later)\s+(?:the\s+|this\s+)?(?P<period>week|month|today|day)\b", re.I
)


def _span(match: re.Match[str], base: datetime) -> datetime:
    raw = (match.group("n") or "a").lower()
    count = int(raw) if raw.isdigit() else _COUNTS.get(raw, 1)
    unit = match.group("unit").lower()
    if match.group("working") and unit == "day":
        return _add_working_days(base, count)
    return base + count * _UNITS[unit]


def _add_working_days(base: datetime, days: int) -> datetime:
    """`days` working days after `base` (Monday to Friday; public holidays are not known here), end of day."""
    at = base
    while days > 0:
        at += timedelta(days=1)
        if at.weekday() < 5:
            days -= 1
    return at.replace(hour=23, minute=59, second=0, microsecond=0)


def _end_of(period: str, base: datetime) -> datetime:
    day_end = base.replace(hour=23, minute=59, second=0, microsecond=0)
    if period == "week":  # the working week: Friday's end
        return day_end + timedelta(days=(4 - base.weekday()) % 7)
    if period == "month":
        first_next = (base.replace(day=28) + timedelta(days=4)).replace(day=1)
        return (first_next - timedelta(days=1)).replace(hour=23, minute=59, second=0, microsecond=0)
    return base.replace(hour=17, minute=30, second=0, microsecond=0)  # "end of (the) day", "later today"


def _anchor(match: re.Match[str], base: datetime, past: bool) -> datetime | None:
    day, part = match.group("day"), match.group("part")
    if not day and not part:
        return None
    prefer = "past" if past else "future"
    settings = {"RELATIVE_BASE": base.replace(tzinfo=None), "PREFER_DATES_FROM": prefer, "DATE_ORDER": "DMY"}
    when = base
    if day:
        lowered = day.lower()
        parsed = dateparser.parse(re.sub(r"^this\s+", "", lowered), languages=["en"], settings=settings)  # type: ignore[arg-type]
        if parsed is None:
            return None
        when = parsed.replace(tzinfo=UTC)
        if lowered.startswith("next ") and (when - base).days < 1:
            when += timedelta(weeks=1)
        if not past and when.date() < base.date():  # a date without a year that has passed is next year's
            when = when.replace(year=when.year + 1)
    if part is None:
        return when.replace(hour=23, minute=59, second=0, microsecond=0)
    lowered_part = re.sub(r"\s+", " ", part.lower()).replace("end of the day", "end of day")
    if lowered_part in _DAYPART:
        at = _DAYPART[lowered_part]
    else:
        clock = dateparser.parse(lowered_part, languages=["en"], settings=settings)  # type: ignore[arg-type]
        if clock is None:
            return None
        at = clock.time()
    when = when.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if not day and not past and when <= base:  # "by 3pm" said at 4pm means tomorrow
        when += timedelta(days=1)
    return when


@lru_cache(maxsize=4096)
def resolve(text: str, base: datetime, *, past: bool = False) -> datetime | None:
    """The time `text` puts a deadline at, said at `base` (aware); None when it names none.

    `past`: the words report an earlier promise ("you said you'd ring on Monday"), so a weekday or date
    without a year is the last one, not the next."""
    base = base.astimezone(UTC)
    if match := _SPAN.search(text):
        return _span(match, base)
    if match := _PERIOD_END.search(text):
        return _end_of(match.group("period").lower(), base)
    for match in _ANCHOR.finditer(text):
        if when := _anchor(match, base, past):
            return when
    return None


# dateparser loads its language data on first use (about a second); pay that at start, not in a request.
resolve("by Thursday noon or on 24 Nov at 3pm", datetime(2026, 1, 1, tzinfo=UTC))
resolve.cache_clear()
