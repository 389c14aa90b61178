"""BANKING77 accuracy, calibration, out-of-scope detection and training time of the intent classifier.

    python benchmarks/intents_accuracy.py [--data-dir DIR] [--seeds 0 1 2] [--held-out 0.25 0.5 0.75]

1. Closed set: train on all of knowledge/intents/train.csv (wall and CPU time; the embeddings are computed
   unless DIR already caches them: run twice to see both), evaluate on test.csv: accuracy, macro F1, ECE.
2. Out of scope: for each share and seed, hold out that share of the intents (default a quarter) from
   training and evaluate on test.csv (their rows labelled out_of_scope) and on
   evals/intents/out_of_domain.csv (assist/intents/evaluate.py). Thresholds come from the training data
   only. 0.25, 0.5 and 0.75 are the open intent literature's settings (75%, 50% and 25% known intents).
3. Wrapped: the same test rows with a greeting or history before and a sign-off after, drawn (seed 0) from the
   short lists below, as customers write to a contact centre; BANKING77's rows are single requests.
Prints one JSON document; docs/intents.md quotes it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import time
from pathlib import Path

from assist.config import PROJECT_ROOT, Settings
from assist.intents.evaluate import held_out_evaluation, write_csv
from assist.intents.features import cache_dir
from assist.intents.models import EvalReport
from assist.intents.service import evaluate_csv, train_from_csv

INTENTS = PROJECT_ROOT / "knowledge" / "intents"
# Written for this benchmark; none of it names a need, so each wrapped row keeps its label.
BEFORE = [
    "Hi there, I've been a customer for years and I'm writing again because nobody has answered me.",
    "Hello, this is my third message this week and honestly I'm getting frustrated.",
    "Good morning. I tried the app and the chat bot already and got nowhere.",
    "I spoke to someone yesterday and they said they would sort it out but nothing happened.",
    "",
]
AFTER = [
    "Please call me back on my mobile as soon as you can, thanks.",
    "I need this sorted today because I'm travelling tomorrow.",
    "Thanks in advance for your help.",
    "",
]


def _wrapped_csv(work_dir: Path) -> Path:
    """test.csv with every request wrapped in a greeting or history and a sign-off (seeded)."""
    rng = random.Random(0)
    with (INTENTS / "test.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = [f"{rng.choice(BEFORE)} {row['text']} {rng.choice(AFTER)}".strip() for row in rows]
    work_dir.mkdir(parents=True, exist_ok=True)
    return write_csv(work_dir / "wrapped.csv", texts, [row["label"] for row in rows])


def _summary(report: EvalReport) -> dict[str, object]:
    return {
        "examples": report.examples,
        "accuracy": round(report.accuracy, 4),
        "in_scope_accuracy": None if report.in_scope_accuracy is None else round(report.in_scope_accuracy, 4),
        "closed_set_accuracy": None if report.closed_set_accuracy is None else round(report.closed_set_accuracy, 4),
        "oos_recall": None if report.oos_recall is None else round(report.oos_recall, 4),
        "macro_f1": round(report.macro_f1, 4),
        "ece": round(report.ece, 4),
        "low_confidence_rate": round(report.low_confidence_rate, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / ".bench-data" / "intents")
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--held-out", type=float, nargs="*", default=[0.25], help="shares of intents held out")
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir)
    cached = cache_dir(settings.data_dir).exists()

    started, cpu_started = time.perf_counter(), time.process_time()
    trained = train_from_csv(settings=settings, csv_path=INTENTS / "train.csv")
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    test = evaluate_csv(settings=settings, csv_path=INTENTS / "test.csv")
    result: dict[str, object] = {
        "model_id": trained.model_id,
        "training": {
            "examples": trained.examples,
            "seconds": round(seconds, 1),
            # CPU time of this process (both cores): on a machine shared with other work, wall time overstates it.
            "cpu_seconds": round(cpu_seconds, 1),
            "embeddings_cached": cached,
            "thresholds": trained.thresholds.model_dump(),
            "load_average_1m": os.getloadavg()[0],
        },
        "banking77_test": _summary(test),
        "most_confused": [p.model_dump() for p in test.confused_pairs[:5]],
        "banking77_test_wrapped": _summary(
            evaluate_csv(settings=settings, csv_path=_wrapped_csv(settings.data_dir / "wrapped"))
        ),
    }
    held_out: dict[str, dict[str, list[dict[str, object]]]] = {}
    for share in args.held_out:
        by_suite = held_out.setdefault(f"{share:.0%} of intents held out", {})
        for seed in args.seeds:
            _, reports = held_out_evaluation(
                settings=settings,
                train_csv=INTENTS / "train.csv",
                test_csv=INTENTS / "test.csv",
                work_dir=settings.data_dir / "held-out" / f"{share}-{seed}",
                share=share,
                seed=seed,
            )
            for name, report in reports.items():
                by_suite.setdefault(name, []).append({"seed": seed, **_summary(report)})
    result["held_out_intents"] = held_out
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
