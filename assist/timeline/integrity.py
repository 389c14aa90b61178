"""A read-only check of the identity invariants, for tests and benchmarks/identity_concurrency.py.

Every event must be reachable from an identifier it carried (a lookup by it leads to the event's group),
every group holding events must hold an identifier or be a customer id a channel gave, and every merged
customer must point at a root.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from assist.db import Database
from assist.timeline.tables import CustomerRow, EventRow, IdentifierRow


@dataclass
class Integrity:
    events: int = 0
    customers: int = 0  # groups (roots)
    root_of: dict[tuple[str, str], str] = field(default_factory=dict)  # identifier -> its group's root
    problems: list[str] = field(default_factory=list)


def check(db: Database) -> Integrity:
    with db.session() as session:
        parent = dict(session.execute(select(CustomerRow.customer_id, CustomerRow.merged_into)).all())
        owners = session.execute(select(IdentifierRow.kind, IdentifierRow.value, IdentifierRow.customer_id)).all()
        events = session.execute(select(EventRow.event_id, EventRow.customer_id, EventRow.identifiers)).all()
    report = Integrity(events=len(events), customers=sum(1 for up in parent.values() if not up))
    for customer_id, up in parent.items():
        if up and parent.get(up):
            report.problems.append(f"{customer_id} points at {up}, which is not a root")
    report.root_of = {(kind, value): parent.get(owner) or owner for kind, value, owner in owners}
    held = set(report.root_of.values())
    for event_id, customer_id, carried in events:
        if customer_id not in parent:
            report.problems.append(f"{event_id} is on a customer that does not exist")
            continue
        root = parent[customer_id] or customer_id
        pairs = carried.items() if isinstance(carried, dict) else ()
        if pairs and not any(report.root_of.get(pair) == root for pair in pairs):
            report.problems.append(f"{event_id} on {customer_id}: no identifier it carried leads there")
        if pairs and root not in held:
            report.problems.append(f"{event_id} on {customer_id}, a customer without identifiers")
    return report
