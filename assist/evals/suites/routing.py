"""Routing policy conformance: the routing stage's own suite (assist.routing.conformance), run on the
checkout's policy and articles."""

from __future__ import annotations

from collections import Counter

from assist.evals.models import Outcome, SuiteSpec
from assist.evals.workspace import Workspace
from assist.routing.conformance import run_suite

INVARIANT = "invariant:"


def run(ws: Workspace, spec: SuiteSpec, *, options: dict[str, object], progress: bool) -> Outcome:
    results, _ = run_suite(
        ws.path(spec.data["journeys"]), policy=ws.policy, articles_dir=ws.settings.knowledge_dir / "articles"
    )
    total = len(results)
    return Outcome(
        metrics={
            "pass_rate": sum(r.passed for r in results) / total,
            "failed_journeys": float(sum(not r.passed for r in results)),
            "friction_to_self_service": float(sum(bool(r.friction) and r.route == "self_service" for r in results)),
            "invariant_breaches": float(sum(f.startswith(INVARIANT) for r in results for f in r.failures)),
        },
        cases=total,
        details={
            "failed_journeys": [
                {"id": r.id, "route": f"{r.route} / {r.queue} / {r.priority}", "reason": "; ".join(r.failures)}
                for r in results
                if not r.passed
            ],
            "routes": dict(Counter(r.route for r in results)),
        },
        versions={"routing_policy": str(ws.policy.version)},
    )
