"""Runs the declared suites against the workspace and gates them on thresholds and on the stored baseline."""

from __future__ import annotations

import importlib
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import yaml
from pydantic import ValidationError

from assist.config import PROJECT_ROOT
from assist.errors import InputError
from assist.evals.models import Baseline, Failure, MetricSpec, Mode, Outcome, RunResult, SuiteResult, SuiteSpec
from assist.evals.workspace import Workspace

logger = logging.getLogger("assist.evals")

SUITES_DIR = "evals/suites"
BASELINES_DIR = "evals/baselines"
DEFAULT_BASELINE = "main"


class Adapter(Protocol):
    def __call__(self, ws: Workspace, spec: SuiteSpec, *, options: dict[str, object], progress: bool) -> Outcome: ...


def load_specs(root: Path = PROJECT_ROOT) -> dict[str, SuiteSpec]:
    """Every declaration in evals/suites/, by name; a bad file is an InputError naming the file and field."""
    specs: dict[str, SuiteSpec] = {}
    for path in sorted((root / SUITES_DIR).glob("*.yaml")):
        try:
            spec = SuiteSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except ValidationError as exc:
            err = exc.errors()[0]
            raise InputError((path.name, *err["loc"]), err["msg"]) from exc
        except yaml.YAMLError as exc:
            raise InputError((path.name,), f"not valid YAML: {exc}") from exc
        if spec.name in specs:
            raise InputError((path.name, "name"), f"suite {spec.name!r} is declared twice")
        specs[spec.name] = spec
    return specs


def adapter_for(spec: SuiteSpec) -> Adapter:
    module = importlib.import_module(f"assist.evals.suites.{spec.adapter}")
    run: Adapter = module.run
    return run


def baseline_path(root: Path, name: str) -> Path:
    return root / BASELINES_DIR / f"{name}.json"


def load_baseline(root: Path, name: str) -> Baseline | None:
    path = baseline_path(root, name)
    return Baseline.model_validate_json(path.read_text(encoding="utf-8")) if path.exists() else None


def check_metrics(spec: SuiteSpec, metrics: dict[str, float], baseline: dict[str, float] | None) -> list[Failure]:
    """The gate for one suite: each declared metric must be present, inside its threshold, and no worse than
    the baseline by more than its tolerance."""
    failures: list[Failure] = []
    for name, rule in spec.metrics.items():
        value = metrics.get(name)
        if value is None:
            failures.append(Failure(metric=name, kind="missing", message=f"{name} was not measured"))
            continue
        if rule.min is not None and value < rule.min:
            failures.append(Failure(metric=name, kind="threshold", message=f"{name} {value:.4g} < min {rule.min:g}"))
        if rule.max is not None and value > rule.max:
            failures.append(Failure(metric=name, kind="threshold", message=f"{name} {value:.4g} > max {rule.max:g}"))
        before = (baseline or {}).get(name)
        if before is not None and _worse_by(rule, before=before, now=value) > rule.tolerance + 1e-9:
            failures.append(
                Failure(
                    metric=name,
                    kind="regression",
                    message=f"{name} {value:.4g} regressed from baseline {before:.4g} (tolerance {rule.tolerance:g})",
                )
            )
    return failures


def _worse_by(rule: MetricSpec, *, before: float, now: float) -> float:
    return before - now if rule.higher_is_better else now - before


def _thresholds(spec: SuiteSpec) -> dict[str, dict[str, float | str | None]]:
    return {
        name: {
            "min": r.min,
            "max": r.max,
            "goal": "higher" if r.higher_is_better else "lower",
            "tolerance": r.tolerance,
        }
        for name, r in spec.metrics.items()
    }


def run_suite(
    ws: Workspace, spec: SuiteSpec, *, mode: Mode, baseline: dict[str, float] | None, progress: bool
) -> tuple[SuiteResult, dict[str, str]]:
    started = time.perf_counter()
    try:
        outcome = adapter_for(spec)(ws, spec, options=spec.options_for(mode), progress=progress)
    except Exception as exc:  # a suite that cannot run fails the gate, with the reason, and the others still run
        logger.exception("suite %s could not run", spec.name)
        outcome = Outcome(metrics={}, cases=0, details={"error": f"{exc.__class__.__name__}: {exc}"})
        failures = [Failure(metric="*", kind="error", message=f"suite could not run: {exc.__class__.__name__}: {exc}")]
    else:
        failures = check_metrics(spec, _rounded(outcome.metrics), baseline)
    result = SuiteResult(
        name=spec.name,
        description=spec.description,
        metrics=_rounded(outcome.metrics),
        thresholds=_thresholds(spec),
        baseline=baseline,
        passed=not failures,
        failures=failures,
        cases=outcome.cases,
        seconds=round(time.perf_counter() - started, 2),
        details=outcome.details,
    )
    return result, outcome.versions


def _rounded(metrics: dict[str, float]) -> dict[str, float]:
    """As stored in a baseline, so that a rerun of the same code compares equal to it."""
    return {name: round(float(value), 6) for name, value in metrics.items()}


def run(
    *,
    suites: list[str] | None = None,
    root: Path = PROJECT_ROOT,
    mode: Mode = "full",
    baseline_name: str = DEFAULT_BASELINE,
    progress: bool = True,
    cache_dir: Path | None = None,
) -> RunResult:
    """Runs the named suites (all when none are named) and compares them with baseline `baseline_name`."""
    specs = load_specs(root)
    unknown = sorted(set(suites or []) - set(specs))
    if unknown:
        raise InputError(("suite",), f"unknown suite {', '.join(unknown)}; declared: {', '.join(sorted(specs))}")
    chosen = [specs[name] for name in suites] if suites else list(specs.values())
    stored = load_baseline(root, baseline_name)
    recorded = stored.modes.get(mode, {}) if stored else {}
    started_at, started = datetime.now(UTC), time.perf_counter()
    results, versions = [], {}
    with Workspace(root=root, cache_dir=cache_dir) as ws:
        for spec in chosen:
            result, suite_versions = run_suite(ws, spec, mode=mode, baseline=recorded.get(spec.name), progress=progress)
            results.append(result)
            versions.update(suite_versions)
        versions = {**ws.versions(), **versions}
    return RunResult(
        suites=results,
        passed=all(r.passed for r in results),
        versions=versions,
        mode=mode,
        baseline=baseline_name,
        started_at=started_at,
        seconds=round(time.perf_counter() - started, 2),
    )


def update_baseline(result: RunResult, *, root: Path = PROJECT_ROOT) -> Path:
    """Records this run's metrics as the baseline for its mode; suites not run keep their recorded values."""
    baseline = load_baseline(root, result.baseline) or Baseline(name=result.baseline)
    metrics = dict(baseline.modes.get(result.mode, {}))
    metrics.update({s.name: s.metrics for s in result.suites if s.metrics})
    baseline.modes[result.mode] = metrics
    baseline.versions[result.mode] = {**baseline.versions.get(result.mode, {}), **result.versions}
    baseline.recorded_at[result.mode] = result.started_at
    path = baseline_path(root, result.baseline)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(baseline.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path
