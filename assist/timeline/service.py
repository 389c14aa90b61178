"""Storing events, resolving who they belong to, and reading customers and timelines."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, insert, or_, select
from sqlalchemy.orm import Session

from assist.db import Database
from assist.errors import InputError, NotFound
from assist.logs import log_fields
from assist.timeline import consent
from assist.timeline.conventions import ConventionError, check_data, readable
from assist.timeline.identity import normalise
from assist.timeline.locks import identifier_key, in_write_transaction, lock_names
from assist.timeline.models import (
    IDENTIFIER_KINDS,
    Customer,
    CustomerRef,
    EventIn,
    EventsOut,
    Timeline,
    TimelineEvent,
)
from assist.timeline.resolve import ANCHOR, Claim, Evidence, Graph, decide, new_id, propose
from assist.timeline.tables import CustomerRow, EventRow, IdentifierRow

logger = logging.getLogger("assist.timeline")

# Labels customer messages with their intent (None when out of scope), so repeat contacts on one need are visible.
Classifier = Callable[[Sequence[str]], list[str | None]]


class Ambiguous(InputError):
    """The identifiers given belong to different customers and nothing authenticated says which one is meant."""

    def __init__(self, kinds: list[str]) -> None:
        super().__init__(
            ("customer",),
            f"{', '.join(kinds)} belong to different customers; look up one identifier, or say which are verified",
            status_code=409,
        )


def normalised_identifiers(ref: CustomerRef, *, region: str) -> dict[str, str]:
    return {kind: normalise(kind, value, region=region) for kind, value in ref.identifiers().items()}


def claim_of(ref: CustomerRef, *, region: str, data: dict[str, Any] | None = None) -> Claim:
    """The event's identity evidence. Without a `verified` list, a passed verification vouches for all of it."""
    identifiers = normalised_identifiers(ref, region=region)
    verified: set[str]
    if ref.verified is not None:
        verified = set(ref.verified)
    elif (data or {}).get("verification") == "passed":
        verified = {*identifiers, *([ANCHOR] if ref.customer_id else [])}
    else:
        verified = set()
    return Claim(identifiers=identifiers, anchor=ref.customer_id, verified=frozenset(verified))


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


def _checked(index: int, event: EventIn, region: str) -> tuple[Claim, dict[str, Any]]:
    try:
        data = check_data(event.data, occurred_at=event.occurred_at)
    except ConventionError as exc:
        raise InputError(("body", "events", index, "data", *exc.loc), exc.message) from exc
    try:
        return claim_of(event.customer, region=region, data=data), data
    except InputError as exc:
        raise InputError(("body", "events", index, *exc.loc), exc.message) from exc


def ingest_events(db: Database, *, events: list[EventIn], region: str, classify: Classifier | None = None) -> EventsOut:
    # Check every event before storing anything, so a bad event leaves the store untouched.
    checked = [_checked(index, event, region) for index, event in enumerate(events)]
    intents = _intents(events, classify)
    return in_write_transaction(db, lambda session: _store(session, events, checked, intents))


def _place(graph: Graph, claim: Claim, evidence: Evidence) -> str:
    """Applies the identity rules (assist/timeline/resolve.py) for one event; returns the record to store it on."""
    plan = decide(claim, graph)
    if plan.root is None or plan.holder is None:
        holder = root = claim.anchor or new_id("cus")
        graph.create(holder)
    else:
        holder, root = plan.holder, plan.root
    for absorbed in plan.merge:
        graph.merge(
            root,
            absorbed,
            evidence={"event_id": evidence.event_id, "channel": evidence.channel, "actor": evidence.actor},
            by=evidence.by,
            reason="one event carried verified identifiers of both customers",
        )
    for pair, trust in plan.link:
        graph.link(pair, holder, trust=trust, evidence=evidence)
    for pair in plan.verify:
        graph.verify(pair, evidence)
    for pair, other in plan.propose:
        reason = (
            f"an event carried this {pair[0]}, which belongs to another customer, without verifying it"
            if other
            else f"an event carried this new {pair[0]} without verifying it or the customer"
        )
        propose(graph.session, pair=pair, customer_id=holder, other=other, evidence=evidence, reason=reason)
    return holder


def _store(
    session: Session, events: list[EventIn], checked: list[tuple[Claim, dict[str, Any]]], intents: list[str | None]
) -> EventsOut:
    claims = [claim for claim, _ in checked]
    anchors = {claim.anchor for claim in claims if claim.anchor}
    lock_names(
        session,
        {identifier_key(k, v) for claim in claims for k, v in claim.pairs}
        | {identifier_key(ANCHOR, a) for a in anchors},
    )
    source_ids = sorted({e.source_id for e in events if e.source_id})
    stored: dict[str, tuple[str, str]] = {
        source_id: (event_id, customer_id)
        for source_id, event_id, customer_id in session.execute(
            select(EventRow.source_id, EventRow.event_id, EventRow.customer_id).where(
                EventRow.source_id.in_(source_ids)
            )
        )
        if source_id is not None
    }
    graph = Graph(session)
    graph.load({pair for claim in claims for pair in claim.pairs}, anchors | {c for _, c in stored.values()})
    rows: list[dict[str, Any]] = []
    placed: list[tuple[str, str]] = []
    received = datetime.now(UTC)
    for event, (claim, data), intent in zip(events, checked, intents, strict=True):
        if event.source_id and event.source_id in stored:
            placed.append(stored[event.source_id])
            continue
        evidence = Evidence(new_id("evt"), event.channel, event.actor, event.occurred_at)
        holder = _place(graph, claim, evidence)
        assert evidence.event_id is not None
        if (allowed := consent.statement(data)) is not None:
            consent.record(
                session,
                root=graph.root(holder),
                allowed=allowed,
                stated_at=event.occurred_at,
                event_id=evidence.event_id,
            )
        rows.append(
            {
                "event_id": evidence.event_id,
                "customer_id": holder,
                "source_id": event.source_id,
                "channel": event.channel,
                "actor": event.actor,
                "kind": event.kind,
                "occurred_at": event.occurred_at,
                "received_at": received,
                "text": event.text,
                "data": data,
                "identifiers": claim.identifiers,
                "intent": intent,
            }
        )
        placed.append((evidence.event_id, holder))
        if event.source_id:
            stored[event.source_id] = placed[-1]
    if rows:
        # A source_id stored meanwhile by a writer that locked other identifiers is an IntegrityError here:
        # the whole batch runs again and then reads it as a duplicate.
        session.execute(insert(EventRow), rows)
    return EventsOut(
        accepted=len(rows),
        duplicates=len(events) - len(rows),
        event_ids=[event_id for event_id, _ in placed],
        customer_ids=[graph.root(customer_id) for _, customer_id in placed],
    )


