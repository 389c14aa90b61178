"""Agent desktops ask for assistance; channel systems ask for a route."""

from __future__ import annotations

from fastapi import APIRouter, Request

from assist.deps import AgentCaller, ServicesDep, TriageCaller
from assist.pipeline.models import AssistRequest, AssistResponse, TriageRequest, TriageResponse
from assist.pipeline.service import run_assist, run_triage

router = APIRouter(tags=["assist"])


@router.post("/v1/assist", response_model=AssistResponse)
def assist(body: AssistRequest, caller: AgentCaller, services: ServicesDep, request: Request) -> AssistResponse:
    """Handoff card, approved answers and next actions for the agent handling this customer now."""
    return run_assist(services=services, request=body, caller=caller, request_id=request.state.request_id)


@router.post("/v1/triage", response_model=TriageResponse)
def triage(body: TriageRequest, caller: TriageCaller, services: ServicesDep, request: Request) -> TriageResponse:
    """The best next step for a new contact, with reasons; a human path is always offered."""
    return run_triage(services=services, request=body, caller=caller, request_id=request.state.request_id)
