"""`assist audit replay`: the same contact, re-run as of its time on its recorded versions, gives the same output."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from assist.audit.replay import replay_record
from assist.demo import DEMO_CUSTOMER, PHONE_MESSAGE, journey
from assist.embeddings import get_embedder
from assist.knowledge.service import open_knowledge_base
from tests.conftest import auth


def test_replay_matches_even_after_the_timeline_moved_on(client: TestClient, services) -> None:  # type: ignore[no-untyped-def]
    client.post("/v1/events", json={"events": journey(datetime.now(UTC))}, headers=auth("channel"))
    body = {"customer": {"phone": DEMO_CUSTOMER["phone"]}, "channel": "phone", "message": PHONE_MESSAGE}
    audit_id = client.post("/v1/assist", json=body, headers=auth("agent")).json()["audit_id"]
    # Later the promise is kept and the customer writes again: neither may leak into the replay.
    later = {
        "source_id": "later-1",
        "customer": {"phone": DEMO_CUSTOMER["phone"]},
        "channel": "email",
        "actor": "agent",
        "kind": "action",
        "occurred_at": (datetime.now(UTC) + timedelta(minutes=5)).isoformat(),
        "text": "Called the customer back; refund for order 88231 approved",
        "data": {"step": "refund_request", "result": "success", "fulfils": "demo-chat-3"},
    }
    client.post("/v1/events", json={"events": [later]}, headers=auth("channel"))

    result = replay_record(services=services, audit_id=audit_id)
    assert result.matches, result.summary()
    assert result.version_changes == []
    assert result.replay_audit_id != audit_id


def test_replay_reports_a_difference_when_the_output_changed(client: TestClient, services) -> None:  # type: ignore[no-untyped-def]
    body = {"customer": {"email": "x@example.com"}, "channel": "chat", "message": "my card has not arrived yet"}
    audit_id = client.post("/v1/triage", json=body, headers=auth("channel")).json()["audit_id"]
    # The knowledge base changed since (here: emptied), so the answers differ and replay must say where.
    emptied = open_knowledge_base(settings=services.settings, embedder=get_embedder())
    try:
        result = replay_record(services=replace(services, knowledge=emptied), audit_id=audit_id)
    finally:
        emptied.close()
    assert not result.matches
    assert any(d.path.startswith("answers") for d in result.differences)