def root_of(session: Session, customer_id: str) -> str | None:
    if len(customer_id) > 64 or "\x00" in customer_id:  # no such id is ever stored; PostgreSQL refuses NUL
        return None
    graph = Graph(session)
    graph.load(set(), {customer_id})
    return graph.root(customer_id) if graph.exists(customer_id) else None


def members(root: str) -> Select[str]:
    """The records of a group (merges point every member at the root)."""
    return select(CustomerRow.customer_id).where(or_(CustomerRow.customer_id == root, CustomerRow.merged_into == root))


def identifiers_of(session: Session, root: str) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    rows = session.execute(
        select(IdentifierRow.kind, IdentifierRow.value)
        .where(IdentifierRow.customer_id.in_(members(root)))
        .order_by(IdentifierRow.kind, IdentifierRow.value)
    )
    for kind, value in rows:
        grouped[kind].append(value)
    return dict(grouped)


def find_root(session: Session, ref: CustomerRef, *, region: str) -> str | None:
    """The customer a lookup means, or None. Only identifiers already linked lead anywhere, so a pending
    proposal shows nobody's data; identifiers leading to different customers are Ambiguous unless the
    verified ones agree."""
    identifiers = normalised_identifiers(ref, region=region)
    graph = Graph(session)
    graph.load(set(identifiers.items()), {ref.customer_id} if ref.customer_id else set())
    if ref.customer_id:
        return graph.root(ref.customer_id) if graph.exists(ref.customer_id) else None
    roots = {pair: graph.root(graph.owner[pair]) for pair in identifiers.items() if pair in graph.owner}
    proven = {root for (kind, _), root in roots.items() if kind in (ref.verified or ())}
    candidates = proven or set(roots.values())
    if len(candidates) > 1:
        raise Ambiguous(sorted(kind for kind, _ in roots))
    return next(iter(candidates), None)


def find_customer(db: Database, *, ref: CustomerRef, region: str) -> Customer:
    with db.session() as session:
        root = find_root(session, ref, region=region)
        if root is None:
            raise NotFound("customer", ", ".join(sorted(ref.model_dump(exclude_none=True))))
        row = session.get(CustomerRow, root)
        assert row is not None
        return Customer(customer_id=root, identifiers=identifiers_of(session, root), created_at=row.created_at)


def to_timeline_event(row: EventRow) -> TimelineEvent:
    return TimelineEvent(
        event_id=row.event_id,
        customer_id=row.customer_id,
        source_id=row.source_id,
        customer=row.identifiers if isinstance(row.identifiers, dict) else {},
        channel=row.channel,  # type: ignore[arg-type]
        actor=row.actor,  # type: ignore[arg-type]
        kind=row.kind,  # type: ignore[arg-type]
        occurred_at=row.occurred_at,
        text=row.text,
        # Stored before the conventions were checked at ingest, data may break them: readers get what is readable.
        data=readable(row.data),
        intent=row.intent,
    )


def _timeline(session: Session, root: str, *, limit: int | None, as_of: datetime | None) -> Timeline:
    query = select(EventRow).where(EventRow.customer_id.in_(members(root)))
    if as_of is not None:
        query = query.where(EventRow.received_at <= as_of)
    if limit is not None:
        query = query.order_by(EventRow.occurred_at.desc(), EventRow.event_id.desc()).limit(limit)
        rows = list(reversed(session.scalars(query).all()))
    else:
        rows = list(session.scalars(query.order_by(EventRow.occurred_at, EventRow.event_id)))
    return Timeline(
        customer_id=root,
        identifiers=identifiers_of(session, root),
        events=[to_timeline_event(row) for row in rows],
        consent=consent.read(session, root),
    )


def get_timeline(
    db: Database, *, customer_id: str, limit: int | None = None, as_of: datetime | None = None
) -> Timeline:
    """The group's events oldest first; `limit` keeps the most recent, `as_of` those stored by then."""
    with db.session() as session:
        root = root_of(session, customer_id)
        if root is None:
            raise NotFound("customer", customer_id)
        return _timeline(session, root, limit=limit, as_of=as_of)


def lookup_timeline(
    db: Database, *, ref: CustomerRef, region: str, limit: int | None = None, as_of: datetime | None = None
) -> Timeline | None:
    """The timeline of a customer named by any identifiers; None for a stranger or identifiers that disagree."""
    with db.session() as session:
        try:
            root = find_root(session, ref, region=region)
        except Ambiguous:
            logger.warning("identifiers name different customers; treated as a stranger", extra=log_fields())
            return None
        return None if root is None else _timeline(session, root, limit=limit, as_of=as_of)


__all__ = ["IDENTIFIER_KINDS", "find_customer", "get_timeline", "ingest_events", "lookup_timeline"]
