"""Audit API: records, chain verification and head export, agent feedback, the QA review queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from assist.audit import service
from assist.audit.models import (
    AuditRecord,
    ChainHead,
    Feedback,
    FeedbackIn,
    RecordFilters,
    RecordPage,
    Review,
    ReviewIn,
    VerifyResult,
)
from assist.audit.policy import load_policy
from assist.audit.review import router as review_page
from assist.deps import AgentCaller, QACaller, SettingsDep, StoreDep

router = APIRouter(tags=["audit"])
router.include_router(review_page)


@router.get("/v1/audit/records", response_model=RecordPage)
def list_records(_caller: QACaller, db: StoreDep, filters: Annotated[RecordFilters, Query()]) -> RecordPage:
    """Records newest first, filtered; each line says its feedback outcomes and whether QA queued or reviewed it."""
    return service.list_records(db, filters=filters)


@router.get("/v1/audit/records/{audit_id}", response_model=AuditRecord)
def get_record(audit_id: str, _caller: QACaller, db: StoreDep) -> AuditRecord:
    return service.get_record(db, audit_id=audit_id)


@router.get("/v1/audit/verify", response_model=VerifyResult)
def verify(_caller: QACaller, db: StoreDep, settings: SettingsDep) -> VerifyResult:
    """Walk the whole chain; `first_bad` names the first record that was changed, removed or moved."""
    return service.verify(db, signing_key=service.signing_key(settings))


@router.get("/v1/audit/head", response_model=ChainHead)
def head(_caller: QACaller, db: StoreDep, settings: SettingsDep) -> ChainHead:
    """The signed chain head: store it elsewhere and `assist audit verify --head FILE` detects truncation."""
    return service.chain_head(db, signing_key=service.signing_key(settings))


@router.post("/v1/feedback", response_model=Feedback, status_code=status.HTTP_201_CREATED)
def feedback(body: FeedbackIn, caller: AgentCaller, db: StoreDep, settings: SettingsDep) -> Feedback:
    """What the agent did with a suggestion; stored beside the record, its hashed content unchanged."""
    return service.add_feedback(db, feedback=body, key_id=caller.key_id, policy=load_policy(settings.audit_policy))


@router.get("/v1/audit/queue", response_model=RecordPage)
def review_queue(
    _caller: QACaller,
    db: StoreDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> RecordPage:
    """Records audit/policy.yaml picked for review that nobody has reviewed yet."""
    return service.list_records(db, filters=RecordFilters(queued=True, reviewed=False, limit=limit, offset=offset))


@router.post("/v1/audit/records/{audit_id}/reviews", response_model=Review, status_code=status.HTTP_201_CREATED)
def review(audit_id: str, body: ReviewIn, caller: QACaller, db: StoreDep, settings: SettingsDep) -> Review:
    """A QA verdict (one of the policy's `verdicts`) and a note; the record leaves the open queue."""
    return service.save_review(
        db, audit_id=audit_id, review=body, reviewer=caller.key_id, policy=load_policy(settings.audit_policy)
    )
