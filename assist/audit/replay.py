"""Replay: run the pipeline again on a record's inputs and say whether the output is the same.

Inputs were stored redacted, so the replay reads the customer by `customer_id` and sends the redacted
message; a card number the classifier once saw as digits it now sees as `[CARD ****1234]`. The replay is
itself a pipeline run and so leaves its own audit record, with request id `replay:<audit_id>`.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any

from pydantic import BaseModel

from assist.audit.models import AuditRecord
from assist.audit.service import get_record
from assist.auth import Caller, Role
from assist.embeddings import MODEL_NAME as EMBEDDING_MODEL
from assist.errors import NotFound, NotReady
from assist.intents.service import load_model
from assist.pipeline.models import AssistRequest, TriageRequest
from assist.pipeline.service import run_assist, run_triage
from assist.services import Services
from assist.timeline.conventions import parse_time

# Parts of an output that differ between two runs of the same pipeline on the same data.
VOLATILE = {"audit_id", "latency_ms"}


class Difference(BaseModel):
    path: str
    recorded: Any
    replayed: Any


class ReplayResult(BaseModel):
    audit_id: str
    replay_audit_id: str
    matches: bool
    version_changes: list[Difference]
    differences: list[Difference]

    def summary(self) -> str:
        lines = [
            f"{self.audit_id}: {'output matches' if self.matches else 'OUTPUT DIFFERS'}"
            f" (replay recorded as {self.replay_audit_id})"
        ]
        lines += [f"  version {d.path}: recorded {d.recorded!r}, now {d.replayed!r}" for d in self.version_changes]
        lines += [f"  {d.path}: recorded {d.recorded!r}, replayed {d.replayed!r}" for d in self.differences[:50]]
        return "\n".join(lines)


def replay_record(*, services: Services, audit_id: str) -> ReplayResult:
    """Runs the record's contact again as of its time, on the intent model it recorded when that is on disk."""
    record = get_record(services.db, audit_id=audit_id)
    if record.intent_model and record.intent_model != services.intents.model_id:
        with contextlib.suppress(NotFound, NotReady, FileNotFoundError):
            services = replace(services, intents=load_model(settings=services.settings, model_id=record.intent_model))
    caller = Caller(role=Role(record.caller_role), key_id=record.key_id)
    inputs = dict(record.inputs)
    as_of = parse_time(inputs.pop("as_of", None)) or record.created_at
    inputs.pop("channel_mapping", None)  # which mapping read the events: compared in version_changes
    # Identifiers were stored redacted; the customer id (or, for a stranger, an id nobody has) stands in.
    inputs["customer"] = {"customer_id": record.customer_id or f"replay:{audit_id}"}
    request_id = f"replay:{audit_id}"
    if record.kind == "assist":
        response: Any = run_assist(
            services=services,
            request=AssistRequest.model_validate(inputs),
            caller=caller,
            request_id=request_id,
            as_of=as_of,
        )
    else:
        response = run_triage(
            services=services,
            request=TriageRequest.model_validate(inputs),
            caller=caller,
            request_id=request_id,
            as_of=as_of,
        )
    replayed = get_record(services.db, audit_id=response.audit_id)
    return ReplayResult(
        audit_id=audit_id,
        replay_audit_id=replayed.audit_id,
        matches=not (differences := _diff(record.outputs, replayed.outputs)),
        version_changes=_version_changes(record, services),
        differences=differences,
    )


def _version_changes(record: AuditRecord, services: Services) -> list[Difference]:
    now: dict[str, Any] = {
        "intent_model": services.intents.model_id,
        "embedding_model": EMBEDDING_MODEL,
        "policy_version": str(services.policy.version),
        "channel_mapping.version": services.mapping.version,
    }
    if record.prompt is not None:
        now["prompt.sha256"] = services.prompts.get(record.prompt.id).ref.sha256
    then: dict[str, Any] = {
        "intent_model": record.intent_model,
        "embedding_model": record.embedding_model,
        "policy_version": None if record.policy_version is None else str(record.policy_version),
        "prompt.sha256": record.prompt.sha256 if record.prompt else None,
        "channel_mapping.version": (record.inputs.get("channel_mapping") or {}).get("version"),
    }
    return [Difference(path=k, recorded=then[k], replayed=value) for k, value in now.items() if then[k] != value]


def _diff(recorded: Any, replayed: Any, path: str = "") -> list[Difference]:
    if isinstance(recorded, dict) and isinstance(replayed, dict):
        return [
            d
            for key in sorted(set(recorded) | set(replayed), key=str)
            if key not in VOLATILE
            for d in _diff(recorded.get(key), replayed.get(key), f"{path}.{key}" if path else str(key))
        ]
    if isinstance(recorded, list) and isinstance(replayed, list) and len(recorded) == len(replayed):
        return [d for i, (a, b) in enumerate(zip(recorded, replayed, strict=True)) for d in _diff(a, b, f"{path}[{i}]")]
    if isinstance(recorded, float) and isinstance(replayed, float):
        # Floating-point sums over the same data may differ in the last bits between runs.
        return [] if abs(recorded - replayed) <= 1e-6 else [Difference(path=path, recorded=recorded, replayed=replayed)]
    return [] if recorded == replayed else [Difference(path=path, recorded=recorded, replayed=replayed)]
