"""`assist intents train CSV` and `assist intents eval CSV`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assist.config import get_settings
from assist.errors import InputError, NotReady
from assist.intents.models import EvalReport
from assist.intents.service import evaluate_csv, train_from_csv

intents_app = typer.Typer(help="Train and evaluate the intent classifier.", no_args_is_help=True)

CsvArg = Annotated[Path, typer.Argument(help="CSV with columns text,label", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]


def _fail(exc: Exception) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(code=2)


@intents_app.command("train")
def train(csv: CsvArg, json: JsonOpt = False) -> None:
    """Train on CSV and make the new model the active one (the previous one stays on disk)."""
    try:
        report = train_from_csv(settings=get_settings(), csv_path=csv)
    except InputError as exc:
        raise _fail(exc) from exc
    if json:
        typer.echo(report.model_dump_json(indent=2))
        return
    typer.echo(
        f"model {report.model_id} is active ({report.examples} examples, {report.intents} intents, "
        f"{report.oos_examples} out of scope, {report.seconds:.1f} s)"
    )
    t = report.thresholds
    typer.echo(
        f"thresholds: out of scope < {t.out_of_scope:.3f}, low confidence < {t.low_confidence:.2f}, "
        f"temperature {t.temperature:.2f}"
    )
    if report.validation:
        typer.echo("validation split of the training data:")
        _print_report(report.validation, per_intent=False)


@intents_app.command("eval")
def evaluate(csv: CsvArg, json: JsonOpt = False) -> None:
    """Evaluate the active model on CSV."""
    try:
        report = evaluate_csv(settings=get_settings(), csv_path=csv)
    except (InputError, NotReady) as exc:
        raise _fail(exc) from exc
    if json:
        typer.echo(report.model_dump_json(indent=2))
        return
    _print_report(report, per_intent=True)


def _print_report(report: EvalReport, *, per_intent: bool) -> None:
    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{100 * value:.2f}%"

    typer.echo(f"  model              {report.model_id}")
    typer.echo(f"  examples           {report.examples}")
    typer.echo(f"  accuracy           {pct(report.accuracy)}")
    typer.echo(f"  in_scope_accuracy  {pct(report.in_scope_accuracy)}")
    typer.echo(f"  closed-set acc.    {pct(report.closed_set_accuracy)}  (best known intent, refusals ignored)")
    typer.echo(f"  oos_recall         {pct(report.oos_recall)}")
    typer.echo(f"  macro_f1           {report.macro_f1:.4f}")
    typer.echo(f"  ece                {report.ece:.4f}")
    typer.echo(f"  low confidence     {pct(report.low_confidence_rate)}")
    if per_intent:
        typer.echo("  per intent (precision / recall / support), weakest first:")
        for q in sorted(report.per_intent, key=lambda q: q.f1):
            typer.echo(f"    {q.label:<50} {q.precision:.3f} / {q.recall:.3f} / {q.support}")
    if report.confused_pairs:
        typer.echo("  most confused (expected -> predicted: count):")
        for pair in report.confused_pairs:
            typer.echo(f"    {pair.expected} -> {pair.predicted}: {pair.count}")
