"""/v1/assist and /v1/triage latency, warm, through a real `assist serve` over HTTP.

Usage: .venv/bin/python benchmarks/assist_latency.py [--requests 200] [--data-dir DIR]
Also reports the cold start: from launching the server on an empty data dir to its first answer.
"""

from __future__ import annotations

import argparse
import csv
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

ROOT = Path(__file__).resolve().parent.parent
AGENT = {"Authorization": "Bearer dev-agent"}
QA = {"Authorization": "Bearer dev-qa"}
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


def timed(
    client: httpx.Client, path: str, bodies: list[dict[str, object]], headers: dict[str, str]
) -> tuple[list[float], list[str]]:
    """Milliseconds per request, and the audit ids of the responses."""
    timings, audit_ids = [], []
    for body in bodies:
        started = time.perf_counter()
        response = client.post(path, json=body, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        audit_ids.append(response.json()["audit_id"])
    return timings, audit_ids


def stages(client: httpx.Client, audit_ids: list[str]) -> str:
    """p50 of each pipeline stage, from the `latency_ms` the audit records keep."""
    by_stage: dict[str, list[float]] = {}
    for audit_id in audit_ids:
        record = client.get(f"/v1/audit/records/{audit_id}", headers=QA).raise_for_status().json()
        for stage, ms in record["latency_ms"].items():
            by_stage.setdefault(stage, []).append(ms)
    return ", ".join(f"{stage} {statistics.median(ms):.1f}" for stage, ms in by_stage.items())


def report(label: str, timings: list[float]) -> str:
    return (
        f"{label}, {len(timings)} sequential requests: p50 {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--data-dir", type=Path, default=None, help="default: a new empty directory (cold start)")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="assist-bench-"))
    # Distinct customer wordings, so neither the embedder's memo nor any cache answers for the model.
    with open(ROOT / "knowledge" / "intents" / "test.csv", newline="", encoding="utf-8") as f:
        messages = [row["text"] for row in csv.DictReader(f)][: 2 * args.requests + 20]
    launched = time.perf_counter()
    with running_server(data_dir) as (url, ready_s), httpx.Client(base_url=url, timeout=30) as client:
        client.post("/v1/events", json={"events": journey(datetime.now(UTC))}, headers=CHANNEL).raise_for_status()
        demo = {"customer": {"phone": DEMO_CUSTOMER["phone"]}, "channel": "phone", "message": PHONE_MESSAGE}
        client.post("/v1/assist", json=demo, headers=AGENT).raise_for_status()
        first_answer_s = time.perf_counter() - launched
        timed(client, "/v1/assist", [{**demo, "message": m} for m in messages[:10]], AGENT)  # warm-up
        same, _ = timed(client, "/v1/assist", [demo] * args.requests, AGENT)
        fresh = messages[20 : 20 + args.requests]
        assist, assist_ids = timed(client, "/v1/assist", [{**demo, "message": m} for m in fresh], AGENT)
        triage_bodies = [
            {"customer": {"email": f"bench{i}@example.com"}, "channel": "chat", "message": m}
            for i, m in enumerate(messages[20 + args.requests :])
        ]
        triage, triage_ids = timed(client, "/v1/triage", triage_bodies, CHANNEL)
        assist_stages, triage_stages = stages(client, assist_ids), stages(client, triage_ids)
    print(f"data dir: {data_dir}")
    print(f"server ready after {ready_s:.1f} s; first /v1/assist answer {first_answer_s:.1f} s after launch")
    print(report("/v1/assist, demo journey, the demo's phone message repeated", same))
    print(report("/v1/assist, demo journey, a new customer wording each time", assist))
    print(f"  stages, p50 ms: {assist_stages}")
    print(report("/v1/triage, a new customer and wording each time", triage))
    print(f"  stages, p50 ms: {triage_stages}")


if __name__ == "__main__":
    main()
