from __future__ import annotations

import numpy as np

from assist.intents.calibration import _best_threshold

CLAIMED = -1.0  # a row the learned out_of_scope class already took


def test_the_cut_refuses_no_more_known_rows_than_the_model_gets_wrong() -> None:
    # Ten known rows, two of them wrong (so at most two may be refused); unknown rows score low.
    known = np.array([0.95, 0.9, 0.9, 0.85, 0.8, 0.8, 0.75, 0.7, 0.45, 0.4])
    correct = np.array([True] * 8 + [False] * 2)
    unknown = np.array([0.3, 0.35, 0.42, 0.47, 0.72])
    cut = _best_threshold(known, correct, unknown)
    # Refuses exactly the two wrong known rows (the bound, counted in rows so 2 <= 2 holds) and catches
    # four unknown ones; catching 0.72 as well would refuse a third known row.
    assert 0.47 < cut < 0.7


def test_rows_claimed_by_the_out_of_scope_class_count_as_caught_not_refused() -> None:
    known = np.array([0.9, 0.8, CLAIMED])
    correct = np.array([True, True, False])
    unknown = np.array([CLAIMED, CLAIMED, 0.85])
    # One wrong known row, already claimed: refusing 0.8 to catch 0.85 would exceed the bound.
    assert _best_threshold(known, correct, unknown) < 0.8
