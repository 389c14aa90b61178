"""Facts in ordinary formats: references, amounts, merchants, places, payees, accounts."""

from __future__ import annotations

from assist.dialogue.entities import text_entities


def facts(text: str) -> set[tuple[str, str]]:
    return set(text_entities(text))


def test_references_labelled_and_letter_prefixed() -> None:
    found = facts("Your dispute number is DP-88120 and the ticket ref: 44810927; parcel AB-1234 is on its way")
    assert {("dispute_id", "DP-88120"), ("case_id", "44810927"), ("tracking", "AB-1234")} <= found


def test_amounts_with_thousands_separators_and_currency_words() -> None:
    found = facts("I sent 1,200 pounds, then $5,118.77 and EUR 30 and 45 euros")
    assert {("amount", "£1,200"), ("amount", "$5,118.77"), ("amount", "€30"), ("amount", "€45")} <= found


def test_a_merchant_in_a_system_notification_and_a_place() -> None:
    found = facts(
        "Card payment of USD 45.00 at AMZN MKTP declined. Your card was kept by the ATM at the York Road branch."
    )
    assert {("merchant", "AMZN MKTP"), ("place", "York Road branch")} <= found


def test_who_a_payment_was_for_and_the_account() -> None:
    found = facts("I transferred £600 from my savings account to my landlord")
    assert {("payee", "my landlord"), ("account", "savings"), ("amount", "£600")} <= found


def test_placeholders_left_by_redaction_are_facts_on_file() -> None:
    assert {("card_last4", "4242"), ("email", "[EMAIL]")} <= facts("card [CARD ****4242], mail [EMAIL]")
