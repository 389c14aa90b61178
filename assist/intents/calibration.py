"""Everything a model needs besides its weights, set from the training data alone.

- Temperature: fitted on a stratified validation split (20%), so that `confidence` is a probability.
- Out-of-scope threshold: whole intents are held out in turn (5 groups), the head is refitted without
  them, and their rows play the unknown requests a deployed model will meet; rows labelled out_of_scope
  join them when the data has any. The threshold maximises in-scope accuracy + out-of-scope recall on
  these rows, weighing a wrong known intent and a missed unknown request alike, while refusing no more
  known requests than the model gets wrong anyway.
- Low confidence: an in-scope prediction whose calibrated confidence is under 1/2 is more likely wrong
  than right, so routing is told to confirm it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assist.intents.head import LinearHead, fit_head, fit_temperature, softmax
from assist.intents.models import OUT_OF_SCOPE, Thresholds

VALIDATION_SHARE = 0.2
HELD_OUT_GROUPS = 5
LOW_CONFIDENCE = 0.5
SEED = 0
# Folds start from the validation head, so a few iterations reach the same accuracy.
FOLD_MAX_ITER = 40


@dataclass(frozen=True)
class Decision:
    best: np.ndarray  # index into labels of the best in-scope intent, per row
    confidence: np.ndarray  # its calibrated probability
    out_of_scope: np.ndarray  # bool
    probs: np.ndarray  # all calibrated probabilities


def decide(head: LinearHead, features: np.ndarray, *, temperature: float, threshold: float) -> Decision:
    probs = softmax(head.logits(features), temperature)
    in_scope = probs.copy()
    oos_column = head.labels.index(OUT_OF_SCOPE) if OUT_OF_SCOPE in head.labels else None
    if oos_column is not None:
        in_scope[:, oos_column] = -1.0
    best = in_scope.argmax(axis=1)
    confidence = probs[np.arange(len(best)), best]
    out_of_scope = confidence < threshold
    if oos_column is not None:
        out_of_scope |= probs[:, oos_column] > confidence
    return Decision(best=best, confidence=confidence, out_of_scope=out_of_scope, probs=probs)


@dataclass(frozen=True)
class Calibrated:
    head: LinearHead  # fitted on all rows
    thresholds: Thresholds
    validation_head: LinearHead  # fitted without the validation rows
    validation_rows: np.ndarray  # indices of the validation split


def calibrate_and_fit(features: np.ndarray, labels: list[str]) -> Calibrated:
    names = sorted(set(labels))
    y = np.array([names.index(label) for label in labels])
    train_rows, val_rows = _stratified_split(y)

    validation_head = fit_head(features[train_rows], y[train_rows], labels=names)
    temperature = fit_temperature(validation_head.logits(features[val_rows]), y[val_rows])
    threshold = _out_of_scope_threshold(features, y, names, train_rows, val_rows, validation_head, temperature)
    head = fit_head(features, y, labels=names, init=validation_head)
    thresholds = Thresholds(out_of_scope=threshold, low_confidence=LOW_CONFIDENCE, temperature=temperature)
    return Calibrated(head=head, thresholds=thresholds, validation_head=validation_head, validation_rows=val_rows)


def _stratified_split(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every class keeps at least one training row; classes with a single row have no validation rows."""
    rng = np.random.default_rng(SEED)
    train: list[int] = []
    val: list[int] = []
    for cls in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == cls))
        n_val = min(round(len(rows) * VALIDATION_SHARE), len(rows) - 1)
        val.extend(rows[:n_val])
        train.extend(rows[n_val:])
    return np.sort(np.array(train, dtype=int)), np.sort(np.array(val, dtype=int))


def _out_of_scope_threshold(
    features: np.ndarray,
    y: np.ndarray,
    names: list[str],
    train_rows: np.ndarray,
    val_rows: np.ndarray,
    validation_head: LinearHead,
    temperature: float,
) -> float:
    intents = [i for i, name in enumerate(names) if name != OUT_OF_SCOPE]
    oos = names.index(OUT_OF_SCOPE) if OUT_OF_SCOPE in names else None
    # Holding out a group must leave at least two known intents.
    groups = min(HELD_OUT_GROUPS, len(intents) - 1)
    if groups < 2 or len(val_rows) == 0:
        return 0.0
    order = np.random.default_rng(SEED).permutation(intents)
    in_conf: list[np.ndarray] = []
    in_correct: list[np.ndarray] = []
    oos_conf: list[np.ndarray] = []
    for held_out in np.array_split(order, groups):
        kept = [i for i in range(len(names)) if i not in set(held_out)]
        remap = {old: new for new, old in enumerate(kept)}
        fold_train = train_rows[np.isin(y[train_rows], kept)]
        head = fit_head(
            features[fold_train],
            np.array([remap[i] for i in y[fold_train]]),
            labels=[names[i] for i in kept],
            init=validation_head,
            max_iter=FOLD_MAX_ITER,
        )
        known = val_rows[np.isin(y[val_rows], kept) & (y[val_rows] != oos)]
        unknown = np.concatenate([np.flatnonzero(np.isin(y, held_out)), val_rows[y[val_rows] == oos]])
        d_known = decide(head, features[known], temperature=temperature, threshold=0.0)
        d_unknown = decide(head, features[unknown], temperature=temperature, threshold=0.0)
        in_conf.append(np.where(d_known.out_of_scope, -1.0, d_known.confidence))
        in_correct.append(np.array([kept[i] for i in d_known.best]) == y[known])
        oos_conf.append(np.where(d_unknown.out_of_scope, -1.0, d_unknown.confidence))
    return _best_threshold(np.concatenate(in_conf), np.concatenate(in_correct), np.concatenate(oos_conf))


def _best_threshold(in_conf: np.ndarray, in_correct: np.ndarray, oos_conf: np.ndarray) -> float:
    """Maximise in-scope accuracy + out-of-scope recall, turning away no more known requests than the model
    gets wrong anyway (its error rate on the same rows): held-out intents of one domain are near neighbours
    of the known ones, and without this bound they would push the threshold up until most known requests
    are refused."""
    budget = 1.0 - float(np.mean(in_correct & (in_conf >= 0.0)))
    candidates = np.unique(np.concatenate([in_conf, oos_conf, [0.0]]))
    best_t, best_score = 0.0, -1.0
    for t in candidates[candidates >= 0.0]:
        refused = float(np.mean((in_conf >= 0.0) & (in_conf < t)))
        score = float(np.mean(in_correct & (in_conf >= t))) + float(np.mean(oos_conf < t))
        if refused <= budget and score > best_score:
            best_t, best_score = float(t), score
    return best_t
