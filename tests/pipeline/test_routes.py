"""/v1/assist and /v1/triage end to end on the prepared model and knowledge base, with real stores."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from assist.demo import DEMO_CUSTOMER, PHONE_MESSAGE, journey
from tests.conftest import auth


def post_journey(client: TestClient) -> dict[str, Any]:
    response = client.post("/v1/events", json={"events": journey(datetime.now(UTC))}, headers=auth("channel"))
    assert response.status_code == 200
    return response.json()


def assist(client: TestClient, **overrides: Any) -> dict[str, Any]:
    body = {"customer": {"phone": DEMO_CUSTOMER["phone"]}, "channel": "phone", "message": PHONE_MESSAGE, **overrides}
    response = client.post("/v1/assist", json=body, headers=auth("agent"))
    assert response.status_code == 200, response.text
    return response.json()


def test_assist_card_cites_only_this_customers_events(client: TestClient) -> None:
    stored = post_journey(client)
    out = assist(client)
    assert out["customer_id"] == stored["customer_ids"][0]
    timeline = client.get(f"/v1/customers/{out['customer_id']}/timeline", headers=auth("agent")).json()
    event_ids = {e["event_id"] for e in timeline["events"]}
    citations = set(out["summary"]["citations"]) - {"message"}
    assert citations and citations <= event_ids
    # The phone agent sees what happened in the app and in chat.
    assert "88231" in out["summary"]["text"] and "CS-20931" in out["summary"]["text"]
    assert {"order_id", "case_id"} <= {item["field"] for item in out["do_not_ask"]}
    assert out["intent"]["label"] == "request_refund"
    assert out["answers"] and out["answers"][0]["article_id"] == "request-refund"
    assert any(action["rules"] for action in out["actions"])


def test_every_answer_is_audited_with_versions_readable_by_qa(client: TestClient) -> None:
    post_journey(client)
    out = assist(client)
    assert client.get(f"/v1/audit/records/{out['audit_id']}", headers=auth("agent")).status_code == 403
    record = client.get(f"/v1/audit/records/{out['audit_id']}", headers=auth("qa")).json()
    assert record["prompt"]["id"] == "handoff_card"
    assert len(record["prompt"]["sha256"]) == 64 and record["prompt"]["version"]
    assert record["intent_model"].startswith("intents-")
    assert record["embedding_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert [k["article_id"] for k in record["knowledge"]] == [a["article_id"] for a in out["answers"]]
    assert all(isinstance(k["version"], int) for k in record["knowledge"])
    # Which channel mapping read the events' data, like the prompt and the policy.
    assert record["inputs"]["channel_mapping"]["version"] >= 1
    assert len(record["inputs"]["channel_mapping"]["sha256"]) == 64
    # Personal data is redacted in the record, not only in logs.
    assert DEMO_CUSTOMER["phone"] not in str(record["inputs"]) and "+447700900123" not in str(record)
    assert client.get("/v1/audit/verify", headers=auth("qa")).json()["ok"] is True


def test_triage_of_a_fraud_report_goes_to_a_specialist_with_reasons(client: TestClient) -> None:
    body = {
        "customer": {"email": "new.customer@example.com"},
        "channel": "sms",
        "message": "There is a payment on my card I did not make, I think my card was stolen",
    }
    out = client.post("/v1/triage", json=body, headers=auth("channel")).json()
    assert out["customer_id"] is None  # a first contact is triaged, not invented
    assert out["route"]["type"] == "specialist"
    assert out["route"]["reasons"] and out["route"]["rules"]
    assert client.get(f"/v1/audit/records/{out['audit_id']}", headers=auth("qa")).status_code == 200


def test_self_service_always_offers_a_person(client: TestClient) -> None:
    body = {"customer": {"email": "calm@example.com"}, "channel": "app", "message": "How do I change my PIN?"}
    out = client.post("/v1/triage", json=body, headers=auth("agent")).json()
    assert out["route"]["type"] == "self_service", out["route"]
    assert any(alt["type"] in ("agent", "specialist", "callback") for alt in out["alternatives"])


def test_bad_assist_input_names_the_field(client: TestClient) -> None:
    response = client.post(
        "/v1/assist",
        json={"customer": {"email": "a@x.com"}, "channel": "pigeon", "message": "hi"},
        headers=auth("agent"),
    )
    assert response.status_code == 422
    assert any("channel" in d["loc"] for d in response.json()["detail"])
    empty = client.post("/v1/assist", json={"customer": {}, "channel": "chat", "message": "hi"}, headers=auth("agent"))
    assert empty.status_code == 422
