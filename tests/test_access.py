"""Every role against every API endpoint of the whole app: the contract's roles, enforced everywhere."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import auth

ROLES = ("channel", "agent", "qa", "knowledge_owner", "admin")
# (method, path, roles allowed besides admin). Requests carry a body the endpoint rejects, so an allowed
# role gets a 4xx from validation, never 401 or 403, and nothing is stored.
ACCESS = [
    ("POST", "/v1/events", {"channel"}),
    ("GET", "/v1/customers", {"agent"}),
    ("GET", "/v1/customers/{customer_id}/timeline", {"agent"}),
    ("POST", "/v1/assist", {"agent"}),
    ("POST", "/v1/triage", {"channel", "agent"}),
    ("POST", "/v1/feedback", {"agent"}),
    ("POST", "/v1/knowledge/search", {"agent", "knowledge_owner"}),
    ("GET", "/v1/knowledge/articles", {"knowledge_owner"}),
    ("GET", "/v1/knowledge/coverage", {"knowledge_owner"}),
    ("POST", "/v1/knowledge/ingest", {"knowledge_owner"}),
    ("GET", "/v1/audit/records", {"qa"}),
    ("GET", "/v1/audit/records/{audit_id}", {"qa"}),
    ("GET", "/v1/audit/verify", {"qa"}),
    ("GET", "/v1/audit/head", {"qa"}),
    ("GET", "/v1/audit/queue", {"qa"}),
    ("POST", "/v1/audit/records/{audit_id}/reviews", {"qa"}),
    ("GET", "/v1/identity/proposals", {"qa"}),
    ("POST", "/v1/identity/proposals/{proposal_id}/approve", {"qa"}),
    ("POST", "/v1/identity/proposals/{proposal_id}/reject", {"qa"}),
    ("GET", "/v1/customers/{customer_id}/identity", {"agent", "qa"}),
    ("POST", "/v1/customers/{customer_id}/unmerge", {"qa"}),
]
# These do real work for an allowed caller (a coverage report, an ingest); tests/knowledge covers that path.
HEAVY = {"/v1/knowledge/coverage", "/v1/knowledge/ingest"}


def call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> int:
    url = path.replace("{customer_id}", "cus_nobody").replace("{audit_id}", "aud_nobody")
    url = url.replace("{proposal_id}", "prp_nobody")
    body = {"unexpected": True} if method == "POST" else None
    return client.request(method, url, headers=headers, json=body).status_code


def test_every_api_endpoint_is_in_the_access_table(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()["paths"]
    served = {(method.upper(), path) for path, ops in spec.items() for method in ops if path.startswith("/v1/")}
    assert served == {(method, path) for method, path, _ in ACCESS}


@pytest.mark.parametrize(("method", "path", "allowed"), ACCESS, ids=[f"{m} {p}" for m, p, _ in ACCESS])
def test_every_role_against_every_endpoint(client: TestClient, method: str, path: str, allowed: set[str]) -> None:
    assert call(client, method, path, {}) == 401
    assert call(client, method, path, {"Authorization": "Bearer not-a-key"}) == 401
    for role in ROLES:
        permitted = role in allowed or role == "admin"
        if permitted and path in HEAVY:
            continue
        code = call(client, method, path, auth(role))
        if permitted:
            assert code not in (401, 403) and code < 500, f"{role} {method} {path} -> {code}"
        else:
            assert code == 403, f"{role} {method} {path} -> {code}"
