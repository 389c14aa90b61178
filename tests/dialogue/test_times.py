"""Due times in words resolve against when they were said."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assist.dialogue.times import resolve

SAID = datetime(2026, 11, 17, 10, 30, tzinfo=UTC)  # a Tuesday morning


@pytest.mark.parametrize(
    ("words", "due"),
    [
        ("They will ring you by Thursday noon.", datetime(2026, 11, 19, 12, 0)),
        ("You'll have it in 2 working days", datetime(2026, 11, 19, 23, 59)),
        ("in 5 working days", datetime(2026, 11, 24, 23, 59)),  # skips the weekend
        ("within a fortnight", datetime(2026, 12, 1, 10, 30)),
        ("within a few days", datetime(2026, 11, 20, 10, 30)),
        ("within 24 hours", datetime(2026, 11, 18, 10, 30)),
        ("An engineer will call you tomorrow morning.", datetime(2026, 11, 18, 12, 0)),
        ("by the end of the week", datetime(2026, 11, 20, 23, 59)),
        ("by Friday", datetime(2026, 11, 20, 23, 59)),
        ("on 24 Nov at 3pm", datetime(2026, 11, 24, 15, 0)),
        ("next Monday", datetime(2026, 11, 23, 23, 59)),
    ],
)
def test_a_promised_time_resolves_against_the_time_it_was_said(words: str, due: datetime) -> None:
    assert resolve(words, SAID) == due.replace(tzinfo=UTC)


def test_a_clock_time_already_past_that_day_is_the_next_day() -> None:
    late = datetime(2026, 11, 17, 16, 0, tzinfo=UTC)
    assert resolve("I'll call you by 3pm", late) == datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


def test_words_without_a_time_give_none() -> None:
    assert resolve("We will look into it", SAID) is None


def test_a_reported_promise_means_the_last_such_day_not_the_next() -> None:
    friday = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    said = "You said you'd ring me on Monday"
    assert resolve(said, friday) == datetime(2026, 11, 23, 23, 59, tzinfo=UTC)
    assert resolve(said, friday, past=True) == datetime(2026, 11, 16, 23, 59, tzinfo=UTC)
