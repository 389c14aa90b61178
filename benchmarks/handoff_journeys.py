"""Scores the handoff journey suite (evals/handoff/journeys.yaml) with the local generator, as written and
text-only (every `data` field removed).

Targets, both ways: key-fact recall >= 0.95, 0 unsupported citations, 0 personal-data leaks, do-not-ask
covers every reference given. Exit status 1 when one fails. `assist eval run handoff` runs the same with
baselines.

    python benchmarks/handoff_journeys.py
"""

from __future__ import annotations

import json

from assist.config import PROJECT_ROOT
from assist.handoff.evaluate import evaluate
from assist.prompts.registry import PromptRegistry


def main() -> None:
    path, prompts = PROJECT_ROOT / "evals" / "handoff" / "journeys.yaml", PromptRegistry(PROJECT_ROOT / "prompts")
    runs = {"with_data": evaluate(path, prompts=prompts), "text_only": evaluate(path, prompts=prompts, text=True)}
    print(json.dumps(runs, indent=2, ensure_ascii=False))
    ok = all(
        scores["key_fact_recall"] >= 0.95
        and scores["unsupported_citations"] == 0
        and scores["personal_data_leaks"] == 0
        and scores["do_not_ask_missing"] == 0
        for scores in runs.values()
    )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
