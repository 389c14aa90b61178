"""What was said and done in a timeline, read from every actor's text and from event data.

Each item cites the event it came from (`event_id`; the current message is "message") and says whether
it was read from `data` or from text, so a card or a signal can show its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


class Entity(Item):
    field: str = Field(description="order_id, case_id, reference, amount, date, merchant, place, payee, ...")
    value: str


class Statement(Item):
    """What the customer says about the contact itself: friction stated in words."""

    kind: Literal["contacted_before", "self_service_failed", "did_not_help"]
    text: str
    count: int = 1


@dataclass
class Reading:
    """Everything read from one timeline (and the message), oldest first within each list.

    A dataclass, not a model: it is filled item by item for every event, on the request path."""

    steps: list[Step] = field(default_factory=list)
    verifications: list[Verification] = field(default_factory=list)
    promises: list[Promise] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)  # promise event id -> the event that kept it
    handovers: list[Handover] = field(default_factory=list)
    advice: list[Advice] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)  # events that resolved the issue
