"""Timeline tables: customers, their identifiers with provenance, events, consent, and identity decisions.

A merge never moves rows: the absorbed customer keeps its identifiers and events and points at the survivor
(`merged_into`, always the root, one hop), so an unmerge is the pointer set back. Reads take the whole group.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assist.db import Base, UTCDateTime


class CustomerRow(Base):
    __tablename__ = "customers"

    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The root of the group this customer was merged into; lookups and timelines read the whole group.
    merged_into: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class IdentifierRow(Base):
    """One customer per identifier (the primary key); how and on what evidence it was linked."""

    __tablename__ = "customer_identifiers"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(256), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # verified: the channel authenticated it; asserted: it was only stated; approved: a reviewer linked it.
    trust: Mapped[str] = mapped_column(String(16), default="asserted", server_default="asserted")
    event_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(16), nullable=True)
    actor: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # "auto" for links made at ingest, else the key id of the reviewer who approved it.
    linked_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_customer_time", "customer_id", "occurred_at"),)

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.customer_id"))
    source_id: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    channel: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    identifiers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The need this event is about: the channel's data.intent, else classified at ingest for customer messages.
    intent: Mapped[str | None] = mapped_column(String(128), nullable=True)


class ConsentRow(Base):
    """A group's consent to remote AI processing, kept on its root at ingest (docs/privacy.md)."""

    __tablename__ = "customer_consent"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.customer_id"), primary_key=True)
    ai_processing: Mapped[bool] = mapped_column(Boolean)
    # The time the deciding statement was made (its event's occurred_at): an older statement never overrides it.
    stated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    event_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProposalRow(Base):
    """A link or merge that untrusted evidence asked for, waiting for a reviewer."""

    __tablename__ = "identity_proposals"
    __table_args__ = (Index("ix_identity_proposals_pending", "status", "id_kind", "id_value"),)

    proposal_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # link: a new identifier; merge: it belongs to another customer
    status: Mapped[str] = mapped_column(String(16))  # pending, approved, rejected
    id_kind: Mapped[str] = mapped_column(String(32))
    id_value: Mapped[str] = mapped_column(String(256))
    customer_id: Mapped[str] = mapped_column(String(64), index=True)  # the customer the event was stored on
    other_customer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the identifier's owner
    event_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    channel: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
    occurrences: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class MergeRow(Base):
    """One merge of a group into another, with its evidence, and its undoing if a reviewer split it back."""

    __tablename__ = "identity_merges"

    merge_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    survivor_id: Mapped[str] = mapped_column(String(64), index=True)
    absorbed_id: Mapped[str] = mapped_column(String(64), index=True)
    members: Mapped[list[str]] = mapped_column(JSON)  # the absorbed group at the time, root first
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)  # event_id, channel, actor, identifiers, proposal_id
    consent_before: Mapped[dict[str, Any]] = mapped_column(JSON)  # each side's consent, restored on unmerge
    merged_by: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    undone_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    undo_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
