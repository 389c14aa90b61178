"""The HELD-OUT plain-text journeys (evals/heldout/): written once, run once, never tuned on.

The handoff card (evals/heldout/handoff_plain_text.yaml: key facts, failures, promises, escalations and the
goal found and cited, unsupported citations, leaks) and routing (evals/heldout/routing_plain_text.yaml:
journeys routed as expected, friction routed to self-service). Reported apart from the suites, which were
developed against.

    python benchmarks/handoff_heldout.py [--json]
"""

from __future__ import annotations

import argparse
import json

from assist.config import PROJECT_ROOT
from assist.handoff.evaluate import evaluate
from assist.prompts.registry import PromptRegistry
from assist.routing.conformance import run_suite
from assist.routing.policy import load_policy

HELDOUT = PROJECT_ROOT / "evals" / "heldout"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    card = evaluate(HELDOUT / "handoff_plain_text.yaml", prompts=PromptRegistry(PROJECT_ROOT / "prompts"))
    results, _ = run_suite(
        HELDOUT / "routing_plain_text.yaml",
        policy=load_policy(PROJECT_ROOT / "knowledge" / "routing.yaml"),
        articles_dir=PROJECT_ROOT / "knowledge" / "articles",
    )
    routing = {
        "journeys": len(results),
        "routed_as_expected": sum(r.passed for r in results),
        "friction_to_self_service": sum(bool(r.friction) and r.route == "self_service" for r in results),
        "failed": [{"id": r.id, "route": r.route, "why": r.failures} for r in results if not r.passed],
    }
    out = {"handoff": {k: v for k, v in card.items() if k != "evaluated_at"}, "routing": routing}
    print(json.dumps(out, indent=2, ensure_ascii=False) if args.json else json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
