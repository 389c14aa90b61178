"""Timeline API: channel systems post events; agents look customers and timelines up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import ValidationError

from assist.auth import Caller, Role
from assist.deps import AgentCaller, ChannelCaller, QACaller, ServicesDep, SettingsDep, StoreDep, require
from assist.errors import InputError
from assist.timeline import review, service
from assist.timeline.models import (
    Customer,
    CustomerRef,
    DecisionIn,
    EventsIn,
    EventsOut,
    Identity,
    Proposal,
    ProposalPage,
    Timeline,
    UnmergeIn,
    UnmergeOut,
)

router = APIRouter(tags=["timeline"])
identity_router = APIRouter(tags=["identity"])

IdQuery = Annotated[str | None, Query(min_length=1, max_length=256)]
ProposalId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[\w-]+$")]
IdentityReader = Annotated[Caller, Depends(require(Role.agent, Role.qa))]


@router.post("/v1/events", response_model=EventsOut)
def post_events(body: EventsIn, _caller: ChannelCaller, services: ServicesDep) -> EventsOut:
    """Store interaction events; a repeated `source_id` is reported as a duplicate, not stored twice."""

    def classify(texts: Sequence[str]) -> list[str | None]:
        return [None if p.out_of_scope else p.label for p in services.intents.predict_many(texts)]

    return service.ingest_events(
        services.db, events=body.events, region=services.settings.default_region, classify=classify
    )


@router.get("/v1/customers", response_model=Customer)
def find_customer(
    _caller: AgentCaller,
    db: StoreDep,
    settings: SettingsDep,
    email: IdQuery = None,
    phone: IdQuery = None,
    account_id: IdQuery = None,
    handle: IdQuery = None,
    device_id: IdQuery = None,
) -> Customer:
    """The customer these identifiers belong to; 409 when they belong to different customers."""
    given = {"email": email, "phone": phone, "account_id": account_id, "handle": handle, "device_id": device_id}
    if not any(given.values()):
        raise InputError(("query",), "give one of email, phone, account_id, handle, device_id")
    try:
        ref = CustomerRef(**given)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise InputError(("query", *error["loc"][:1]), error["msg"]) from exc
    try:
        return service.find_customer(db, ref=ref, region=settings.default_region)
    except InputError as exc:
        raise InputError(("query", exc.loc[-1]), exc.message, status_code=exc.status_code) from exc


@router.get("/v1/customers/{customer_id}/timeline", response_model=Timeline)
def get_timeline(customer_id: str, _caller: AgentCaller, db: StoreDep) -> Timeline:
    """Every event of the customer across all linked identifiers, oldest first."""
    return service.get_timeline(db, customer_id=customer_id)


@identity_router.get("/v1/identity/proposals", response_model=ProposalPage)
def list_proposals(
    _caller: QACaller,
    db: StoreDep,
    status: Literal["pending", "approved", "rejected"] = "pending",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ProposalPage:
    """Links and merges that untrusted evidence asked for, oldest first (docs/identity.md)."""
    return review.list_proposals(db, status=status, limit=limit, offset=offset)


@identity_router.post("/v1/identity/proposals/{proposal_id}/approve", response_model=Proposal)
def approve(proposal_id: ProposalId, body: DecisionIn, caller: QACaller, db: StoreDep) -> Proposal:
    """Link the identifier to the customer, merging with the customer that holds it; the note says why."""
    return review.decide(db, proposal_id=proposal_id, approve=True, note=body.note, by=caller.key_id)


@identity_router.post("/v1/identity/proposals/{proposal_id}/reject", response_model=Proposal)
def reject(proposal_id: ProposalId, body: DecisionIn, caller: QACaller, db: StoreDep) -> Proposal:
    """Keep them apart; the same request from later events only counts on this proposal."""
    return review.decide(db, proposal_id=proposal_id, approve=False, note=body.note, by=caller.key_id)


@identity_router.get("/v1/customers/{customer_id}/identity", response_model=Identity)
def identity(customer_id: str, _caller: IdentityReader, db: StoreDep) -> Identity:
    """The customer's identifiers with the evidence each was linked on, merges, and proposals."""
    return review.identity(db, customer_id=customer_id)


@identity_router.post("/v1/customers/{customer_id}/unmerge", response_model=UnmergeOut)
def unmerge(customer_id: str, body: UnmergeIn, caller: QACaller, db: StoreDep) -> UnmergeOut:
    """Split a merge back: the records it brought in leave with their identifiers, events and consent."""
    return review.unmerge(db, customer_id=customer_id, merge_id=body.merge_id, reason=body.reason, by=caller.key_id)


router.include_router(identity_router)
