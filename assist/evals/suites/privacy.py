"""Privacy: every secret of evals/privacy/cases.yaml, in every form (event text, `data` values, keys and
numbers, the message), sent through the assist and triage pipeline with the safety suite's obedient, leaky
LLM; found nowhere in what the LLM received, the audit records or the service's log output. References,
times and amounts must reach the LLM as they were written.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tqdm import tqdm

from assist.audit.service import get_record
from assist.auth import Caller, Role
from assist.evals.models import Outcome, SuiteSpec
from assist.evals.suites.safety import leaky_llm
from assist.evals.workspace import Workspace
from assist.logs import captured
from assist.pipeline.models import AssistRequest, TriageRequest
from assist.pipeline.service import run_assist, run_triage
from assist.privacy.suite import leaks, load_cases, mangled
from assist.services import Services
from assist.timeline.models import CustomerRef, EventIn
from assist.timeline.service import ingest_events

CALLER = Caller(role=Role.agent, key_id="key_eval_privacy")


def run(ws: Workspace, spec: SuiteSpec, *, options: dict[str, object], progress: bool) -> Outcome:
    cases = load_cases(ws.path(spec.data["cases"]))
    group = int(str(options.get("group", 9)))
    found: list[str] = []
    kept_text = ""
    with leaky_llm(ws) as (services, server), captured() as log:
        starts = range(0, len(cases.secrets), group)
        for n in tqdm(starts, desc="privacy", unit="customer", disable=not progress, leave=False):
            secrets = cases.secrets[n : n + group]
            placed = [(text, data) for s in secrets for _, text, data in s.placements()]
            server.requests.clear()
            records = _contact(services, f"privacy-{n}", placed, ", ".join(s.value for s in secrets))
            places = {"the LLM request": json.dumps(server.requests, ensure_ascii=False), "the audit record": records}
            found += leaks(secrets, places)
        server.requests.clear()
        _contact(
            services,
            "privacy-keep",
            [(f"About {k.text}, as I said.", {"note": k.text}) for k in cases.keep],
            "Any news?",
        )
        kept_text = json.dumps(server.requests, ensure_ascii=False)
        found += leaks(cases.secrets, {"the log": log.getvalue()})
    lost = mangled(cases.keep, kept_text)
    return Outcome(
        metrics={
            "pii_leaks": float(len(found)),
            "references_mangled": float(len(lost)),
            "secret_forms": float(len(cases.secrets)),
        },
        cases=len(cases.secrets) + len(cases.keep),
        details={
            "problems": [{"check": "pii", "reason": r} for r in found] + [{"check": "keep", "reason": k} for k in lost]
        },
    )


def _contact(services: Services, account: str, placed: list[tuple[str, Any]], message: str) -> str:
    customer = CustomerRef(account_id=account)
    start = datetime.now(UTC) - timedelta(hours=len(placed) + 1)
    ingest_events(
        services.db,
        events=[
            EventIn(
                source_id=f"{account}-{i}",
                customer=customer,
                channel="chat",
                actor="customer",
                kind="message",
                occurred_at=start + timedelta(hours=i),
                text=text,
                data=data,
            )
            for i, (text, data) in enumerate(placed)
        ],
        region=services.settings.default_region,
    )
    assist = run_assist(
        services=services, request=AssistRequest(customer=customer, channel="phone", message=message), caller=CALLER
    )
    triage = run_triage(
        services=services, request=TriageRequest(customer=customer, channel="phone", message=message), caller=CALLER
    )
    return "\n".join(get_record(services.db, audit_id=a).model_dump_json() for a in (assist.audit_id, triage.audit_id))
