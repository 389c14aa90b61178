"""The evaluation figures on hand-checked cases."""

from __future__ import annotations

import numpy as np
import pytest

from assist.intents.metrics import build_report, expected_calibration_error


def test_ece_is_zero_when_confidence_matches_accuracy() -> None:
    confidence = np.array([0.75] * 4 + [0.25] * 4)
    correct = np.array([1, 1, 1, 0, 1, 0, 0, 0], dtype=bool)
    assert expected_calibration_error(confidence, correct) == pytest.approx(0.0)


def test_ece_of_an_overconfident_model() -> None:
    confidence = np.full(10, 0.9)
    correct = np.array([1] * 6 + [0] * 4, dtype=bool)
    assert expected_calibration_error(confidence, correct) == pytest.approx(0.3)


def test_report_counts_in_scope_and_out_of_scope_rows_apart() -> None:
    report = build_report(
        model_id="intents-0000000000000000",
        expected=["a", "a", "b", "out_of_scope", "out_of_scope"],
        predicted=["a", "b", "out_of_scope", "out_of_scope", "a"],
        best_intent=["a", "b", "b", "b", "a"],
        confidence=np.array([0.9, 0.6, 0.3, 0.2, 0.7]),
        low_confidence=np.array([False, False, False, False, False]),
    )
    assert report.accuracy == pytest.approx(2 / 5)
    assert report.in_scope_accuracy == pytest.approx(1 / 3)
    assert report.closed_set_accuracy == pytest.approx(2 / 3)
    assert report.oos_recall == pytest.approx(1 / 2)
    per_intent = {q.label: q for q in report.per_intent}
    assert per_intent["a"].precision == pytest.approx(1 / 2) and per_intent["a"].recall == pytest.approx(1 / 2)
    assert per_intent["b"].support == 1 and per_intent["b"].recall == 0.0
    assert {(p.expected, p.predicted) for p in report.confused_pairs} == {
        ("a", "b"),
        ("b", "out_of_scope"),
        ("out_of_scope", "a"),
    }
