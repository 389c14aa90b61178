"""Request and response shapes of the timeline API (the contract's Event)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Channel = Literal["chat", "email", "phone", "sms", "app", "web", "store", "social"]
Actor = Literal["customer", "agent", "bot", "system"]
EventKind = Literal["message", "action", "status", "note"]

IDENTIFIER_KINDS = ("email", "phone", "account_id", "handle", "device_id")
MAX_TEXT_CHARS = 32_000

Identifier = Field(default=None, min_length=1, max_length=256)


class CustomerRef(BaseModel):
    """Any identifiers of one customer; several together link them to one person."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"email": "ana@example.com", "phone": "+44 7700 900123"}]},
    )

    customer_id: str | None = Identifier
    email: str | None = Identifier
    phone: str | None = Identifier
    account_id: str | None = Identifier
    handle: str | None = Identifier
    device_id: str | None = Identifier

    @model_validator(mode="after")
    def _at_least_one(self) -> CustomerRef:
        if not any(getattr(self, name) for name in ("customer_id", *IDENTIFIER_KINDS)):
            raise ValueError("customer needs at least one of customer_id, email, phone, account_id, handle, device_id")
        return self

    def identifiers(self) -> dict[str, str]:
        return {kind: value for kind in IDENTIFIER_KINDS if (value := getattr(self, kind))}


class EventIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "source_id": "app-4711",
                    "customer": {"email": "ana@example.com"},
                    "channel": "app",
                    "actor": "customer",
                    "kind": "action",
                    "occurred_at": "2026-11-20T09:15:00Z",
                    "text": "Requested a refund for order 88231",
                    "data": {"step": "refund_request", "result": "failed", "reason": "billing exception"},
                }
            ]
        },
    )

    source_id: str | None = Field(default=None, min_length=1, max_length=200)
    customer: CustomerRef
    channel: Channel
    actor: Actor
    kind: EventKind = "message"
    occurred_at: datetime
    text: str = Field(default="", max_length=MAX_TEXT_CHARS)
    data: dict[str, Any] = Field(default_factory=dict)

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        # A timestamp without an offset is taken as UTC rather than the server's local time.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class EventsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[EventIn] = Field(min_length=1, max_length=1000)


class EventsOut(BaseModel):
    accepted: int
    duplicates: int
    event_ids: list[str] = Field(description="One per posted event, in order; a duplicate gets the stored id.")
    customer_ids: list[str] = Field(description="One per posted event, in order.")


class TimelineEvent(BaseModel):
    event_id: str
    customer_id: str
    source_id: str | None
    customer: dict[str, str] = Field(description="The identifiers the event carried.")
    channel: Channel
    actor: Actor
    kind: EventKind
    occurred_at: datetime
    text: str
    data: dict[str, Any]
    intent: str | None = Field(
        default=None,
        description="The channel's `data.intent`, else the intent classified when a customer message arrived.",
    )


class Customer(BaseModel):
    customer_id: str
    identifiers: dict[str, list[str]]
    created_at: datetime


class Timeline(BaseModel):
    customer_id: str
    identifiers: dict[str, list[str]]
    events: list[TimelineEvent]
