from __future__ import annotations

import pytest

from assist.db import Database
from assist.errors import InputError, NotFound
from assist.timeline.models import CustomerRef, EventIn
from assist.timeline.service import find_customer, get_timeline, ingest_events, lookup_timeline
from tests.timeline.factories import T0, event


def test_repeated_source_id_is_a_duplicate_not_a_second_event(db: Database) -> None:
    first = ingest_events(db, events=[event({"email": "a@x.com"}, source_id="s1")], region="GB")
    again = ingest_events(db, events=[event({"email": "a@x.com"}, source_id="s1", text="changed")], region="GB")
    assert (first.accepted, first.duplicates) == (1, 0)
    assert (again.accepted, again.duplicates) == (0, 1)
    assert again.event_ids == first.event_ids
    timeline = get_timeline(db, customer_id=first.customer_ids[0])
    assert [e.text for e in timeline.events] == ["hi"]


def test_duplicate_within_one_batch_is_stored_once(db: Database) -> None:
    out = ingest_events(db, events=[event({"email": "a@x.com"}, source_id="s1")] * 2, region="GB")
    assert (out.accepted, out.duplicates) == (1, 1)
    assert out.event_ids[0] == out.event_ids[1]


def test_identifiers_carried_together_with_verification_link_one_customer_across_channels(db: Database) -> None:
    app = ingest_events(db, events=[event({"device_id": "dev-1"}, channel="app")], region="GB")
    chat = ingest_events(db, events=[event({"email": "Ana@Example.COM"}, minutes=5)], region="GB")
    assert app.customer_ids != chat.customer_ids
    # A phone call that passed an identity check and knows both the device and the email folds them into one.
    call = ingest_events(
        db,
        events=[
            event(
                {"device_id": "dev-1", "email": "ana@example.com", "phone": "07700 900123"},
                minutes=10,
                channel="phone",
                data={"verification": "passed"},
            )
        ],
        region="GB",
    )
    survivor = call.customer_ids[0]
    assert survivor == app.customer_ids[0], "the oldest customer id survives a merge"
    timeline = get_timeline(db, customer_id=chat.customer_ids[0])
    assert timeline.customer_id == survivor
    assert [e.channel for e in timeline.events] == ["app", "chat", "phone"]
    assert timeline.identifiers == {"device_id": ["dev-1"], "email": ["ana@example.com"], "phone": ["+447700900123"]}


def test_lookup_normalises_email_case_and_phone_format(db: Database) -> None:
    out = ingest_events(db, events=[event({"email": "Ana@Example.com", "phone": "+44 7700 900123"})], region="GB")
    by_email = find_customer(db, ref=CustomerRef(email="ANA@example.COM"), region="GB")
    by_phone = find_customer(db, ref=CustomerRef(phone="07700900123"), region="GB")
    assert by_email.customer_id == by_phone.customer_id == out.customer_ids[0]


def test_unknown_customer_is_not_found_and_not_created(db: Database) -> None:
    with pytest.raises(NotFound):
        find_customer(db, ref=CustomerRef(email="nobody@x.com"), region="GB")
    assert lookup_timeline(db, ref=CustomerRef(email="nobody@x.com"), region="GB") is None
    with pytest.raises(NotFound):
        find_customer(db, ref=CustomerRef(email="nobody@x.com"), region="GB")


def test_a_bad_identifier_anywhere_in_the_batch_stores_nothing(db: Database) -> None:
    good = event({"email": "a@x.com"}, source_id="ok")
    bad = event({"phone": "not a phone"}, source_id="bad")
    with pytest.raises(InputError) as raised:
        ingest_events(db, events=[good, bad], region="GB")
    assert raised.value.loc == ("body", "events", 1, "customer", "phone")
    with pytest.raises(NotFound):
        find_customer(db, ref=CustomerRef(email="a@x.com"), region="GB")


def test_timeline_is_oldest_first_and_limit_keeps_the_most_recent(db: Database) -> None:
    events = [event({"email": "a@x.com"}, minutes=m, text=f"m{m}") for m in (30, 10, 20)]
    out = ingest_events(db, events=events, region="GB")
    full = get_timeline(db, customer_id=out.customer_ids[0])
    assert [e.text for e in full.events] == ["m10", "m20", "m30"]
    recent = get_timeline(db, customer_id=out.customer_ids[0], limit=2)
    assert [e.text for e in recent.events] == ["m20", "m30"]
    assert all(e.occurred_at.tzinfo is not None for e in full.events)


def test_naive_timestamps_are_taken_as_utc() -> None:
    parsed = EventIn.model_validate(
        {"customer": {"email": "a@x.com"}, "channel": "sms", "actor": "customer", "occurred_at": "2026-11-20T09:00:00"}
    )
    assert parsed.occurred_at == T0
