"""Runs the stages for one contact and writes its audit record before anything is returned."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from assist.audit.models import AuditInput
from assist.audit.service import write_record
from assist.auth import Caller
from assist.embeddings import MODEL_NAME as EMBEDDING_MODEL
from assist.handoff.service import build_card
from assist.intents.models import IntentPrediction
from assist.knowledge.models import Answer
from assist.pipeline.models import AssistRequest, AssistResponse, TriageRequest, TriageResponse
from assist.routing.service import next_actions, triage
from assist.services import Services
from assist.signals.models import Signals
from assist.signals.service import compute_signals
from assist.timeline.models import TimelineEvent
from assist.timeline.service import lookup_timeline

# A handoff needs the recent past, not a customer's whole life; older events rarely change the card.
TIMELINE_WINDOW = 500
ANSWERS_K = 3


@dataclass
class _Stopwatch:
    ms: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.ms[name] = round((time.perf_counter() - started) * 1000, 2)


@dataclass
class _Context:
    """What every contact needs before the assist- or triage-specific stages."""

    customer_id: str | None
    events: list[TimelineEvent]
    llm_allowed: bool
    intent: IntentPrediction
    signals: Signals
    answers: list[Answer]
    now: datetime


def _understand(
    *, services: Services, request: AssistRequest | TriageRequest, clock: _Stopwatch, as_of: datetime | None
) -> _Context:
    now = as_of or datetime.now(UTC)
    with clock.stage("timeline"):
        timeline = lookup_timeline(
            services.db,
            ref=request.customer,
            region=services.settings.default_region,
            limit=TIMELINE_WINDOW,
            as_of=as_of,
        )
    events = timeline.events if timeline is not None else []
    with clock.stage("intent"):
        intent = services.intents.predict(request.message)
    with clock.stage("signals"):
        signals = compute_signals(
            events=events,
            message=request.message,
            channel=request.channel,
            intent=intent,
            now=now,
            mapping=services.mapping,
        )
    with clock.stage("knowledge"):
        found = services.knowledge.search(
            request.message,
            k=ANSWERS_K,
            channel=request.channel,
            intent=None if intent.out_of_scope else intent.label,
        )
    return _Context(
        customer_id=timeline.customer_id if timeline is not None else None,
        events=events,
        # Consent is state kept at ingest, not read from the window of recent events.
        llm_allowed=timeline.consent.allows_llm if timeline is not None else True,
        intent=intent,
        signals=signals,
        answers=found.results,
        now=now,
    )


def _audit(
    *,
    services: Services,
    kind: str,
    request: AssistRequest | TriageRequest,
    caller: Caller,
    request_id: str | None,
    context: _Context,
    outputs: dict[str, Any],
    rules: list[str],
    cited: list[str],
    clock: _Stopwatch,
    prompt: Any = None,
    llm_model: str | None = None,
) -> str:
    with clock.stage("audit"):
        record = write_record(
            services.db,
            record=AuditInput(
                kind=kind,
                request_id=request_id or uuid.uuid4().hex,
                caller_role=caller.role.value,
                key_id=caller.key_id,
                customer_id=context.customer_id,
                # The time the contact was judged at, so a replay sees the same timeline and deadlines.
                inputs={
                    **request.model_dump(mode="json"),
                    "as_of": context.now.isoformat(),
                    # Which channel mapping read the events' data (like the policy and prompt versions).
                    "channel_mapping": {"version": services.mapping.version, "sha256": services.mapping.sha256},
                },
                outputs=outputs,
                intent_model=services.intents.model_id,
                embedding_model=EMBEDDING_MODEL,
                llm_model=llm_model,
                prompt=prompt,
                policy_version=str(services.policy.version),
                knowledge=[{"article_id": a.article_id, "version": a.version} for a in context.answers],
                rules_fired=sorted(set(rules)),
                cited_events=cited,
                latency_ms=clock.ms,
            ),
            policy=services.audit_policy,
        )
    return record.audit_id


def run_assist(
    *,
    services: Services,
    request: AssistRequest,
    caller: Caller,
    request_id: str | None = None,
    as_of: datetime | None = None,
) -> AssistResponse:
    """`as_of` re-runs a past contact (audit replay): its time, and only the events stored by then."""
    clock = _Stopwatch()
    with clock.stage("total"):
        context = _understand(services=services, request=request, clock=clock, as_of=as_of)
        with clock.stage("actions"):
            actions = next_actions(
                intent=context.intent,
                signals=context.signals,
                answers=context.answers,
                events=context.events,
                policy=services.policy,
            )
        with clock.stage("handoff"):
            card = build_card(
                events=context.events,
                message=request.message,
                channel=request.channel,
                intent=context.intent,
                signals=context.signals,
                now=context.now,
                llm=services.llm,
                prompts=services.prompts,
                llm_allowed=context.llm_allowed,
                mapping=services.mapping,
                # The LLM may word the next step, never choose one the routing policy does not offer.
                policy_steps=[action.label for action in actions],
            )
        response = AssistResponse(
            audit_id="",
            customer_id=context.customer_id,
            intent=context.intent,
            signals=context.signals,
            summary=card.summary.model_dump(mode="json"),
            do_not_ask=[item.model_dump(mode="json") for item in card.do_not_ask],
            answers=context.answers,
            actions=actions,
        )
        outputs = response.model_dump(mode="json", exclude={"audit_id"})
        outputs["generator"] = card.generator
        if card.fallback_reason:
            outputs["llm_fallback_reason"] = card.fallback_reason
    audit_id = _audit(
        services=services,
        kind="assist",
        request=request,
        caller=caller,
        request_id=request_id,
        context=context,
        outputs=outputs,
        rules=[rule for action in actions for rule in action.rules],
        cited=list(card.summary.citations),
        clock=clock,
        prompt=card.prompt,
        llm_model=card.llm_model,
    )
    return response.model_copy(update={"audit_id": audit_id})


def run_triage(
    *,
    services: Services,
    request: TriageRequest,
    caller: Caller,
    request_id: str | None = None,
    as_of: datetime | None = None,
) -> TriageResponse:
    clock = _Stopwatch()
    with clock.stage("total"):
        context = _understand(services=services, request=request, clock=clock, as_of=as_of)
        with clock.stage("route"):
            decision = triage(
                intent=context.intent,
                signals=context.signals,
                answers=context.answers,
                policy=services.policy,
                channel=request.channel,
            )
        response = TriageResponse(
            audit_id="",
            customer_id=context.customer_id,
            intent=context.intent,
            signals=context.signals,
            route=decision.route,
            alternatives=decision.alternatives,
            suppressed=decision.suppressed,
            answers=context.answers,
        )
        outputs = response.model_dump(mode="json", exclude={"audit_id"})
    evidence = {eid for signal in [*context.signals.friction, *context.signals.risk] for eid in signal.evidence}
    audit_id = _audit(
        services=services,
        kind="triage",
        request=request,
        caller=caller,
        request_id=request_id,
        context=context,
        outputs=outputs,
        rules=decision.rules_fired,
        cited=sorted(evidence - {"message"}),
        clock=clock,
    )
    return response.model_copy(update={"audit_id": audit_id})
