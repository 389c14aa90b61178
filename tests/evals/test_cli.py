"""`assist eval run` on a throwaway checkout: the gate's exit status, --json, baselines and the report."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from assist.evals.cli import eval_app
from tests.evals.conftest import break_one_journey, declare_routing

runner = CliRunner()


def _run(root: Path, *args: str) -> tuple[int, str]:
    """Exit code and stdout (stderr carries progress and notices)."""
    result = runner.invoke(eval_app, ["run", *args, "--root", str(root)])
    return result.exit_code, result.stdout


def test_a_passing_run_exits_0_and_prints_the_contract_json(checkout: Path) -> None:
    code, out = _run(checkout, "routing", "--json")
    assert code == 0, out
    body = json.loads(out)
    assert body["passed"] is True
    assert body["versions"]["routing_policy"]
    (suite,) = body["suites"]
    assert {"name", "metrics", "thresholds", "passed", "failures"} <= set(suite)
    assert suite["metrics"]["pass_rate"] == 1.0
    assert suite["thresholds"]["pass_rate"]["min"] == 1.0


def test_a_threshold_breach_exits_1_and_the_report_names_the_failed_journey(checkout: Path, tmp_path: Path) -> None:
    journey = break_one_journey(checkout)
    report = tmp_path / "report.html"
    code, out = _run(checkout, "--json", "--report", str(report))
    assert code == 1
    (suite,) = json.loads(out)["suites"]
    assert suite["passed"] is False
    assert [f["kind"] for f in suite["failures"]] == ["threshold"]
    html = report.read_text()
    assert journey in html and "route self_service, expected specialist" in html
    assert re.search(r'src="data:image/png;base64,[A-Za-z0-9+/]{200,}', html), "charts are embedded, not linked"


def test_a_regression_against_the_baseline_exits_1_until_a_new_baseline_is_recorded(checkout: Path) -> None:
    code, _ = _run(checkout, "--update-baseline")
    assert code == 0
    stored = json.loads((checkout / "evals" / "baselines" / "main.json").read_text())
    assert stored["modes"]["full"]["routing"]["pass_rate"] == 1.0

    # One journey now fails: inside the looser threshold, but worse than the baseline.
    declare_routing(checkout, min_pass_rate=0.5)
    break_one_journey(checkout)
    code, out = _run(checkout, "--json")
    assert code == 1
    (suite,) = json.loads(out)["suites"]
    assert [f["kind"] for f in suite["failures"]] == ["regression"]
    assert suite["baseline"]["pass_rate"] == 1.0

    # Another baseline name, never recorded, has nothing to regress from.
    assert _run(checkout, "--baseline", "release-1")[0] == 0
    # Accepting the new level records it; the next run compares with it and passes.
    assert _run(checkout, "--update-baseline")[0] == 0
    assert _run(checkout)[0] == 0


def test_a_baseline_is_not_recorded_while_a_threshold_fails(checkout: Path) -> None:
    break_one_journey(checkout)
    result = runner.invoke(eval_app, ["run", "--update-baseline", "--root", str(checkout)])
    assert result.exit_code == 1
    assert "baseline not recorded" in result.stderr
    assert not (checkout / "evals" / "baselines" / "main.json").exists()


def test_fast_and_full_runs_keep_separate_baselines(checkout: Path) -> None:
    assert _run(checkout, "--fast", "--update-baseline")[0] == 0
    stored = json.loads((checkout / "evals" / "baselines" / "main.json").read_text())
    assert set(stored["modes"]) == {"fast"}


def test_an_unknown_suite_or_a_bad_declaration_is_named(checkout: Path) -> None:
    result = runner.invoke(eval_app, ["run", "nosuch", "--root", str(checkout)])
    assert result.exit_code == 2 and "unknown suite nosuch" in result.stderr
    (checkout / "evals" / "suites" / "broken.yaml").write_text(
        "name: broken\ndescription: d\nadapter: routing\nmetrics:\n  recall: {min: high}\n"
    )
    result = runner.invoke(eval_app, ["run", "--root", str(checkout)])
    assert result.exit_code == 2 and "broken.yaml" in result.stderr and "recall" in result.stderr


def test_a_suite_that_cannot_run_fails_the_gate_with_the_reason(checkout: Path) -> None:
    (checkout / "evals" / "routing" / "journeys.yaml").unlink()
    code, out = _run(checkout, "--json")
    assert code == 1
    (suite,) = json.loads(out)["suites"]
    assert suite["failures"][0]["kind"] == "error" and "journeys.yaml" in suite["failures"][0]["message"]
