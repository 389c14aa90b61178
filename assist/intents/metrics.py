"""Evaluation figures of the contract (accuracy, in_scope_accuracy, oos_recall, macro_f1) and calibration error."""

from __future__ import annotations

from collections import Counter

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from assist.intents.models import OUT_OF_SCOPE, ConfusedPair, EvalReport, IntentQuality

ECE_BINS = 15
CONFUSED_PAIRS = 10


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = ECE_BINS) -> float:
    """Weighted mean |accuracy - confidence| over equal-width confidence bins (Guo et al. 2017)."""
    if len(confidence) == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.mean() * abs(float(correct[mask].mean()) - float(confidence[mask].mean()))
    return float(total)


def build_report(
    *,
    model_id: str,
    expected: list[str],
    predicted: list[str],
    best_intent: list[str],
    confidence: np.ndarray,
    low_confidence: np.ndarray,
) -> EvalReport:
    """`best_intent` is the best known intent even where `predicted` is out_of_scope; calibration is judged on it."""
    exp = np.array(expected)
    pred = np.array(predicted)
    best = np.array(best_intent)
    in_scope = exp != OUT_OF_SCOPE
    labels = sorted(set(expected) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        exp, pred, labels=labels, average=None, zero_division=0
    )
    per_intent = [
        IntentQuality(label=label, precision=float(p), recall=float(r), f1=float(f), support=int(s))
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    ]
    # Labels that only ever appear as a prediction would drag macro F1 down for a reason already counted.
    macro_f1 = float(np.mean([q.f1 for q in per_intent if q.support > 0]))
    mistakes = Counter((e, p) for e, p in zip(expected, predicted, strict=True) if e != p)
    return EvalReport(
        model_id=model_id,
        examples=len(expected),
        accuracy=float(np.mean(exp == pred)),
        in_scope_accuracy=float(np.mean(exp[in_scope] == pred[in_scope])) if in_scope.any() else None,
        closed_set_accuracy=float(np.mean(best[in_scope] == exp[in_scope])) if in_scope.any() else None,
        oos_recall=float(np.mean(pred[~in_scope] == OUT_OF_SCOPE)) if (~in_scope).any() else None,
        macro_f1=macro_f1,
        ece=expected_calibration_error(confidence[in_scope], best[in_scope] == exp[in_scope]),
        low_confidence_rate=float(np.mean(low_confidence)),
        per_intent=per_intent,
        confused_pairs=[
            ConfusedPair(expected=e, predicted=p, count=n) for (e, p), n in mistakes.most_common(CONFUSED_PAIRS)
        ],
    )
