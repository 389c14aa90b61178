from __future__ import annotations

from datetime import timedelta

import pytest

from assist.routing.models import HUMAN_ROUTES
from assist.routing.policy import RoutingPolicy
from assist.routing.service import next_actions, triage
from assist.signals.models import Signal, Signals
from assist.signals.service import compute_signals
from tests.routing.conftest import answer
from tests.signals.conftest import NOW, event, intent


def calm(*signals: Signal) -> Signals:
    return Signals(
        sentiment=0.0,
        sentiment_label="neutral",
        sentiment_trend=[],
        friction=[s for s in signals if s.kind == "friction"],
        risk=[s for s in signals if s.kind == "risk"],
    )


def friction(name: str, evidence: list[str] | None = None) -> Signal:
    return Signal(name=name, kind="friction", detail=f"{name} detail", evidence=evidence or ["e1"])


def risk(name: str) -> Signal:
    return Signal(name=name, kind="risk", detail=f"{name} detail", evidence=["message"])


def test_confident_password_reset_is_self_service_with_a_human_path(policy: RoutingPolicy) -> None:
    decision = triage(
        intent=intent("passcode_forgotten"), signals=calm(), answers=[answer()], policy=policy, channel="app"
    )
    assert decision.route.type == "self_service"
    assert any(a.type in HUMAN_ROUTES for a in decision.alternatives)
    assert "guard.human_path" in decision.rules_fired and "policy.account_access" in decision.route.rules
    assert decision.route.reasons


@pytest.mark.parametrize(
    ("signal", "route", "queue", "rule"),
    [
        (risk("fraud"), "specialist", "fraud", "guard.fraud_specialist_first"),
        (risk("distress"), "agent", "customer_care", "guard.distress_person"),
        (risk("vulnerability"), "agent", "customer_care", "guard.vulnerability_person"),
        (friction("overdue_promise"), "agent", "recovery", "guard.overdue_promise_recovery"),
        (friction("repeat_contact"), "agent", "account_access", "guard.repeat_contact_priority"),
        (friction("failed_verification"), "agent", "account_access", "guard.stranded_self_service"),
        (friction("failed_self_service", ["e1", "e2"]), "agent", "account_access", "guard.stranded_self_service"),
        (friction("asked_for_person", ["message"]), "agent", "account_access", "guard.asked_for_person"),
        (friction("channel_switch"), "agent", "account_access", "guard.self_service_needs_no_friction"),
    ],
)
def test_each_guard_overrides_a_self_service_policy(policy, signal, route, queue, rule) -> None:  # type: ignore[no-untyped-def]
    decision = triage(
        intent=intent("passcode_forgotten"), signals=calm(signal), answers=[answer()], policy=policy, channel="chat"
    )
    assert (decision.route.type, decision.route.queue) == (route, queue)
    assert rule in decision.rules_fired
    suppressed = {s.option: s for s in decision.suppressed}
    assert "self_service" in suppressed and rule in suppressed["self_service"].rules
    assert suppressed["self_service"].reason.startswith("self-service suppressed: ")


def test_guards_cannot_be_configured_away(policy: RoutingPolicy) -> None:
    """Even a policy that sends fraud to self-service is overridden."""
    lax = policy.model_copy(update={"groups": [g.model_copy(update={"start": "self_service"}) for g in policy.groups]})
    decision = triage(
        intent=intent("compromised_card"), signals=calm(risk("fraud")), answers=[answer()], policy=lax, channel="app"
    )
    assert decision.route.type == "specialist" and decision.route.priority == "urgent"


def test_out_of_scope_and_low_confidence_go_to_an_agent(policy: RoutingPolicy) -> None:
    oos = triage(intent=intent("x", oos=True), signals=calm(), answers=[answer()], policy=policy, channel="chat")
    assert (oos.route.type, oos.route.queue) == ("agent", "general")
    unsure = triage(
        intent=intent("passcode_forgotten", 0.4, low=True),
        signals=calm(),
        answers=[answer()],
        policy=policy,
        channel="chat",
    )
    assert unsure.route.type == "agent" and "guard.low_confidence_agent" in unsure.rules_fired


def test_cost_only_breaks_ties_and_effort_ranks_alternatives(policy: RoutingPolicy) -> None:
    cheap_but_slow = policy.model_copy(
        update={"options": {**policy.options, "callback": policy.options["callback"].model_copy(update={"cost": 0.0})}}
    )
    decision = triage(
        intent=intent("passcode_forgotten"),
        signals=calm(friction("channel_switch")),
        answers=[answer()],
        policy=cheap_but_slow,
        channel="chat",
    )
    assert decision.route.type == "agent"  # lower effort wins over the cheaper callback
    scores = [a.effort.score for a in decision.alternatives]
    assert scores == sorted(scores)


def test_next_actions_mark_done_steps_and_draft_only_approved_text(policy: RoutingPolicy) -> None:
    events = [
        event(ago=timedelta(hours=1), actor="system", kind="status", data={"verification": "passed"}),
        event(
            ago=timedelta(minutes=30),
            actor="agent",
            kind="action",
            data={"step": "reset_passcode", "result": "success"},
        ),
    ]
    found = answer(text="Tap 'Forgot passcode' on the sign-in screen.")
    signals = compute_signals(
        events=events, message="still stuck", channel="chat", intent=intent("passcode_forgotten"), now=NOW
    )
    actions = next_actions(
        intent=intent("passcode_forgotten"), signals=signals, answers=[found], events=events, policy=policy
    )
    procedure = next(a for a in actions if a.type == "follow_procedure")
    done = {s.id: s.done for s in procedure.steps}
    assert done == {"verify_identity": True, "reset_passcode": True, "confirm_access": False, "wrap_up": False}
    assert procedure.steps[0].evidence == [events[0].event_id]
    reply = next(a for a in actions if a.type == "send_answer")
    assert reply.draft_reply == found.text and reply.answer and reply.answer.article_id == found.article_id


def test_next_actions_put_recovery_and_fraud_first(policy: RoutingPolicy) -> None:
    signals = calm(friction("overdue_promise"), risk("fraud"))
    actions = next_actions(intent=intent("compromised_card"), signals=signals, answers=[], events=[], policy=policy)
    assert [a.type for a in actions][:2] == ["recover_promise", "escalate"]
    assert all(a.rules and a.reason for a in actions)
    assert not any(a.type == "send_answer" for a in actions)  # nothing approved to send, so nothing drafted


def test_unsure_intent_asks_the_agent_to_confirm(policy: RoutingPolicy) -> None:
    actions = next_actions(intent=intent("x", oos=True), signals=calm(), answers=[answer()], events=[], policy=policy)
    assert [a.type for a in actions] == ["confirm_intent"]
