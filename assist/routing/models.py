"""Routes, alternatives, suppressed options and agent actions, each explained with reasons and rule ids."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

RouteType = Literal["self_service", "agent", "specialist", "callback"]
Priority = Literal["low", "normal", "high", "urgent"]
PRIORITIES: tuple[Priority, ...] = ("low", "normal", "high", "urgent")
HUMAN_ROUTES: frozenset[str] = frozenset({"agent", "specialist", "callback"})


class Effort(BaseModel):
    """What the option asks of the customer; `score` ranks options (lower is easier)."""

    steps: int = Field(ge=0, description="Things the customer must do themselves.")
    wait_minutes: float = Field(ge=0, description="Expected wait before the need is being handled.")
    channel_switch: bool = Field(description="Whether the customer must leave the channel they are on.")
    score: float


class Route(BaseModel):
    type: RouteType
    queue: str
    priority: Priority
    reasons: list[str]
    rules: list[str]
    effort: Effort | None = None


class Alternative(BaseModel):
    type: RouteType
    queue: str
    priority: Priority
    reason: str
    rules: list[str] = Field(default_factory=list)
    effort: Effort


class Suppressed(BaseModel):
    option: RouteType
    reason: str = Field(description="e.g. 'self-service suppressed: 2 failed passcode resets in the app'")
    rules: list[str]


class Step(BaseModel):
    id: str
    label: str
    done: bool = False
    evidence: list[str] = Field(default_factory=list, description="Event ids that show the step was done.")


class AnswerRef(BaseModel):
    article_id: str
    version: int


class Action(BaseModel):
    type: Literal["recover_promise", "escalate", "acknowledge", "confirm_intent", "follow_procedure", "send_answer"]
    label: str
    reason: str
    rules: list[str]
    steps: list[Step] = Field(default_factory=list)
    draft_reply: str | None = Field(default=None, description="Approved answer text only, never generated.")
    answer: AnswerRef | None = None
    evidence: list[str] = Field(default_factory=list)


class TriageDecision(BaseModel):
    route: Route
    alternatives: list[Alternative]
    suppressed: list[Suppressed]
    rules_fired: list[str]
