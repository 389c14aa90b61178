"""`assist eval`: run the evaluation suites on this checkout, gate on thresholds and baseline, write the report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

import typer

from assist.config import PROJECT_ROOT
from assist.errors import InputError
from assist.evals.models import RunResult, bounds_text
from assist.evals.runner import DEFAULT_BASELINE, run, update_baseline

eval_app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False)


@eval_app.callback()
def _group() -> None:
    """Evaluation suites of the checkout's knowledge, prompts and routing policy."""


_BASELINE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@eval_app.command("run")
def run_command(
    suites: Annotated[list[str] | None, typer.Argument(help="Suites to run (default: all declared).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    report: Annotated[Path | None, typer.Option(help="Write the HTML report to this file.")] = None,
    baseline: Annotated[str, typer.Option(help="Baseline in evals/baselines/ to compare with.")] = DEFAULT_BASELINE,
    update: Annotated[
        bool, typer.Option("--update-baseline", help="Record this run's metrics as the baseline.")
    ] = False,
    fast: Annotated[bool, typer.Option("--fast", help="The CI subset: a few hundred cases per suite.")] = False,
    root: Annotated[Path, typer.Option(help="The checkout to evaluate.", hidden=True)] = PROJECT_ROOT,
) -> None:
    """Run the suites; exit 1 when a threshold fails or a metric regressed beyond its tolerance."""
    if not _BASELINE_NAME.match(baseline):
        raise typer.BadParameter("letters, digits, '.', '_' and '-' only", param_hint="--baseline")
    try:
        result = run(suites=suites or None, root=root, mode="fast" if fast else "full", baseline_name=baseline)
    except InputError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if report is not None:
        from assist.evals.report import write_report

        write_report(result, report)
    # Recording a baseline accepts its regressions on purpose; a threshold failure is never accepted.
    absolute = [f for s in result.suites for f in s.failures if f.kind != "regression"]
    if update and not absolute:
        typer.echo(f"baseline recorded: {update_baseline(result, root=root)}", err=True)
    elif update:
        typer.echo("baseline not recorded: a threshold fails or a suite could not run", err=True)
    typer.echo(json.dumps(result.summary(), indent=2) if as_json else _text(result, report))
    if absolute or (not result.passed and not update):
        raise typer.Exit(1)


def _text(result: RunResult, report: Path | None) -> str:
    lines = []
    for suite in result.suites:
        lines.append(f"{'PASS' if suite.passed else 'FAIL'}  {suite.name}  ({suite.cases} cases, {suite.seconds:.1f}s)")
        for name, value in suite.metrics.items():
            before = (suite.baseline or {}).get(name)
            bound = bounds_text(suite.thresholds[name]) if name in suite.thresholds else "not gated"
            lines.append(
                f"      {name:<28} {value:>9.4f}   {bound:<14}"
                + (f" baseline {before:.4f}" if before is not None else "")
            )
        lines += [f"      ! {failure.message}" for failure in suite.failures]
    lines.append(f"{'PASSED' if result.passed else 'FAILED'} ({result.mode} run, {result.seconds:.0f}s)")
    if report is not None:
        lines.append(f"report: {report}")
    return "\n".join(lines)


if __name__ == "__main__":
    eval_app()
