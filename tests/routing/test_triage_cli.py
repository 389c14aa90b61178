from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LINES = [
    {
        "customer": {"email": "ana@example.com"},
        "channel": "email",
        "message": "My wallet was stolen with my card in it",
    },
    {"customer": {"email": "ben@example.com"}, "channel": "email", "message": "I'd like to speak to a person please"},
    {"customer": {"email": "cy@example.com"}, "channel": "carrier-pigeon", "message": "hello"},
]


@pytest.mark.slow
def test_backlog_is_routed_line_by_line_and_bad_lines_are_named(prepared_services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    backlog = tmp_path / "backlog.jsonl"
    backlog.write_text("\n".join(json.dumps(line) for line in LINES) + "\nnot json\n")
    out = tmp_path / "routes.jsonl"
    env = {**os.environ, "ASSIST_DATA_DIR": str(prepared_services.settings.data_dir), "ASSIST_LLM_BASE_URL": ""}
    result = subprocess.run(
        [sys.executable, "-m", "assist.cli", "triage", str(backlog), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr[-2000:]  # two lines were rejected
    assert "triage" in result.stderr and "routed 2, rejected 2 of 4 lines" in result.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4]
    stolen, person, bad_channel, not_json = records
    assert stolen["route"]["type"] == "specialist" and stolen["audit_id"]
    assert person["route"]["type"] in ("agent", "specialist") and "guard.asked_for_person" in person["route"]["rules"]
    assert bad_channel["error"][0]["loc"] == ["channel"]
    assert "not JSON" in not_json["error"][0]["msg"]
