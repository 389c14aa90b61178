"""Signals about the customer and the contact, each with the event ids it came from."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

MESSAGE_EVIDENCE = "message"
"""Evidence id of the current message, which has no event id yet."""

FRICTION_NAMES = (
    "repeat_contact",
    "channel_switch",
    "failed_self_service",
    "failed_verification",
    "asked_for_person",
    "overdue_promise",
)
RISK_NAMES = ("fraud", "vulnerability", "distress")


class Signal(BaseModel):
    name: str = Field(description=f"friction: {', '.join(FRICTION_NAMES)}; risk: {', '.join(RISK_NAMES)}")
    kind: Literal["friction", "risk"]
    detail: str = Field(description="Human-readable, e.g. '2 failed passcode resets in the app'.")
    evidence: list[str] = Field(description="Event ids; the current message is 'message'.")
    strength: float = Field(default=1.0, ge=0.0, le=1.0)
    count: int = Field(default=1, ge=0, description="How many times it happened (failed tries, contacts, ...).")


class SentimentPoint(BaseModel):
    event_id: str
    occurred_at: datetime
    score: float = Field(ge=-1.0, le=1.0)


class Signals(BaseModel):
    sentiment: float = Field(ge=-1.0, le=1.0, description="-1 (distressed) .. 1 (happy): message and recent turns")
    sentiment_label: Literal["negative", "neutral", "positive"]
    sentiment_trend: list[SentimentPoint] = Field(description="Customer turns, oldest first.")
    friction: list[Signal] = Field(default_factory=list)
    risk: list[Signal] = Field(default_factory=list)

    def has(self, name: str) -> bool:
        return any(signal.name == name for signal in (*self.friction, *self.risk))

    def get(self, name: str) -> Signal | None:
        return next((signal for signal in (*self.friction, *self.risk) if signal.name == name), None)
