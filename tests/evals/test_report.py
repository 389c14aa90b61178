"""The report from a run's results: what an owner reads, escaped, with charts inside the file."""

from __future__ import annotations

from datetime import UTC, datetime

from assist.evals.models import Failure, RunResult, SuiteResult
from assist.evals.report import render_report


def _result(details: dict[str, object]) -> RunResult:
    suite = SuiteResult(
        name="knowledge",
        description="Retrieval.",
        metrics={"recall_at_3": 0.93},
        thresholds={"recall_at_3": {"min": 0.95, "max": None, "goal": "higher", "tolerance": 0.01}},
        baseline={"recall_at_3": 0.96},
        passed=False,
        failures=[Failure(metric="recall_at_3", kind="threshold", message="recall_at_3 0.93 < min 0.95")],
        cases=3,
        seconds=1.0,
        details=details,
    )
    return RunResult(
        suites=[suite],
        passed=False,
        versions={"knowledge": "abc"},
        mode="full",
        baseline="main",
        started_at=datetime(2026, 11, 20, tzinfo=UTC),
        seconds=1.0,
    )


def test_misses_coverage_and_the_metric_against_threshold_and_baseline_are_shown() -> None:
    html = render_report(
        _result(
            {
                "misses": [{"query": "<script>alert(1)</script> card?", "expected": "card-arrival", "got": "x, y"}],
                "missed": 1,
                "coverage": {
                    "intents_without_article": ["get_refund"],
                    "articles_never_retrieved": [],
                    "near_duplicates": [["top-up-fees", "top-up-limits", 0.95]],
                    "past_effective_date": [],
                },
            }
        )
    )
    assert "<script>alert" not in html and "&lt;script&gt;" in html, "owners' text is escaped"
    assert "card-arrival" in html and "get_refund" in html and "top-up-fees ~ top-up-limits" in html
    assert "0.9300" in html and "0.9600" in html and "-0.0300" in html  # value, baseline, change
    assert "recall_at_3 0.93 &lt; min 0.95" in html
    assert 'src="data:image/png;base64,' in html and "http" not in html.split("<body>")[1], "readable offline"
