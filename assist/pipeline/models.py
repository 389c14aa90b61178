"""Request and response shapes of /v1/assist and /v1/triage (the contract)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assist.intents.models import IntentPrediction
from assist.knowledge.models import Answer
from assist.routing.models import Action, Alternative, Route, Suppressed
from assist.signals.models import Signals
from assist.timeline.models import MAX_TEXT_CHARS, Channel, CustomerRef

Message = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="The customer's latest message.")


class AssistRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "customer": {"email": "ana@example.com"},
                    "channel": "phone",
                    "message": "I was told someone would call me back about my refund and nobody did",
                    "agent_id": "agent-17",
                }
            ]
        },
    )

    customer: CustomerRef
    channel: Channel
    message: str = Message
    agent_id: str | None = Field(default=None, max_length=128)


class TriageRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"customer": {"phone": "+447700900123"}, "channel": "sms", "message": "NO I did not make that payment"}
            ]
        },
    )

    customer: CustomerRef
    channel: Channel
    message: str = Message


class AssistResponse(BaseModel):
    audit_id: str
    customer_id: str | None = Field(description="None for a customer the timeline has never seen.")
    intent: IntentPrediction
    signals: Signals
    summary: dict[str, Any] = Field(description="The handoff card: `text`, `citations` and its cited parts.")
    do_not_ask: list[dict[str, Any]]
    answers: list[Answer]
    actions: list[Action]


class TriageResponse(BaseModel):
    audit_id: str
    customer_id: str | None
    intent: IntentPrediction
    signals: Signals
    route: Route
    alternatives: list[Alternative]
    suppressed: list[Suppressed]
    answers: list[Answer]
