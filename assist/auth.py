"""API keys with the contract's roles: channel, agent, qa, knowledge_owner, admin."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    channel = "channel"
    agent = "agent"
    qa = "qa"
    knowledge_owner = "knowledge_owner"
    admin = "admin"


@dataclass(frozen=True)
class Caller:
    role: Role
    # A short fingerprint of the key, safe to log and audit; the key itself never is.
    key_id: str


def key_id(key: str) -> str:
    return "key_" + hashlib.sha256(key.encode()).hexdigest()[:12]


def parse_api_keys(spec: str) -> dict[str, Role]:
    """`key:role,key:role` -> {key: role}; a malformed pair is a configuration error."""
    keys: dict[str, Role] = {}
    for pair in filter(None, (part.strip() for part in spec.split(","))):
        key, sep, role = pair.rpartition(":")
        if not sep or not key:
            raise ValueError(f"ASSIST_API_KEYS: {pair!r} is not key:role")
        try:
            keys[key] = Role(role)
        except ValueError as exc:
            raise ValueError(f"ASSIST_API_KEYS: unknown role {role!r} (one of {', '.join(Role)})") from exc
    return keys


def authenticate(keys: dict[str, Role], presented: str) -> Caller | None:
    for key, role in keys.items():
        if hmac.compare_digest(key.encode(), presented.encode()):
            return Caller(role=role, key_id=key_id(key))
    return None
