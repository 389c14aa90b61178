"""Many writers at once for the same new customers: nothing lost, one customer per identifier."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable

import pytest

from assist.db import Database
from assist.timeline.integrity import check
from assist.timeline.service import ingest_events
from tests.timeline.factories import event

WRITERS = 20


def _together(n: int, work: Callable[[int], object]) -> list[object]:
    """Runs `work(i)` for i < n on n threads released at the same instant."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # reported below, with the others
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.mark.parametrize("round_", range(3))
def test_first_events_of_one_new_customer_at_once_make_one_customer(db: Database, round_: int) -> None:
    email = f"new-{round_}@example.com"
    outs = _together(
        WRITERS, lambda i: ingest_events(db, events=[event({"email": email}, source_id=f"s{round_}-{i}")], region="GB")
    )
    customers = {out.customer_ids[0] for out in outs}  # type: ignore[attr-defined]
    assert len(customers) == 1, f"{len(customers)} customers for one email"
    report = check(db)
    assert report.events == WRITERS
    assert report.problems == []


def test_writers_linking_the_same_new_identifiers_in_every_order(db: Database) -> None:
    # Each writer carries two of the same three identifiers, verified, so every pair may link automatically:
    # whatever the interleaving, the three must end up on one customer with all events.
    ids = {"email": "trio@example.com", "phone": "+447700900555", "account_id": "ACC-3"}
    kinds = list(ids)

    def work(i: int) -> object:
        pair = {kinds[i % 3]: ids[kinds[i % 3]], kinds[(i + 1) % 3]: ids[kinds[(i + 1) % 3]]}
        return ingest_events(db, events=[event(pair, verified=list(pair), source_id=f"t-{i}")], region="GB")

    outs = _together(WRITERS, work)
    report = check(db)
    assert report.events == WRITERS
    assert report.problems == []
    roots = {report.root_of[(kind, value)] for kind, value in ids.items()}
    assert len(roots) == 1
    assert {out.customer_ids[0] for out in outs} == roots  # type: ignore[attr-defined]


def _process_writer(url: str, email: str, writer: int, n: int, start: object) -> list[str]:
    db = Database(url)
    start.wait()  # type: ignore[attr-defined]
    try:
        return [
            ingest_events(db, events=[event({"email": email}, source_id=f"p{writer}-{i}")], region="GB").customer_ids[0]
            for i in range(n)
        ]
    finally:
        db.dispose()


def test_several_processes_posting_one_new_customer(db: Database) -> None:
    ctx = multiprocessing.get_context("spawn")
    processes, per_process = 4, 5
    with ctx.Manager() as manager:
        start = manager.Event()
        with ctx.Pool(processes) as pool:
            pending = [
                pool.apply_async(_process_writer, (db.url, "multi@example.com", i, per_process, start))
                for i in range(processes)
            ]
            start.set()
            results = [p.get(timeout=120) for p in pending]
    assert len({cid for result in results for cid in result}) == 1
    report = check(db)
    assert report.events == processes * per_process
    assert report.problems == []
