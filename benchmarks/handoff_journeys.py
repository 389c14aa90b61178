"""Scores the handoff journey suite (evals/handoff/journeys.yaml) with the local generator.

Targets: key-fact recall >= 0.95, 0 unsupported citations, 0 personal-data leaks, do-not-ask covers every
reference given. Exit status 1 when one fails. `assist eval run handoff` runs the same suite with baselines.

    python benchmarks/handoff_journeys.py
"""

from __future__ import annotations

import json

from assist.config import PROJECT_ROOT
from assist.handoff.evaluate import evaluate
from assist.prompts.registry import PromptRegistry


def main() -> None:
    scores = evaluate(
        PROJECT_ROOT / "evals" / "handoff" / "journeys.yaml", prompts=PromptRegistry(PROJECT_ROOT / "prompts")
    )
    print(json.dumps(scores, indent=2, ensure_ascii=False))
    ok = (
        scores["key_fact_recall"] >= 0.95
        and scores["unsupported_citations"] == 0
        and scores["personal_data_leaks"] == 0
        and scores["do_not_ask_missing"] == 0
    )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
