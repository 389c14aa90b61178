"""Identity under concurrency, over HTTP against real `assist serve` processes sharing one store.

Usage: .venv/bin/python benchmarks/identity_concurrency.py [--db sqlite postgres] [--servers 2] [--rounds 5]
       [--customers 4] [--writers 20] [--client-processes 2] [--requests 300] [--clients 8]
       [--baseline-code DIR] [--repeat 3] [--template DIR]

Race rounds: each round creates `--customers` new customers; for each, `--writers` writers (threads in
`--client-processes` processes, spread over the servers) are released at one instant and post
  first: the first event of the same new customer (same email), or
  link:  a verified pair of the same three identifiers (email, phone, account id), every pair in every order.
After each round the store is read directly (assist/timeline/integrity.py): events without an identifier
that leads to them, customers per identifier, events lost. `--baseline-code DIR` runs the same rounds (first
only: older versions have no `verified`) and the throughput runs on the code checked out in DIR, alternating.

Throughput: `--clients` threads post one event per request (half system status events, half customer
messages, which are intent-classified at ingest) for customers that repeat, to one server. Then the store
alone: the same threads call `ingest_events` in one process (status events only: no HTTP, no classifier),
each version in its own process with its own code on the path.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from assist_latency import CHANNEL, percentile, running_server
from sqlalchemy import create_engine, text

from assist.db import Database

POSTGRES = os.environ.get("ASSIST_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def prepare_template(path: Path) -> Path:
    """A data dir with the trained intent model and the ingested knowledge base, copied for every server."""
    if not (path / "models").exists():
        with running_server(path):  # trains and ingests on an empty data dir, in its own process
            pass
    return path


@contextmanager
def store(kind: str, work: Path) -> Iterator[str]:
    """A new empty store: an SQLite file, or a private PostgreSQL schema."""
    if kind == "sqlite":
        yield f"sqlite:///{work / f'shared-{uuid.uuid4().hex[:6]}.db'}"
        return
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(POSTGRES)
    with engine.begin() as conn:
        conn.execute(text(f'create schema "{schema}"'))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'drop schema "{schema}" cascade'))
        engine.dispose()


@contextmanager
def servers(n: int, *, url: str, template: Path, work: Path, code: Path | None) -> Iterator[list[str]]:
    env = {"ASSIST_DATABASE_URL": url, **({"PYTHONPATH": str(code)} if code else {})}
    with ExitStack() as stack:
        urls = []
        for _ in range(n):
            data_dir = work / f"server-{uuid.uuid4().hex[:6]}"
            shutil.copytree(template, data_dir, ignore=shutil.ignore_patterns("*.db", "*.db-*"))
            base, _ = stack.enter_context(running_server(data_dir, env=env))
            urls.append(base)
        yield urls


def event(customer: dict[str, Any], i: int, *, status: bool = False) -> dict[str, Any]:
    return {
        "source_id": f"{uuid.uuid4().hex}",
        "customer": customer,
        "channel": "app" if status else "chat",
        "actor": "system" if status else "customer",
        "kind": "status" if status else "message",
        "occurred_at": datetime.now(UTC).isoformat(),
        "text": "Card delivery status checked" if status else f"Where is my new card? It has been {i % 9 + 2} days",
    }


def writer(job: tuple[str, list[tuple[str, dict[str, Any]]], float]) -> list[tuple[str, str, int]]:
    """One client process: its writers as threads, released together at `start`."""
    url, writes, start = job

    def post(item: tuple[str, dict[str, Any]]) -> tuple[str, str, int]:
        key, customer = item
        with httpx.Client(base_url=url, timeout=120) as http:
            time.sleep(max(0.0, start - time.time()))
            response = http.post("/v1/events", json={"events": [event(customer, 0, status=True)]}, headers=CHANNEL)
            customer_id = response.json()["customer_ids"][0] if response.status_code == 200 else ""
            return key, customer_id, response.status_code

    with ThreadPoolExecutor(len(writes)) as pool:
        return list(pool.map(post, writes))


def scenario(name: str, round_: int, customers: int, writers: int) -> list[tuple[str, dict[str, Any]]]:
    writes = []
    for c in range(customers):
        key = f"r{round_}c{c}-{uuid.uuid4().hex[:6]}"
        number = f"+447700900{(round_ * customers + c) % 1000:03d}"  # Ofcom's range for drama, one per customer
        ids = {"email": f"{key}@example.com", "phone": number, "account_id": f"ACC-{key}"}
        for w in range(writers):
            if name == "first":
                writes.append((key, {"email": ids["email"]}))
            else:
                kinds = sorted(ids)[w % 3], sorted(ids)[(w + 1) % 3]
                writes.append((key, {**{k: ids[k] for k in kinds}, "verified": list(kinds)}))
    return writes


def race(name: str, *, urls: list[str], db: Database, args: argparse.Namespace, pool: ProcessPoolExecutor) -> None:
    from assist.timeline.integrity import check  # here: a worker for an older version has no such module

    split = orphans = lost = 0
    for round_ in range(args.rounds):
        writes = scenario(name, round_, args.customers, args.writers)
        before = check(db).events
        start = time.time() + 2.0
        jobs = [(urls[p % len(urls)], writes[p :: args.client_processes], start) for p in range(args.client_processes)]
        results = [r for batch in pool.map(writer, jobs) for r in batch]
        report = check(db)
        ok = sum(1 for _, _, status in results if status == 200)
        lost += ok - (report.events - before)
        orphans += len(report.problems)
        roots: dict[str, set[str]] = {}
        for key, customer in writes:
            for pair in customer.items():
                if pair[0] != "verified":
                    roots.setdefault(key, set()).add(report.root_of.get(pair, "?"))
        split += sum(1 for found in roots.values() if len(found) > 1 or "?" in found)
        failed = len(results) - ok
        print(
            f"  {name} round {round_ + 1}: {len(results)} writes ({failed} failed), customers split "
            f"{sum(1 for f in roots.values() if len(f) > 1 or '?' in f)}/{len(roots)}, "
            f"problems {len(report.problems)}, lost {ok - (report.events - before)}"
        )
    print(
        f"{name}: {args.rounds} rounds: customers split {split}, "
        f"events without a leading identifier {orphans}, lost {lost}"
    )


def throughput(url: str, *, clients: int, requests: int) -> tuple[float, list[float]]:
    def client(n: int) -> list[float]:
        timings = []
        with httpx.Client(base_url=url, timeout=60) as http:
            for i in range(requests):
                body = {"events": [event({"email": f"tp-{n}-{i % 25}@example.com"}, i, status=i % 2 == 0)]}
                started = time.perf_counter()
                http.post("/v1/events", json=body, headers=CHANNEL).raise_for_status()
                timings.append((time.perf_counter() - started) * 1000)
        return timings

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        timings = [ms for result in pool.map(client, range(clients)) for ms in result]
    return len(timings) / (time.perf_counter() - started), timings


def ingest_worker(url: str, clients: int, requests: int) -> None:
    """Runs in a child process whose PYTHONPATH picks the version; prints events/s as JSON."""
    from assist.db import Database
    from assist.timeline.models import EventIn
    from assist.timeline.service import ingest_events

    db = Database(url)
    db.create_all()

    def client(n: int) -> None:
        for i in range(requests):
            body = event({"email": f"st-{n}-{i % 25}@example.com"}, i, status=True)
            ingest_events(db, events=[EventIn.model_validate(body)], region="GB")

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    print(json.dumps({"rate": clients * requests / (time.perf_counter() - started)}))


def store_throughput(url: str, *, code: Path | None, clients: int, requests: int) -> float:
    env = {**os.environ, **({"PYTHONPATH": str(code)} if code else {})}
    command = [sys.executable, __file__, "--ingest-worker", url, str(clients), str(requests)]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    return float(json.loads(out.strip().splitlines()[-1])["rate"])


def summary(label: str, rates: list[float], timings: list[float] | None = None) -> str:
    line = f"{label}: median of {len(rates)} runs {statistics.median(rates):.0f} events/s ("
    line += ", ".join(f"{r:.0f}" for r in rates) + ")"
    if timings:
        line += f", p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms"
    return line


def main() -> None:
    if sys.argv[1:2] == ["--ingest-worker"]:
        ingest_worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", nargs="*", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--customers", type=int, default=4)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=300, help="per throughput client")
    parser.add_argument("--repeat", type=int, default=3, help="throughput runs per version")
    parser.add_argument("--baseline-code", type=Path, default=None, help="a checkout of the version to compare")
    parser.add_argument("--template", type=Path, default=None, help="a prepared data dir to copy (made if empty)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["race", "throughput"])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="assist-identity-"))
    template = prepare_template(args.template or work / "template")
    versions = [("this version", None), *([("baseline", args.baseline_code)] if args.baseline_code else [])]
    print(f"load average at start: {os.getloadavg()}")
    with ProcessPoolExecutor(args.client_processes) as pool:
        for kind in args.db:
            for label, code in versions if "race" not in args.skip else []:
                with (
                    store(kind, work) as url,
                    servers(args.servers, url=url, template=template, work=work, code=code) as urls,
                ):
                    db = Database(url)
                    print(f"{kind}, {label}: {args.servers} servers, {args.client_processes} client processes")
                    for name in ("first", "link") if code is None else ("first",):
                        race(name, urls=urls, db=db, args=args, pool=pool)
                    db.dispose()
            http: dict[str, list[float]] = {label: [] for label, _ in versions}
            direct: dict[str, list[float]] = {label: [] for label, _ in versions}
            lat: dict[str, list[float]] = {label: [] for label, _ in versions}
            for _ in range(args.repeat if "throughput" not in args.skip else 0):
                for label, code in versions:
                    with store(kind, work) as url, servers(1, url=url, template=template, work=work, code=code) as urls:
                        rate, timings = throughput(urls[0], clients=args.clients, requests=args.requests)
                    http[label].append(rate)
                    lat[label] += timings
                    with store(kind, work) as url:
                        direct[label].append(
                            store_throughput(url, code=code, clients=args.clients, requests=args.requests)
                        )
                    print(f"  {kind}, {label}: HTTP {rate:.0f} events/s, store alone {direct[label][-1]:.0f} events/s")
            for label in http if http[versions[0][0]] else []:
                print(summary(f"{kind}, {label}, POST /v1/events, {args.clients} clients", http[label], lat[label]))
                print(summary(f"{kind}, {label}, ingest_events alone, {args.clients} threads", direct[label]))
    print(f"load average at end: {os.getloadavg()}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
