from __future__ import annotations

import numpy as np

from assist.intents.calibration import _best_threshold, decide
from assist.intents.models import Thresholds

NO_CLASS = -np.inf


def test_the_cut_refuses_no_more_known_rows_than_the_model_gets_wrong() -> None:
    # Ten known rows, two of them wrong (so at most 20% may be refused); unknown rows score low.
    known = np.array([0.95, 0.9, 0.9, 0.85, 0.8, 0.8, 0.75, 0.7, 0.45, 0.4])
    correct = np.array([True] * 8 + [False] * 2)
    unknown = np.array([0.3, 0.35, 0.42, 0.47, 0.72])
    objective, cut = _best_threshold(known, correct, unknown)
    # Refuses the two wrong known rows and catches four unknown ones; catching 0.72 would refuse a third.
    assert 0.47 < cut < 0.7
    assert objective == 0.8 + 4 / 5


def test_rows_claimed_by_the_out_of_scope_class_count_as_caught_not_refused() -> None:
    known = np.array([0.9, 0.8, NO_CLASS])
    correct = np.array([True, True, False])
    unknown = np.array([NO_CLASS, NO_CLASS, 0.85])
    objective, cut = _best_threshold(known, correct, unknown)
    # Both unknown rows the class claimed are caught; no cut can catch the third without refusing 0.8.
    assert objective == 2 / 3 + 2 / 3 and cut == 0.8


def test_similarity_weight_makes_an_unlike_message_out_of_scope() -> None:
    thresholds = Thresholds(
        out_of_scope=1.0, similarity_weight=1.0, similarity=0.2, low_confidence=0.5, temperature=1.0, mix=1.0
    )
    logits = np.log(np.array([[0.7, 0.3], [0.7, 0.3]]))
    d = decide(["a", "b"], logits, np.array([0.5, 0.25]), thresholds)
    assert d.out_of_scope.tolist() == [False, True]  # 0.7 + 0.5 passes, 0.7 + 0.25 does not
    unweighted = thresholds.model_copy(update={"similarity_weight": 0.0, "out_of_scope": 0.6})
    assert not decide(["a", "b"], logits, np.array([0.5, 0.25]), unweighted).out_of_scope.any()
