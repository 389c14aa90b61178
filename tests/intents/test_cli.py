"""`assist intents train|eval CSV [--json]` as the contract states it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assist.config import Settings
from assist.intents import registry
from assist.intents.cli import intents_app
from tests.intents.conftest import OUT_OF_DOMAIN_CSV, read_rows, write_csv


@pytest.fixture
def run(settings: Settings):  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(intents_app, list(args), env={"ASSIST_DATA_DIR": str(settings.data_dir)})

    return invoke


def test_train_then_eval_as_json(run, settings: Settings, tiny_csv: Path) -> None:  # type: ignore[no-untyped-def]
    trained = run("train", str(tiny_csv), "--json")
    assert trained.exit_code == 0, trained.output
    model_id = json.loads(trained.stdout)["model_id"]
    assert registry.active_id(settings.models_dir) == model_id

    eval_csv = write_csv(tiny_csv.with_name("eval.csv"), read_rows(tiny_csv)[:5] + read_rows(OUT_OF_DOMAIN_CSV)[:5])
    evaluated = run("eval", str(eval_csv), "--json")
    assert evaluated.exit_code == 0, evaluated.output
    report = json.loads(evaluated.stdout)
    assert report["model_id"] == model_id
    assert {"accuracy", "in_scope_accuracy", "oos_recall", "macro_f1", "per_intent", "confused_pairs"} <= set(report)
    assert report["examples"] == 10


def test_human_readable_output(run, tiny_csv: Path) -> None:  # type: ignore[no-untyped-def]
    trained = run("train", str(tiny_csv))
    assert trained.exit_code == 0 and "is active" in trained.stdout
    evaluated = run("eval", str(tiny_csv))
    assert evaluated.exit_code == 0 and "in_scope_accuracy" in evaluated.stdout


def test_bad_csv_exits_non_zero_naming_the_line(run, settings: Settings, tiny_csv: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("train", str(tiny_csv)).exit_code == 0
    before = registry.active_id(settings.models_dir)
    bad = tiny_csv.with_name("bad.csv")
    bad.write_bytes(b"text,label\nwhere is my card,card_arrival\nhello,\n")

    result = run("train", str(bad))

    assert result.exit_code == 2
    assert "line 3" in result.stderr and "empty label" in result.stderr
    assert registry.active_id(settings.models_dir) == before


def test_eval_without_a_model_says_so(run, tiny_csv: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("eval", str(tiny_csv))
    assert result.exit_code == 2 and "no active intent model" in result.stderr
