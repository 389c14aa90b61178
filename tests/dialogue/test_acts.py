"""Dialogue acts read from any actor's words: failures, refusals, verifications, handovers, promises."""

from __future__ import annotations

from assist.dialogue.acts import count_of, read_turn, says_resolved


def test_a_system_failure_with_its_reason() -> None:
    acts = read_turn("Payment of £1,250.00 to Northern Rail declined: insufficient funds.", actor="system")
    assert [(s[0], s[1], s[2]) for s in acts.steps] == [("payment to northern rail", "failed", "insufficient funds")]


def test_a_refusal_is_a_decision_with_its_reason_not_a_fault() -> None:
    acts = read_turn("Sorry, we can't exchange it after 30 days as it is outside the returns window.", actor="agent")
    step, result, reason, _, refusal, _ = acts.steps[0]
    assert (result, refusal) == ("failed", True)
    assert "exchange" in step and reason is not None and "returns window" in reason


def test_verification_outcomes_in_words() -> None:
    failed = read_turn("I'm sorry, I couldn't verify your identity as the answers didn't match.", actor="bot")
    assert failed.verification is not None and failed.verification[0] == "failed"
    rejected = read_turn("Your proof of address was rejected: the letter is older than 3 months.", actor="system")
    assert rejected.verification == ("failed", "the letter is older than 3 months")
    assert read_turn("Thanks, you're verified now.", actor="bot").verification == ("passed", None)


def test_an_escalation_names_who_it_went_to_and_keeps_the_promise_with_it() -> None:
    acts = read_turn("I've referred this to our disputes team and they'll email you by Monday.", actor="agent")
    assert [to for to, _ in acts.handovers] == ["disputes team"]
    assert [(what, by) for what, by, _ in acts.promises] == [("email you", "they")]


def test_only_the_business_promises_and_a_customer_reports_what_they_were_told() -> None:
    assert read_turn("I will send it tomorrow", actor="customer").promises == []
    told = read_turn("You said someone would phone me back on Friday and nobody did.", actor="customer")
    assert [(what, by) for what, by, _ in told.promises] == [("phone me back", "agent")]


def test_what_a_customer_says_about_the_contact_itself() -> None:
    acts = read_turn(
        "Hi. I've tried to reset my passcode four times and it keeps failing. I already rang you on Monday. "
        "The guide you sent didn't help.",
        actor="customer",
    )
    kinds = {(kind, count) for kind, _, count in acts.statements}
    assert kinds == {("self_service_failed", 4), ("contacted_before", 1), ("did_not_help", 1)}
    assert [(s[0], s[3]) for s in acts.steps] == [("reset my passcode", 4)]


def test_a_customer_describing_the_problem_is_not_a_failed_attempt() -> None:
    assert read_turn("My card got declined at the supermarket", actor="customer").steps == []


def test_resolution_and_counts() -> None:
    assert says_resolved("All sorted now, closing the case.")
    assert not says_resolved("This still hasn't been resolved.")
    assert (count_of("I tried twice"), count_of("3 attempts failed"), count_of("order 88231")) == (2, 3, 1)
