from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assist.audit import service
from assist.audit.models import AuditRecord
from assist.db import Database
from tests.audit.conftest import calm_outputs, triage_input
from tests.conftest import auth

ROLES = ("channel", "agent", "qa", "knowledge_owner", "admin")
# (method, path, roles allowed besides admin); `{id}` is a stored record.
ENDPOINTS = [
    ("GET", "/v1/audit/records", {"qa"}),
    ("GET", "/v1/audit/records/{id}", {"qa"}),
    ("GET", "/v1/audit/verify", {"qa"}),
    ("GET", "/v1/audit/head", {"qa"}),
    ("GET", "/v1/audit/queue", {"qa"}),
    ("POST", "/v1/audit/records/{id}/reviews", {"qa"}),
    ("POST", "/v1/feedback", {"agent"}),
    ("GET", "/review", {"qa"}),
    ("GET", "/review/records/{id}", {"qa"}),
    ("GET", "/review/verify", {"qa"}),
]


@pytest.fixture
def record(sqlite_db: Database) -> AuditRecord:
    return service.write_record(sqlite_db, record=triage_input())


def _call(client: TestClient, method: str, path: str, audit_id: str, headers: dict[str, str]) -> int:
    body = {"audit_id": audit_id, "outcome": "accepted"} if path == "/v1/feedback" else {"verdict": "correct"}
    url = path.replace("{id}", audit_id)
    response = client.request(
        method, url, headers=headers, json=body if method == "POST" else None, follow_redirects=False
    )
    return response.status_code


@pytest.mark.parametrize(("method", "path", "allowed"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
def test_every_role_against_every_endpoint(
    client: TestClient, record: AuditRecord, method: str, path: str, allowed: set[str]
) -> None:
    for role in ROLES:
        code = _call(client, method, path, record.audit_id, auth(role))
        if role in allowed or role == "admin":
            assert code in (200, 201), f"{role} {method} {path} -> {code}"
        else:
            assert code == 403, f"{role} {method} {path} -> {code}"
    no_key = _call(client, method, path, record.audit_id, {})
    # The review page sends a browser without a key to the sign-in form; the API says 401.
    assert no_key == (303 if path.startswith("/review") else 401)
    assert _call(client, method, path, record.audit_id, {"Authorization": "Bearer wrong"}) == 401


def test_feedback_contract(client: TestClient, record: AuditRecord) -> None:
    unknown = client.post("/v1/feedback", headers=auth("agent"), json={"audit_id": "aud_x", "outcome": "accepted"})
    assert unknown.status_code == 404
    bad = client.post("/v1/feedback", headers=auth("agent"), json={"audit_id": record.audit_id, "outcome": "liked"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "outcome"]
    edited = client.post(
        "/v1/feedback",
        headers=auth("agent"),
        json={
            "audit_id": record.audit_id,
            "target": "answer:card-dispute",
            "outcome": "edited",
            "final_text": "We froze the card.",
            "resolution": "resolved",
        },
    )
    assert edited.status_code == 201
    stored = client.get(f"/v1/audit/records/{record.audit_id}", headers=auth("qa")).json()
    assert stored["hash"] == record.hash
    assert [(f["outcome"], f["final_text"], f["resolution"]) for f in stored["feedback"]] == [
        ("edited", "We froze the card.", "resolved")
    ]
    assert client.get("/v1/audit/verify", headers=auth("qa")).json() == {
        "ok": True,
        "records": 1,
        "first_bad": None,
        "first_bad_seq": None,
        "reason": None,
        "checkpoint_seq": None,
    }


def test_record_carries_the_contract_fields(client: TestClient, record: AuditRecord) -> None:
    body = client.get(f"/v1/audit/records/{record.audit_id}", headers=auth("qa")).json()
    for field in (
        "prompt",
        "intent_model",
        "embedding_model",
        "knowledge",
        "rules_fired",
        "inputs",
        "outputs",
        "latency_ms",
        "feedback",
        "hash",
        "prev_hash",
        "key_id",
        "caller_role",
        "created_at",
    ):
        assert field in body
    assert body["knowledge"] == [{"article_id": "card-dispute", "version": 3}]
    assert client.get("/v1/audit/records/aud_missing", headers=auth("qa")).status_code == 404


def test_list_filters_validate_and_page(client: TestClient, sqlite_db: Database, record: AuditRecord) -> None:
    for _ in range(3):
        service.write_record(sqlite_db, record=triage_input(kind="assist", outputs=calm_outputs()))
    page = client.get("/v1/audit/records?kind=assist&limit=2", headers=auth("qa")).json()
    assert (page["total"], len(page["records"])) == (3, 2)
    bad = client.get("/v1/audit/records?limit=0", headers=auth("qa"))
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "limit"]
    assert client.get("/v1/audit/records?colour=red", headers=auth("qa")).status_code == 422
    queue = client.get("/v1/audit/queue", headers=auth("qa")).json()
    assert record.audit_id in [r["audit_id"] for r in queue["records"]]


def test_review_api_rejects_unknown_verdict_and_closes_queue_item(client: TestClient, record: AuditRecord) -> None:
    url = f"/v1/audit/records/{record.audit_id}/reviews"
    bad = client.post(url, headers=auth("qa"), json={"verdict": "meh"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "verdict"]
    assert client.post(url, headers=auth("qa"), json={"verdict": "correct", "note": "fine"}).status_code == 201
    queue = client.get("/v1/audit/queue", headers=auth("qa")).json()
    assert record.audit_id not in [r["audit_id"] for r in queue["records"]]


def test_head_export_verifies(client: TestClient, record: AuditRecord) -> None:
    head = client.get("/v1/audit/head", headers=auth("qa")).json()
    assert (head["seq"], head["hash"], head["audit_id"]) == (1, record.hash, record.audit_id)
