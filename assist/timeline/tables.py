"""Timeline tables: customers, their identifiers, and events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from assist.db import Base, UTCDateTime


class CustomerRow(Base):
    __tablename__ = "customers"

    customer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when identity resolution folded this customer into another; lookups follow it.
    merged_into: Mapped[str | None] = mapped_column(String(64), nullable=True)


class IdentifierRow(Base):
    __tablename__ = "customer_identifiers"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(256), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.customer_id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


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
