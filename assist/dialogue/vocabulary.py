"""Event `data` in any channel system's vocabulary, read into this project's conventions (docs/events.md).

Common vocabularies are understood without configuration (`action`/`step`/`task`, `result`/`outcome`/
`status`, `due`/`deadline`, ...). A channel system's own keys and values are mapped in a small file that
operators edit (`knowledge/channel_mapping.yaml`): validated strictly, versioned, and its version written
into every audit record.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from assist.errors import InputError

Canonical = Literal["step", "result", "reason", "verification", "due", "what", "by", "status", "intent", "references"]
CANONICAL: tuple[str, ...] = Canonical.__args__  # type: ignore[attr-defined]

# Keys that mean the same thing in common channel systems, checked in this order.
DEFAULT_KEYS: dict[str, tuple[str, ...]] = {
    "step": ("step", "action", "task", "flow", "operation", "activity", "journey_step"),
    "result": ("result", "outcome", "status", "state", "success"),
    "reason": ("reason", "error", "error_message", "failure_reason", "detail", "details", "message"),
    "verification": ("verification", "verification_result", "id_check", "identity_check", "kyc", "authentication"),
    "due": ("due", "due_at", "due_by", "deadline", "callback_at", "follow_up_at", "eta", "sla"),
    "what": ("what", "promise", "commitment", "follow_up"),
    "by": ("by", "owner", "assignee"),
    "status": ("status", "state", "case_status", "ticket_status"),
    "intent": ("intent", "topic", "reason_code"),
    "references": ("references", "refs", "ids"),
}
DEFAULT_VALUES: dict[str, tuple[str, ...]] = {
    "success": ("success", "succeeded", "successful", "ok", "done", "passed", "pass", "completed", "complete",
                "approved", "true", "verified", "accepted", "resolved"),
    "failed": ("failed", "failure", "fail", "error", "errored", "declined", "rejected", "denied", "timeout",
               "timed_out", "false", "aborted", "abandoned", "not_verified", "refused", "invalid", "blocked"),
    "resolved": ("resolved", "closed", "completed", "done", "solved"),
}  # fmt: skip


class ChannelMapping(BaseModel):
    """`knowledge/channel_mapping.yaml`: extra keys and values a tenant's channel systems use."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = Field(ge=1)
    owner: str = ""
    updated: str = ""
    keys: dict[str, list[str]] = Field(default_factory=dict, description="canonical key -> the system's own keys")
    values: dict[Literal["success", "failed", "resolved"], list[str]] = Field(default_factory=dict)
    references: dict[str, str] = Field(default_factory=dict, description="the system's key -> a reference field")
    sha256: str = ""
    _keys: dict[str, tuple[str, ...]] = PrivateAttr(default_factory=dict)
    _values: dict[str, frozenset[str]] = PrivateAttr(default_factory=dict)

    @field_validator("keys")
    @classmethod
    def _known(cls, keys: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(keys) - set(CANONICAL))
        if unknown:
            raise ValueError(f"unknown canonical key(s) {unknown}; use one of {list(CANONICAL)}")
        return keys

    def model_post_init(self, context: Any, /) -> None:
        # Looked up for every event: resolved once here.
        self._keys = {c: (*self.keys.get(c, ()), *DEFAULT_KEYS[c]) for c in CANONICAL}
        own: dict[str, list[str]] = {str(k): v for k, v in self.values.items()}
        self._values = {k: frozenset((*own.get(k, ()), *v)) for k, v in DEFAULT_VALUES.items()}

    def keys_for(self, canonical: str) -> tuple[str, ...]:
        return self._keys[canonical]

    def keys_by_name(self) -> dict[str, tuple[str, ...]]:
        """Every canonical key's names, for a reader that looks several up per event."""
        return self._keys

    def value_is(self, value: object, kind: Literal["success", "failed", "resolved"]) -> bool:
        if isinstance(value, bool):
            value = str(value).lower()
        if not isinstance(value, str):
            return False
        return value.strip().lower().replace(" ", "_").replace("-", "_") in self._values[kind]


