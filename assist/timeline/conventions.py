"""The event `data` conventions that channel systems follow (docs/events.md).

Two sides: `check_data` is strict and runs at ingest (a bad value is a 422 naming the field, and nothing is
stored); `readable` is forgiving and runs on every stored event a reader gets, so data stored before the
checks existed (a promise `due` past year 9999, a `by` that is an object, nesting 500 deep, NaN) is shown
without the unreadable part instead of breaking the customer's timeline, card and signals.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

# Contact-centre events happen in this range; outside it a time is a mistake, and far outside it overflows.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
MAX_DEPTH = 16  # nested objects and arrays in `data`
MAX_LABEL = 128  # `intent` is stored in a 128-character column
DEEP = f"[nested deeper than {MAX_DEPTH} levels]"


class ConventionError(ValueError):
    """A value in `data` that breaks a convention; `loc` is its path inside `data`."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        self.loc = loc
        self.message = message
        super().__init__(f"data.{'.'.join(map(str, loc))}: {message}")


def in_range(value: datetime) -> datetime:
    """`value` in UTC (a naive time is taken as UTC); ValueError when outside 1970-2100 or not representable."""
    try:
        utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("time out of range (1970-2100 UTC)") from exc
    if not EARLIEST <= utc < LATEST:
        raise ValueError("time out of range (1970-2100 UTC)")
    return utc


def parse_due(value: object, *, occurred_at: datetime) -> datetime:
    """A promise's `due` as an aware UTC time; ValueError for anything that is not a time.

    The one place `due` is read: resolving relative expressions ("Friday", "within 24 hours") against the
    event's `occurred_at` belongs here.
    """
    del occurred_at  # reserved for relative expressions
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 time, e.g. 2026-11-19T17:00:00Z")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise ValueError("must be an ISO 8601 time, e.g. 2026-11-19T17:00:00Z") from exc
    return in_range(parsed)


def parse_time(value: object) -> datetime | None:
    """Reader: an ISO 8601 time from stored data, aware and UTC; None when absent, unreadable or out of range."""
    try:
        return parse_due(value, occurred_at=EARLIEST)
    except ValueError:
        return None


def _nonempty(value: object, loc: tuple[str | int, ...]) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConventionError(loc, "must be a non-empty string")
    return value


def _label(value: object, loc: tuple[str | int, ...]) -> str:
    label = _nonempty(value, loc)
    if len(label) > MAX_LABEL:
        raise ConventionError(loc, f"must be at most {MAX_LABEL} characters")
    return label


def _text(value: object, loc: tuple[str | int, ...]) -> str:
    if not isinstance(value, str):
        raise ConventionError(loc, "must be a string")
    return value


def _flag(value: object, loc: tuple[str | int, ...]) -> bool:
    if not isinstance(value, bool):
        raise ConventionError(loc, "must be true or false (a JSON boolean)")
    return value


def _object(value: object, loc: tuple[str | int, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConventionError(loc, "must be an object")
    return value


def _promise(value: object, loc: tuple[str | int, ...], occurred_at: datetime) -> dict[str, Any]:
    promise = dict(_object(value, loc))
    if "what" not in promise:
        raise ConventionError((*loc, "what"), "is required")
    _nonempty(promise["what"], (*loc, "what"))
    if promise.get("by") is not None:
        _text(promise["by"], (*loc, "by"))
    if promise.get("due") is not None:
        try:
            promise["due"] = parse_due(promise["due"], occurred_at=occurred_at).isoformat()
        except ValueError as exc:
            raise ConventionError((*loc, "due"), str(exc)) from exc
    return promise


def _references(value: object, loc: tuple[str | int, ...]) -> dict[str, Any]:
    for key, ref in _object(value, loc).items():
        if isinstance(ref, bool) or not isinstance(ref, str | int) or (isinstance(ref, str) and not ref.strip()):
            raise ConventionError((*loc, key), "must be a non-empty string or an integer")
    return value  # type: ignore[return-value]


def _consent(value: object, loc: tuple[str | int, ...]) -> dict[str, Any]:
    consent = _object(value, loc)
    if "ai_processing" in consent:
        _flag(consent["ai_processing"], (*loc, "ai_processing"))
    return consent


Check = Callable[[object, tuple[str | int, ...]], object]
CHECKS: dict[str, Check] = {
    "intent": _label,
    "step": _nonempty,
    # Words beyond success/failed are a channel's own vocabulary (knowledge/channel_mapping.yaml).
    "result": _nonempty,
    "reason": _text,
    "verification": _nonempty,
    "fulfils": _nonempty,
    "references": _references,
    "vulnerable": _flag,
    "consent": _consent,
}


def _walk(value: Any, loc: tuple[str | int, ...]) -> None:
    if len(loc) > MAX_DEPTH:
        raise ConventionError(loc, f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, float) and not math.isfinite(value):
        raise ConventionError(loc, "must be a finite number (no NaN or Infinity)")
    if isinstance(value, str) and "\x00" in value:
        raise ConventionError(loc, "must not contain NUL characters")
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                raise ConventionError(loc, "keys must not contain NUL characters")
            _walk(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, (*loc, index))


def check_data(data: dict[str, Any], *, occurred_at: datetime) -> dict[str, Any]:
    """The data to store: every convention strictly typed, `promise.due` in UTC; raises ConventionError."""
    _walk(data, ())
    clean = dict(data)
    for key, check in CHECKS.items():
        if key in clean:
            clean[key] = check(clean[key], (key,))
    if "promise" in clean:
        clean["promise"] = _promise(clean["promise"], ("promise",), occurred_at)
    return clean


def _clip(value: Any, depth: int) -> Any:
    """JSON-safe at any depth: containers past MAX_DEPTH become a marker, non-finite numbers become None."""
    if isinstance(value, dict):
        return DEEP if depth >= MAX_DEPTH else {k: _clip(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return DEEP if depth >= MAX_DEPTH else [_clip(v, depth + 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _needs_clip(value: Any, depth: int) -> bool:
    if isinstance(value, dict | list):
        if depth >= MAX_DEPTH:
            return True
        items = value.values() if isinstance(value, dict) else value
        return any(_needs_clip(v, depth + 1) for v in items)
    return isinstance(value, float) and not math.isfinite(value)


def _readable_promise(value: dict[str, Any]) -> dict[str, Any] | None:
    promise = dict(value)
    if not isinstance(promise.get("what"), str) or not promise["what"].strip():
        return None
    if promise.get("by") is not None and not isinstance(promise["by"], str):
        del promise["by"]
    if promise.get("due") is not None and parse_time(promise["due"]) is None:
        del promise["due"]
    return promise


def readable(data: object) -> dict[str, Any]:
    """What readers see of stored data: conventions that break their types are left out, never raised on."""
    if not isinstance(data, dict):
        return {}
    clean = _clip(data, 1) if _needs_clip(data, 1) else dict(data)
    for key, check in CHECKS.items():
        if key in clean:
            try:
                check(clean[key], (key,))
            except ConventionError:
                del clean[key]
    if "promise" in clean:
        promise = _readable_promise(clean["promise"]) if isinstance(clean["promise"], dict) else None
        if promise is None:
            del clean["promise"]
        else:
            clean["promise"] = promise
    return clean
