"""A store written by the previous version opens, keeps its data, and fails closed on its consent events."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import JSON, Column, DateTime, ForeignKey, MetaData, String, Table, Text, create_engine, insert

from assist.db import Base, Database
from assist.timeline.integrity import check
from assist.timeline.service import get_timeline, ingest_events
from tests.timeline.factories import T0, event

# The timeline tables as version 0.1 made them (before trust, provenance, consent state and reviews).
OLD = MetaData()
Table(
    "customers",
    OLD,
    Column("customer_id", String(64), primary_key=True),
    Column("created_at", DateTime(timezone=True)),
    Column("merged_into", String(64), nullable=True),
)
Table(
    "customer_identifiers",
    OLD,
    Column("kind", String(32), primary_key=True),
    Column("value", String(256), primary_key=True),
    Column("customer_id", ForeignKey("customers.customer_id"), index=True),
    Column("created_at", DateTime(timezone=True)),
)
Table(
    "events",
    OLD,
    Column("event_id", String(64), primary_key=True),
    Column("customer_id", ForeignKey("customers.customer_id")),
    Column("source_id", String(200), unique=True, nullable=True),
    Column("channel", String(16)),
    Column("actor", String(16)),
    Column("kind", String(16)),
    Column("occurred_at", DateTime(timezone=True)),
    Column("received_at", DateTime(timezone=True)),
    Column("text", Text),
    Column("data", JSON),
    Column("identifiers", JSON),
    Column("intent", String(128), nullable=True),
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store as 0.1 left it: a merge chain c3 -> c2 -> c1 (rows moved to c1) and consent events on c1."""
    url = f"sqlite:///{tmp_path / 'old.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    OLD.create_all(engine)
    with engine.begin() as conn:
        for cid, parent in (("c1", None), ("c2", "c1"), ("c3", "c2")):
            conn.execute(insert(OLD.tables["customers"]).values(customer_id=cid, created_at=T0, merged_into=parent))
        conn.execute(
            insert(OLD.tables["customer_identifiers"]).values(
                kind="email", value="old@example.com", customer_id="c1", created_at=T0
            )
        )
        for i, (minutes, stated) in enumerate(((1, True), (5, "false"), (3, True))):
            conn.execute(
                insert(OLD.tables["events"]).values(
                    event_id=f"evt_{i}", customer_id="c1", source_id=f"old-{i}", channel="chat", actor="system",
                    kind="status", occurred_at=T0 + timedelta(minutes=minutes), received_at=T0, text="",
                    data={"consent": {"ai_processing": stated}}, identifiers={"email": "old@example.com"},
                )
            )  # fmt: skip
    engine.dispose()
    yield url
    engine = create_engine(url)
    Base.metadata.drop_all(engine)
    engine.dispose()


def test_an_old_store_opens_with_its_data_and_consent_failing_closed(old_store: str) -> None:
    db = Database(old_store)
    try:
        db.create_all()
        db.create_all()  # a second start changes nothing
        timeline = get_timeline(db, customer_id="c3")
        assert timeline.customer_id == "c1" and len(timeline.events) == 3
        # The latest statement is the string "false": only an explicit boolean grant allows the LLM.
        assert timeline.consent.ai_processing is False and timeline.consent.event_id == "evt_1"
        out = ingest_events(db, events=[event({"email": "old@example.com"}, source_id="new-1")], region="GB")
        assert out.customer_ids == ["c1"]
        duplicate = ingest_events(db, events=[event({"email": "old@example.com"}, source_id="old-0")], region="GB")
        assert duplicate.duplicates == 1
        assert check(db).problems == []
    finally:
        db.dispose()


def test_processes_starting_together_on_an_old_store_upgrade_it_once(old_store: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        db = Database(old_store)
        barrier.wait()
        try:
            db.create_all()
        except BaseException as exc:
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
