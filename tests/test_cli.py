from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_assist(*args: str, data_dir: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSIST_DATA_DIR": str(data_dir), "ASSIST_LLM_BASE_URL": "", "ASSIST_LLM_MODEL": ""}
    return subprocess.run(
        [sys.executable, "-m", "assist.cli", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def test_demo_prints_the_handoff_card_answers_and_actions(prepared_services) -> None:  # type: ignore[no-untyped-def]
    result = run_assist("demo", data_dir=prepared_services.settings.data_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    for section in ("HANDOFF CARD", "DO NOT ASK AGAIN", "APPROVED ANSWERS", "NEXT ACTIONS", "audit record: "):
        assert section in out, out
    # The card carries what the customer said in the app and chat, not only the phone message.
    assert "88231" in out and "CS-20931" in out
    assert "app" in out and "chat" in out
    # Running it again stores nothing twice.
    again = run_assist("demo", data_dir=prepared_services.settings.data_dir)
    assert "0 new, 6 already stored" in again.stdout
