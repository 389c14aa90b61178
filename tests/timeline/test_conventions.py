"""Event data: refused at the door when it breaks a convention; never a 5xx when an older version stored it."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from assist.db import Database
from assist.timeline.conventions import DEEP, MAX_DEPTH, parse_time, readable
from assist.timeline.tables import CustomerRow, EventRow, IdentifierRow
from tests.conftest import auth
from tests.timeline.factories import T0

CARD = "4111 1111 1111 1111"
IBAN = "GB82 WEST 1234 5698 7654 32"


def nested(depth: int) -> dict[str, Any]:
    data: dict[str, Any] = {"leaf": 1}
    for _ in range(depth - 1):
        data = {"x": data}
    return data


def event(**overrides: Any) -> dict[str, Any]:
    return {
        "customer": {"email": "ana@example.com"},
        "channel": "chat",
        "actor": "agent",
        "kind": "message",
        "occurred_at": "2026-11-20T09:00:00Z",
        "text": "I will call you back",
        **overrides,
    }


BAD = [
    ({"data": {"promise": {"what": "callback", "due": "9999-12-31T23:59:59-01:00"}}}, ("data", "promise", "due")),
    ({"data": {"promise": {"what": "callback", "due": "Friday"}}}, ("data", "promise", "due")),
    ({"data": {"promise": {"what": "callback", "due": 1732000000}}}, ("data", "promise", "due")),
    ({"data": {"promise": {"what": "callback", "by": {"card": CARD, "iban": IBAN}}}}, ("data", "promise", "by")),
    ({"data": {"promise": {"by": "agent"}}}, ("data", "promise", "what")),
    ({"data": {"promise": "tomorrow"}}, ("data", "promise")),
    ({"data": nested(500)}, ("data", "x")),
    ({"data": {"intent": "x" * 200}}, ("data", "intent")),
    ({"data": {"intent": {"label": "card_arrival"}}}, ("data", "intent")),
    ({"data": {"verification": True}}, ("data", "verification")),
    ({"data": {"step": "reset", "result": 1}}, ("data", "result")),
    ({"data": {"step": "", "result": "failed"}}, ("data", "step")),
    ({"data": {"references": {"order_id": ["1", "2"]}}}, ("data", "references", "order_id")),
    ({"data": {"vulnerable": "yes"}}, ("data", "vulnerable")),
    ({"data": {"note": "a\u0000b"}}, ("data", "note")),
    ({"customer": {"email": "ana\u0000@example.com"}}, ("customer", "email")),
    ({"customer": {"handle": "ana\nbob"}}, ("customer", "handle")),
    ({"customer": {"customer_id": "c" * 256}}, ("customer", "customer_id")),
    ({"customer": {"handle": "@"}}, ("customer", "handle")),
    ({"customer": {"account_id": "   "}}, ("customer", "account_id")),
    ({"customer": {"email": "a@example.com", "verified": ["phone"]}}, ("customer",)),
    ({"text": "hello\u0000"}, ("text",)),
    ({"source_id": "s\u00001"}, ("source_id",)),
    ({"occurred_at": "9999-12-31T23:59:59-01:00"}, ("occurred_at",)),
    ({"occurred_at": "1066-10-14T09:00:00Z"}, ("occurred_at",)),
]


@pytest.mark.parametrize(
    ("change", "field"), BAD, ids=[".".join(map(str, f)) + f"-{i}" for i, (_, f) in enumerate(BAD)]
)
def test_bad_data_is_a_422_naming_the_field_and_stores_nothing(
    store_client: TestClient, change: dict[str, Any], field: tuple[str, ...], caplog: pytest.LogCaptureFixture
) -> None:
    good = event(source_id="good-1")
    with caplog.at_level(logging.INFO, logger="assist"):
        response = store_client.post("/v1/events", json={"events": [good, event(**change)]}, headers=auth("channel"))
    assert response.status_code == 422, response.text
    locs = [tuple(d["loc"]) for d in response.json()["detail"]]
    assert any(loc[:4] == ("body", "events", 1, field[0]) and loc[4 : 3 + len(field)] == field[1:] for loc in locs), (
        locs
    )
    assert (
        store_client.get("/v1/customers", params={"email": "ana@example.com"}, headers=auth("agent")).status_code == 404
    )
    logged = caplog.text + response.text
    assert "4111" not in logged and "5698" not in logged


def test_lookups_with_nul_or_overlong_ids_are_a_4xx(store_client: TestClient) -> None:
    for params in ({"email": "a\u0000@example.com"}, {"handle": "ana\u0000"}):
        response = store_client.get("/v1/customers", params=params, headers=auth("agent"))
        assert response.status_code == 422 and response.json()["detail"][0]["loc"][0] == "query"
    for customer_id in ("cus%00x", "c" * 300):
        for path in ("timeline", "identity"):
            assert store_client.get(f"/v1/customers/{customer_id}/{path}", headers=auth("agent")).status_code == 404
    body = {"customer": {"email": "a\u0000@example.com"}, "channel": "chat", "message": "hi"}
    assert store_client.post("/v1/triage", json=body, headers=auth("agent")).status_code == 422


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_refused(store_client: TestClient, literal: str) -> None:
    body = json.dumps({"events": [event(data={"amount": "PLACEHOLDER"})]}).replace('"PLACEHOLDER"', literal)
    headers = {**auth("channel"), "content-type": "application/json"}
    response = store_client.post("/v1/events", content=body.encode(), headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "events", 0, "data", "amount"]


def test_a_due_time_is_stored_in_utc_and_a_promise_past_it_is_overdue(store_client: TestClient) -> None:
    promise = {"what": "callback from disputes", "by": "agent", "due": "2026-11-20T12:00:00+02:00"}
    stored = store_client.post(
        "/v1/events", json={"events": [event(data={"promise": promise})]}, headers=auth("channel")
    )
    timeline = store_client.get(f"/v1/customers/{stored.json()['customer_ids'][0]}/timeline", headers=auth("agent"))
    assert timeline.json()["events"][0]["data"]["promise"]["due"] == "2026-11-20T10:00:00+00:00"
    body = {"customer": {"email": "ana@example.com"}, "channel": "phone", "message": "Nobody called me back"}
    triage = store_client.post("/v1/triage", json=body, headers=auth("agent")).json()
    assert "overdue_promise" in {s["name"] for s in triage["signals"]["friction"]}


def old_shapes(nan: bool) -> list[dict[str, Any]]:
    """Data an earlier version accepted: each one used to turn every later request for the customer into a 500."""
    shapes: list[dict[str, Any]] = [
        {"promise": {"what": "callback", "by": "agent", "due": "9999-12-31T23:59:59-01:00"}},
        {"promise": {"what": "refund", "by": {"card": CARD, "iban": IBAN}, "due": "2026-11-19T09:00:00Z"}},
        {"promise": {"what": ["a", "list"], "due": "Friday"}},
        nested(500),
        {"intent": {"label": "card_arrival"}, "step": {"x": 1}, "result": 7, "references": ["88231"]},
        {"references": {"order_id": {"nested": True}}, "fulfils": 12, "verification": True},
    ]
    return [*shapes, {"amount": float("nan"), "score": float("inf")}] if nan else shapes


def test_data_stored_in_an_old_shape_never_breaks_the_customer(
    store_client: TestClient, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    shapes = old_shapes(nan=db.is_sqlite)  # PostgreSQL's json type never accepted NaN
    with db.engine.begin() as conn:
        conn.execute(insert(CustomerRow).values(customer_id="cus_old", created_at=T0))
        conn.execute(
            insert(IdentifierRow).values(kind="email", value="old@example.com", customer_id="cus_old", created_at=T0)
        )
        for i, data in enumerate(shapes):
            conn.execute(
                insert(EventRow).values(
                    event_id=f"evt_old{i}", customer_id="cus_old", source_id=None, channel="chat", actor="agent",
                    kind="message", occurred_at=T0, received_at=T0, text=f"old {i}", data=data,
                    identifiers={"email": "old@example.com"}, intent=None,
                )
            )  # fmt: skip
    with caplog.at_level(logging.INFO, logger="assist"):
        timeline = store_client.get("/v1/customers/cus_old/timeline", headers=auth("agent"))
        body = {"customer": {"email": "old@example.com"}, "channel": "phone", "message": "Where is my refund?"}
        assisted = store_client.post("/v1/assist", json=body, headers=auth("agent"))
        triaged = store_client.post("/v1/triage", json=body, headers=auth("agent"))
    assert (timeline.status_code, assisted.status_code, triaged.status_code) == (200, 200, 200)
    events = timeline.json()["events"]
    assert len(events) == len(shapes)
    assert events[1]["data"]["promise"] == {"what": "refund", "due": "2026-11-19T09:00:00Z"}
    assert "4111" not in caplog.text and "4111" not in assisted.text


def test_the_reader_keeps_what_it_can_read() -> None:
    assert readable({"promise": {"what": "x", "due": "+275760-09-13T00:00:00Z", "by": 5}}) == {"promise": {"what": "x"}}
    assert readable({"amount": float("nan"), "ok": [1.5, float("-inf")]}) == {"amount": None, "ok": [1.5, None]}
    clipped = readable(nested(MAX_DEPTH + 5))
    depth, value = 1, clipped["x"]
    while isinstance(value, dict):
        depth, value = depth + 1, value["x"]
    assert value == DEEP and depth == MAX_DEPTH - 1
    assert readable(None) == {} and readable({"consent": {"ai_processing": "no"}}) == {}
    same = {"step": "reset", "result": "failed", "references": {"order_id": "1"}}
    assert readable(same) == same


def test_parse_time_never_raises() -> None:
    assert parse_time("2026-11-20T10:00:00+02:00") == datetime(2026, 11, 20, 8, tzinfo=UTC)
    for value in ("9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "Friday", None, 5, {"a": 1}):
        assert parse_time(value) is None
