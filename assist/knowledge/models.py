"""Shapes of the knowledge base: articles as filed, answers as served, ingest and search reports."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assist.timeline.models import Channel

ArticleStatus = Literal["draft", "approved", "retired"]
# Where one stored version stands: `live` is the only state search may return.
VersionState = Literal["live", "draft", "superseded", "retired"]

MAX_QUERY_CHARS = 2_000
MAX_K = 50


class ArticleFile(BaseModel):
    """One markdown file's front matter and body, validated strictly (the contract's article)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    title: str = Field(min_length=1, max_length=300)
    status: ArticleStatus
    version: int = Field(ge=1)
    owner: str = Field(min_length=1, max_length=200)
    intents: list[str] = Field(default_factory=list)
    channels: list[Channel] | None = None
    effective_from: date | None = None
    effective_until: date | None = None
    updated: date | None = None
    # A channel's own, usually shorter, form of the answer (an SMS fits in one message).
    variants: dict[Channel, str] = Field(default_factory=dict)
    body: str = Field(min_length=1)


class Answer(BaseModel):
    """An approved, current answer as served to an agent, a bot or an app."""

    article_id: str
    version: int
    title: str
    text: str
    score: float
    owner: str
    updated: date | None
    intents: list[str] = Field(default_factory=list)
    # The channel whose variant `text` is, or null when it is the full article body.
    channel_variant: Channel | None = None


class SearchRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"query": "my card hasn't arrived", "k": 3, "channel": "chat"}]},
    )

    query: str = Field(min_length=1, max_length=MAX_QUERY_CHARS)
    k: int = Field(default=3, ge=1, le=MAX_K)
    channel: Channel | None = None
    # The classified intent, when the caller has one: articles filed under it rank higher.
    intent: str | None = Field(default=None, max_length=128)


class SearchResponse(BaseModel):
    results: list[Answer]
    abstained: bool


class InvalidFile(BaseModel):
    file: str
    field: str
    message: str


class IngestReport(BaseModel):
    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    retired: list[str] = Field(default_factory=list)
    invalid: list[InvalidFile] = Field(default_factory=list)
    # Texts (article passages, customer phrasings) embedded in this run: zero when nothing changed.
    embedded: int = 0

    @property
    def ok(self) -> bool:
        return not self.invalid

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "retired": len(self.retired),
            "invalid": len(self.invalid),
        }


class ArticleInfo(BaseModel):
    """One stored version of an article, for knowledge owners."""

    article_id: str
    version: int
    title: str
    status: ArticleStatus
    state: VersionState
    owner: str
    intents: list[str]
    channels: list[Channel] | None
    effective_from: date | None
    effective_until: date | None
    updated: date | None
    source: str
    content_hash: str
