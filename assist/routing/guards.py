"""Guards that configuration cannot switch off: who must reach a person, and when self-service is off the table.

Each guard reads the signals and the intent, never the policy's preferences; the policy only names the
queues they send customers to. Precedence is the order of GUARDS: the first guard that requires a route
picks its queue, every guard that fires raises the priority and suppresses what it forbids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assist.routing.models import Priority, RouteType
from assist.routing.policy import IntentGroup, RoutingPolicy
from assist.signals.models import Signals

if TYPE_CHECKING:
    from assist.intents.models import IntentPrediction
    from assist.knowledge.models import Answer

STRANDED_FAILURES = 2  # failed self-service attempts after which the customer is stranded


@dataclass(frozen=True)
class Situation:
    intent: IntentPrediction
    signals: Signals
    answers: list[Answer]
    group: IntentGroup | None
    policy: RoutingPolicy

    @property
    def home_queue(self) -> str:
        return self.group.queue if self.group else self.policy.guard_queues.general


@dataclass
class Verdict:
    rule: str
    reason: str
    route: RouteType | None = None  # the route this guard requires; None when it only suppresses
    queue: str | None = None
    priority: Priority = "normal"
    suppress: dict[RouteType, str] = field(default_factory=dict)


def _detail(signals: Signals, name: str) -> str:
    signal = signals.get(name)
    return signal.detail if signal else name


def fraud(s: Situation) -> Verdict | None:
    if not s.signals.has("fraud"):
        return None
    detail = _detail(s.signals, "fraud")
    return Verdict(
        rule="guard.fraud_specialist_first",
        reason=f"{detail}: a fraud specialist first",
        route="specialist",
        queue=s.policy.guard_queues.fraud,
        priority="urgent",
        suppress={"self_service": detail, "agent": "fraud or compromise goes to a specialist first"},
    )


def _person_when(
    signal: str, *, rule: str, outcome: str, queue: Callable[[Situation], str], priority: Priority
) -> Callable[[Situation], Verdict | None]:
    """A guard that sends the customer to a person, and off self-service, whenever `signal` fired."""

    def guard(s: Situation) -> Verdict | None:
        if not s.signals.has(signal):
            return None
        detail = _detail(s.signals, signal)
        return Verdict(
            rule=rule,
            reason=f"{detail}: {outcome}",
            route="agent",
            queue=queue(s),
            priority=priority,
            suppress={"self_service": detail},
        )

    guard.__name__ = signal
    return guard


vulnerability = _person_when(
    "vulnerability",
    rule="guard.vulnerability_person",
    outcome="a person from the care team",
    queue=lambda s: s.policy.guard_queues.care,
    priority="high",
)
distress = _person_when(
    "distress",
    rule="guard.distress_person",
    outcome="a person from the care team",
    queue=lambda s: s.policy.guard_queues.care,
    priority="high",
)
overdue_promise = _person_when(
    "overdue_promise",
    rule="guard.overdue_promise_recovery",
    outcome="priority recovery",
    queue=lambda s: s.policy.guard_queues.recovery,
    priority="urgent",
)
repeat_contact = _person_when(
    "repeat_contact",
    rule="guard.repeat_contact_priority",
    outcome="a person, with priority",
    queue=lambda s: s.home_queue,
    priority="high",
)


def stranded(s: Situation) -> Verdict | None:
    failed = s.signals.get("failed_self_service")
    verification = s.signals.get("failed_verification")
    attempts = max(failed.count, len(failed.evidence)) if failed else 0
    if attempts < STRANDED_FAILURES and verification is None:
        return None
    parts = [failed.detail] if failed and attempts >= STRANDED_FAILURES else []
    parts += [verification.detail] if verification else []
    detail = "; ".join(parts)
    return Verdict(
        rule="guard.stranded_self_service",
        reason=f"stranded in self-service ({detail}): a person",
        route="agent",
        queue=s.home_queue,
        priority="high",
        suppress={"self_service": detail},
    )


def asked_for_person(s: Situation) -> Verdict | None:
    if not s.signals.has("asked_for_person"):
        return None
    return Verdict(
        rule="guard.asked_for_person",
        reason="the customer asked for a person",
        route="agent",
        queue=s.home_queue,
        suppress={"self_service": "the customer asked for a person"},
    )


def out_of_scope(s: Situation) -> Verdict | None:
    if not s.intent.out_of_scope:
        return None
    return Verdict(
        rule="guard.out_of_scope_agent",
        reason="not a need the intent model knows: an agent, not a guess",
        route="agent",
        queue=s.policy.guard_queues.general,
        suppress={"self_service": "the need is out of scope for the intent model"},
    )


def low_confidence(s: Situation) -> Verdict | None:
    if s.intent.out_of_scope or not s.intent.low_confidence:
        return None
    reason = f"the intent ({s.intent.label}, {s.intent.confidence:.0%}) is uncertain"
    return Verdict(
        rule="guard.low_confidence_agent",
        reason=f"{reason}: an agent confirms the need, not a guess",
        route="agent",
        queue=s.home_queue,
        suppress={"self_service": reason},
    )


def friction_blocks_self_service(s: Situation) -> Verdict | None:
    if not s.signals.friction:
        return None
    details = "; ".join(signal.detail for signal in s.signals.friction)
    return Verdict(
        rule="guard.self_service_needs_no_friction",
        reason=f"friction ({details}): not self-service",
        suppress={"self_service": details},
    )


def no_approved_answer(s: Situation) -> Verdict | None:
    if s.answers:
        return None
    return Verdict(
        rule="guard.self_service_needs_approved_answer",
        reason="no approved answer for this need",
        suppress={"self_service": "no approved, current answer to offer"},
    )


GUARDS: tuple[Callable[[Situation], Verdict | None], ...] = (
    fraud,
    vulnerability,
    distress,
    overdue_promise,
    repeat_contact,
    stranded,
    asked_for_person,
    out_of_scope,
    low_confidence,
    friction_blocks_self_service,
    no_approved_answer,
)


def evaluate(situation: Situation) -> list[Verdict]:
    return [verdict for guard in GUARDS if (verdict := guard(situation)) is not None]
