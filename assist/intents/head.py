"""The classifier heads and how they are combined.

- Semantic: L2-regularised softmax regression on sentence embeddings, fitted by full-batch L-BFGS in torch.
- Lexical: a linear SVM on word and character TF-IDF (liblinear: seconds for 10,000 rows).
- Their scores are added, the lexical one weighted by `mix`, and divided by a temperature (Guo et al. 2017)
  so that the softmax is a calibrated probability. Both heads are cheap enough to refit once per held-out
  fold (calibration.py) within the training budget.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from scipy import sparse
from sklearn.svm import LinearSVC

# Mean cross-entropy + L2 / 2 * |W|^2; 1e-5 is scikit-learn's C=10 on 10,000 rows, chosen on a validation
# split of the BANKING77 training data (docs/intents.md).
L2 = 1e-5
MAX_ITER = 100
SVM_C = 1.0


@dataclass(frozen=True)
class LinearHead:
    labels: list[str]
    weights: np.ndarray  # (dimension, classes)
    bias: np.ndarray  # (classes,)

    def logits(self, features: np.ndarray | sparse.csr_matrix) -> np.ndarray:
        return np.asarray(features @ self.weights + self.bias, dtype=np.float64)


@dataclass(frozen=True)
class Heads:
    semantic: LinearHead
    lexical: LinearHead
    mix: float

    @property
    def labels(self) -> list[str]:
        return self.semantic.labels

    def logits(self, embeddings: np.ndarray, lexical: sparse.csr_matrix) -> np.ndarray:
        return self.semantic.logits(embeddings) + self.mix * self.lexical.logits(lexical)


def fit_svm(features: sparse.csr_matrix, targets: np.ndarray, *, labels: list[str]) -> LinearHead:
    model = LinearSVC(C=SVM_C, random_state=0).fit(features, targets)
    coef, intercept = model.coef_, model.intercept_
    if len(labels) == 2:  # liblinear keeps one score for two classes; the softmax wants one per class
        coef, intercept = np.vstack([-coef, coef]) / 2, np.concatenate([-intercept, intercept]) / 2
    return LinearHead(
        labels=list(labels), weights=np.ascontiguousarray(coef.T, dtype=np.float32), bias=intercept.astype(np.float32)
    )


def fit_head(
    features: np.ndarray,
    targets: np.ndarray,
    *,
    labels: list[str],
    init: LinearHead | None = None,
    l2: float = L2,
    max_iter: int = MAX_ITER,
) -> LinearHead:
    """`targets` index into `labels`; `init` (a head on the same or more labels) starts the search near the end."""
    x = torch.from_numpy(np.ascontiguousarray(features, dtype=np.float32))
    y = torch.from_numpy(np.asarray(targets, dtype=np.int64))
    if init is None:
        weights = torch.zeros((x.shape[1], len(labels)), requires_grad=True)
        bias = torch.zeros(len(labels), requires_grad=True)
    else:
        columns = [init.labels.index(label) for label in labels]
        weights = torch.tensor(np.ascontiguousarray(init.weights[:, columns]), dtype=torch.float32, requires_grad=True)
        bias = torch.tensor(init.bias[columns], dtype=torch.float32, requires_grad=True)
    optimiser = torch.optim.LBFGS(
        [weights, bias], lr=1.0, max_iter=max_iter, tolerance_grad=1e-6, line_search_fn="strong_wolfe"
    )

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = torch.nn.functional.cross_entropy(x @ weights + bias, y) + 0.5 * l2 * (weights**2).sum()
        loss.backward()  # type: ignore[no-untyped-call]
        return loss

    optimiser.step(closure)  # type: ignore[no-untyped-call]
    return LinearHead(labels=list(labels), weights=weights.detach().numpy(), bias=bias.detach().numpy())


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


def fit_temperature(logits: np.ndarray, targets: np.ndarray) -> float:
    """The temperature that maximises the likelihood of held-out rows (Guo et al. 2017)."""
    z = torch.from_numpy(np.asarray(logits, dtype=np.float64))
    y = torch.from_numpy(np.asarray(targets, dtype=np.int64))
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([log_t], lr=0.5, max_iter=100, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        # A unit Gaussian prior on log T: negligible for thousands of rows, and on a handful of rows that are
        # all right it stops T from collapsing to 0 (a model that claims certainty).
        loss = torch.nn.functional.cross_entropy(z / log_t.exp(), y) + (log_t**2).sum() / (2 * len(y))
        loss.backward()  # type: ignore[no-untyped-call]
        return loss

    optimiser.step(closure)  # type: ignore[no-untyped-call]
    return float(log_t.exp().item())
