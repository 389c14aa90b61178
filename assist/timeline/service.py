"""Storing events and resolving who they belong to."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assist.db import Database
from assist.errors import InputError, NotFound
from assist.timeline.identity import normalise
from assist.timeline.models import (
    IDENTIFIER_KINDS,
    Customer,
    CustomerRef,
    EventIn,
    EventsOut,
    Timeline,
    TimelineEvent,
)
from assist.timeline.tables import CustomerRow, EventRow, IdentifierRow


def _new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:20]}"


def normalised_identifiers(ref: CustomerRef, *, region: str) -> dict[str, str]:
    return {kind: normalise(kind, value, region=region) for kind, value in ref.identifiers().items()}


def _canonical(session: Session, customer_id: str) -> CustomerRow | None:
    row = session.get(CustomerRow, customer_id)
    seen = set()
    while row is not None and row.merged_into and row.customer_id not in seen:
        seen.add(row.customer_id)
        row = session.get(CustomerRow, row.merged_into)
    return row


def _merge(session: Session, survivor: CustomerRow, others: list[CustomerRow]) -> None:
    for other in others:
        other_id = other.customer_id
        session.execute(
            update(EventRow).where(EventRow.customer_id == other_id).values(customer_id=survivor.customer_id)
        )
        session.execute(
            update(IdentifierRow).where(IdentifierRow.customer_id == other_id).values(customer_id=survivor.customer_id)
        )
        other.merged_into = survivor.customer_id


def resolve_customer(session: Session, ref: CustomerRef, *, region: str, create: bool = True) -> CustomerRow | None:
    """The one customer these identifiers belong to, linking and merging as needed."""
    identifiers = normalised_identifiers(ref, region=region)
    found: dict[str, CustomerRow] = {}
    if ref.customer_id:
        row = _canonical(session, ref.customer_id)
        if row is None and not create:
            return None
        if row is None:
            row = CustomerRow(customer_id=ref.customer_id, created_at=datetime.now(UTC))
            session.add(row)
            session.flush()
        found[row.customer_id] = row
    for kind, value in identifiers.items():
        ident = session.get(IdentifierRow, (kind, value))
        if ident is not None and (row := _canonical(session, ident.customer_id)) is not None:
            found[row.customer_id] = row
    if not found:
        if not create:
            return None
        survivor = CustomerRow(customer_id=_new_id("cus"), created_at=datetime.now(UTC))
        session.add(survivor)
        session.flush()
    else:
        # The oldest record survives so ids already handed to clients keep working.
        ordered = sorted(found.values(), key=lambda r: (r.created_at, r.customer_id))
        survivor = ordered[0]
        if len(ordered) > 1:
            _merge(session, survivor, ordered[1:])
    if create:
        for kind, value in identifiers.items():
            if session.get(IdentifierRow, (kind, value)) is None:
                session.add(
                    IdentifierRow(
                        kind=kind, value=value, customer_id=survivor.customer_id, created_at=datetime.now(UTC)
                    )
                )
        session.flush()
    return survivor


# Labels customer messages with their intent (None when out of scope), so repeat contacts on one need are visible.
Classifier = Callable[[Sequence[str]], list[str | None]]


def _intents(events: list[EventIn], classify: Classifier | None) -> list[str | None]:
    tagged: list[str | None] = [
        value if isinstance(value := event.data.get("intent"), str) and value else None for event in events
    ]
    todo = [
        i
        for i, event in enumerate(events)
        if tagged[i] is None and event.actor == "customer" and event.kind == "message" and event.text.strip()
    ]
    if classify is not None and todo:
        for i, label in zip(todo, classify([events[i].text for i in todo]), strict=True):
            tagged[i] = label
    return tagged


def ingest_events(db: Database, *, events: list[EventIn], region: str, classify: Classifier | None = None) -> EventsOut:
    # Validate every identifier before storing anything, so a bad event leaves the store untouched.
    for index, event in enumerate(events):
        try:
            normalised_identifiers(event.customer, region=region)
        except InputError as exc:
            raise InputError(("body", "events", index, *exc.loc), exc.message) from exc
    intents = _intents(events, classify)
    accepted = duplicates = 0
    event_ids: list[str] = []
    customer_ids: list[str] = []
    with db.session() as session:
        for event, intent in zip(events, intents, strict=True):
            existing = _by_source(session, event.source_id)
            if existing is not None:
                duplicates += 1
                event_ids.append(existing.event_id)
                customer_ids.append(_canonical_id(session, existing.customer_id))
                continue
            customer = resolve_customer(session, event.customer, region=region)
            assert customer is not None
            row = EventRow(
                event_id=_new_id("evt"),
                customer_id=customer.customer_id,
                source_id=event.source_id,
                channel=event.channel,
                actor=event.actor,
                kind=event.kind,
                occurred_at=event.occurred_at,
                received_at=datetime.now(UTC),
                text=event.text,
                data=event.data,
                identifiers=normalised_identifiers(event.customer, region=region),
                intent=intent,
            )
            try:
                with session.begin_nested():
                    session.add(row)
            except IntegrityError:
                # Another writer stored the same source_id between our check and insert.
                stored = _by_source(session, event.source_id)
                if stored is None:
                    raise
                duplicates += 1
                event_ids.append(stored.event_id)
                customer_ids.append(_canonical_id(session, stored.customer_id))
                continue
            accepted += 1
            event_ids.append(row.event_id)
            customer_ids.append(customer.customer_id)
        # A later event in the batch may have merged customers named earlier.
        customer_ids = [_canonical_id(session, cid) for cid in customer_ids]
    return EventsOut(accepted=accepted, duplicates=duplicates, event_ids=event_ids, customer_ids=customer_ids)


def _by_source(session: Session, source_id: str | None) -> EventRow | None:
    if source_id is None:
        return None
    return session.scalar(select(EventRow).where(EventRow.source_id == source_id))


def _canonical_id(session: Session, customer_id: str) -> str:
    row = _canonical(session, customer_id)
    return row.customer_id if row is not None else customer_id


def _identifiers(session: Session, customer_id: str) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    rows = session.scalars(
        select(IdentifierRow)
        .where(IdentifierRow.customer_id == customer_id)
        .order_by(IdentifierRow.kind, IdentifierRow.value)
    )
    for row in rows:
        grouped[row.kind].append(row.value)
    return dict(grouped)


def find_customer(db: Database, *, ref: CustomerRef, region: str) -> Customer:
    with db.session() as session:
        row = resolve_customer(session, ref, region=region, create=False)
        if row is None:
            raise NotFound("customer", ", ".join(f"{k}={v}" for k, v in ref.model_dump(exclude_none=True).items()))
        return Customer(
            customer_id=row.customer_id, identifiers=_identifiers(session, row.customer_id), created_at=row.created_at
        )


def to_timeline_event(row: EventRow) -> TimelineEvent:
    return TimelineEvent(
        event_id=row.event_id,
        customer_id=row.customer_id,
        source_id=row.source_id,
        customer=row.identifiers or {},
        channel=row.channel,  # type: ignore[arg-type]
        actor=row.actor,  # type: ignore[arg-type]
        kind=row.kind,  # type: ignore[arg-type]
        occurred_at=row.occurred_at,
        text=row.text,
        data=row.data or {},
        intent=row.intent,
    )


def get_timeline(
    db: Database, *, customer_id: str, limit: int | None = None, as_of: datetime | None = None
) -> Timeline:
    """Events oldest first; with `limit`, only the most recent `limit`; with `as_of`, only those stored by then."""
    with db.session() as session:
        customer = _canonical(session, customer_id)
        if customer is None:
            raise NotFound("customer", customer_id)
        query = select(EventRow).where(EventRow.customer_id == customer.customer_id)
        if as_of is not None:
            query = query.where(EventRow.received_at <= as_of)
        if limit is not None:
            query = query.order_by(EventRow.occurred_at.desc(), EventRow.event_id.desc()).limit(limit)
            rows = list(reversed(session.scalars(query).all()))
        else:
            rows = list(session.scalars(query.order_by(EventRow.occurred_at, EventRow.event_id)))
        return Timeline(
            customer_id=customer.customer_id,
            identifiers=_identifiers(session, customer.customer_id),
            events=[to_timeline_event(row) for row in rows],
        )


def lookup_timeline(
    db: Database, *, ref: CustomerRef, region: str, limit: int | None = None, as_of: datetime | None = None
) -> Timeline | None:
    """The timeline of a customer named by any identifiers, or None for a stranger."""
    with db.session() as session:
        row = resolve_customer(session, ref, region=region, create=False)
        customer_id = row.customer_id if row is not None else None
    if customer_id is None:
        return None
    return get_timeline(db, customer_id=customer_id, limit=limit, as_of=as_of)


__all__ = [
    "IDENTIFIER_KINDS",
    "find_customer",
    "get_timeline",
    "ingest_events",
    "lookup_timeline",
    "resolve_customer",
]
