"""`assist audit replay`: the same contact, re-run as of its time on its recorded versions, gives the same output."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from assist.audit.replay import replay_record
from assist.auth import Caller, Role
from assist.demo import DEMO_CUSTOMER, PHONE_MESSAGE, journey
from assist.embeddings import get_embedder
from assist.knowledge.service import open_knowledge_base
from assist.pipeline.models import AssistRequest, TriageRequest
from assist.pipeline.service import run_assist, run_triage
from assist.timeline.models import EventIn
from assist.timeline.service import ingest_events

AGENT = Caller(role=Role.agent, key_id="key_test")


def store(services: Any, events: list[dict[str, Any]]) -> None:
    ingest_events(services.db, events=[EventIn.model_validate(e) for e in events], region="GB")


def test_replay_matches_even_after_the_timeline_moved_on(services) -> None:  # type: ignore[no-untyped-def]
    store(services, journey(datetime.now(UTC)))
    request = AssistRequest(customer={"phone": DEMO_CUSTOMER["phone"]}, channel="phone", message=PHONE_MESSAGE)
    audit_id = run_assist(services=services, request=request, caller=AGENT).audit_id
    # Later the promise is kept and the refund approved: neither may leak into the replay.
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
    store(services, [later])

    result = replay_record(services=services, audit_id=audit_id)
    assert result.matches, result.summary()
    assert result.version_changes == []
    assert result.replay_audit_id != audit_id


def test_replay_reports_a_difference_when_the_output_changed(services) -> None:  # type: ignore[no-untyped-def]
    request = TriageRequest(customer={"email": "x@example.com"}, channel="chat", message="my card has not arrived yet")
    audit_id = run_triage(services=services, request=request, caller=AGENT).audit_id
    # The knowledge base changed since (here: emptied), so the answers differ and replay must say where.
    emptied = open_knowledge_base(settings=services.settings, embedder=get_embedder())
    try:
        result = replay_record(services=replace(services, knowledge=emptied), audit_id=audit_id)
    finally:
        emptied.close()
    assert not result.matches
    assert any(d.path.startswith("answers") for d in result.differences)
