from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import auth


def test_health_needs_no_key(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_no_key_is_401_and_an_unknown_key_is_401(client: TestClient) -> None:
    assert client.post("/v1/events", json={"events": []}).status_code == 401
    bad = client.get("/v1/audit/verify", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_wrong_role_is_403(client: TestClient) -> None:
    # A channel system may post events but may not read audit records or ask for agent assistance.
    assert client.get("/v1/audit/verify", headers=auth("channel")).status_code == 403
    assert client.post("/v1/assist", json={}, headers=auth("channel")).status_code == 403
    assert client.post("/v1/events", json={"events": []}, headers=auth("qa")).status_code == 403


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    assert client.get("/healthz", headers={"x-request-id": "abc123"}).headers["x-request-id"] == "abc123"
    assert len(client.get("/healthz").headers["x-request-id"]) == 32


def test_openapi_documents_the_contract_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/v1/events", "/v1/assist", "/v1/triage", "/v1/knowledge/search", "/v1/feedback", "/v1/audit/verify"):
        assert path in spec["paths"], path
    assert spec["components"]["schemas"]["EventIn"]["examples"]
