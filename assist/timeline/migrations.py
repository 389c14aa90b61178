"""Brings a timeline store made by an earlier version up to date, at start-up, right after create_all.

New tables are made by create_all; this adds the columns and index added to existing tables, points every
merged customer at its group's root, and derives consent state from stored events. It runs in create_all's
transaction, under its lock, so two processes starting on the same old store do it once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Text, cast, insert, inspect, select, text

from assist.timeline.tables import ConsentRow, EventRow

COLUMNS = (
    ("trust", "VARCHAR(16) DEFAULT 'asserted' NOT NULL"),
    ("event_id", "VARCHAR(64)"),
    ("channel", "VARCHAR(16)"),
    ("actor", "VARCHAR(16)"),
    ("linked_by", "VARCHAR(64)"),
)


def upgrade(conn: Connection) -> None:
    have = {c["name"] for c in inspect(conn).get_columns("customer_identifiers")}
    missing = [(name, ddl) for name, ddl in COLUMNS if name not in have]
    for name, ddl in missing:
        conn.exec_driver_sql(f"ALTER TABLE customer_identifiers ADD COLUMN {name} {ddl}")
    if missing:
        conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_customers_merged_into ON customers (merged_into)")
        _flatten(conn)
        _consent_from_events(conn)


def _roots(conn: Connection) -> dict[str, str]:
    parent: dict[str, str] = dict(
        conn.execute(text("select customer_id, merged_into from customers where merged_into is not null")).all()
    )

    def root(customer_id: str) -> str:
        seen = {customer_id}
        while (up := parent.get(customer_id)) and up not in seen:
            seen.add(up)
            customer_id = up
        return customer_id

    return {customer_id: root(customer_id) for customer_id in parent}


def _flatten(conn: Connection) -> None:
    """Earlier versions moved rows on a merge and left chains of pointers; point each one at the root."""
    for customer_id, root in _roots(conn).items():
        conn.execute(
            text("update customers set merged_into = :r where customer_id = :c"), {"r": root, "c": customer_id}
        )


def _consent_from_events(conn: Connection) -> None:
    """Consent as the events say, failing closed: any stated value but JSON true is a withdrawal."""
    roots = _roots(conn)
    latest: dict[str, tuple[datetime, bool, str]] = {}
    rows = conn.execute(
        select(EventRow.event_id, EventRow.customer_id, EventRow.occurred_at, EventRow.data).where(
            cast(EventRow.data, Text).like("%ai_processing%")
        )
    )
    for event_id, customer_id, at, data in rows:
        stated = _stated(data)
        if stated is None:
            continue
        root = roots.get(customer_id, customer_id)
        current = latest.get(root)
        if current is None or at > current[0] or (at == current[0] and not stated):
            latest[root] = (at, stated, event_id)
    now = datetime.now(UTC)
    for root, (at, stated, event_id) in latest.items():
        conn.execute(
            insert(ConsentRow).values(
                customer_id=root, ai_processing=stated, stated_at=at, event_id=event_id, updated_at=now
            )
        )


def _stated(data: Any) -> bool | None:
    consent = data.get("consent") if isinstance(data, dict) else None
    if not isinstance(consent, dict) or "ai_processing" not in consent:
        return None
    return consent["ai_processing"] is True
