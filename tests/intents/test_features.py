from __future__ import annotations

import numpy as np
from scipy import sparse

from assist.intents.features import Lexical

TRAIN = [
    "my card has not arrived yet",
    "card not arrived, card still not here",
    "why was I charged twice for one coffee",
    "top up failed twice",
    "how do I top up by bank transfer",
    "Überweisung fehlgeschlagen",
]
QUERIES = [
    "my card my card my card",  # repeated terms: sublinear tf
    "TOP UP failed",
    "zzzz qqqq",  # nothing known: an all-zero row
    "",
    "überweisung",
    "coffee charged twice, card not arrived",
]


def _sklearn(lexical: Lexical, texts: list[str]) -> sparse.csr_matrix:
    return sparse.hstack([v.transform(texts) for v in lexical.vectorizers], format="csr") * (0.5**0.5)


def test_transform_equals_sklearns_tfidf() -> None:
    lexical = Lexical.fit(TRAIN)
    ours = lexical.transform(QUERIES)
    assert ours.dtype == np.float32 and ours.shape == _sklearn(lexical, QUERIES).shape
    assert abs(ours - _sklearn(lexical, QUERIES)).max() < 1e-6
    assert ours[2].nnz == 0 and ours[3].nnz == 0
    one = lexical.transform([QUERIES[0]])
    assert abs(one - _sklearn(lexical, [QUERIES[0]])).max() < 1e-6


def test_transform_survives_saving_and_loading() -> None:
    lexical = Lexical.fit(TRAIN)
    loaded = Lexical.from_arrays(lexical.to_arrays())
    assert abs(loaded.transform(QUERIES) - lexical.transform(QUERIES)).max() == 0
