from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from assist.audit import service
from assist.audit.tables import AuditRecordRow, ChainHeadRow
from assist.config import Settings
from assist.db import Database
from tests.audit.conftest import triage_input

WRITER = """
import sys
from assist.audit.service import write_record
from assist.db import Database
from tests.audit.conftest import triage_input
db = Database(sys.argv[1])
for i in range(int(sys.argv[2])):
    write_record(db, record=triage_input(request_id=f"{sys.argv[3]}-{i}"))
"""


def run_audit(*args: str, settings: Settings, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSIST_DATA_DIR": str(settings.data_dir), "ASSIST_DATABASE_URL": database_url or ""}
    return subprocess.run(
        [sys.executable, "-m", "assist.audit.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_verify_exit_status_and_json(settings: Settings, sqlite_db: Database) -> None:
    ids = [service.write_record(sqlite_db, record=triage_input()).audit_id for _ in range(3)]
    ok = run_audit("verify", "--json", settings=settings)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["records"] == 3
    with sqlite_db.session() as session:
        session.execute(update(AuditRecordRow).where(AuditRecordRow.seq == 2).values(content="{}"))
    broken = run_audit("verify", settings=settings)
    assert broken.returncode == 1 and ids[1] in broken.stdout


def test_head_then_truncation_fails_verify(settings: Settings, sqlite_db: Database, tmp_path: Path) -> None:
    first = service.write_record(sqlite_db, record=triage_input())
    for _ in range(2):
        service.write_record(sqlite_db, record=triage_input())
    head_file = tmp_path / "head.json"
    assert run_audit("head", "--out", str(head_file), settings=settings).returncode == 0
    assert run_audit("verify", "--head", str(head_file), settings=settings).returncode == 0
    # Rewind records and head row alike to the first record: only the exported head can tell.
    with sqlite_db.session() as session:
        session.execute(delete(AuditRecordRow).where(AuditRecordRow.seq > 1))
        session.execute(update(ChainHeadRow).values(seq=1, hash=first.hash))
    assert run_audit("verify", settings=settings).returncode == 0
    truncated = run_audit("verify", "--head", str(head_file), settings=settings)
    assert truncated.returncode == 1 and "cut off" in truncated.stdout


def test_export_writes_json_lines_with_feedback(settings: Settings, sqlite_db: Database, tmp_path: Path) -> None:
    ids = [service.write_record(sqlite_db, record=triage_input()).audit_id for _ in range(2)]
    out = tmp_path / "audit.jsonl"
    result = run_audit("export", "--out", str(out), settings=settings)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["audit_id"] for line in lines] == ids
    assert {"hash", "prev_hash", "feedback", "inputs", "outputs"} <= set(lines[0])


def test_purge_keeps_the_chain_verifiable(settings: Settings, sqlite_db: Database) -> None:
    for _ in range(4):
        service.write_record(sqlite_db, record=triage_input())
    with sqlite_db.session() as session:
        session.execute(
            update(AuditRecordRow)
            .where(AuditRecordRow.seq <= 2)
            .values(created_at=datetime.now(UTC) - timedelta(days=40))
        )
    result = run_audit("purge", "--older-than", "30", "--json", settings=settings)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"purged": 2, "checkpoint_seq": 2}
    verified = run_audit("verify", "--json", settings=settings)
    assert verified.returncode == 0 and json.loads(verified.stdout)["records"] == 2


@pytest.mark.postgres
@pytest.mark.slow
def test_two_processes_writing_to_postgres_keep_one_chain(postgres_url: str) -> None:
    database = Database(postgres_url)
    database.create_all()
    try:
        root = Path(__file__).resolve().parents[2]
        writers = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, postgres_url, "150", name], cwd=root, stderr=subprocess.PIPE, text=True
            )
            for name in ("a", "b")
        ]
        for writer in writers:
            _, err = writer.communicate(timeout=300)
            assert writer.returncode == 0, err[-2000:]
        result = service.verify(database, signing_key="k")
        assert (result.ok, result.records) == (True, 300)
        # Both processes really interleaved: their records alternate somewhere in the chain.
        owners = [r.request_id.split("-")[0] for r in service.export_records(database) if r.request_id]
        switches = sum(1 for a, b in itertools.pairwise(owners) if a != b)
        assert switches > 1
    finally:
        from assist.db import Base

        Base.metadata.drop_all(database.engine)
        database.dispose()
