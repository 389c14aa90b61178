"""Consent to remote AI processing: state kept at ingest, strict at the door, closed on anything but a grant."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from assist.db import Database
from assist.timeline.service import get_timeline, ingest_events
from tests.conftest import auth
from tests.support.openai_server import OpenAIServer
from tests.timeline.factories import event


def posted(
    customer: dict[str, str], *, minutes: float, data: dict[str, Any] | None = None, **kw: Any
) -> dict[str, Any]:
    return event(customer, minutes=minutes, data=data, **kw).model_dump(mode="json", exclude_none=True)


def withdrawal(customer: dict[str, str], minutes: float = 0) -> dict[str, Any]:
    return posted(customer, minutes=minutes, kind="status", actor="system", data={"consent": {"ai_processing": False}})


def assist_calls(client: TestClient, server: OpenAIServer, email: str) -> int:
    before = len(server.requests)
    body = {"customer": {"email": email}, "channel": "chat", "message": "Where is my refund for order 88231?"}
    response = client.post("/v1/assist", json=body, headers=auth("agent"))
    assert response.status_code == 200, response.text
    return len(server.requests) - before


def test_a_withdrawal_followed_by_600_events_keeps_the_llm_away(
    llm_client: TestClient, openai_server: OpenAIServer
) -> None:
    for email in ("withdrew@example.com", "ok@example.com"):
        events = [posted({"email": email}, minutes=1 + i, text=f"message {i} about order 88231") for i in range(600)]
        if email.startswith("withdrew"):
            events.insert(0, withdrawal({"email": email}))
        assert llm_client.post("/v1/events", json={"events": events}, headers=auth("channel")).status_code == 200
    assert assist_calls(llm_client, openai_server, "ok@example.com") >= 1, "the LLM is used when consent stands"
    assert assist_calls(llm_client, openai_server, "withdrew@example.com") == 0


@pytest.mark.parametrize("value", ["false", 0, "no", None, "true", 1, [], {}])
def test_a_consent_value_that_is_not_a_boolean_is_refused_naming_the_field(
    store_client: TestClient, value: object
) -> None:
    bad = posted({"email": "c@example.com"}, minutes=0, data={"consent": {"ai_processing": value}})
    response = store_client.post("/v1/events", json={"events": [bad]}, headers=auth("channel"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "events", 0, "data", "consent", "ai_processing"]
    found = store_client.get("/v1/customers", params={"email": "c@example.com"}, headers=auth("agent"))
    assert found.status_code == 404, "nothing of the batch is stored"


def consent_of(db: Database, customer_id: str) -> bool | None:
    return get_timeline(db, customer_id=customer_id).consent.ai_processing


def state(db: Database, customer: dict[str, str], minutes: float, allowed: bool, **kw: Any) -> str:
    stated = event(customer, minutes=minutes, kind="status", data={"consent": {"ai_processing": allowed}}, **kw)
    return ingest_events(db, events=[stated], region="GB").customer_ids[0]


def test_the_latest_statement_by_time_wins_whatever_order_they_arrive_in(db: Database) -> None:
    ana = {"email": "ana@example.com"}
    customer = state(db, ana, 10, True)
    state(db, ana, 5, False)  # older, arriving late: the grant made after it stands
    assert consent_of(db, customer) is True
    state(db, ana, 20, False)
    assert consent_of(db, customer) is False
    state(db, ana, 20, True)  # a tie goes to the withdrawal
    assert consent_of(db, customer) is False
    state(db, ana, 30, True)
    assert consent_of(db, customer) is True


def test_a_merge_is_withdrawn_if_either_side_was_and_an_unmerge_stays_strict(db: Database) -> None:
    from assist.timeline.review import identity, unmerge

    first = state(db, {"email": "ben@example.com"}, 5, False)
    second = state(db, {"account_id": "AC-1"}, 10, True)
    verified = event({"email": "ben@example.com", "account_id": "AC-1"}, minutes=15, verified=["email", "account_id"])
    merged = ingest_events(db, events=[verified], region="GB").customer_ids[0]
    assert merged == first and consent_of(db, second) is False, "the later grant of one side does not win"
    state(db, {"account_id": "AC-1"}, 30, True)  # the merged customer grants again
    assert consent_of(db, merged) is True
    merge_id = identity(db, customer_id=merged).merges[0].merge_id
    unmerge(db, customer_id=merged, merge_id=merge_id, reason="two people", by="key_test")
    # Each side: the stricter of its own state before the merge and the group's at the split.
    assert consent_of(db, first) is False and consent_of(db, second) is True


def test_consent_is_read_from_state_not_from_recent_events(db: Database) -> None:
    customer = state(db, {"email": "dan@example.com"}, 0, False)
    later = [event({"email": "dan@example.com"}, minutes=1 + i) for i in range(30)]
    ingest_events(db, events=later, region="GB")
    assert get_timeline(db, customer_id=customer, limit=5).consent.ai_processing is False
