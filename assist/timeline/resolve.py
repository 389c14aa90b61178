"""Identity resolution: which customer an event belongs to, and what it may link (docs/identity.md).

The rule: an event may put identifiers together automatically only where that shows nobody's data to someone
who merely typed an identifier.
- Identifiers nobody holds yet, all new together: a new customer holds them all (the contract's "an event
  that carries several identifiers links them to one customer").
- Trusted evidence (identifiers the channel authenticated, `customer.verified`, or every identifier of an
  event with a passed verification) decides the customer; verified identifiers of several customers merge
  them, and a new verified identifier joins them. Verified identifiers nobody holds are a new customer.
- Anything else an event asks for (a new identifier that is only asserted, joining a customer it was not
  proven to be; an identifier of another customer) is a proposal for review, and links nothing.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from assist.timeline import consent
from assist.timeline.locks import lock_roots
from assist.timeline.tables import CustomerRow, IdentifierRow, MergeRow, ProposalRow

Pair = tuple[str, str]  # (kind, value); the anchor customer_id is ("customer_id", id)
ANCHOR = "customer_id"


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:20]}"


@dataclass(frozen=True)
class Claim:
    """What one event says about who it is: normalised identifiers, and which of them are trusted."""

    identifiers: dict[str, str]
    anchor: str | None = None
    verified: frozenset[str] = frozenset()

    @property
    def pairs(self) -> list[Pair]:
        return list(self.identifiers.items())


@dataclass(frozen=True)
class Evidence:
    event_id: str | None
    channel: str
    actor: str
    occurred_at: datetime
    by: str = "auto"


@dataclass
class Graph:
    """The identity rows a transaction touches, read once under its locks and kept current as it writes."""

    session: Session
    parent: dict[str, str | None] = field(default_factory=dict)
    created: dict[str, datetime] = field(default_factory=dict)
    owner: dict[Pair, str] = field(default_factory=dict)
    trust: dict[Pair, str] = field(default_factory=dict)

    def load(self, pairs: set[Pair], customer_ids: set[str]) -> None:
        values = sorted({value for _, value in pairs})
        if values:
            for row in self.session.scalars(select(IdentifierRow).where(IdentifierRow.value.in_(values))):
                if (row.kind, row.value) in pairs:
                    self.owner[(row.kind, row.value)] = row.customer_id
                    self.trust[(row.kind, row.value)] = row.trust
        self._load_customers(set(self.owner.values()) | customer_ids)

    def _load_customers(self, ids: set[str]) -> None:
        while ids := ids - self.parent.keys():
            rows = self.session.execute(
                select(CustomerRow.customer_id, CustomerRow.merged_into, CustomerRow.created_at).where(
                    CustomerRow.customer_id.in_(sorted(ids))
                )
            ).all()
            for customer_id, merged_into, created_at in rows:
                self.parent[customer_id], self.created[customer_id] = merged_into, created_at
            ids = {merged_into for _, merged_into, _ in rows if merged_into}

    def exists(self, customer_id: str) -> bool:
        return customer_id in self.parent

    def root(self, customer_id: str) -> str:
        seen = {customer_id}
        while (up := self.parent.get(customer_id)) and up not in seen:
            seen.add(up)
            customer_id = up
        return customer_id

    def oldest(self, roots: set[str]) -> str:
        return min(roots, key=lambda r: (self.created[r], r))

    def create(self, customer_id: str) -> None:
        now = datetime.now(UTC)
        self.session.add(CustomerRow(customer_id=customer_id, created_at=now))
        self.session.flush()
        self.parent[customer_id], self.created[customer_id] = None, now

    def link(self, pair: Pair, customer_id: str, *, trust: str, evidence: Evidence) -> None:
        self.session.add(
            IdentifierRow(
                kind=pair[0],
                value=pair[1],
                customer_id=customer_id,
                created_at=datetime.now(UTC),
                trust=trust,
                event_id=evidence.event_id,
                channel=evidence.channel,
                actor=evidence.actor,
                linked_by=evidence.by,
            )
        )
        self.owner[pair], self.trust[pair] = customer_id, trust

    def verify(self, pair: Pair, evidence: Evidence) -> None:
        """An identifier already in the group, now authenticated: its link records the verifying event."""
        self.session.execute(
            update(IdentifierRow)
            .where(IdentifierRow.kind == pair[0], IdentifierRow.value == pair[1])
            .values(trust="verified", event_id=evidence.event_id, channel=evidence.channel, actor=evidence.actor)
        )
        self.trust[pair] = "verified"

    def merge(self, survivor: str, absorbed: str, *, evidence: dict[str, object], by: str, reason: str) -> str:
        """Folds the group rooted at `absorbed` into `survivor`'s; rows stay where they are. Returns the merge id."""
        lock_roots(self.session, [survivor, absorbed])
        members = [
            absorbed,
            *self.session.scalars(select(CustomerRow.customer_id).where(CustomerRow.merged_into == absorbed)),
        ]
        self.session.execute(
            update(CustomerRow)
            .where(or_(CustomerRow.customer_id == absorbed, CustomerRow.merged_into == absorbed))
            .values(merged_into=survivor)
            .execution_options(synchronize_session=False)
        )
        for member in members:
            self.parent[member] = survivor
        merge_id = new_id("mrg")
        self.session.add(
            MergeRow(
                merge_id=merge_id,
                survivor_id=survivor,
                absorbed_id=absorbed,
                members=members,
                evidence=evidence,
                consent_before=consent.on_merge(self.session, survivor=survivor, absorbed=absorbed),
                merged_by=by,
                reason=reason,
                created_at=datetime.now(UTC),
            )
        )
        return merge_id


