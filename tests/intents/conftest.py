"""One small model trained once per session on a slice of BANKING77, and CSV helpers."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest

from assist.config import PROJECT_ROOT, Settings
from assist.intents.service import IntentClassifier, load_active, train_from_csv

INTENTS_DIR = PROJECT_ROOT / "knowledge" / "intents"
OUT_OF_DOMAIN_CSV = PROJECT_ROOT / "evals" / "intents" / "out_of_domain.csv"
# Twelve known intents; three more are held out as unseen requests.
KNOWN = [
    "card_arrival",
    "lost_or_stolen_card",
    "exchange_rate",
    "top_up_failed",
    "cash_withdrawal_charge",
    "passcode_forgotten",
    "transfer_not_received_by_recipient",
    "direct_debit_payment_not_recognised",
    "age_limit",
    "apple_pay_or_google_pay",
    "terminate_account",
    "change_pin",
]
UNSEEN = ["country_support", "get_physical_card", "refund_not_showing_up"]


def read_rows(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(row["text"], row["label"]) for row in csv.DictReader(f)]


def write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


@dataclass(frozen=True)
class Trained:
    settings: Settings
    model: IntentClassifier
    train_csv: Path
    test_rows: list[tuple[str, str]]  # known intents of BANKING77 test
    unseen_rows: list[tuple[str, str]]  # held-out intents of BANKING77 test


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    root = tmp_path_factory.mktemp("intents")
    settings = Settings(data_dir=root / "data")
    train_csv = write_csv(root / "train.csv", [row for row in read_rows(INTENTS_DIR / "train.csv") if row[1] in KNOWN])
    train_from_csv(settings=settings, csv_path=train_csv)
    model = load_active(settings=settings)
    assert model is not None
    test = read_rows(INTENTS_DIR / "test.csv")
    return Trained(
        settings=settings,
        model=model,
        train_csv=train_csv,
        test_rows=[row for row in test if row[1] in KNOWN],
        unseen_rows=[row for row in test if row[1] in UNSEEN],
    )


@pytest.fixture
def tiny_csv(tmp_path: Path) -> Path:
    """Three intents, a few rows each: trains in well under a second once embedded."""
    rows = [(text, label) for text, label in read_rows(INTENTS_DIR / "train.csv") if label in KNOWN[:3]]
    by_label: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        by_label.setdefault(row[1], []).append(row)
    return write_csv(tmp_path / "tiny.csv", [row for group in by_label.values() for row in group[:12]])
