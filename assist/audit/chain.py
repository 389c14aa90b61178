"""The hash chain: canonical content, record hashes, chain verification and HMAC signatures.

A record's hash is SHA-256 over its canonical JSON, which contains `prev_hash`, `seq` and `audit_id`, so
changing, deleting or reordering any record breaks the link to the next one. Anyone with write access
could rebuild every hash after the change; a signed head exported elsewhere (`assist audit head`) is what
catches that, and truncation of the tail.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


def canonical_json(content: dict[str, Any]) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def content_hash(canonical: str) -> str:
    return hashlib.sha256(canonical.encode()).hexdigest()


def sign(key: str, *parts: object) -> str:
    message = "\x1f".join(str(part) for part in parts)
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def signature_ok(key: str, signature: str, *parts: object) -> bool:
    return hmac.compare_digest(sign(key, *parts), signature)


@dataclass(frozen=True)
class Link:
    """A stored record as the chain sees it."""

    seq: int
    audit_id: str
    content: str
    hash: str


@dataclass(frozen=True)
class Break:
    seq: int
    audit_id: str | None
    reason: str


@dataclass(frozen=True)
class Walk:
    records: int
    last_seq: int
    last_hash: str
    broken: Break | None


def walk(links: Iterable[Link], *, start_seq: int, start_hash: str) -> Walk:
    """Check links in seq order, starting after (start_seq, start_hash); stop at the first break."""
    expected_seq, prev_hash, count = start_seq + 1, start_hash, 0
    for link in links:
        count += 1
        if content_hash(link.content) != link.hash:
            return Walk(count, link.seq, link.hash, Break(link.seq, link.audit_id, "content does not match its hash"))
        stored = json.loads(link.content)
        if stored.get("seq") != link.seq or stored.get("audit_id") != link.audit_id:
            reason = (
                f"row says seq {link.seq} / {link.audit_id}, hashed content says {stored.get('seq')} / "
                f"{stored.get('audit_id')}: records were renumbered or swapped"
            )
            return Walk(count, link.seq, link.hash, Break(link.seq, link.audit_id, reason))
        if link.seq != expected_seq:
            reason = f"expected seq {expected_seq}, found {link.seq}: records before it were deleted or reordered"
            return Walk(count, link.seq, link.hash, Break(link.seq, link.audit_id, reason))
        if stored.get("prev_hash") != prev_hash:
            reason = "prev_hash does not match the previous record: a record before it was changed or removed"
            return Walk(count, link.seq, link.hash, Break(link.seq, link.audit_id, reason))
        expected_seq, prev_hash = link.seq + 1, link.hash
    return Walk(count, expected_seq - 1, prev_hash, None)
