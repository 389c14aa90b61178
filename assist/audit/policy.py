"""audit/policy.yaml: which records QA reviews, the verdicts it may give, and how long records are kept."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assist.audit.models import Outcome


class Condition(BaseModel):
    """Every field given must hold; an empty condition matches every record."""

    model_config = ConfigDict(extra="forbid")

    risk: str | None = Field(default=None, description="A risk signal with this name in the outputs.")
    route: str | None = Field(default=None, description="The triage route type.")
    low_confidence: bool | None = None
    out_of_scope: bool | None = None
    intents: list[str] | None = None
    feedback: Outcome | None = Field(default=None, description="Matches when feedback with this outcome arrives.")


class SamplingRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    when: Condition
    rate: float = Field(default=1.0, ge=0, le=1)


class Retention(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: int = Field(ge=1)


class AuditPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | str
    sampling: list[SamplingRule]
    verdicts: list[str] = Field(min_length=1)
    retention: Retention

    @model_validator(mode="after")
    def _unique_names(self) -> AuditPolicy:
        names = [rule.name for rule in self.sampling]
        if len(names) != len(set(names)):
            raise ValueError("sampling rule names must be unique")
        return self

    def reasons_at_write(self, *, audit_id: str, outputs: dict[str, Any]) -> list[str]:
        """The rules that queue a new record; feedback rules wait for feedback."""
        facts = _facts(outputs)
        return [
            rule.name
            for rule in self.sampling
            if rule.when.feedback is None and _matches(rule.when, facts) and _picked(audit_id, rule)
        ]

    def reasons_on_feedback(self, *, audit_id: str, outcome: str) -> list[str]:
        return [rule.name for rule in self.sampling if rule.when.feedback == outcome and _picked(audit_id, rule)]


def _facts(outputs: dict[str, Any]) -> dict[str, Any]:
    intent = outputs.get("intent") or {}
    signals = outputs.get("signals") or {}
    route = outputs.get("route") or {}
    return {
        "risks": {str(s.get("name")) for s in signals.get("risk") or [] if isinstance(s, dict)},
        "route": route.get("type") if isinstance(route, dict) else None,
        "low_confidence": bool(intent.get("low_confidence")),
        "out_of_scope": bool(intent.get("out_of_scope")),
        "intent": intent.get("label"),
    }


def _matches(when: Condition, facts: dict[str, Any]) -> bool:
    checks = [
        when.risk is None or when.risk in facts["risks"],
        when.route is None or when.route == facts["route"],
        when.low_confidence is None or when.low_confidence == facts["low_confidence"],
        when.out_of_scope is None or when.out_of_scope == facts["out_of_scope"],
        when.intents is None or facts["intent"] in when.intents,
    ]
    return all(checks)


def _picked(audit_id: str, rule: SamplingRule) -> bool:
    if rule.rate >= 1:
        return True
    draw = int.from_bytes(hashlib.sha256(f"{rule.name}:{audit_id}".encode()).digest()[:8], "big") / 2**64
    return draw < rule.rate


def load_policy(path: Path) -> AuditPolicy:
    """Parse strictly; a bad file names itself and the field."""
    stat = path.stat()
    return _load(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _load(path: Path, _mtime_ns: int, _size: int) -> AuditPolicy:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        return AuditPolicy.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{path}: {field}: {first['msg']}") from exc
