"""One factory for events as channel systems post them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from assist.timeline.models import EventIn

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def event(
    customer: dict[str, str],
    *,
    minutes: float = 0,
    source_id: str | None = None,
    text: str = "hi",
    channel: str = "chat",
    actor: str = "customer",
    kind: str = "message",
    data: dict[str, Any] | None = None,
    verified: list[str] | None = None,
) -> EventIn:
    ref: dict[str, Any] = dict(customer)
    if verified is not None:
        ref["verified"] = verified
    return EventIn.model_validate(
        {
            "source_id": source_id,
            "customer": ref,
            "channel": channel,
            "actor": actor,
            "kind": kind,
            "occurred_at": (T0 + timedelta(minutes=minutes)).isoformat(),
            "text": text,
            "data": data or {},
        }
    )
