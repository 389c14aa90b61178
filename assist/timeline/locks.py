"""Identity writes under locks, so every interleaving of writers ends in one customer per identifier.

SQLite: the write session holds the database's write lock from its first statement (BEGIN IMMEDIATE), which
serialises writers across threads and processes. PostgreSQL: a batch takes transaction-scoped advisory locks
on every identifier and customer id it names, in one sorted order (no deadlock among batches), before it
reads them; rows it re-points (merges, consent) are locked with SELECT ... FOR UPDATE and re-checked.
A batch naming more than MAX_KEYS takes one exclusive lock instead, so the lock table stays small.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from assist.db import Database
from assist.logs import log_fields
from assist.timeline.tables import CustomerRow

logger = logging.getLogger("assist.timeline")

MAX_KEYS = 64
ATTEMPTS = 6
# Shared by every ordinary batch, exclusive for bulk batches and reviewers' merges and unmerges.
_EVERYTHING = "assist:identity:all"
# PostgreSQL: deadlock detected, serialization failure; both mean "run it again".
_RETRY_CODES = {"40P01", "40001"}

T = TypeVar("T")


class Retry(Exception):
    """What this transaction read has changed under it (a group merged meanwhile): run it again."""


def _key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def identifier_key(kind: str, value: str) -> str:
    return f"assist:identifier:{kind}:{value}"


def lock_names(session: Session, names: Iterable[str]) -> None:
    """Advisory locks on `names` until the transaction ends (PostgreSQL; SQLite already holds its write lock)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({_key(name) for name in names})
    if len(keys) > MAX_KEYS:
        lock_everything(session)
        return
    session.execute(
        text(
            "select count(case when i = 1 then pg_advisory_xact_lock_shared(k) else pg_advisory_xact_lock(k) end)"
            " from unnest(cast(:keys as bigint[])) with ordinality as t(k, i)"
        ),
        {"keys": [_key(_EVERYTHING), *keys]},
    )


def lock_everything(session: Session) -> None:
    """Waits for every identity write in flight and keeps new ones out until this transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("select pg_advisory_xact_lock(:k)"), {"k": _key(_EVERYTHING)})


def lock_roots(session: Session, customer_ids: Iterable[str]) -> None:
    """Row locks on customers about to be re-pointed; Retry when one is no longer the root of its group."""
    ids = sorted(set(customer_ids))
    query = select(CustomerRow.customer_id, CustomerRow.merged_into).where(CustomerRow.customer_id.in_(ids))
    if session.get_bind().dialect.name == "postgresql":
        query = query.order_by(CustomerRow.customer_id).with_for_update()
    rows = dict(session.execute(query).all())
    if any(rows.get(cid) is not None for cid in ids):
        raise Retry


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, Retry | IntegrityError):
        return True
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return isinstance(exc, DBAPIError) and code in _RETRY_CODES


def in_write_transaction(db: Database, work: Callable[[Session], T]) -> T:
    """`work` in one write transaction, run again from scratch when a concurrent writer changed what it read.

    An IntegrityError is retried too: after the other writer committed, the second run reads its rows.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with db.write_session() as session:
                return work(session)
        except Exception as exc:
            if attempt == ATTEMPTS or not _retryable(exc):
                raise
            logger.info("identity write retried", extra=log_fields(attempt=attempt, error=exc.__class__.__name__))
    raise AssertionError("unreachable")
