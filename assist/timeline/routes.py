"""Timeline API: channel systems post events; agents look customers and timelines up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query

from assist.deps import AgentCaller, ChannelCaller, ServicesDep, SettingsDep, StoreDep
from assist.errors import InputError
from assist.timeline import service
from assist.timeline.models import Customer, CustomerRef, EventsIn, EventsOut, Timeline

router = APIRouter(tags=["timeline"])

IdQuery = Annotated[str | None, Query(min_length=1, max_length=256)]


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
    """The customer any of these identifiers belongs to."""
    given = {"email": email, "phone": phone, "account_id": account_id, "handle": handle, "device_id": device_id}
    if not any(given.values()):
        raise InputError(("query",), "give one of email, phone, account_id, handle, device_id")
    try:
        return service.find_customer(db, ref=CustomerRef(**given), region=settings.default_region)
    except InputError as exc:
        raise InputError(("query", exc.loc[-1]), exc.message) from exc


@router.get("/v1/customers/{customer_id}/timeline", response_model=Timeline)
def get_timeline(customer_id: str, _caller: AgentCaller, db: StoreDep) -> Timeline:
    """Every event of the customer across all linked identifiers, oldest first."""
    return service.get_timeline(db, customer_id=customer_id)
