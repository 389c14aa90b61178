"""Audit under load, against a real `assist serve`: every response has its record, and `kill -9` loses none.

1. 200 concurrent POST /v1/triage: each response's audit_id must be readable at /v1/audit/records/{id}.
2. 64 workers keep posting; the server is killed with SIGKILL mid-stream, then restarted on the same data:
   every audit_id that reached a client must be stored, and the chain must still verify.

    python benchmarks/audit_load.py [--data-dir DIR] [--database-url URL] [--json]

The data dir is kept between runs (default: assist-audit-bench in the temporary directory) so the intent model
and knowledge base are prepared once.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"agent": "bench-agent", "qa": "bench-qa", "channel": "bench-channel"}
MESSAGES = [
    "I did not make this card payment, someone used my card",
    "How do I reset my app passcode?",
    "My transfer has not arrived yet",
    "I want to speak to a person about my refund",
]


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "assist.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 900  # a fresh data dir trains the intent model first
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited with {server.returncode}; see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("server did not become ready")


def triage(client: httpx.Client, i: int) -> tuple[str, float]:
    started = time.perf_counter()
    response = client.post(
        "/v1/triage",
        headers={"Authorization": f"Bearer {KEYS['agent']}"},
        json={
            "customer": {"email": f"bench{i % 50}@example.com"},
            "channel": "chat",
            "message": MESSAGES[i % len(MESSAGES)],
        },
    )
    response.raise_for_status()
    return str(response.json()["audit_id"]), (time.perf_counter() - started) * 1000


def missing(client: httpx.Client, audit_ids: list[str]) -> list[str]:
    qa = {"Authorization": f"Bearer {KEYS['qa']}"}
    return [a for a in audit_ids if client.get(f"/v1/audit/records/{a}", headers=qa).status_code != 200]


def chain(client: httpx.Client) -> dict[str, object]:
    return dict(client.get("/v1/audit/verify", headers={"Authorization": f"Bearer {KEYS['qa']}"}, timeout=120).json())


def burst(base: str, n: int) -> dict[str, object]:
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    with httpx.Client(base_url=base, timeout=120, limits=limits) as client:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=n) as pool:
            results = list(pool.map(lambda i: triage(client, i), range(n)))
        wall = time.perf_counter() - started
        ids = [audit_id for audit_id, _ in results]
        latencies = sorted(ms for _, ms in results)
        return {
            "requests": n,
            "wall_s": round(wall, 2),
            "p50_ms": round(statistics.median(latencies)),
            "p95_ms": round(latencies[int(0.95 * n) - 1]),
            "missing_records": len(missing(client, ids)),
            "distinct_ids": len(set(ids)),
            "chain": chain(client),
        }


def kill_under_load(base: str, server: subprocess.Popen[bytes], workers: int, after_s: float) -> list[str]:
    """Audit ids of every response that reached a client before the server died."""
    answered: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def worker(w: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            i = w
            while not stop.is_set():
                try:
                    audit_id, _ = triage(client, i)
                except (httpx.HTTPError, OSError):
                    return  # the server is gone: this request's response was never sent
                with lock:
                    answered.append(audit_id)
                i += workers

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    time.sleep(after_s)
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    stop.set()
    for thread in threads:
        thread.join()
    return answered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "assist-audit-bench")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--kill-after", type=float, default=8.0, help="seconds of load before SIGKILL")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "ASSIST_DATA_DIR": str(args.data_dir),
        "ASSIST_DATABASE_URL": args.database_url,
        "ASSIST_API_KEYS": ",".join(f"{key}:{role}" for role, key in KEYS.items()),
        "ASSIST_LLM_BASE_URL": "",
        "ASSIST_LOG_LEVEL": "WARNING",
        "HF_HUB_OFFLINE": "1",
    }
    args.data_dir.mkdir(parents=True, exist_ok=True)
    log = args.data_dir / "bench-server.log"
    base = f"http://127.0.0.1:{port}"
    server = start_server(env, port, log)
    report: dict[str, object] = {}
    try:
        report["burst"] = burst(base, args.concurrency)
        answered = kill_under_load(base, server, workers=64, after_s=args.kill_after)
        server = start_server(env, port, log)
        with httpx.Client(base_url=base, timeout=60) as client:
            report["kill_9"] = {
                "responses_before_kill": len(answered),
                "lost_records": len(missing(client, answered)),
                "chain": chain(client),
            }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(json.dumps(report, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
