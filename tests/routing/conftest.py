"""The shipped policy, and approved answers as the knowledge base serves them."""

from __future__ import annotations

import pytest

from assist.config import PROJECT_ROOT
from assist.knowledge.models import Answer
from assist.routing.policy import RoutingPolicy, load_policy

POLICY_PATH = PROJECT_ROOT / "knowledge" / "routing.yaml"


@pytest.fixture(scope="session")
def policy() -> RoutingPolicy:
    return load_policy(POLICY_PATH)


def answer(
    article_id: str = "forgotten-passcode", text: str = "Tap 'Forgot passcode' on the sign-in screen."
) -> Answer:
    return Answer(
        article_id=article_id,
        version=2,
        title="Forgotten passcode",
        text=text,
        score=0.8,
        owner="security",
        updated=None,
    )
