"""The out-of-scope evaluation for a data set without an out-of-scope class (BANKING77).

Whole intents are held out of training, so their test rows are requests the model has never seen,
labelled out_of_scope; clearly out-of-domain questions (evals/intents/out_of_domain.csv) join them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from assist.config import PROJECT_ROOT, Settings
from assist.intents.data import read_labelled_csv
from assist.intents.models import OUT_OF_SCOPE, EvalReport, TrainReport
from assist.intents.service import evaluate_csv, train_from_csv

OUT_OF_DOMAIN_CSV = PROJECT_ROOT / "evals" / "intents" / "out_of_domain.csv"


def write_csv(path: Path, texts: list[str], labels: list[str]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label"])
        writer.writerows(zip(texts, labels, strict=True))
    return path


def held_out_split(intents: list[str], *, share: float, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return sorted(rng.choice(intents, size=max(1, round(len(intents) * share)), replace=False).tolist())


def held_out_evaluation(
    *,
    settings: Settings,
    train_csv: Path,
    test_csv: Path,
    work_dir: Path,
    share: float = 0.25,
    seed: int = 0,
    out_of_domain_csv: Path = OUT_OF_DOMAIN_CSV,
) -> tuple[TrainReport, dict[str, EvalReport]]:
    """Trains (not activated) without `share` of the intents; reports on unseen intents, out-of-domain, and both."""
    train = read_labelled_csv(train_csv, for_training=True)
    test = read_labelled_csv(test_csv, for_training=False)
    ood = read_labelled_csv(out_of_domain_csv, for_training=False)
    unseen = set(held_out_split(train.intents, share=share, seed=seed))

    kept = [i for i, label in enumerate(train.labels) if label not in unseen]
    work_dir.mkdir(parents=True, exist_ok=True)
    report = train_from_csv(
        settings=settings,
        csv_path=write_csv(work_dir / "train.csv", [train.texts[i] for i in kept], [train.labels[i] for i in kept]),
        activate=False,
    )
    test_labels = [OUT_OF_SCOPE if label in unseen else label for label in test.labels]
    known = [i for i, label in enumerate(test_labels) if label != OUT_OF_SCOPE]
    suites = {
        "unseen_intents": (test.texts, test_labels),
        "out_of_domain": ([test.texts[i] for i in known] + ood.texts, [test_labels[i] for i in known] + ood.labels),
        "unseen_and_out_of_domain": (test.texts + ood.texts, test_labels + ood.labels),
    }
    return report, {
        name: evaluate_csv(
            settings=settings, csv_path=write_csv(work_dir / f"{name}.csv", texts, labels), model_id=report.model_id
        )
        for name, (texts, labels) in suites.items()
    }
