"""Intent classification: the labelled CSVs the suite names (BANKING77 test, out-of-scope questions) through
the model trained on the checkout's training data, scored by the intent stage's own metrics."""

from __future__ import annotations

import hashlib
from collections import defaultdict

import numpy as np
from tqdm import tqdm

from assist.evals.models import Outcome, SuiteSpec
from assist.evals.workspace import Workspace
from assist.intents.data import LabelledData, read_labelled_csv
from assist.intents.metrics import build_report
from assist.intents.models import OUT_OF_SCOPE

BATCH = 256
MISTAKES_SHOWN = 60


def run(ws: Workspace, spec: SuiteSpec, *, options: dict[str, object], progress: bool) -> Outcome:
    texts, labels = [], []
    for key in sorted(spec.data):
        rows = read_labelled_csv(ws.path(spec.data[key]), for_training=False)
        cap = options.get(f"{key}_per_label")
        rows = sample_per_label(rows, per_label=int(str(cap))) if cap is not None else rows
        texts += rows.texts
        labels += rows.labels

    model = ws.intents
    predictions = []
    with tqdm(total=len(texts), desc="intent", unit="row", disable=not progress, leave=False) as bar:
        for start in range(0, len(texts), BATCH):
            predictions += model.predict_many(texts[start : start + BATCH])
            bar.update(len(texts[start : start + BATCH]))

    predicted = [p.label for p in predictions]
    report = build_report(
        model_id=model.model_id,
        expected=labels,
        predicted=predicted,
        # Out of scope, the best known intent is the first alternative: calibration is judged on it.
        best_intent=[p.alternatives[0].label if p.out_of_scope and p.alternatives else p.label for p in predictions],
        confidence=np.array([p.confidence for p in predictions]),
        low_confidence=np.array([p.low_confidence for p in predictions]),
    )
    metrics = {
        "accuracy": report.accuracy,
        "macro_f1": report.macro_f1,
        "ece": report.ece,
        "low_confidence_rate": report.low_confidence_rate,
    }
    if report.in_scope_accuracy is not None:
        metrics["in_scope_accuracy"] = report.in_scope_accuracy
    if report.oos_recall is not None:
        metrics["oos_recall"] = report.oos_recall
        in_scope = [p for p, label in zip(predicted, labels, strict=True) if label != OUT_OF_SCOPE]
        metrics["oos_false_alarm_rate"] = sum(p == OUT_OF_SCOPE for p in in_scope) / max(len(in_scope), 1)
    wrong = sorted(
        (p.confidence, t, e, p.label) for t, e, p in zip(texts, labels, predictions, strict=True) if p.label != e
    )[::-1]
    return Outcome(
        metrics=metrics,
        cases=len(texts),
        details={
            "per_intent": [q.model_dump() for q in report.per_intent],
            "confused_pairs": [c.model_dump() for c in report.confused_pairs],
            "confusion": _confusion(labels, predicted),
            "mistakes": [
                {"text": t, "expected": e, "predicted": p, "confidence": c} for c, t, e, p in wrong[:MISTAKES_SHOWN]
            ],
        },
        versions={"intent_model": model.model_id},
    )


def sample_per_label(data: LabelledData, *, per_label: int) -> LabelledData:
    """The same rows on every run and machine: the first `per_label` of each label by a hash of the text."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for text, label in zip(data.texts, data.labels, strict=True):
        by_label[label].append(text)
    texts, labels = [], []
    for label in sorted(by_label):
        chosen = sorted(by_label[label], key=lambda t: hashlib.sha256(t.encode()).hexdigest())[:per_label]
        texts += chosen
        labels += [label] * len(chosen)
    return LabelledData(texts=texts, labels=labels)


def _confusion(expected: list[str], predicted: list[str]) -> dict[str, object]:
    labels = sorted(set(expected) | set(predicted))
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for e, p in zip(expected, predicted, strict=True):
        matrix[index[e], index[p]] += 1
    return {"labels": labels, "matrix": matrix.tolist()}
