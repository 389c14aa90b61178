"""Writing, reading, verifying, exporting and purging audit records; feedback and reviews."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session

from assist.audit.chain import Link, canonical_json, content_hash, sign, signature_ok, walk
from assist.audit.models import (
    AuditInput,
    AuditRecord,
    ChainHead,
    Feedback,
    FeedbackIn,
    HashedContent,
    RecordFilters,
    RecordPage,
    RecordSummary,
    Review,
    ReviewIn,
    VerifyResult,
)
from assist.audit.policy import AuditPolicy, load_policy
from assist.audit.tables import (
    GENESIS_HASH,
    AuditRecordRow,
    ChainHeadRow,
    CheckpointRow,
    FeedbackRow,
    QueueRow,
    ReviewRow,
)
from assist.config import Settings, get_settings
from assist.db import Database
from assist.errors import InputError, NotFound
from assist.privacy.redact import redact, redact_obj

# Approved answers are the tenant's own content (the bank's published phone number, an article owner's
# address), served as approved: the record keeps them as served. Everything else is redacted.
TENANT_CONTENT = frozenset(("answers", "draft_reply"))


# A development default like the dev API keys; production sets ASSIST_AUDIT_SIGNING_KEY.
DEV_SIGNING_KEY = "dev-audit-signing-key"


def signing_key(settings: Settings) -> str:
    """The HMAC key for purge checkpoints, exported heads and the review page's session cookie."""
    return getattr(settings, "audit_signing_key", None) or DEV_SIGNING_KEY


def _default_policy() -> AuditPolicy:
    return load_policy(get_settings().audit_policy)


def write_record(db: Database, *, record: AuditInput, policy: AuditPolicy | None = None) -> AuditRecord:
    """Append `record` to the chain and queue it for QA when the policy says so; raises if it cannot be stored.

    The chain head's row lock (UPDATE ... RETURNING) serialises writers across threads and processes, on
    SQLite (database write lock) as on PostgreSQL (row lock), so every record links to exactly one other.
    """
    policy = policy or _default_policy()
    clean = record.model_copy(
        update={
            "inputs": redact_obj(record.inputs, trusted=TENANT_CONTENT),
            "outputs": redact_obj(record.outputs, trusted=TENANT_CONTENT),
        }
    )
    audit_id = f"aud_{uuid.uuid4().hex[:20]}"
    reasons = policy.reasons_at_write(audit_id=audit_id, outputs=clean.outputs)
    with db.session() as session:
        seq, prev_hash = _lock_head(session)
        content = HashedContent(
            **clean.model_dump(), audit_id=audit_id, seq=seq, created_at=datetime.now(UTC), prev_hash=prev_hash
        )
        canonical = canonical_json(content.model_dump(mode="json"))
        digest = content_hash(canonical)
        session.add(
            AuditRecordRow(
                seq=seq,
                audit_id=audit_id,
                created_at=content.created_at,
                kind=content.kind,
                request_id=content.request_id,
                customer_id=content.customer_id,
                intent=_path(content.outputs, "intent", "label"),
                route=_path(content.outputs, "route", "type"),
                content=canonical,
                hash=digest,
            )
        )
        session.execute(update(ChainHeadRow).where(ChainHeadRow.id == 1).values(hash=digest))
        if reasons:
            session.add(QueueRow(audit_id=audit_id, reasons=reasons, queued_at=content.created_at))
    return AuditRecord(**content.model_dump(), hash=digest, queue_reasons=reasons)


