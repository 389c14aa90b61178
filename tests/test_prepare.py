"""`assist serve` on an empty data dir trains and ingests what is missing, and says so on /healthz."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assist.app import create_app
from assist.config import PROJECT_ROOT, Settings
from assist.demo import wait_until_ready
from tests.conftest import auth

PER_INTENT = 6


def small_training_csv(path: Path) -> Path:
    """A few rows per intent: enough to prove preparation, cheap enough for every test run."""
    rows: dict[str, list[str]] = defaultdict(list)
    with open(PROJECT_ROOT / "knowledge" / "intents" / "train.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if len(rows[row["label"]]) < PER_INTENT:
                rows[row["label"]].append(row["text"])
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label"])
        writer.writerows((text, label) for label, texts in rows.items() for text in texts)
    return path


def test_first_start_prepares_and_a_restart_reuses(settings: Settings, tmp_path: Path) -> None:
    settings = settings.model_copy(update={"intent_training_csv": small_training_csv(tmp_path / "small.csv")})
    with TestClient(create_app(settings)) as client:
        first = client.get("/healthz")
        assert first.status_code == 200 or first.json()["status"] == "starting"
        wait_until_ready(client, timeout_s=600)
        model_id = client.app.state.services.intents.model_id  # type: ignore[attr-defined]
        found = client.post("/v1/knowledge/search", json={"query": "my card has not arrived"}, headers=auth("agent"))
        assert found.status_code == 200 and found.json()["results"]
    with TestClient(create_app(settings)) as client:
        wait_until_ready(client, timeout_s=120)
        assert client.app.state.services.intents.model_id == model_id  # type: ignore[attr-defined]


def test_health_reports_a_failed_start(settings: Settings, tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_text("text\nno label column\n", encoding="utf-8")
    settings = settings.model_copy(update={"intent_training_csv": broken})
    with TestClient(create_app(settings)) as client:
        with pytest.raises(RuntimeError, match="failed"):
            wait_until_ready(client, timeout_s=300)
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["status"] == "failed"
