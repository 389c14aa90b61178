"""`/v1/triage` throughput with several channel systems calling at once, through a real `assist serve`.

Usage: .venv/bin/python benchmarks/triage_throughput.py [--data-dir DIR] [--clients 1 4 8] [--requests 80]
Each client sends its requests one after another, each a new customer and a BANKING77 test wording. The
clients run on the same machine as the server, so they take some of its CPU.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from assist_latency import CHANNEL, ROOT, percentile, running_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=None, help="default: a new empty directory")
    parser.add_argument("--clients", type=int, nargs="*", default=[1, 4, 8])
    parser.add_argument("--requests", type=int, default=80, help="per client")
    args = parser.parse_args()
    with open(ROOT / "knowledge" / "intents" / "test.csv", newline="", encoding="utf-8") as f:
        messages = [row["text"] for row in csv.DictReader(f)]
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="assist-bench-"))
    with running_server(data_dir) as (url, _):
        for clients in args.clients:

            def client(n: int, clients: int = clients) -> list[float]:
                timings = []
                with httpx.Client(base_url=url, timeout=60) as http:
                    for i in range(args.requests):
                        body = {
                            "customer": {"email": f"load-{clients}-{n}-{i}@example.com"},
                            "channel": "chat",
                            "message": messages[(n * args.requests + i) % len(messages)],
                        }
                        started = time.perf_counter()
                        http.post("/v1/triage", json=body, headers=CHANNEL).raise_for_status()
                        timings.append((time.perf_counter() - started) * 1000)
                return timings

            started = time.perf_counter()
            with ThreadPoolExecutor(clients) as pool:
                timings = [ms for result in pool.map(client, range(clients)) for ms in result]
            seconds = time.perf_counter() - started
            print(
                f"{clients} clients: {len(timings) / seconds:.0f} triages/s, "
                f"p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms"
            )


if __name__ == "__main__":
    main()
