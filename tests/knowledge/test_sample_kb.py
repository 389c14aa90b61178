"""The sample tenant's knowledge base (knowledge/articles with its customer phrasings), as shipped."""

from __future__ import annotations

from datetime import date

import pytest

from assist.knowledge.service import CHANNELS, KnowledgeBase

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("my new card still hasn't come in the post", "card-delivery-and-tracking"),
        ("someone stole my wallet with my card in it", "lost-or-stolen-card"),
        ("how much does it cost to top up with a bank transfer?", "top-up-fees"),
        ("I entered the wrong PIN too many times and now it's blocked", "pin-blocked"),
        ("can I pay with my phone using Apple Pay", "apple-pay-google-pay"),
        ("I was charged twice for the same coffee", "charged-twice"),
        ("how old do I have to be to open an account", "age-requirements"),
    ],
)
def test_customer_questions_find_their_article(sample_kb: KnowledgeBase, question: str, article: str) -> None:
    response = sample_kb.search(question, k=3, today=TODAY)
    assert not response.abstained
    assert article in [answer.article_id for answer in response.results]


@pytest.mark.parametrize(
    ("article", "question", "today"),
    [
        ("crypto-wallet-draft", "Northwind Crypto Wallet: buy and hold Bitcoin in the app", TODAY),
        ("fee-schedule-2025", "Northwind fee schedule 2025", date(2025, 6, 1)),  # retired, even inside its dates
        ("premium-plan-2027", "Northwind Plus premium plan", TODAY),  # approved, not yet in effect
    ],
)
def test_drafts_retired_and_future_articles_are_never_returned(
    sample_kb: KnowledgeBase, article: str, question: str, today: date
) -> None:
    for channel in (None, *CHANNELS):
        returned = [a.article_id for a in sample_kb.search(question, k=50, channel=channel, today=today).results]
        assert article not in returned, channel


def test_the_future_article_is_served_once_in_effect(sample_kb: KnowledgeBase) -> None:
    later = sample_kb.search("Northwind Plus premium plan", k=3, today=date(2027, 1, 2))
    assert "premium-plan-2027" in [a.article_id for a in later.results]
