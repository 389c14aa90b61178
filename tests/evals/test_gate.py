from __future__ import annotations

import pytest
from pydantic import ValidationError

from assist.evals.models import MetricSpec, SuiteSpec
from assist.evals.runner import check_metrics


def _spec(**metrics: dict[str, object]) -> SuiteSpec:
    return SuiteSpec.model_validate({"name": "s", "description": "d", "adapter": "routing", "metrics": metrics})


def test_a_metric_outside_its_threshold_fails() -> None:
    spec = _spec(recall={"min": 0.9}, leaks={"max": 0})
    failures = check_metrics(spec, {"recall": 0.89, "leaks": 1.0}, None)
    assert [(f.metric, f.kind) for f in failures] == [("recall", "threshold"), ("leaks", "threshold")]
    assert check_metrics(spec, {"recall": 0.9, "leaks": 0.0}, None) == []


def test_a_regression_beyond_tolerance_fails_even_inside_the_threshold() -> None:
    spec = _spec(recall={"min": 0.5, "tolerance": 0.01}, ece={"max": 0.2, "tolerance": 0.01})
    baseline = {"recall": 0.95, "ece": 0.05}
    within = check_metrics(spec, {"recall": 0.941, "ece": 0.059}, baseline)
    assert within == []
    beyond = check_metrics(spec, {"recall": 0.93, "ece": 0.07}, baseline)
    assert [(f.metric, f.kind) for f in beyond] == [("recall", "regression"), ("ece", "regression")]
    assert "0.95" in beyond[0].message


def test_an_improvement_is_never_a_regression() -> None:
    spec = _spec(recall={"min": 0.5}, leaks={"max": 3})
    assert check_metrics(spec, {"recall": 0.99, "leaks": 0.0}, {"recall": 0.9, "leaks": 2.0}) == []


def test_a_metric_without_threshold_is_gated_by_the_baseline_in_its_declared_direction() -> None:
    spec = _spec(rate={"goal": "lower", "tolerance": 0.02})
    assert check_metrics(spec, {"rate": 0.11}, {"rate": 0.10}) == []
    assert [f.kind for f in check_metrics(spec, {"rate": 0.13}, {"rate": 0.10})] == ["regression"]


def test_a_declared_metric_that_was_not_measured_fails() -> None:
    failures = check_metrics(_spec(recall={"min": 0.9}), {}, None)
    assert [(f.metric, f.kind) for f in failures] == [("recall", "missing")]


@pytest.mark.parametrize("bad", [{"min": 0.1, "max": 0.9}, {"tolerance": 0.1}])
def test_a_metric_whose_direction_is_ambiguous_is_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValidationError, match="goal"):
        MetricSpec.model_validate(bad)
