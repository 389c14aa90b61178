"""Consent to processing by a remote AI model: state kept on each customer group's root at ingest.

The latest statement by `occurred_at` wins, so a late-arriving older event never overrides a newer one (a
withdrawal wins a tie). A merge keeps the stricter side: the merged customer is withdrawn if either was. An
unmerge gives each side the stricter of its own state before the merge and the group's state at the split.
Readers get the state in one row; no history is scanned, so no number of later events can hide a withdrawal.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from assist.timeline.locks import lock_roots
from assist.timeline.models import Consent
from assist.timeline.tables import ConsentRow


def statement(data: dict[str, Any]) -> bool | None:
    """The consent an event's data states: True only for an explicit boolean grant, False for anything else."""
    consent = data.get("consent")
    if not isinstance(consent, dict) or "ai_processing" not in consent:
        return None
    return consent["ai_processing"] is True


def read(session: Session, root: str) -> Consent:
    row = session.get(ConsentRow, root)
    if row is None:
        return Consent()
    return Consent(ai_processing=row.ai_processing, stated_at=row.stated_at, event_id=row.event_id)


def _set(session: Session, root: str, state: Consent) -> None:
    if state.ai_processing is None or state.stated_at is None:
        return
    row = session.get(ConsentRow, root)
    if row is None:
        row = ConsentRow(customer_id=root)
        session.add(row)
    row.ai_processing, row.stated_at, row.event_id = state.ai_processing, state.stated_at, state.event_id
    row.updated_at = datetime.now(UTC)


def record(session: Session, *, root: str, allowed: bool, stated_at: datetime, event_id: str) -> None:
    """Apply one statement to the group whose root is `root` (locked, so a concurrent merge waits)."""
    lock_roots(session, [root])
    current = read(session, root)
    if current.stated_at is not None and (
        stated_at < current.stated_at or (stated_at == current.stated_at and allowed)
    ):
        return
    _set(session, root, Consent(ai_processing=allowed, stated_at=stated_at, event_id=event_id))


def stricter(*states: Consent) -> Consent:
    """A withdrawal if any side withdrew, else the latest grant; as of the latest statement of either."""
    stated = [s for s in states if s.ai_processing is not None and s.stated_at is not None]
    if not stated:
        return Consent()
    withdrawn = [s for s in stated if s.ai_processing is False]
    deciding = max(withdrawn or stated, key=lambda s: s.stated_at or datetime.min.replace(tzinfo=UTC))
    latest = max(s.stated_at for s in stated if s.stated_at is not None)
    return deciding.model_copy(update={"stated_at": latest})


def on_merge(session: Session, *, survivor: str, absorbed: str) -> dict[str, Any]:
    """Both sides' states before the merge (kept with it), after giving the survivor the stricter one."""
    before = {"survivor": read(session, survivor), "absorbed": read(session, absorbed)}
    _set(session, survivor, stricter(*before.values()))
    if (row := session.get(ConsentRow, absorbed)) is not None:
        session.delete(row)
    return {side: state.model_dump(mode="json") for side, state in before.items()}


def on_unmerge(session: Session, *, survivor: str, split: str, before: dict[str, Any]) -> None:
    now = read(session, survivor)
    _set(session, survivor, stricter(now, Consent.model_validate(before.get("survivor") or {})))
    _set(session, split, stricter(now, Consent.model_validate(before.get("absorbed") or {})))
