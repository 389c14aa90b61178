"""The privacy suite over HTTP, with an LLM configured: every secret of evals/privacy/cases.yaml, in every form
(event text, `data` values, keys and numbers, the assist and triage message), is found in no request the LLM
received, no audit record and no log line; references, times and amounts reach the LLM as written and no
placeholder appears in a record where no personal data was given."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from assist.config import PROJECT_ROOT, Settings
from assist.privacy.suite import Keep, Secret, leaks, load_cases, mangled
from tests.conftest import auth
from tests.support.openai_server import OpenAIServer, Reply

CASES = load_cases(PROJECT_ROOT / "evals" / "privacy" / "cases.yaml")
GROUP = 9  # secrets per customer: every placement of a group fits in what the LLM is sent
PLACEHOLDERS = ("[PHONE]", "[CARD", "[EMAIL]", "[IBAN]", "[SSN]", "[NI_NUMBER]", "[NATIONAL_ID]", "[SECRET]")


def _echo(body: dict[str, Any]) -> Reply:
    """A leaky model: it repeats what it was sent, so anything unredacted would reach the card and the record."""
    user = body["messages"][-1]["content"]
    said = {"text": user[-500:], "citations": ["message"]}
    return Reply(content=json.dumps({"goal": said, "summary": said}))


def _events(customer: dict[str, str], texts_and_data: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    start = datetime.now(UTC) - timedelta(hours=len(texts_and_data) + 1)
    return [
        {
            "customer": customer,
            "channel": ("chat", "email", "app", "sms")[i % 4],
            "actor": "customer",
            "kind": "message",
            "occurred_at": (start + timedelta(hours=i)).isoformat(),
            "text": text,
            "data": data,
        }
        for i, (text, data) in enumerate(texts_and_data)
    ]


def _contact(client: TestClient, customer: dict[str, str], message: str) -> list[str]:
    """POST /v1/assist and /v1/triage; the two audit records as stored."""
    body = {"customer": customer, "channel": "phone", "message": message}
    ids = [
        client.post(f"/v1/{kind}", json=body, headers=auth("admin")).json()["audit_id"] for kind in ("assist", "triage")
    ]
    return [client.get(f"/v1/audit/records/{i}", headers=auth("admin")).text for i in ids]


def _run_secrets(client: TestClient, group: list[Secret], n: int) -> tuple[list[str], str]:
    customer = {"account_id": f"privacy-{n}"}
    placed = [(text, data) for s in group for _, text, data in s.placements()]
    assert (
        client.post("/v1/events", json={"events": _events(customer, placed)}, headers=auth("admin")).status_code == 200
    )
    message = "Calling again about this: " + ", ".join(s.value for s in group)
    records = _contact(client, customer, message)
    return records, message


def test_no_secret_reaches_the_llm_the_audit_record_or_the_log(
    llm_settings: Settings, openai_server: OpenAIServer, client: TestClient, log_stream: io.StringIO
) -> None:
    client.app.state.services = client.app.state.services.__class__(  # type: ignore[attr-defined]
        **{**client.app.state.services.__dict__, **_llm(llm_settings)}  # type: ignore[attr-defined]
    )
    openai_server.responder = _echo
    records: list[str] = []
    for n in range(0, len(CASES.secrets), GROUP):
        group_records, _ = _run_secrets(client, CASES.secrets[n : n + GROUP], n)
        records += group_records

    sent = json.dumps(openai_server.requests, ensure_ascii=False)
    assert len(openai_server.requests) == len(range(0, len(CASES.secrets), GROUP))  # every assist reached the LLM
    places = {"the LLM requests": sent, "the audit records": "\n".join(records), "the log": log_stream.getvalue()}
    assert leaks(CASES.secrets, places) == []
    assert log_stream.getvalue().count('"msg": "request"') >= 3 * len(records) // 2  # the log was captured


def test_references_times_and_amounts_are_kept(
    llm_settings: Settings, openai_server: OpenAIServer, client: TestClient
) -> None:
    client.app.state.services = client.app.state.services.__class__(  # type: ignore[attr-defined]
        **{**client.app.state.services.__dict__, **_llm(llm_settings)}  # type: ignore[attr-defined]
    )
    openai_server.responder = _echo
    customer = {"account_id": "privacy-keep"}
    keeps: list[Keep] = CASES.keep
    placed = [(f"About {k.text}, as I said.", {"details": {"note": k.text}}) for k in keeps]
    # A bare order number typed right after the agent asked for it.
    placed += [("Could you give me the order number, please?", {}), ("4155550177", {})]
    events = _events(customer, placed)
    events[-2]["actor"] = "agent"
    assert client.post("/v1/events", json={"events": events}, headers=auth("admin")).status_code == 200

    records = _contact(client, customer, "Any news on order 4155550132 by 2026-11-20 17:00 UTC?")

    sent = json.dumps(openai_server.requests, ensure_ascii=False)
    assert mangled(keeps, sent) == []
    assert "4155550177" in sent
    for record in records:
        assert [p for p in PLACEHOLDERS if p in record] == []
        assert "order 4155550132 by 2026-11-20 17:00 UTC" in record


def _llm(settings: Settings) -> dict[str, Any]:
    from assist.llm.client import build_llm

    return {"llm": build_llm(settings.model_copy(update={"llm_timeout_s": 10.0, "llm_deadline_s": 20.0}))}
