"""/v1/assist latency on the demo journey, warm, through a real `assist serve` over HTTP.

Usage: .venv/bin/python benchmarks/assist_latency.py [--requests 200] [--data-dir DIR]
Also reports the cold start: from launching the server on an empty data dir to its first answer.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from assist.demo import DEMO_CUSTOMER, PHONE_MESSAGE, journey
from benchmarks._server import running_server

AGENT = {"Authorization": "Bearer dev-agent"}
CHANNEL = {"Authorization": "Bearer dev-channel"}


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
        from datetime import UTC, datetime

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
