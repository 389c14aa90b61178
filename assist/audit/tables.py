"""Audit tables: the hash-chained records, the chain head, checkpoints left by purges, feedback and reviews.

Only `audit_records.content` and `hash` are evidence; the other record columns are copies for filtering.
Feedback, queue entries and reviews live in their own tables so adding them never touches hashed content.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, JSON, BigInteger, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from assist.db import Base, UTCDateTime

GENESIS_HASH = "0" * 64
# SQLite only auto-increments and compares fast on INTEGER; PostgreSQL needs 64 bits for a long-lived chain.
Seq = BigInteger().with_variant(Integer(), "sqlite")


class AuditRecordRow(Base):
    __tablename__ = "audit_records"
    __table_args__ = (
        Index("ix_audit_records_created", "created_at"),
        Index("ix_audit_records_customer", "customer_id", "created_at"),
    )

    seq: Mapped[int] = mapped_column(Seq, primary_key=True, autoincrement=False)
    audit_id: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(16))
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    customer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    intent: Mapped[str | None] = mapped_column(String(128), nullable=True)
    route: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The canonical JSON that `hash` covers (it includes `prev_hash`, `seq` and `audit_id`).
    content: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(String(64))


class ChainHeadRow(Base):
    """One row; writers take its row lock (UPDATE ... RETURNING) so the chain stays a single line."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Seq)
    hash: Mapped[str] = mapped_column(String(64))


class CheckpointRow(Base):
    """Left by a purge: the last purged record's seq and hash, signed, so the rest still verifies."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(Seq, unique=True)
    hash: Mapped[str] = mapped_column(String(64))
    audit_id: Mapped[str] = mapped_column(String(64))
    purged: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signature: Mapped[str] = mapped_column(String(128))


class FeedbackRow(Base):
    __tablename__ = "audit_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audit_id: Mapped[str] = mapped_column(ForeignKey("audit_records.audit_id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(128))
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    final_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    resolution: Mapped[str | None] = mapped_column(String(256), nullable=True)
    key_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QueueRow(Base):
    """A record picked for QA review by audit/policy.yaml, with the reasons it was picked."""

    __tablename__ = "audit_review_queue"

    audit_id: Mapped[str] = mapped_column(ForeignKey("audit_records.audit_id", ondelete="CASCADE"), primary_key=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ReviewRow(Base):
    __tablename__ = "audit_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audit_id: Mapped[str] = mapped_column(ForeignKey("audit_records.audit_id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# The genesis head exists from the moment the table does, so the first writers need no race to create it.
event.listen(
    ChainHeadRow.__table__,
    "after_create",
    DDL(f"INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, '{GENESIS_HASH}')"),
)
