from __future__ import annotations

import json
import logging

from fastapi.testclient import TestClient

from assist.logs import JsonFormatter
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


def test_request_id_reaches_the_log_line_and_the_audit_record(client: TestClient) -> None:
    lines: list[dict[str, object]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(JsonFormatter().format(record)))

    handler = Collect()
    logging.getLogger("assist.http").addHandler(handler)
    try:
        body = {"customer": {"email": "rid@example.com"}, "channel": "chat", "message": "my card is lost"}
        response = client.post("/v1/triage", json=body, headers={**auth("channel"), "x-request-id": "req-42"})
    finally:
        logging.getLogger("assist.http").removeHandler(handler)
    assert response.status_code == 200 and response.headers["x-request-id"] == "req-42"
    assert {"request_id": "req-42", "path": "/v1/triage", "status": 200}.items() <= lines[-1].items()
    record = client.get(f"/v1/audit/records/{response.json()['audit_id']}", headers=auth("qa")).json()
    assert record["request_id"] == "req-42"
