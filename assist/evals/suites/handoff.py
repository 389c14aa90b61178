"""Handoff journeys: the handoff stage's own suite (assist.handoff.evaluate) on the checkout's prompts."""

from __future__ import annotations

from assist.evals.models import Outcome, SuiteSpec
from assist.evals.workspace import Workspace
from assist.handoff.evaluate import evaluate

METRICS = ("key_fact_recall", "unsupported_citations", "personal_data_leaks", "do_not_ask_missing")


def run(ws: Workspace, spec: SuiteSpec, *, options: dict[str, object], progress: bool) -> Outcome:
    """The suite as written, and again text-only (every `data` removed: what a plain-text channel sends)."""
    scored = evaluate(ws.path(spec.data["journeys"]), prompts=ws.prompts)
    text = evaluate(ws.path(spec.data["journeys"]), prompts=ws.prompts, text=True)
    failed = [{"id": f["id"], "reason": _reason(f)} for f in scored["failures"]]
    failed += [{"id": f"{f['id']} (text only)", "reason": _reason(f)} for f in text["failures"]]
    return Outcome(
        metrics={name: float(scored[name]) for name in METRICS}
        | {f"text_only_{name}": float(text[name]) for name in METRICS},
        cases=int(scored["journeys"]),
        details={"failed_journeys": failed, "text_only_unstated_facts": text["unstated_facts"]},
    )


def _reason(failure: dict[str, list[str]]) -> str:
    parts = [
        ("missing", failure.get("missing", [])),
        ("unsupported citation", failure.get("unsupported", [])),
        ("leak", failure.get("leaks", [])),
        ("do_not_ask lacks", failure.get("do_not_ask_missing", [])),
    ]
    return "; ".join(f"{label}: {', '.join(items)}" for label, items in parts if items)
