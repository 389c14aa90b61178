"""Builders for timelines and intents as the pipeline hands them to signals and routing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest

from assist.intents.models import IntentAlternative, IntentPrediction
from assist.timeline.models import TimelineEvent

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
_ids = count(1)


def event(
    *,
    ago: timedelta,
    channel: str = "chat",
    actor: str = "customer",
    kind: str = "message",
    text: str = "",
    data: dict[str, Any] | None = None,
    event_id: str | None = None,
) -> TimelineEvent:
    return TimelineEvent(
        event_id=event_id or f"ev_{next(_ids)}",
        customer_id="cus_1",
        source_id=None,
        customer={"email": "ana@example.com"},
        channel=channel,  # type: ignore[arg-type]
        actor=actor,  # type: ignore[arg-type]
        kind=kind,  # type: ignore[arg-type]
        occurred_at=NOW - ago,
        text=text,
        data=data or {},
    )


def intent(label: str, confidence: float = 0.95, *, low: bool = False, oos: bool = False) -> IntentPrediction:
    return IntentPrediction(
        label="out_of_scope" if oos else label,
        confidence=confidence,
        out_of_scope=oos,
        low_confidence=low,
        alternatives=[IntentAlternative(label="card_arrival", confidence=0.02)],
        model_id="test-model",
    )


@pytest.fixture
def make_event() -> Callable[..., TimelineEvent]:
    return event
