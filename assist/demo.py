"""`assist demo`: one customer's journey app -> chat -> phone, and what the phone agent is shown."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol


class HTTP(Protocol):
    """An httpx.Client or Starlette's TestClient: the demo runs against a server or in-process."""

    def get(self, url: str) -> Any: ...
    def post(self, url: str, *, json: Any, headers: dict[str, str]) -> Any: ...


DEMO_CUSTOMER = {"email": "ana.demo@example.com", "phone": "+44 7700 900123", "account_id": "ACC-100482"}
PHONE_MESSAGE = (
    "Hi, I'm calling again about my refund for order 88231. Someone in chat promised a callback "
    "yesterday and nobody called. I just want to speak to a person who can sort this out."
)


def journey(now: datetime) -> list[dict[str, Any]]:
    """A refund that dead-ends in the app on a billing exception, then chat with a promise, then a call."""

    def at(hours_ago: float) -> str:
        return (now - timedelta(hours=hours_ago)).isoformat()

    # Each channel says which identifiers it authenticated (docs/identity.md): the app and web chat run in a
    # logged-in session, the phone line matched the caller id to the number on the account.
    app_customer = {
        "device_id": "ios-7f3a2c",
        "account_id": DEMO_CUSTOMER["account_id"],
        "verified": ["device_id", "account_id"],
    }
    chat_customer = {
        "email": DEMO_CUSTOMER["email"],
        "account_id": DEMO_CUSTOMER["account_id"],
        "verified": ["email", "account_id"],
    }
    return [
        {
            "source_id": "demo-app-1",
            "customer": app_customer,
            "channel": "app",
            "actor": "customer",
            "kind": "action",
            "occurred_at": at(72),
            "text": "Requested a refund for order 88231 (GBP 84.99, Brightside Electronics)",
            "data": {
                "step": "refund_request",
                "result": "failed",
                "reason": "billing exception: payment still pending",
                "references": {"order_id": "88231"},
                "intent": "request_refund",
            },
        },
        {
            "source_id": "demo-app-2",
            "customer": app_customer,
            "channel": "app",
            "actor": "customer",
            "kind": "action",
            "occurred_at": at(71.5),
            "text": "Retried the refund request for order 88231",
            "data": {
                "step": "refund_request",
                "result": "failed",
                "reason": "billing exception: payment still pending",
            },
        },
        {
            "source_id": "demo-chat-1",
            "customer": chat_customer,
            "channel": "chat",
            "actor": "customer",
            "kind": "message",
            "occurred_at": at(50),
            "text": "The app won't let me get a refund for order 88231. I paid 84.99 to Brightside Electronics "
            "on 14 November and returned the headphones. It keeps saying billing exception.",
        },
        {
            "source_id": "demo-chat-2",
            "customer": chat_customer,
            "channel": "chat",
            "actor": "bot",
            "kind": "action",
            "occurred_at": at(49.9),
            "text": "Identity check by one-time passcode",
            "data": {
                "step": "verify_identity",
                "verification": "failed",
                "result": "failed",
                "reason": "passcode expired",
            },
        },
        {
            "source_id": "demo-chat-3",
            "customer": chat_customer,
            "channel": "chat",
            "actor": "agent",
            "kind": "message",
            "occurred_at": at(49.5),
            "text": "I've opened case CS-20931 with our disputes team. They will call you back within 24 hours.",
            "data": {
                "references": {"case_id": "CS-20931"},
                "promise": {"what": "callback from the disputes team", "by": "agent", "due": at(25.5)},
            },
        },
        {
            "source_id": "demo-phone-1",
            "customer": {
                "phone": DEMO_CUSTOMER["phone"],
                "account_id": DEMO_CUSTOMER["account_id"],
                "verified": ["phone", "account_id"],
            },
            "channel": "phone",
            "actor": "system",
            "kind": "status",
            "occurred_at": at(0.02),
            "text": "Inbound call; caller id matches the number on the account; queued for an agent",
            "data": {"step": "ivr_identify", "result": "success"},
        },
    ]


def run_demo(client: HTTP, *, headers_channel: dict[str, str], headers_agent: dict[str, str]) -> str:
    """Posts the journey and asks for assistance; returns the readable report."""
    posted = client.post("/v1/events", json={"events": journey(datetime.now(UTC))}, headers=headers_channel)
    posted.raise_for_status()
    stored = posted.json()
    result = client.post(
        "/v1/assist",
        json={
            "customer": {"phone": DEMO_CUSTOMER["phone"]},
            "channel": "phone",
            "message": PHONE_MESSAGE,
            "agent_id": "demo-agent",
        },
        headers=headers_agent,
    )
    result.raise_for_status()
    return render(stored, result.json())


def render(stored: dict[str, Any], assist: dict[str, Any]) -> str:
    intent = assist["intent"]
    lines = [
        "assist demo: refund dead-ends in the app, chat promises a callback, the customer phones",
        f"events posted: {stored['accepted']} new, {stored['duplicates']} already stored; "
        f"customer {assist['customer_id']} (app, chat and phone identities linked)",
        "",
        f"INTENT   {intent['label']}  (confidence {intent['confidence']:.2f}"
        + (", out of scope" if intent["out_of_scope"] else "")
        + ")",
        "",
        "HANDOFF CARD",
        *("  " + line for line in assist["summary"]["text"].splitlines()),
        f"  cites: {', '.join(assist['summary']['citations'])}",
        "",
        "DO NOT ASK AGAIN",
        *(f"  {item.get('field')}: {item.get('value')}" for item in assist["do_not_ask"]),
        "",
        "APPROVED ANSWERS",
        *(f"  [{a['article_id']} v{a['version']}] {a['title']}  (score {a['score']:.2f})" for a in assist["answers"]),
        "",
        "NEXT ACTIONS",
    ]
    for action in assist["actions"]:
        lines.append(f"  - {action['label']}  [{action['type']}]")
        lines.append(f"      why: {action['reason']}  (rules: {', '.join(action['rules'])})")
    lines += ["", f"audit record: {assist['audit_id']}"]
    return "\n".join(lines)


def wait_until_ready(client: HTTP, *, timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        response = client.get("/healthz")
        if response.status_code == 200:
            return
        if response.json().get("status") == "failed" or time.monotonic() > deadline:
            raise RuntimeError(f"service not ready: {response.text}")
        time.sleep(0.5)
