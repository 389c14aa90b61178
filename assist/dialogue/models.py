"""What was said and done in a timeline, read from every actor's text and from event data.

Each item cites the event it came from (`event_id`; the current message is "message") and says whether
it was read from `data` or from text, so a card or a signal can show its evidence.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Source = Literal["data", "text"]
Outcome = Literal["success", "failed"]


class Item(BaseModel):
    event_id: str
    at: datetime
    channel: str
    actor: str
    source: Source = "text"


class Step(Item):
    """An attempt at something and how it ended: a self-service flow, an agent action, a payment, a check."""

    step: str = Field(description="What was tried, e.g. 'refund request', 'passcode reset'.")
    result: Outcome | None = None
    reason: str | None = None
    refusal: bool = Field(default=False, description="Declined by the business (a decision), not a fault.")
    count: int = Field(default=1, description="How many times, when the text says so ('failed three times').")
    self_service: bool = Field(
        default=True, description="Tried in self-service (false: a customer describing the problem)."
    )


class Verification(Item):
    outcome: Literal["passed", "failed"]
    reason: str | None = None


class Promise(Item):
    what: str
    by: str | None = None
    due: datetime | None = None
    due_text: str | None = Field(default=None, description="The words that set the due time, e.g. 'by Thursday'.")


class Handover(Item):
    """An escalation or transfer: the contact was passed to someone else."""

    to: str
    text: str


class Advice(Item):
    """What the business asked or advised the customer to do ("please try reinstalling", "DM us your order")."""

    text: str


class Decision(Item):
    text: str
    outcome: Literal["approved", "refused"]
    reason: str | None = None


class Entity(Item):
    field: str = Field(description="order_id, case_id, reference, amount, date, merchant, place, payee, ...")
    value: str


class Statement(Item):
    """What the customer says about the contact itself: friction stated in words."""

    kind: Literal["contacted_before", "self_service_failed", "did_not_help"]
    text: str
    count: int = 1


class Reading(BaseModel):
    """Everything read from one timeline (and the message), oldest first within each list."""

    steps: list[Step] = Field(default_factory=list)
    verifications: list[Verification] = Field(default_factory=list)
    promises: list[Promise] = Field(default_factory=list)
    kept: dict[str, str] = Field(default_factory=dict, description="Promise event id -> the event that kept it.")
    handovers: list[Handover] = Field(default_factory=list)
    advice: list[Advice] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    resolved: list[str] = Field(default_factory=list, description="Events that resolved the issue.")

    def extend(self, other: Reading) -> None:
        self.steps += other.steps
        self.verifications += other.verifications
        self.promises += other.promises
        self.kept |= other.kept
        self.handovers += other.handovers
        self.advice += other.advice
        self.decisions += other.decisions
        self.entities += other.entities
        self.statements += other.statements
        self.resolved += other.resolved
