"""Request and response shapes of the timeline API (the contract's Event)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

from assist.timeline.conventions import in_range

Channel = Literal["chat", "email", "phone", "sms", "app", "web", "store", "social"]
Actor = Literal["customer", "agent", "bot", "system"]
EventKind = Literal["message", "action", "status", "note"]
IdentifierKind = Literal["customer_id", "email", "phone", "account_id", "handle", "device_id"]

IDENTIFIER_KINDS = ("email", "phone", "account_id", "handle", "device_id")
MAX_TEXT_CHARS = 32_000
# Control characters never belong in an identifier, and PostgreSQL refuses NUL in any text.
_CONTROL = frozenset(chr(c) for c in (*range(32), 127))


def _no_control(value: str) -> str:
    if not _CONTROL.isdisjoint(value):
        raise ValueError("must not contain control characters (NUL, tab, newline, ...)")
    return value


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Plain = Annotated[str, AfterValidator(_no_control)]
Prose = Annotated[str, AfterValidator(_no_nul)]
Identifier = Field(default=None, min_length=1, max_length=256)


class CustomerRef(BaseModel):
    """Any identifiers of one customer; several together link them to one person (docs/identity.md)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"email": "ana@example.com", "phone": "+44 7700 900123"},
                {"account_id": "ACC-100482", "device_id": "ios-7f3a2c", "verified": ["account_id", "device_id"]},
            ]
        },
    )

    customer_id: Plain | None = Field(default=None, min_length=1, max_length=64)
    email: Plain | None = Identifier
    phone: Plain | None = Identifier
    account_id: Plain | None = Identifier
    handle: Plain | None = Identifier
    device_id: Plain | None = Identifier
    verified: list[IdentifierKind] | None = Field(
        default=None,
        description="The identifiers above that the channel itself authenticated (a login, a one-time code, "
        "the platform's own sender); only these may link this customer to existing ones automatically.",
    )

    @model_validator(mode="after")
    def _at_least_one(self) -> CustomerRef:
        if not any(getattr(self, name) for name in ("customer_id", *IDENTIFIER_KINDS)):
            raise ValueError("customer needs at least one of customer_id, email, phone, account_id, handle, device_id")
        for kind in self.verified or ():
            if not getattr(self, kind):
                raise ValueError(f"verified names {kind}, which this customer does not carry")
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

    source_id: Plain | None = Field(default=None, min_length=1, max_length=200)
    customer: CustomerRef
    channel: Channel
    actor: Actor
    kind: EventKind = "message"
    occurred_at: datetime
    text: Prose = Field(default="", max_length=MAX_TEXT_CHARS)
    data: dict[str, Any] = Field(default_factory=dict)

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        # A timestamp without an offset is taken as UTC rather than the server's local time.
        return in_range(value)


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


class Consent(BaseModel):
    """The customer's consent to processing by a remote AI model, as kept at ingest (docs/privacy.md)."""

    ai_processing: bool | None = Field(
        default=None, description="false: withdrawn; true: granted; null: never stated (allowed, as documented)."
    )
    stated_at: datetime | None = Field(default=None, description="When the deciding statement was made.")
    event_id: str | None = None

    @property
    def allows_llm(self) -> bool:
        return self.ai_processing is not False


class Timeline(BaseModel):
    customer_id: str
    identifiers: dict[str, list[str]]
    events: list[TimelineEvent]
    consent: Consent = Field(default_factory=Consent)


Trust = Literal["verified", "asserted", "approved"]


class Link(BaseModel):
    """An identifier of the customer, and the evidence it was linked on."""

    kind: str
    value: str
    customer_id: str = Field(description="The record in the group that holds it (splits back with it).")
    trust: Trust
    linked_at: datetime = Field(validation_alias=AliasChoices("linked_at", "created_at"))
    event_id: str | None
    channel: str | None
    actor: str | None
    linked_by: str | None = Field(description="`auto` at ingest, else the reviewer's key id; null before 0.2.")


class Proposal(BaseModel):
    """A link or merge that untrusted evidence asked for; nothing is linked until a reviewer approves it."""

    proposal_id: str
    kind: Literal["link", "merge"]
    status: Literal["pending", "approved", "rejected"]
    identifier_kind: str = Field(validation_alias=AliasChoices("identifier_kind", "id_kind"))
    identifier_value: str = Field(validation_alias=AliasChoices("identifier_value", "id_value"))
    customer_id: str = Field(description="The customer the event was stored on.")
    other_customer_id: str | None = Field(description="For a merge: the customer the identifier belongs to.")
    event_id: str | None
    channel: str
    actor: str
    occurred_at: datetime
    reason: str
    occurrences: int = Field(description="How many events asked for the same link.")
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    note: str | None


class ProposalPage(BaseModel):
    proposals: list[Proposal]
    total: int


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Prose = Field(min_length=1, max_length=2000, description="Why: kept in the identity audit trail.")


class Merge(BaseModel):
    merge_id: str
    survivor_id: str
    absorbed_id: str
    members: list[str]
    evidence: dict[str, Any]
    merged_by: str
    reason: str
    created_at: datetime
    undone_at: datetime | None
    undone_by: str | None
    undo_reason: str | None


class Identity(BaseModel):
    """Who the customer is made of: links with provenance, merges and their undoing, pending proposals."""

    customer_id: str
    members: list[str]
    links: list[Link]
    merges: list[Merge]
    proposals: list[Proposal]
    consent: Consent


class UnmergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    merge_id: str = Field(min_length=1, max_length=64, pattern=r"^[\w-]+$")
    reason: Prose = Field(min_length=1, max_length=2000)


class UnmergeOut(BaseModel):
    customer_ids: list[str] = Field(description="The group that stayed, then the one split back out.")
    merge: Merge
