"""Start `assist serve` as users run it, on a free port, and wait for it to be ready."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(data_dir: Path, *, env: dict[str, str] | None = None) -> Iterator[tuple[str, float]]:
    """Yields the base URL and the seconds from launch until /healthz said 200."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "assist.cli", "serve", "--port", str(port)],
        env={**os.environ, "ASSIST_DATA_DIR": str(data_dir), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.25)
        yield url, time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
