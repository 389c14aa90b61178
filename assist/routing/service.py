"""triage (the route for a new contact) and next_actions (what the agent does now), both explained.

Order of judgement: the guards first (they cannot be configured away), then the policy's preferred start
for the need, then customer effort; cost to serve only breaks ties between options of equal effort.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assist.routing.guards import Situation, Verdict, evaluate
from assist.routing.models import (
    HUMAN_ROUTES,
    PRIORITIES,
    Action,
    Alternative,
    AnswerRef,
    Effort,
    Priority,
    Route,
    RouteType,
    Step,
    Suppressed,
    TriageDecision,
)
from assist.routing.policy import IntentGroup, RoutingPolicy
from assist.signals.models import Signals
from assist.timeline.models import TimelineEvent

if TYPE_CHECKING:
    from assist.intents.models import IntentPrediction
    from assist.knowledge.models import Answer

MINUTES_PER_STEP = 3.0  # a step the customer does themselves weighs about as much as three minutes' wait
SWITCH_PENALTY = 2.0  # leaving the channel means starting over somewhere else
SEVERITY: dict[RouteType, int] = {"self_service": 0, "callback": 1, "agent": 2, "specialist": 3}
LABELS: dict[RouteType, str] = {
    "self_service": "self-service",
    "agent": "an agent",
    "specialist": "a specialist",
    "callback": "a callback",
}


def effort(*, option: RouteType, policy: RoutingPolicy, group: IntentGroup | None, channel: str | None) -> Effort:
    spec = policy.options[option]
    steps = group.self_service_steps if option == "self_service" and group and group.self_service_steps else spec.steps
    switch = channel is not None and channel not in spec.channels
    score = steps + spec.wait_minutes / MINUTES_PER_STEP + (SWITCH_PENALTY if switch else 0.0)
    return Effort(steps=steps, wait_minutes=spec.wait_minutes, channel_switch=switch, score=round(score, 2))


def _max_priority(*levels: Priority) -> Priority:
    return max(levels, key=PRIORITIES.index)


def _candidates(group: IntentGroup | None, verdicts: list[Verdict]) -> list[RouteType]:
    options: list[RouteType] = ["agent", "callback"]
    if group is not None and (group.start == "self_service" or group.self_service_steps):
        options.append("self_service")
    if (group is not None and group.start == "specialist") or any(v.route == "specialist" for v in verdicts):
        options.append("specialist")
    return options


def triage(
    *,
    intent: IntentPrediction,
    signals: Signals,
    answers: Sequence[Answer],
    policy: RoutingPolicy,
    channel: str | None,
) -> TriageDecision:
    group = None if intent.out_of_scope else policy.group_for(intent.label)
    situation = Situation(intent=intent, signals=signals, answers=list(answers), group=group, policy=policy)
    verdicts = evaluate(situation)
    rules = [v.rule for v in verdicts]

    suppressed: dict[RouteType, Suppressed] = {}
    for verdict in verdicts:
        for option, why in verdict.suppress.items():
            if option in suppressed:
                suppressed[option].rules.append(verdict.rule)
            else:
                suppressed[option] = Suppressed(
                    option=option, reason=f"{LABELS[option]} suppressed: {why}", rules=[verdict.rule]
                )

    efforts = {
        option: effort(option=option, policy=policy, group=group, channel=channel)
        for option in _candidates(group, verdicts)
    }
    allowed = [option for option in efforts if option not in suppressed]
    ranked = sorted(allowed, key=lambda o: (efforts[o].score, policy.options[o].cost))
    home_priority: Priority = group.priority if group else "normal"
    priority = _max_priority(home_priority, *(v.priority for v in verdicts))
    required = [v for v in verdicts if v.route is not None]

    # A guard that requires a person already says why self-service is out; otherwise say what suppressed it.
    reasons = [v.reason for v in verdicts if v.route is not None] or [v.reason for v in verdicts]
    if required:
        lead = max(required, key=lambda v: SEVERITY[v.route or "agent"])  # the most severe; ties by precedence
        kind: RouteType = lead.route or "agent"
        queue = lead.queue or situation.home_queue
        if group is not None and SEVERITY[group.start] > SEVERITY[kind] and group.start in allowed:
            kind, queue = group.start, group.queue  # a need that starts with a specialist keeps its specialist
            rules.append(f"policy.{group.id}")
    elif group is not None and group.start in allowed:
        kind, queue = group.start, group.queue
        rules.append(f"policy.{group.id}")
        reasons.append(f"policy v{policy.version} ({group.description}): start with {LABELS[kind]}")
    else:
        kind = next(o for o in ranked if o in HUMAN_ROUTES)
        queue = situation.home_queue
        rules += ["rank.effort", *([f"policy.{group.id}"] if group else [])]
        reasons.append(f"{LABELS[kind]} is the easiest option left for the customer")
    if kind == "self_service":
        queue = "self_service"
    if _tie_broken_by_cost(ranked, efforts):
        rules.append("rank.cost_tiebreak")

    alternatives = [
        Alternative(
            type=option,
            queue="self_service" if option == "self_service" else queue,
            priority=priority,
            reason=_alternative_reason(option, efforts[option]),
            rules=["rank.effort"],
            effort=efforts[option],
        )
        for option in ranked
        if option != kind
    ]
    if kind == "self_service" and not any(a.type in HUMAN_ROUTES for a in alternatives):
        # The guard of last resort: a human path is always offered beside self-service.
        agent = effort(option="agent", policy=policy, group=group, channel=channel)
        alternatives.append(
            Alternative(
                type="agent",
                queue=situation.home_queue,
                priority=priority,
                reason=_alternative_reason("agent", agent),
                rules=["guard.human_path"],
                effort=agent,
            )
        )
    if kind == "self_service":
        rules.append("guard.human_path")
    route = Route(
        type=kind, queue=queue, priority=priority, reasons=reasons, rules=sorted(set(rules)), effort=efforts.get(kind)
    )
    return TriageDecision(
        route=route,
        alternatives=alternatives,
        suppressed=list(suppressed.values()),
        rules_fired=sorted(set(rules) | {r for s in suppressed.values() for r in s.rules}),
    )


def _tie_broken_by_cost(ranked: list[RouteType], efforts: dict[RouteType, Effort]) -> bool:
    return any(efforts[a].score == efforts[b].score for a, b in itertools.pairwise(ranked))


def _alternative_reason(option: RouteType, cost: Effort) -> str:
    parts = [f"{cost.steps} step{'s' if cost.steps != 1 else ''}", f"about {cost.wait_minutes:g} min wait"]
    if cost.channel_switch:
        parts.append("needs a channel switch")
    return f"{LABELS[option]}: " + ", ".join(parts)


def next_actions(
    *,
    intent: IntentPrediction,
    signals: Signals,
    answers: Sequence[Answer],
    events: Sequence[TimelineEvent],
    policy: RoutingPolicy,
) -> list[Action]:
    """What the agent should do now, most pressing first; each action says why and which rules."""
    group = None if intent.out_of_scope else policy.group_for(intent.label)
    actions: list[Action] = []
    promise = signals.get("overdue_promise")
    if promise:
        actions.append(
            Action(
                type="recover_promise",
                label="Apologise and keep the overdue promise now",
                reason=promise.detail,
                rules=["guard.overdue_promise_recovery"],
                evidence=promise.evidence,
            )
        )
    fraud = signals.get("fraud")
    if fraud:
        actions.append(
            Action(
                type="escalate",
                label=f"Hand over to the {policy.guard_queues.fraud} specialists after securing the account",
                reason=fraud.detail,
                rules=["guard.fraud_specialist_first"],
                evidence=fraud.evidence,
            )
        )
    for name, rule in (("distress", "guard.distress_person"), ("vulnerability", "guard.vulnerability_person")):
        signal = signals.get(name)
        if signal:
            actions.append(
                Action(
                    type="acknowledge",
                    label="Acknowledge the customer's situation before the task; offer the care team",
                    reason=signal.detail,
                    rules=[rule],
                    evidence=signal.evidence,
                )
            )
    if intent.out_of_scope or intent.low_confidence or group is None:
        guesses = ", ".join(a.label for a in intent.alternatives[:2])
        actions.append(
            Action(
                type="confirm_intent",
                label="Confirm what the customer needs before acting",
                reason="the need is outside the known intents"
                if intent.out_of_scope or group is None
                else f"unsure: {intent.label} ({intent.confidence:.0%})" + (f", or {guesses}" if guesses else ""),
                rules=["guard.out_of_scope_agent" if intent.out_of_scope else "guard.low_confidence_agent"],
            )
        )
    if group is not None:
        keys = {key for step in group.procedure for pattern in step.done_patterns() for key in pattern}
        relevant = [e for e in events if not keys.isdisjoint(e.data)]  # most events carry no step data
        steps = [_step(step.id, step.label, step.done_patterns(), relevant) for step in group.procedure]
        done = sum(step.done for step in steps)
        actions.append(
            Action(
                type="follow_procedure",
                label=group.description,
                reason=f"procedure for {intent.label} (policy v{policy.version}); {done} of {len(steps)} steps done",
                rules=[f"policy.{group.id}"],
                steps=steps,
            )
        )
    if answers and not intent.out_of_scope:
        best = answers[0]
        actions.append(
            Action(
                type="send_answer",
                label=f"Send the approved answer: {best.title}",
                reason=f"approved article {best.article_id} v{best.version} matches the need",
                rules=["answer.approved_text_only"],
                draft_reply=best.text,
                answer=AnswerRef(article_id=best.article_id, version=best.version),
            )
        )
    return actions


def _step(step_id: str, label: str, patterns: list[dict[str, object]], events: Sequence[TimelineEvent]) -> Step:
    evidence = [
        e.event_id
        for e in events
        if any(all(e.data.get(key) == value for key, value in pattern.items()) for pattern in patterns)
    ]
    return Step(id=step_id, label=label, done=bool(evidence), evidence=evidence)
