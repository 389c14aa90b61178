"""/v1/assist latency on the demo journey, warm, through a real `assist serve` over HTTP.

Usage: .venv/bin/python benchmarks/assist_latency.py [--requests 200] [--data-dir DIR]
Also reports the cold start: from launching the server on an empty data dir to its first answer.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx

from assist.demo import DEMO_CUSTOMER, PHONE_MESSAGE, journey

AGENT = {"Authorization": "Bearer dev-agent"}
CHANNEL = {"Authorization": "Bearer dev-channel"}


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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--data-dir", type=Path, default=None, help="default: a new empty directory (cold start)")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="assist-bench-"))
    launched = time.perf_counter()
    with running_server(data_dir) as (url, ready_s), httpx.Client(base_url=url, timeout=30) as client:
        client.post("/v1/events", json={"events": journey(datetime.now(UTC))}, headers=CHANNEL).raise_for_status()
        body = {"customer": {"phone": DEMO_CUSTOMER["phone"]}, "channel": "phone", "message": PHONE_MESSAGE}
        client.post("/v1/assist", json=body, headers=AGENT).raise_for_status()
        first_answer_s = time.perf_counter() - launched
        for _ in range(10):  # warm-up
            client.post("/v1/assist", json=body, headers=AGENT).raise_for_status()
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.post("/v1/assist", json=body, headers=AGENT).raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    print(f"data dir: {data_dir}")
    print(f"server ready after {ready_s:.1f} s; first /v1/assist answer {first_answer_s:.1f} s after launch")
    print(
        f"/v1/assist warm, demo journey, {args.requests} sequential requests: "
        f"p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
        f"max {max(timings):.1f} ms"
    )


if __name__ == "__main__":
    main()