@dataclass
class Plan:
    """What one event does: the group it joins (or a new customer), and what it links, merges and proposes."""

    root: str | None
    merge: list[str] = field(default_factory=list)
    link: list[tuple[Pair, str]] = field(default_factory=list)
    verify: list[Pair] = field(default_factory=list)
    propose: list[tuple[Pair, str | None]] = field(default_factory=list)  # (identifier, its owner's root)
    holder: str | None = None  # the record in the group the event is stored on


def decide(claim: Claim, graph: Graph) -> Plan:
    owned = {p: graph.root(graph.owner[p]) for p in claim.pairs if p in graph.owner}
    anchor_root = graph.root(claim.anchor) if claim.anchor and graph.exists(claim.anchor) else None
    verified = {p for p in claim.pairs if p[0] in claim.verified}
    proven = {owned[p] for p in verified if p in owned}
    if anchor_root and ANCHOR in claim.verified:
        proven.add(anchor_root)
    claimed = Counter(owned.values())
    if proven:
        root: str | None = graph.oldest(proven)
        plan = Plan(root=root, merge=sorted(proven - {root}))  # type: ignore[arg-type]
    elif claim.anchor:
        plan = Plan(root=anchor_root)
    elif verified:
        # Authenticated identifiers nobody holds yet: a new person, whatever else they typed.
        plan = Plan(root=None)
    elif claimed:
        # Nothing authenticated: the customer most of its identifiers name, the oldest on a tie.
        top = max(claimed.values())
        plan = Plan(root=graph.oldest({r for r, n in claimed.items() if n == top}))
    else:
        plan = Plan(root=None)
    group = {plan.root, *plan.merge} - {None}
    trusted = bool(proven)
    for pair in claim.pairs:
        if pair in owned and owned[pair] in group:
            if pair in verified and graph.trust.get(pair) == "asserted":
                plan.verify.append(pair)
        elif pair in owned:
            plan.propose.append((pair, owned[pair]))
        elif plan.root is None or (trusted and pair in verified):
            plan.link.append((pair, "verified" if pair in verified else "asserted"))
        else:
            plan.propose.append((pair, None))
    if claim.anchor and anchor_root and anchor_root not in group:
        plan.propose.append(((ANCHOR, claim.anchor), anchor_root))
    # The record to store the event on: the one the most trusted evidence leads to (it splits back with it).
    leads = [graph.owner[p] for p in sorted(verified) if p in owned and owned[p] in group]
    if claim.anchor and anchor_root in group:
        leads.insert(0 if ANCHOR in claim.verified else len(leads), claim.anchor)
    leads += [graph.owner[p] for p in claim.pairs if p in owned and owned[p] in group]
    plan.holder = leads[0] if leads else None
    return plan


def propose(
    session: Session, *, pair: Pair, customer_id: str, other: str | None, evidence: Evidence, reason: str
) -> None:
    """One open proposal per identifier and customer; the same request again only counts."""
    pending = session.scalar(
        select(ProposalRow).where(
            ProposalRow.id_kind == pair[0],
            ProposalRow.id_value == pair[1],
            ProposalRow.customer_id == customer_id,
            ProposalRow.status.in_(("pending", "rejected")),
        )
    )
    if pending is not None:
        pending.occurrences += 1
        return
    now = datetime.now(UTC)
    session.add(
        ProposalRow(
            proposal_id=new_id("prp"),
            kind="merge" if other else "link",
            status="pending",
            id_kind=pair[0],
            id_value=pair[1],
            customer_id=customer_id,
            other_customer_id=other,
            event_id=evidence.event_id,
            channel=evidence.channel,
            actor=evidence.actor,
            occurred_at=evidence.occurred_at,
            reason=reason,
            occurrences=1,
            created_at=now,
        )
    )
