"""Audit records, feedback and reviews: what the pipeline hands in and what QA reads back."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Outcome = Literal["accepted", "edited", "rejected"]


class PromptRef(BaseModel):
    # Accepts the prompt registry's own PromptRef (or any object with these attributes) as it is.
    model_config = ConfigDict(from_attributes=True)

    id: str
    version: int | str
    sha256: str


class KnowledgeRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    article_id: str
    version: int | str


class AuditInput(BaseModel):
    """Everything that produced one /v1/assist or /v1/triage response; all of it is hashed."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["assist", "triage"]
    request_id: str | None = None
    caller_role: str
    key_id: str = Field(description="The key's fingerprint (assist.auth.key_id), never the key.")
    customer_id: str | None = None
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    intent_model: str | None = None
    embedding_model: str | None = None
    llm_model: str | None = None
    prompt: PromptRef | None = None
    policy_version: str | int | None = None
    knowledge: list[KnowledgeRef] = Field(default_factory=list)
    rules_fired: list[str] = Field(default_factory=list)
    cited_events: list[str] = Field(default_factory=list)
    latency_ms: dict[str, float] = Field(default_factory=dict)


class HashedContent(AuditInput):
    """The canonical content a record's hash covers: the input plus its place in the chain."""

    audit_id: str
    seq: int
    created_at: datetime
    prev_hash: str


class FeedbackIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "audit_id": "aud_3f2c9a",
                    "target": "answer:refund-policy",
                    "outcome": "edited",
                    "final_text": "Your refund was issued today; allow 3-5 working days.",
                    "resolution": "resolved",
                }
            ]
        },
    )

    audit_id: str = Field(min_length=1, max_length=64)
    target: str = Field(
        default="response",
        min_length=1,
        max_length=128,
        description="Which suggestion: e.g. `summary`, `answer:<article_id>`, `action:<type>`, `route`.",
    )
    outcome: Outcome
    final_text: str | None = Field(default=None, max_length=32_000, description="What the agent sent, if edited.")
    resolution: str | None = Field(default=None, max_length=256)


class Feedback(BaseModel):
    id: int
    audit_id: str
    target: str
    outcome: Outcome
    final_text: str | None
    resolution: str | None
    key_id: str
    created_at: datetime


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: str = Field(min_length=1, max_length=32, description="One of the verdicts in audit/policy.yaml.")
    note: str = Field(default="", max_length=8_000)


class Review(BaseModel):
    id: int
    audit_id: str
    verdict: str
    note: str
    reviewer: str
    created_at: datetime


class AuditRecord(HashedContent):
    """A stored record as QA reads it; `feedback`, `reviews` and `queue_reasons` are outside the hash."""

    model_config = ConfigDict(extra="ignore")

    hash: str
    feedback: list[Feedback] = Field(default_factory=list)
    reviews: list[Review] = Field(default_factory=list)
    queue_reasons: list[str] = Field(default_factory=list)


class RecordSummary(BaseModel):
    """One line of the record list."""

    audit_id: str
    seq: int
    created_at: datetime
    kind: str
    customer_id: str | None
    intent: str | None
    route: str | None
    outcomes: list[str]
    queue_reasons: list[str]
    reviewed: bool


class RecordPage(BaseModel):
    records: list[RecordSummary]
    total: int
    limit: int
    offset: int


class RecordFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["assist", "triage"] | None = None
    customer_id: str | None = Field(default=None, max_length=64)
    request_id: str | None = Field(default=None, max_length=64)
    intent: str | None = Field(default=None, max_length=128)
    route: str | None = Field(default=None, max_length=32)
    outcome: Outcome | None = None
    queued: bool | None = Field(default=None, description="Only records in (true) or out of (false) the QA queue.")
    reviewed: bool | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0)


class VerifyResult(BaseModel):
    ok: bool
    records: int
    first_bad: str | None = Field(description="audit_id of the first record that fails, or null.")
    first_bad_seq: int | None = Field(default=None, description="Its place in the chain (also set when it is gone).")
    reason: str | None = None
    checkpoint_seq: int | None = Field(default=None, description="Seq of the signed purge checkpoint verified from.")


class ChainHead(BaseModel):
    """The last record's place in the chain; kept outside the database it proves truncation of."""

    seq: int
    hash: str
    audit_id: str | None
    exported_at: datetime
    signature: str