def _lock_head(session: Session) -> tuple[int, str]:
    row = session.execute(
        update(ChainHeadRow)
        .where(ChainHeadRow.id == 1)
        .values(seq=ChainHeadRow.seq + 1)
        .returning(ChainHeadRow.seq, ChainHeadRow.hash)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if row is None:
        raise RuntimeError("audit_chain_head has no row: the audit schema was not created by assist")
    return int(row[0]), str(row[1])


def _path(obj: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)  # type: ignore[assignment]
    return str(obj) if obj is not None else None


def get_record(db: Database, *, audit_id: str) -> AuditRecord:
    with db.session() as session:
        row = session.scalar(select(AuditRecordRow).where(AuditRecordRow.audit_id == audit_id))
        if row is None:
            raise NotFound("audit record", audit_id)
        feedback = session.scalars(select(FeedbackRow).where(FeedbackRow.audit_id == audit_id).order_by(FeedbackRow.id))
        reviews = session.scalars(select(ReviewRow).where(ReviewRow.audit_id == audit_id).order_by(ReviewRow.id))
        queued = session.get(QueueRow, audit_id)
        return AuditRecord(
            **json.loads(row.content),
            hash=row.hash,
            feedback=[_model(Feedback, f) for f in feedback],
            reviews=[_model(Review, r) for r in reviews],
            queue_reasons=queued.reasons if queued else [],
        )


M = TypeVar("M", bound=BaseModel)


def _model(model: type[M], row: object) -> M:
    return model.model_validate(row, from_attributes=True)


def list_records(db: Database, *, filters: RecordFilters) -> RecordPage:
    """Newest first; `queued=true, reviewed=false` is the review queue."""
    query = select(AuditRecordRow.seq)
    for column, value in (
        (AuditRecordRow.kind, filters.kind),
        (AuditRecordRow.customer_id, filters.customer_id),
        (AuditRecordRow.request_id, filters.request_id),
        (AuditRecordRow.intent, filters.intent),
        (AuditRecordRow.route, filters.route),
    ):
        if value is not None:
            query = query.where(column == value)
    if filters.since is not None:
        query = query.where(AuditRecordRow.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditRecordRow.created_at < filters.until)
    if filters.outcome is not None:
        query = query.where(
            exists().where(FeedbackRow.audit_id == AuditRecordRow.audit_id, FeedbackRow.outcome == filters.outcome)
        )
    for flag, table in ((filters.queued, QueueRow), (filters.reviewed, ReviewRow)):
        if flag is not None:
            linked = exists().where(table.audit_id == AuditRecordRow.audit_id)
            query = query.where(linked if flag else ~linked)
    with db.session() as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = query.order_by(AuditRecordRow.seq.desc()).limit(filters.limit).offset(filters.offset)
        rows = session.scalars(
            select(AuditRecordRow).where(AuditRecordRow.seq.in_(page)).order_by(AuditRecordRow.seq.desc())
        ).all()
        ids = [row.audit_id for row in rows]
        outcomes: dict[str, list[str]] = {}
        feedback = select(FeedbackRow.audit_id, FeedbackRow.outcome).where(FeedbackRow.audit_id.in_(ids))
        for audit_id, outcome in session.execute(feedback.order_by(FeedbackRow.id)):
            outcomes.setdefault(audit_id, []).append(outcome)
        queued = select(QueueRow.audit_id, QueueRow.reasons).where(QueueRow.audit_id.in_(ids))
        queue = {audit_id: reasons for audit_id, reasons in session.execute(queued)}
        reviewed = set(session.scalars(select(ReviewRow.audit_id).where(ReviewRow.audit_id.in_(ids))))
    return RecordPage(
        records=[
            RecordSummary(
                audit_id=row.audit_id,
                seq=row.seq,
                created_at=row.created_at,
                kind=row.kind,
                customer_id=row.customer_id,
                intent=row.intent,
                route=row.route,
                outcomes=outcomes.get(row.audit_id, []),
                queue_reasons=queue.get(row.audit_id, []),
                reviewed=row.audit_id in reviewed,
            )
            for row in rows
        ],
        total=total,
        limit=filters.limit,
        offset=filters.offset,
    )


def add_feedback(db: Database, *, feedback: FeedbackIn, key_id: str, policy: AuditPolicy | None = None) -> Feedback:
    """Store what the agent did with a suggestion; the record's hashed content is never touched."""
    policy = policy or _default_policy()
    if feedback.outcome == "edited" and not feedback.final_text:
        raise InputError(("body", "final_text"), "an edited suggestion needs the final text the agent sent")
    reasons = policy.reasons_on_feedback(audit_id=feedback.audit_id, outcome=feedback.outcome)
    with db.session() as session:
        if session.scalar(select(AuditRecordRow.seq).where(AuditRecordRow.audit_id == feedback.audit_id)) is None:
            raise NotFound("audit record", feedback.audit_id)
        row = FeedbackRow(
            audit_id=feedback.audit_id,
            target=feedback.target,
            outcome=feedback.outcome,
            final_text=redact(feedback.final_text) if feedback.final_text else None,
            resolution=redact(feedback.resolution) if feedback.resolution else None,
            key_id=key_id,
            created_at=datetime.now(UTC),
        )
        session.add(row)
        if reasons:
            _queue(session, audit_id=feedback.audit_id, reasons=reasons)
        session.flush()
        return _model(Feedback, row)


def _queue(session: Session, *, audit_id: str, reasons: list[str]) -> None:
    queued = session.get(QueueRow, audit_id, with_for_update=True)
    if queued is None:
        session.add(QueueRow(audit_id=audit_id, reasons=reasons, queued_at=datetime.now(UTC)))
    else:
        queued.reasons = [*queued.reasons, *(r for r in reasons if r not in queued.reasons)]


def save_review(db: Database, *, audit_id: str, review: ReviewIn, reviewer: str, policy: AuditPolicy) -> Review:
    """A QA verdict and note; a reviewed record leaves the open queue."""
    if review.verdict not in policy.verdicts:
        raise InputError(("body", "verdict"), f"must be one of {', '.join(policy.verdicts)}")
    with db.session() as session:
        if session.scalar(select(AuditRecordRow.seq).where(AuditRecordRow.audit_id == audit_id)) is None:
            raise NotFound("audit record", audit_id)
        row = ReviewRow(
            audit_id=audit_id, verdict=review.verdict, note=review.note, reviewer=reviewer, created_at=datetime.now(UTC)
        )
        session.add(row)
        session.flush()
        return _model(Review, row)


def _latest_checkpoint(session: Session) -> CheckpointRow | None:
    return session.scalar(select(CheckpointRow).order_by(CheckpointRow.seq.desc()).limit(1))


def _checkpoint_parts(row: CheckpointRow) -> tuple[object, ...]:
    return ("checkpoint", row.seq, row.hash, row.audit_id, row.purged, row.created_at.isoformat())


def _head_parts(head: ChainHead) -> tuple[object, ...]:
    return ("head", head.seq, head.hash, head.audit_id, head.exported_at.isoformat())


def verify(db: Database, *, signing_key: str, head: ChainHead | None = None) -> VerifyResult:
    """Walk the whole chain from genesis (or the latest signed purge checkpoint) and compare with its head.

    `head` is one exported earlier by `chain_head`: the chain must still contain it, so cutting records off
    the end, or rebuilding every hash after a change, is caught as well.
    """
    with db.session() as session:
        checkpoint = _latest_checkpoint(session)
        start_seq, start_hash = (checkpoint.seq, checkpoint.hash) if checkpoint else (0, GENESIS_HASH)
        parts = _checkpoint_parts(checkpoint) if checkpoint else ()
        if checkpoint is not None and not signature_ok(signing_key, checkpoint.signature, *parts):
            return VerifyResult(
                ok=False,
                records=0,
                first_bad=None,
                first_bad_seq=checkpoint.seq + 1,
                reason=f"purge checkpoint at seq {checkpoint.seq} has a bad signature",
                checkpoint_seq=checkpoint.seq,
            )
        stored_head = session.get(ChainHeadRow, 1)
        links = (
            Link(seq, audit_id, content, digest)
            for seq, audit_id, content, digest in session.execute(
                select(AuditRecordRow.seq, AuditRecordRow.audit_id, AuditRecordRow.content, AuditRecordRow.hash)
                .where(AuditRecordRow.seq > start_seq)
                .order_by(AuditRecordRow.seq)
                .execution_options(yield_per=5000)
            )
        )
        result = walk(links, start_seq=start_seq, start_hash=start_hash)
        exported_hash = None
        if head is not None and head.seq > start_seq:
            exported_hash = session.scalar(select(AuditRecordRow.hash).where(AuditRecordRow.seq == head.seq))
    common = {"records": result.records, "checkpoint_seq": checkpoint.seq if checkpoint else None}
    if result.broken is not None:
        return VerifyResult(
            ok=False,
            first_bad=result.broken.audit_id,
            first_bad_seq=result.broken.seq,
            reason=result.broken.reason,
            **common,
        )
    # The head row moves in the same transaction as each append, so a shorter chain means records were cut off.
    if stored_head is not None and (stored_head.seq, stored_head.hash) != (result.last_seq, result.last_hash):
        return VerifyResult(
            ok=False,
            first_bad=None,
            first_bad_seq=result.last_seq + 1,
            reason=f"chain ends at seq {result.last_seq} but its head says seq {stored_head.seq}: records were cut off",
            **common,
        )
    if head is not None:
        problem = _exported_head_problem(
            head,
            signing_key=signing_key,
            start_seq=start_seq,
            start_hash=start_hash,
            result_last=result.last_seq,
            found_hash=exported_hash,
        )
        if problem:
            return VerifyResult(ok=False, first_bad=head.audit_id, first_bad_seq=head.seq, reason=problem, **common)
    return VerifyResult(ok=True, first_bad=None, **common)


def _exported_head_problem(
    head: ChainHead, *, signing_key: str, start_seq: int, start_hash: str, result_last: int, found_hash: str | None
) -> str | None:
    if not signature_ok(signing_key, head.signature, *_head_parts(head)):
        return "the exported head's signature does not match: it was not issued with this signing key"
    if head.seq > result_last:
        return f"the exported head is seq {head.seq} but the chain ends at seq {result_last}: records were cut off"
    if head.seq < start_seq:
        return None  # purged since the export; the signed checkpoint vouches for that part
    expected = start_hash if head.seq == start_seq else found_hash
    if expected != head.hash:
        return f"record seq {head.seq} no longer has the exported hash: the chain was rewritten"
    return None


def chain_head(db: Database, *, signing_key: str) -> ChainHead:
    """The current head, signed; keep it outside this database (a ticket, object storage, an email)."""
    with db.session() as session:
        row = session.get(ChainHeadRow, 1)
        if row is None:
            raise RuntimeError("audit_chain_head has no row: the audit schema was not created by assist")
        audit_id = session.scalar(select(AuditRecordRow.audit_id).where(AuditRecordRow.seq == row.seq))
    head = ChainHead(seq=row.seq, hash=row.hash, audit_id=audit_id, exported_at=datetime.now(UTC), signature="")
    return head.model_copy(update={"signature": sign(signing_key, *_head_parts(head))})


def export_records(db: Database, *, since: datetime | None = None) -> Iterator[AuditRecord]:
    """Every record oldest first, with feedback and reviews; reads in batches, so memory stays flat."""
    last_seq = 0
    while True:
        with db.session() as session:
            query = select(AuditRecordRow.audit_id).where(AuditRecordRow.seq > last_seq)
            if since is not None:
                query = query.where(AuditRecordRow.created_at >= since)
            batch = session.execute(query.add_columns(AuditRecordRow.seq).order_by(AuditRecordRow.seq).limit(500)).all()
        if not batch:
            return
        for audit_id, _seq in batch:
            yield get_record(db, audit_id=audit_id)
        last_seq = batch[-1][1]


class PurgeResult(BaseModel):
    purged: int
    checkpoint_seq: int | None


def purge(db: Database, *, older_than_days: int, signing_key: str, now: datetime | None = None) -> PurgeResult:
    """Delete records older than the cutoff (a prefix of the chain) and leave a signed checkpoint in their place."""
    if older_than_days < 1:
        raise InputError("older_than_days", "must be at least 1")
    cutoff = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
    with db.session() as session:
        # Seqs are handed out under the head lock with the time read after it, so old records are a prefix.
        last = session.execute(
            select(AuditRecordRow.seq, AuditRecordRow.hash, AuditRecordRow.audit_id)
            .where(AuditRecordRow.created_at < cutoff)
            .order_by(AuditRecordRow.seq.desc())
            .limit(1)
        ).one_or_none()
        if last is None:
            return PurgeResult(purged=0, checkpoint_seq=None)
        seq, digest, audit_id = last
        previous = _latest_checkpoint(session)
        purged_ids = select(AuditRecordRow.audit_id).where(AuditRecordRow.seq <= seq)
        for table in (FeedbackRow, ReviewRow, QueueRow):
            session.execute(delete(table).where(table.audit_id.in_(purged_ids)))
        purged = session.execute(delete(AuditRecordRow).where(AuditRecordRow.seq <= seq)).rowcount  # type: ignore[attr-defined]
        checkpoint = CheckpointRow(
            seq=seq,
            hash=digest,
            audit_id=audit_id,
            purged=purged + (previous.purged if previous else 0),
            created_at=datetime.now(UTC),
            signature="",
        )
        checkpoint.signature = sign(signing_key, *_checkpoint_parts(checkpoint))
        session.add(checkpoint)
    return PurgeResult(purged=purged, checkpoint_seq=seq)
