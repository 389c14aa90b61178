"""Identity links with trust: no channel merges two people by asserting identifiers; reviewers decide the rest."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from assist.timeline.integrity import check
from tests.conftest import auth
from tests.timeline.factories import event

VICTIM_HISTORY = "Refund of £310.00 for order 77123 goes to 12 Baker Street, London NW1 6XE"


def post(client: TestClient, customer: dict[str, Any], *, minutes: float = 0, **kw: Any) -> dict[str, Any]:
    verified = customer.pop("verified", None)
    body = event(customer, minutes=minutes, verified=verified, **kw).model_dump(mode="json", exclude_none=True)
    response = client.post("/v1/events", json={"events": [body]}, headers=auth("channel"))
    assert response.status_code == 200, response.text
    return response.json()


def proposals(client: TestClient, status: str = "pending") -> list[dict[str, Any]]:
    response = client.get("/v1/identity/proposals", params={"status": status}, headers=auth("qa"))
    assert response.status_code == 200, response.text
    return response.json()["proposals"]


def lookup(client: TestClient, **ids: str) -> Any:
    return client.get("/v1/customers", params=ids, headers=auth("agent"))


@pytest.mark.parametrize("handle_verified", [True, False], ids=["platform-handle", "typed-handle"])
def test_someone_elses_email_on_a_social_post_shows_them_nothing(
    store_client: TestClient, handle_verified: bool
) -> None:
    victim = post(
        store_client,
        {"email": "vic@example.com", "account_id": "AC-9", "verified": ["email", "account_id"]},
        channel="app",
        text=VICTIM_HISTORY,
        data={"references": {"order_id": "77123"}},
    )["customer_ids"][0]
    handle = {"handle": "@mallory", "email": "vic@example.com", **({"verified": ["handle"]} if handle_verified else {})}
    post(store_client, handle, minutes=5, channel="social", text="hi, any news?")

    assert lookup(store_client, email="vic@example.com").json()["identifiers"] == {
        "account_id": ["AC-9"],
        "email": ["vic@example.com"],
    }
    by_handle = lookup(store_client, handle="@mallory")
    assert by_handle.status_code == (200 if handle_verified else 404)
    if handle_verified:
        assert by_handle.json()["customer_id"] != victim
    card = store_client.post(
        "/v1/assist",
        json={"customer": {"handle": "@mallory"}, "channel": "social", "message": "What's the status of my refund?"},
        headers=auth("agent"),
    ).json()
    assert card["customer_id"] != victim
    shown = str(card)
    assert not any(secret in shown for secret in ("77123", "AC-9", "Baker", "310.00"))
    [proposal] = proposals(store_client)
    expected = ("merge", "email", victim) if handle_verified else ("link", "handle", None)
    assert (proposal["kind"], proposal["identifier_kind"], proposal["other_customer_id"]) == expected
    assert proposal["channel"] == "social" and proposal["event_id"]


def test_identifiers_of_two_customers_in_one_lookup_show_neither(store_client: TestClient) -> None:
    post(store_client, {"email": "a@example.com"})
    post(store_client, {"phone": "+44 7700 900111"}, minutes=1)
    conflict = lookup(store_client, email="a@example.com", phone="+447700900111")
    assert conflict.status_code == 409 and conflict.json()["detail"][0]["loc"] == ["query", "customer"]
    body = {"customer": {"email": "a@example.com", "phone": "+447700900111"}, "channel": "chat", "message": "hello"}
    assert store_client.post("/v1/triage", json=body, headers=auth("agent")).json()["customer_id"] is None


def test_a_verified_identifier_joins_the_customer_it_proves_and_an_asserted_one_waits(store_client: TestClient) -> None:
    customer = post(store_client, {"account_id": "AC-1", "verified": ["account_id"]}, channel="app")["customer_ids"][0]
    post(store_client, {"account_id": "AC-1", "device_id": "ios-1", "verified": ["account_id", "device_id"]}, minutes=1)
    post(store_client, {"account_id": "AC-1", "phone": "07700 900222", "verified": ["account_id"]}, minutes=2)
    assert lookup(store_client, device_id="ios-1").json()["customer_id"] == customer
    assert lookup(store_client, phone="07700900222").status_code == 404
    identity = store_client.get(f"/v1/customers/{customer}/identity", headers=auth("agent")).json()
    trust = {link["kind"]: (link["trust"], link["linked_by"], bool(link["event_id"])) for link in identity["links"]}
    assert trust == {"account_id": ("verified", "auto", True), "device_id": ("verified", "auto", True)}
    assert [(p["kind"], p["identifier_kind"]) for p in identity["proposals"]] == [("link", "phone")]


def test_a_reviewer_approves_one_link_and_rejects_another(store_client: TestClient) -> None:
    customer = post(store_client, {"email": "ana@example.com"})["customer_ids"][0]
    post(store_client, {"email": "ana@example.com", "phone": "07700 900333"}, minutes=1, channel="phone")
    post(store_client, {"email": "ana@example.com", "handle": "@not_ana"}, minutes=2, channel="social")
    post(store_client, {"email": "ana@example.com", "handle": "@not_ana"}, minutes=3, channel="social")
    pending = {p["identifier_kind"]: p for p in proposals(store_client)}
    assert pending["handle"]["occurrences"] == 2, "the same request again only counts"

    url = "/v1/identity/proposals/{}/{}"
    assert (
        store_client.post(
            url.format(pending["phone"]["proposal_id"], "approve"), json={"note": "x"}, headers=auth("agent")
        ).status_code
        == 403
    )
    approved = store_client.post(
        url.format(pending["phone"]["proposal_id"], "approve"), json={"note": "caller passed KBA"}, headers=auth("qa")
    ).json()
    assert (approved["status"], approved["note"]) == ("approved", "caller passed KBA")
    assert approved["decided_by"].startswith("key_") and approved["decided_at"]
    rejected = store_client.post(
        url.format(pending["handle"]["proposal_id"], "reject"), json={"note": "not her account"}, headers=auth("qa")
    )
    assert rejected.json()["status"] == "rejected"
    again = store_client.post(
        url.format(pending["handle"]["proposal_id"], "approve"), json={"note": "x"}, headers=auth("qa")
    )
    assert again.status_code == 409

    assert lookup(store_client, phone="07700900333").json()["customer_id"] == customer
    assert lookup(store_client, handle="@not_ana").status_code == 404
    post(store_client, {"email": "ana@example.com", "handle": "@not_ana"}, minutes=4, channel="social")
    assert proposals(store_client) == [], "a rejected request does not come back as a new proposal"
    links = store_client.get(f"/v1/customers/{customer}/identity", headers=auth("qa")).json()["links"]
    assert {(link["kind"], link["trust"]) for link in links} == {("email", "asserted"), ("phone", "approved")}


def test_unmerge_splits_a_merge_back_with_events_identifiers_and_the_audit_trail(
    store_client: TestClient, db: Any
) -> None:
    first = post(store_client, {"email": "one@example.com"}, text="first person's order 111")["customer_ids"][0]
    second = post(store_client, {"phone": "07700 900444"}, minutes=1, text="second person's order 222")["customer_ids"][
        0
    ]
    both = {"email": "one@example.com", "phone": "07700 900444", "verified": ["email", "phone"]}
    assert post(store_client, both, minutes=2, channel="phone")["customer_ids"] == [first]
    assert len(store_client.get(f"/v1/customers/{second}/timeline", headers=auth("agent")).json()["events"]) == 3
    post(store_client, {"phone": "07700 900444"}, minutes=3, text="second person again")

    merge = store_client.get(f"/v1/customers/{first}/identity", headers=auth("qa")).json()["merges"][0]
    assert (merge["survivor_id"], merge["absorbed_id"], merge["merged_by"]) == (first, second, "auto")
    assert merge["evidence"]["channel"] == "phone" and merge["evidence"]["event_id"]
    body = {"merge_id": merge["merge_id"], "reason": "shared family phone"}
    assert store_client.post(f"/v1/customers/{first}/unmerge", json=body, headers=auth("agent")).status_code == 403
    split = store_client.post(f"/v1/customers/{first}/unmerge", json=body, headers=auth("qa"))
    assert split.status_code == 200, split.text
    assert split.json()["customer_ids"] == [first, second]

    texts = {
        cid: [
            e["text"] for e in store_client.get(f"/v1/customers/{cid}/timeline", headers=auth("agent")).json()["events"]
        ]
        for cid in (first, second)
    }
    assert texts[first] == ["first person's order 111", "hi"]  # the bridging call stays where it was stored
    assert texts[second] == ["second person's order 222", "second person again"]
    assert lookup(store_client, phone="07700900444").json()["customer_id"] == second
    undone = store_client.get(f"/v1/customers/{second}/identity", headers=auth("qa")).json()["merges"][0]
    assert undone["undone_by"] and undone["undo_reason"] == "shared family phone" and undone["undone_at"]
    assert store_client.post(f"/v1/customers/{first}/unmerge", json=body, headers=auth("qa")).status_code in (404, 409)
    assert check(db).problems == []


def test_approving_a_merge_proposal_joins_the_two_customers(store_client: TestClient, db: Any) -> None:
    email = post(store_client, {"email": "zoe@example.com"}, text="order 555 never came")["customer_ids"][0]
    social = {"handle": "@zoe", "email": "zoe@example.com", "verified": ["handle"]}
    handle = post(store_client, social, minutes=1, channel="social", text="any news?")["customer_ids"][0]
    assert handle != email
    [proposal] = proposals(store_client)
    assert (proposal["kind"], proposal["customer_id"], proposal["other_customer_id"]) == ("merge", handle, email)
    approved = store_client.post(
        f"/v1/identity/proposals/{proposal['proposal_id']}/approve", json={"note": "same person"}, headers=auth("qa")
    )
    assert approved.status_code == 200, approved.text
    assert lookup(store_client, handle="@zoe").json()["customer_id"] == email, "the older customer survives"
    timeline = store_client.get(f"/v1/customers/{handle}/timeline", headers=auth("agent")).json()
    assert [e["text"] for e in timeline["events"]] == ["order 555 never came", "any news?"]
    merge = store_client.get(f"/v1/customers/{email}/identity", headers=auth("qa")).json()["merges"][0]
    assert merge["evidence"]["proposal_id"] == proposal["proposal_id"] and merge["reason"] == "same person"
    assert check(db).problems == []
