"""One factory for posted events, and a checker of the store's identity invariants."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from assist.db import Database
from assist.timeline.models import EventIn

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def event(
    customer: dict[str, str],
    *,
    minutes: float = 0,
    source_id: str | None = None,
    text: str = "hi",
    channel: str = "chat",
    actor: str = "customer",
    kind: str = "message",
    data: dict[str, Any] | None = None,
    verified: list[str] | None = None,
) -> EventIn:
    ref: dict[str, Any] = dict(customer)
    if verified is not None:
        ref["verified"] = verified
    return EventIn.model_validate(
        {
            "source_id": source_id,
            "customer": ref,
            "channel": channel,
            "actor": actor,
            "kind": kind,
            "occurred_at": (T0 + timedelta(minutes=minutes)).isoformat(),
            "text": text,
            "data": data or {},
        }
    )


@dataclass
class StoreReport:
    events: int = 0
    customers: int = 0
    root_of: dict[tuple[str, str], str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def check_store(db: Database) -> StoreReport:
    """Reads the tables directly: every event must be reachable from an identifier it carried."""
    with db.engine.connect() as conn:
        parent = dict(conn.execute(text("select customer_id, merged_into from customers")).all())
        owners = {
            (k, v): c for k, v, c in conn.execute(text("select kind, value, customer_id from customer_identifiers"))
        }
        events = conn.execute(text("select event_id, customer_id, identifiers from events")).all()

    def root(customer_id: str) -> str:
        seen = set()
        while parent.get(customer_id) and customer_id not in seen:
            seen.add(customer_id)
            customer_id = parent[customer_id]
        return customer_id

    report = StoreReport(events=len(events), customers=sum(1 for c in parent if not parent[c]))
    report.root_of = {pair: root(owner) for pair, owner in owners.items()}
    for event_id, customer_id, carried in events:
        if customer_id not in parent:
            report.problems.append(f"{event_id} on missing customer {customer_id}")
            continue
        carried = carried if isinstance(carried, dict) else json.loads(carried or "{}")
        reachable = [pair for pair in carried.items() if report.root_of.get(pair) == root(customer_id)]
        if carried and not reachable:
            report.problems.append(f"{event_id} on {customer_id}: no identifier it carried leads there")
    with_identifiers = {root(owner) for owner in owners.values()}
    for event_id, customer_id, _ in events:
        if customer_id in parent and root(customer_id) not in with_identifiers:
            report.problems.append(f"{event_id} on {customer_id}, a customer without identifiers")
    return report
