"""The handoff card: what the next person needs so the customer never repeats themselves.

Every item cites the ids of the events it came from; the customer's current message, which has no event
id yet, is cited as "message".
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from assist.prompts.registry import PromptRef

MESSAGE_ID = "message"


class Cited(BaseModel):
    text: str
    citations: list[str] = Field(min_length=1)


class Goal(Cited):
    intent: str | None = Field(description="The intent label, when known and in scope.")
    customer_words: str | None = Field(description="What the customer said they want, in their words (redacted).")


class JourneyStep(Cited):
    channel: str
    started_at: datetime
    ended_at: datetime
    events: int


class Attempt(Cited):
    step: str
    result: Literal["success", "failed"] | None
    reason: str | None = None
    channel: str
    at: datetime
    count: int = Field(default=1, description="How many times this step was tried with this result.")
    refused: bool = Field(default=False, description="Declined by the business (a decision with a reason).")


class Promise(Cited):
    what: str
    by: str | None
    due: datetime | None
    overdue: bool


class Fact(BaseModel):
    field: str = Field(description="e.g. order_id, case_id, amount, date, merchant, address, card_last4, email")
    value: str
    citations: list[str] = Field(min_length=1)


class SentimentTrend(Cited):
    direction: Literal["improving", "worsening", "steady"]
    scores: list[float]


class HandoffCard(BaseModel):
    """The contract's `summary`: `text` and `citations`, plus the card's structured parts."""

    text: str = Field(description="The card rendered for an agent desktop.")
    citations: list[str] = Field(description="Every event id the card cites, in order of first use.")
    goal: Goal | None
    journey: list[JourneyStep]
    attempts: list[Attempt]
    failures: list[Attempt]
    promises: list[Promise]
    escalations: list[Cited] = Field(default_factory=list, description="Escalations and transfers, newest first.")
    advised: list[Cited] = Field(default_factory=list, description="What the customer was asked or advised to do.")
    facts: list[Fact]
    sentiment: SentimentTrend | None
    open_question: Cited | None
    next_step: Cited | None
    narrative: Cited | None = Field(default=None, description="A one-paragraph summary, written by the LLM.")


class DoNotAsk(BaseModel):
    field: str
    value: str
    source_event: str = Field(description="The event the customer gave it in (or 'message').")


class HandoffResult(BaseModel):
    summary: HandoffCard
    do_not_ask: list[DoNotAsk]
    generator: Literal["local", "llm"]
    prompt: PromptRef
    llm_model: str | None = None
    fallback_reason: str | None = Field(default=None, description="Why the LLM was not used, when configured.")
