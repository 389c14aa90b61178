"""Everything a model needs besides its weights, set from the training data alone.

- Mix: the weight of the lexical head that gives the best accuracy on a stratified validation split (20%).
- Temperature: fitted on a stratified validation split (20%), so that `confidence` is a probability.
- Far out of scope (another domain): a message less similar to every training example than 99% of
  validation rows are to their nearest training example. 1% of known requests is the price of this check.
- Near out of scope (an unknown need of the same domain): whole intents are held out in turn (5 groups),
  the head is refitted without them, and their rows play the unknown requests a deployed model will meet
  (rows labelled out_of_scope join them). The threshold on the calibrated top probability maximises
  in-scope accuracy + out-of-scope recall on these rows, but refuses no more known requests than the
  model gets wrong anyway: intents of one domain are near neighbours, and without that bound they would
  push the threshold up until most known requests are refused.
- Low confidence: an in-scope prediction whose calibrated confidence is under 1/2 is more likely wrong
  than right, so routing is told to confirm it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from assist.intents.head import MAX_ITER, Heads, LinearHead, fit_head, fit_svm, fit_temperature, softmax
from assist.intents.models import OUT_OF_SCOPE, Thresholds

VALIDATION_SHARE = 0.2
HELD_OUT_GROUPS = 5
FAR_REFUSAL = 0.01
LOW_CONFIDENCE = 0.5
SEED = 0
# Folds start from the validation head, so a few iterations reach the same optimum.
FOLD_MAX_ITER = 40
# Weights of the lexical head's score, tried on the validation split.
MIXES = (0.5, 1.0, 2.0, 4.0)


@dataclass(frozen=True)
class Decision:
    best: np.ndarray  # index into labels of the best in-scope intent, per row
    confidence: np.ndarray  # its calibrated probability
    out_of_scope: np.ndarray  # bool
    probs: np.ndarray  # all calibrated probabilities


@dataclass(frozen=True)
class Features:
    embeddings: np.ndarray  # unit-norm sentence embeddings
    lexical: sparse.csr_matrix  # TF-IDF

    def rows(self, index: np.ndarray) -> Features:
        return Features(self.embeddings[index], self.lexical[index])


def nearest_similarity(embeddings: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """Cosine similarity of each row to its nearest anchor (rows and anchors are unit vectors)."""
    return np.asarray((embeddings @ anchors.T).max(axis=1), dtype=np.float64)


def decide(labels: list[str], logits: np.ndarray, similarity: np.ndarray, thresholds: Thresholds) -> Decision:
    probs = softmax(logits, thresholds.temperature)
    in_scope = probs.copy()
    oos_column = labels.index(OUT_OF_SCOPE) if OUT_OF_SCOPE in labels else None
    if oos_column is not None:
        in_scope[:, oos_column] = -1.0
    best = in_scope.argmax(axis=1)
    confidence = probs[np.arange(len(best)), best]
    out_of_scope = (confidence < thresholds.out_of_scope) | (similarity < thresholds.similarity)
    if oos_column is not None:
        out_of_scope |= probs[:, oos_column] > confidence
    return Decision(best=best, confidence=confidence, out_of_scope=out_of_scope, probs=probs)


def fit_heads(
    features: Features, targets: np.ndarray, *, labels: list[str], mix: float, init: LinearHead, max_iter: int
) -> Heads:
    semantic = fit_head(features.embeddings, targets, labels=labels, init=init, max_iter=max_iter)
    return Heads(semantic=semantic, lexical=fit_svm(features.lexical, targets, labels=labels), mix=mix)


@dataclass(frozen=True)
class Calibrated:
    heads: Heads  # fitted on all rows
    thresholds: Thresholds
    validation_heads: Heads  # fitted without the validation rows
    validation_rows: np.ndarray  # indices of the validation split
    train_rows: np.ndarray


def calibrate_and_fit(features: Features, labels: list[str]) -> Calibrated:
    names = sorted(set(labels))
    y = np.array([names.index(label) for label in labels])
    train_rows, val_rows = _stratified_split(y)
    train, val = features.rows(train_rows), features.rows(val_rows)

    semantic = fit_head(train.embeddings, y[train_rows], labels=names)
    val_heads = Heads(semantic=semantic, lexical=fit_svm(train.lexical, y[train_rows], labels=names), mix=MIXES[0])
    if len(val_rows):
        val_heads = max(
            (Heads(semantic=val_heads.semantic, lexical=val_heads.lexical, mix=mix) for mix in MIXES),
            key=lambda h: float(np.mean(h.logits(val.embeddings, val.lexical).argmax(axis=1) == y[val_rows])),
        )
        temperature = fit_temperature(val_heads.logits(val.embeddings, val.lexical), y[val_rows])
    else:
        temperature = 1.0
    in_scope_val = val_rows[y[val_rows] != _index(names, OUT_OF_SCOPE)]
    similarity = (
        float(np.quantile(nearest_similarity(features.embeddings[in_scope_val], train.embeddings), FAR_REFUSAL))
        if len(in_scope_val)
        else 0.0
    )
    threshold = _out_of_scope_threshold(features, y, names, train_rows, val_rows, val_heads, temperature)
    heads = fit_heads(features, y, labels=names, mix=val_heads.mix, init=val_heads.semantic, max_iter=MAX_ITER)
    thresholds = Thresholds(
        out_of_scope=threshold,
        similarity=similarity,
        low_confidence=LOW_CONFIDENCE,
        temperature=temperature,
        mix=val_heads.mix,
    )
    return Calibrated(
        heads=heads, thresholds=thresholds, validation_heads=val_heads, validation_rows=val_rows, train_rows=train_rows
    )


def _index(names: list[str], label: str) -> int:
    return names.index(label) if label in names else -1


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
    features: Features,
    y: np.ndarray,
    names: list[str],
    train_rows: np.ndarray,
    val_rows: np.ndarray,
    val_heads: Heads,
    temperature: float,
) -> float:
    oos = _index(names, OUT_OF_SCOPE)
    intents = [i for i in range(len(names)) if i != oos]
    # Every fold must keep at least two known intents.
    if len(intents) < 3 or len(val_rows) == 0:
        return 0.0
    only_probability = Thresholds(
        out_of_scope=0.0, similarity=-1.0, low_confidence=0.0, temperature=temperature, mix=val_heads.mix
    )
    order = np.random.default_rng(SEED).permutation(intents)
    in_conf: list[np.ndarray] = []
    in_correct: list[np.ndarray] = []
    oos_conf: list[np.ndarray] = []
    for held_out in np.array_split(order, min(HELD_OUT_GROUPS, len(intents))):
        kept = [i for i in range(len(names)) if i not in set(held_out)]
        remap = {old: new for new, old in enumerate(kept)}
        fold_train = train_rows[np.isin(y[train_rows], kept)]
        heads = fit_heads(
            features.rows(fold_train),
            np.array([remap[i] for i in y[fold_train]]),
            labels=[names[i] for i in kept],
            mix=val_heads.mix,
            init=val_heads.semantic,
            max_iter=FOLD_MAX_ITER,
        )
        known = val_rows[np.isin(y[val_rows], kept) & (y[val_rows] != oos)]
        unknown = np.concatenate([np.flatnonzero(np.isin(y, held_out)), val_rows[y[val_rows] == oos]])
        for rows, conf, correct in ((known, in_conf, in_correct), (unknown, oos_conf, None)):
            part = features.rows(rows)
            d = decide(heads.labels, heads.logits(part.embeddings, part.lexical), np.ones(len(rows)), only_probability)
            conf.append(np.where(d.out_of_scope, -1.0, d.confidence))
            if correct is not None:
                correct.append(np.array([kept[i] for i in d.best]) == y[rows])
    return _best_threshold(np.concatenate(in_conf), np.concatenate(in_correct), np.concatenate(oos_conf))


def _best_threshold(in_conf: np.ndarray, in_correct: np.ndarray, oos_conf: np.ndarray) -> float:
    """Maximise in-scope accuracy + out-of-scope recall, refusing at most as many known rows as are wrong.

    A confidence of -1 marks a row that the out_of_scope class already claimed.
    """
    n_in, n_oos = len(in_conf), len(oos_conf)
    accepted = in_conf >= 0.0
    budget = n_in - int(np.sum(in_correct & accepted))  # rows, not a share: no rounding at the bound
    # Cut half-way between neighbouring scores, never at one: the rows seen here are a sample.
    scores = np.unique(np.concatenate([in_conf[accepted], oos_conf[oos_conf >= 0.0], [0.0]]))
    candidates = np.concatenate([[0.0], (scores[:-1] + scores[1:]) / 2])

    def below(values: np.ndarray, t: np.ndarray | float) -> np.ndarray:
        return np.searchsorted(np.sort(values), t, side="left")

    refused = below(in_conf, candidates) - below(in_conf, 0.0)
    correct_kept = (in_correct.sum() - below(in_conf[in_correct], candidates)) / n_in
    caught = below(oos_conf, candidates) / max(n_oos, 1)
    score = np.where(refused <= budget, correct_kept + caught, -1.0)
    return float(candidates[int(np.argmax(score))])
