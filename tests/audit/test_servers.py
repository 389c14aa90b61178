"""Two `assist serve` processes writing to one PostgreSQL keep one valid audit chain."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from assist.audit import service
from assist.db import Base, Database
from tests.conftest import TEST_KEYS, auth

REQUESTS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(data_dir: Path, database_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "ASSIST_DATA_DIR": str(data_dir),
        "ASSIST_DATABASE_URL": database_url,
        "ASSIST_API_KEYS": ",".join(f"{key}:{role}" for role, key in TEST_KEYS.items()),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "assist.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    process.kill()
    pytest.fail(f"assist serve on {data_dir} did not become ready")


@pytest.mark.postgres
def test_two_servers_on_postgres_keep_one_chain(prepared_services, postgres_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    servers = []
    try:
        # Each server has its own copy of the prepared model and knowledge base; they share only PostgreSQL.
        # They start one after the other so only one of them creates the tables.
        for name in ("a", "b"):
            data_dir = tmp_path / name
            shutil.copytree(prepared_services.settings.data_dir, data_dir, ignore=shutil.ignore_patterns("assist.db*"))
            servers.append(serve(data_dir, postgres_url))
        urls = [url for _, url in servers]

        def triage(i: int) -> str:
            body = {"customer": {"email": f"c{i}@example.com"}, "channel": "chat", "message": "where is my card?"}
            response = httpx.post(f"{urls[i % 2]}/v1/triage", json=body, headers=auth("channel"), timeout=60)
            assert response.status_code == 200, response.text
            return str(response.json()["audit_id"])

        with ThreadPoolExecutor(max_workers=12) as pool:
            audit_ids = list(pool.map(triage, range(REQUESTS)))

        database = Database(postgres_url)
        try:
            result = service.verify(database, signing_key="unused")
            assert result.ok, result
            stored = {record.audit_id for record in service.export_records(database)}
            assert set(audit_ids) <= stored and len(set(audit_ids)) == REQUESTS
        finally:
            Base.metadata.drop_all(database.engine)
            database.dispose()
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=30)
