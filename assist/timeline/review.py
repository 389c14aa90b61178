"""The identity review queue, and unmerge: what reviewers decide about links untrusted evidence asked for.

Every decision keeps who (the reviewer's key id), when and why (their note) on the proposal or the merge.
Reviewers' writes take the exclusive identity lock, so no ingest runs halfway through a merge or a split.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from assist.db import Database
from assist.errors import InputError, NotFound
from assist.timeline import consent
from assist.timeline.locks import in_write_transaction, lock_everything
from assist.timeline.models import Identity, Link, Merge, Proposal, ProposalPage, UnmergeOut
from assist.timeline.resolve import ANCHOR, Evidence, Graph
from assist.timeline.service import members, root_of
from assist.timeline.tables import CustomerRow, IdentifierRow, MergeRow, ProposalRow


def _proposal(row: ProposalRow) -> Proposal:
    return Proposal.model_validate(row, from_attributes=True)


def _merge(row: MergeRow) -> Merge:
    return Merge.model_validate(row, from_attributes=True)


def list_proposals(db: Database, *, status: str, limit: int, offset: int) -> ProposalPage:
    with db.session() as session:
        query = select(ProposalRow).where(ProposalRow.status == status)
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(
            query.order_by(ProposalRow.created_at, ProposalRow.proposal_id).limit(limit).offset(offset)
        )
        return ProposalPage(proposals=[_proposal(row) for row in rows], total=total)


def _pending(session: Session, proposal_id: str) -> ProposalRow:
    row = session.get(ProposalRow, proposal_id)
    if row is None:
        raise NotFound("proposal", proposal_id)
    if row.status != "pending":
        raise InputError(("path", "proposal_id"), f"this proposal was already {row.status}", status_code=409)
    return row


def _apply(session: Session, row: ProposalRow, *, by: str, note: str) -> None:
    """Links the identifier to the customer the event was stored on, merging with its owner if it has one."""
    pair = (row.id_kind, row.id_value)
    anchor = row.id_value if row.id_kind == ANCHOR else None
    graph = Graph(session)
    graph.load(set() if anchor else {pair}, {row.customer_id, *([anchor] if anchor else [])})
    owner = anchor if anchor and graph.exists(anchor) else graph.owner.get(pair)
    evidence = Evidence(row.event_id, row.channel, row.actor, row.occurred_at, by=by)
    if owner is None:
        if anchor is None:
            graph.link(pair, row.customer_id, trust="approved", evidence=evidence)
        return
    roots = {graph.root(row.customer_id), graph.root(owner)}
    if len(roots) == 2:
        survivor = graph.oldest(roots)
        graph.merge(
            survivor,
            (roots - {survivor}).pop(),
            evidence={"proposal_id": row.proposal_id, "event_id": row.event_id, "channel": row.channel},
            by=by,
            reason=note,
        )


def decide(db: Database, *, proposal_id: str, approve: bool, note: str, by: str) -> Proposal:
    def work(session: Session) -> Proposal:
        lock_everything(session)
        row = _pending(session, proposal_id)
        if approve:
            _apply(session, row, by=by, note=note)
        row.status = "approved" if approve else "rejected"
        row.decided_at, row.decided_by, row.note = datetime.now(UTC), by, note
        return _proposal(row)

    return in_write_transaction(db, work)


def identity(db: Database, *, customer_id: str) -> Identity:
    with db.session() as session:
        root = root_of(session, customer_id)
        if root is None:
            raise NotFound("customer", customer_id)
        group = list(session.scalars(members(root)))
        links = session.scalars(
            select(IdentifierRow).where(IdentifierRow.customer_id.in_(group)).order_by(IdentifierRow.created_at)
        )
        merges = session.scalars(
            select(MergeRow)
            .where(or_(MergeRow.survivor_id.in_(group), MergeRow.absorbed_id.in_(group)))
            .order_by(MergeRow.created_at)
        )
        proposals = session.scalars(
            select(ProposalRow)
            .where(or_(ProposalRow.customer_id.in_(group), ProposalRow.other_customer_id.in_(group)))
            .order_by(ProposalRow.created_at.desc())
            .limit(100)
        )
        return Identity(
            customer_id=root,
            members=sorted(group, key=lambda member: member != root),
            links=[Link.model_validate(link, from_attributes=True) for link in links],
            merges=[_merge(m) for m in merges],
            proposals=[_proposal(p) for p in proposals],
            consent=consent.read(session, root),
        )


def unmerge(db: Database, *, customer_id: str, merge_id: str, reason: str, by: str) -> UnmergeOut:
    """Splits the group a merge brought in back out, with its records' identifiers and events."""

    def work(session: Session) -> UnmergeOut:
        lock_everything(session)
        root = root_of(session, customer_id)
        if root is None:
            raise NotFound("customer", customer_id)
        merge = session.get(MergeRow, merge_id)
        if merge is None or root_of(session, merge.absorbed_id) != root:
            raise NotFound("merge of this customer", merge_id)
        if merge.undone_at is not None:
            raise InputError(("body", "merge_id"), "this merge was already undone", status_code=409)
        moving = [m for m in merge.members if root_of(session, m) == root]
        session.execute(
            update(CustomerRow).where(CustomerRow.customer_id == merge.absorbed_id).values(merged_into=None)
        )
        session.execute(
            update(CustomerRow)
            .where(CustomerRow.customer_id.in_([m for m in moving if m != merge.absorbed_id]))
            .values(merged_into=merge.absorbed_id)
        )
        consent.on_unmerge(session, survivor=root, split=merge.absorbed_id, before=merge.consent_before)
        merge.undone_at, merge.undone_by, merge.undo_reason = datetime.now(UTC), by, reason
        return UnmergeOut(customer_ids=[root, merge.absorbed_id], merge=_merge(merge))

    return in_write_transaction(db, work)
