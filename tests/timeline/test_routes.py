from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import auth


def body(**overrides: Any) -> dict[str, Any]:
    event = {
        "source_id": "chat-1",
        "customer": {"email": "ana@example.com"},
        "channel": "chat",
        "actor": "customer",
        "kind": "message",
        "occurred_at": "2026-11-20T09:00:00Z",
        "text": "my card has not arrived",
    }
    event.update(overrides)
    return {"events": [event]}


def timeline_of(client: TestClient, customer_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/customers/{customer_id}/timeline", headers=auth("agent"))
    assert response.status_code == 200
    return response.json()


def test_posted_events_come_back_on_the_timeline(client: TestClient) -> None:
    posted = client.post("/v1/events", json=body(), headers=auth("channel"))
    assert posted.status_code == 200
    out = posted.json()
    assert out["accepted"] == 1 and out["duplicates"] == 0
    found = client.get("/v1/customers", params={"email": "ANA@example.com"}, headers=auth("agent")).json()
    assert found["customer_id"] == out["customer_ids"][0]
    timeline = timeline_of(client, found["customer_id"])
    assert [e["event_id"] for e in timeline["events"]] == out["event_ids"]
    assert timeline["events"][0]["text"] == "my card has not arrived"
    assert timeline["identifiers"] == {"email": ["ana@example.com"]}


def assert_names_field(response: Any, *fragments: str | int) -> None:
    assert 400 <= response.status_code < 500, response.text
    locs = [detail["loc"] for detail in response.json()["detail"]]
    assert any(all(f in loc for f in fragments) for loc in locs), locs


def test_bad_input_is_a_4xx_naming_the_field_and_changes_nothing(client: TestClient) -> None:
    stored = client.post("/v1/events", json=body(), headers=auth("channel")).json()
    before = timeline_of(client, stored["customer_ids"][0])
    headers = {**auth("channel"), "content-type": "application/json"}

    malformed = client.post("/v1/events", content=b'{"events": [', headers=headers)
    assert_names_field(malformed, "body")
    assert_names_field(client.post("/v1/events", json=body(channel="fax"), headers=headers), "channel")
    assert_names_field(
        client.post("/v1/events", json=body(occurred_at="yesterday-ish"), headers=headers), "occurred_at"
    )
    assert_names_field(client.post("/v1/events", json=body(customer={}), headers=headers), "customer")
    assert_names_field(client.post("/v1/events", json=body(text="x" * 200_000), headers=headers), "text")
    assert_names_field(client.post("/v1/events", json=body(customer={"phone": "call me"}), headers=headers), "phone")
    assert_names_field(client.post("/v1/events", json={"events": []}, headers=headers), "events")
    # A bad event next to a good one stores neither.
    mixed = {"events": [body(source_id="new-1")["events"][0], body(source_id="new-2", channel="fax")["events"][0]]}
    assert_names_field(client.post("/v1/events", json=mixed, headers=headers), "channel")

    assert timeline_of(client, stored["customer_ids"][0]) == before
    assert client.get("/healthz").status_code == 200


def test_huge_body_is_refused_before_it_is_read(client: TestClient) -> None:
    response = client.post(
        "/v1/events", content=b"x" * 2_000_001, headers={**auth("channel"), "content-type": "application/json"}
    )
    assert response.status_code == 413


def test_unknown_customer_is_404(client: TestClient) -> None:
    assert client.get("/v1/customers/cus_nope/timeline", headers=auth("agent")).status_code == 404
    assert client.get("/v1/customers", params={"email": "nobody@x.com"}, headers=auth("agent")).status_code == 404
    assert client.get("/v1/customers", headers=auth("agent")).status_code == 422