BUILT_IN = ChannelMapping(version=1, owner="built-in")


def load_mapping(path: Path) -> ChannelMapping:
    """The mapping file, validated; a missing file is the built-in vocabularies. Errors name file and field."""
    if not path.exists():
        return BUILT_IN
    try:
        raw_text = path.read_text(encoding="utf-8")
        raw = yaml.safe_load(raw_text) or {}
    except OSError as exc:
        raise InputError(("channel_mapping",), f"cannot read {path}: {exc.strerror or exc}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(("channel_mapping",), f"{path.name} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise InputError(("channel_mapping",), f"{path.name} must be a mapping with version, keys, values")
    try:
        return ChannelMapping.model_validate({**raw, "sha256": hashlib.sha256(raw_text.encode()).hexdigest()})
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        raise InputError(("channel_mapping", *error["loc"]), f"{path.name}: {where}: {error['msg']}") from exc


def _first(data: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in data and data[key] not in (None, ""):
            return data[key]
    return None


@dataclasses.dataclass(slots=True)
class DataView:
    """One event's `data` in the project's conventions."""

    step: str | None = None
    result: Literal["success", "failed"] | None = None
    reason: str | None = None
    verification: Literal["passed", "failed"] | None = None
    promise_what: str | None = None
    promise_by: str | None = None
    due: str | None = None
    resolved: bool = False
    references: dict[str, str] = dataclasses.field(default_factory=dict)


def read_links(data: dict[str, Any], mapping: ChannelMapping = BUILT_IN) -> tuple[bool, dict[str, str]]:
    """Only what cuts a history into episodes: whether the event resolves its issue, and its references."""
    if not data:
        return False, {}
    keys = mapping.keys_by_name().__getitem__
    step = _first(data, keys("step"))
    status = _first(data, keys("status"))
    resolved = data.get("resolved") is True or (not step and mapping.value_is(status, "resolved"))
    return resolved, _references(data, mapping)


def _references(data: dict[str, Any], mapping: ChannelMapping) -> dict[str, str]:
    found: dict[str, str] = {}
    keys = mapping.keys_by_name().__getitem__
    refs = _first(data, keys("references"))
    if isinstance(refs, dict):
        found = {str(k): str(v) for k, v in refs.items() if isinstance(v, str | int) and str(v)}
    for key, name in mapping.references.items():
        if isinstance(data.get(key), str | int) and str(data[key]):
            found[name] = str(data[key])
    return found


def read_data(data: dict[str, Any], mapping: ChannelMapping = BUILT_IN) -> DataView:
    view = DataView()
    if not data:
        return view
    keys = mapping.keys_by_name().__getitem__
    step = _first(data, keys("step"))
    result = _first(data, keys("result"))
    if isinstance(step, str):
        view.step = step
    outcome = (
        "success" if mapping.value_is(result, "success") else "failed" if mapping.value_is(result, "failed") else None
    )
    verification = _first(data, keys("verification"))
    if verification is not None:
        view.verification = (
            "passed"
            if mapping.value_is(verification, "success")
            else "failed"
            if mapping.value_is(verification, "failed")
            else None
        )
    if view.step and outcome:
        view.result = outcome  # type: ignore[assignment]
    reason = _first(data, keys("reason"))
    if isinstance(reason, str) and (view.result == "failed" or view.verification == "failed"):
        view.reason = reason
    promise = data.get("promise")
    due = _first(data, keys("due"))
    if isinstance(promise, dict):
        view.promise_what = str(promise.get("what") or "") or None
        view.promise_by = promise.get("by")
        due = promise.get("due", due)
    elif due is not None:
        what = _first(data, keys("what"))
        view.promise_what = str(what or step or "follow-up")
        view.promise_by = _first(data, keys("by"))
    if isinstance(due, str):
        view.due = due
    status = _first(data, keys("status"))
    view.resolved = data.get("resolved") is True or (mapping.value_is(status, "resolved") and not view.step)
    view.references = _references(data, mapping)
    return view
