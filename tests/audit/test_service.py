from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from assist.audit import service
from assist.audit.chain import canonical_json, content_hash
from assist.audit.models import FeedbackIn, RecordFilters, ReviewIn
from assist.audit.policy import load_policy
from assist.audit.tables import AuditRecordRow, ChainHeadRow, CheckpointRow
from assist.config import PROJECT_ROOT
from assist.db import Database
from assist.errors import InputError, NotFound
from tests.audit.conftest import calm_outputs, triage_input

KEY = "test-signing-key"
POLICY = load_policy(PROJECT_ROOT / "audit" / "policy.yaml")


def write(db: Database, n: int) -> list[str]:
    return [
        service.write_record(db, record=triage_input(request_id=f"req-{i}"), policy=POLICY).audit_id for i in range(n)
    ]


def test_record_round_trip_redacts_personal_data_but_keeps_ids(db: Database) -> None:
    written = service.write_record(db, record=triage_input(), policy=POLICY)
    stored = service.get_record(db, audit_id=written.audit_id)
    assert stored == written
    assert "ana@example.com" not in stored.model_dump_json()
    assert "4111 1111 1111 1111" not in stored.inputs["message"]
    assert "[CARD ****1111]" in stored.inputs["message"]
    # Hex ids with digit runs that look like card or phone numbers are left as they are.
    assert stored.outputs["signals"]["risk"][0]["evidence"] == ["evt_6504690519884c83b200"]
    assert stored.cited_events == ["evt_6504690519884c83b200"]
    assert (stored.seq, stored.prev_hash) == (1, "0" * 64)
    assert stored.queue_reasons == ["fraud", "specialist_route"]


def test_approved_answers_are_kept_as_served_and_customer_inputs_are_redacted(db: Database) -> None:
    # The bank's published number and an article owner's address are the tenant's content, not customer data.
    article = "Call us on 0345 300 0000 or write to cards-team@northwind.example."
    outputs = {
        **calm_outputs(),
        "answers": [{"article_id": "contact", "version": 2, "text": article, "owner": "kb@northwind.example"}],
        "actions": [{"type": "send_answer", "draft_reply": article, "reason": "customer gave 0345 300 0001"}],
        "summary": {"text": "Promised a callback by 2026-11-20 17:00:00 UTC for order 4155550132"},
    }
    record = triage_input(
        inputs={"message": "ring me on 07700 900123", "data": {"4111111111111111": 123456789, "ssn": 123456789}},
        outputs=outputs,
    )
    stored = service.write_record(db, record=record, policy=POLICY)

    assert stored.outputs["answers"][0]["text"] == article
    assert stored.outputs["answers"][0]["owner"] == "kb@northwind.example"
    assert stored.outputs["actions"][0]["draft_reply"] == article
    assert stored.outputs["actions"][0]["reason"] == "customer gave [PHONE]"
    assert stored.outputs["summary"]["text"] == outputs["summary"]["text"]  # a time and a reference, unmangled
    assert stored.inputs == {"message": "ring me on [PHONE]", "data": {"[CARD ****1111]": 123456789, "ssn": "[SSN]"}}


def test_each_hash_covers_content_and_previous_hash(db: Database) -> None:
    first, second = (service.get_record(db, audit_id=a) for a in write(db, 2))
    assert second.prev_hash == first.hash
    with db.session() as session:
        content = session.scalar(select(AuditRecordRow.content).where(AuditRecordRow.seq == 2))
    assert content is not None and content_hash(content) == second.hash
    assert json.loads(content)["prev_hash"] == first.hash


def test_intact_chain_verifies(db: Database) -> None:
    write(db, 5)
    assert service.verify(db, signing_key=KEY).model_dump(include={"ok", "records", "first_bad"}) == {
        "ok": True,
        "records": 5,
        "first_bad": None,
    }


def test_modified_content_names_that_record(db: Database) -> None:
    ids = write(db, 4)
    with db.session() as session:
        row = session.scalar(select(AuditRecordRow).where(AuditRecordRow.audit_id == ids[2]))
        assert row is not None
        row.content = row.content.replace("specialist", "self_service")
    result = service.verify(db, signing_key=KEY)
    assert (result.ok, result.first_bad, result.first_bad_seq) == (False, ids[2], 3)


def test_rehashed_modification_is_caught_at_the_next_record(db: Database) -> None:
    ids = write(db, 4)
    with db.session() as session:
        row = session.scalar(select(AuditRecordRow).where(AuditRecordRow.audit_id == ids[1]))
        assert row is not None
        row.content = row.content.replace("specialist", "self_service")
        row.hash = content_hash(row.content)
    result = service.verify(db, signing_key=KEY)
    assert (result.ok, result.first_bad) == (False, ids[2])
    assert "prev_hash" in (result.reason or "")


def test_deleted_record_names_the_one_after_the_gap(db: Database) -> None:
    ids = write(db, 5)
    with db.session() as session:
        session.execute(delete(AuditRecordRow).where(AuditRecordRow.audit_id == ids[1]))
    result = service.verify(db, signing_key=KEY)
    assert (result.ok, result.first_bad, result.first_bad_seq) == (False, ids[2], 3)


def test_swapped_records_are_caught(db: Database) -> None:
    ids = write(db, 4)
    with db.session() as session:
        # Renumber 2 and 3 the other way round, through a free seq to respect the primary key.
        for old, new in ((2, 100), (3, 2), (100, 3)):
            session.execute(update(AuditRecordRow).where(AuditRecordRow.seq == old).values(seq=new))
    result = service.verify(db, signing_key=KEY)
    assert (result.ok, result.first_bad_seq) == (False, 2)
    assert result.first_bad == ids[2]


def test_truncated_tail_is_caught_by_the_head_row(db: Database) -> None:
    write(db, 5)
    with db.session() as session:
        session.execute(delete(AuditRecordRow).where(AuditRecordRow.seq >= 4))
    result = service.verify(db, signing_key=KEY)
    assert (result.ok, result.first_bad_seq) == (False, 4)
    assert "cut off" in (result.reason or "")


def test_exported_head_catches_truncation_with_a_rewritten_head_row(db: Database) -> None:
    write(db, 5)
    head = service.chain_head(db, signing_key=KEY)
    assert service.verify(db, signing_key=KEY, head=head).ok
    with db.session() as session:
        session.execute(delete(AuditRecordRow).where(AuditRecordRow.seq >= 4))
        last_hash = session.scalar(select(AuditRecordRow.hash).where(AuditRecordRow.seq == 3))
        session.execute(update(ChainHeadRow).values(seq=3, hash=last_hash))
    assert service.verify(db, signing_key=KEY).ok  # the database alone cannot tell
    result = service.verify(db, signing_key=KEY, head=head)
    assert (result.ok, result.first_bad, result.first_bad_seq) == (False, head.audit_id, 5)


def test_exported_head_catches_a_fully_rehashed_chain(db: Database) -> None:
    write(db, 3)
    head = service.chain_head(db, signing_key=KEY)
    with db.session() as session:
        prev = "0" * 64
        for row in session.scalars(select(AuditRecordRow).order_by(AuditRecordRow.seq)):
            content = json.loads(row.content) | {"prev_hash": prev}
            content["outputs"]["route"]["type"] = "self_service"
            row.content = canonical_json(content)
            row.hash = prev = content_hash(row.content)
        session.execute(update(ChainHeadRow).values(hash=prev))
    assert service.verify(db, signing_key=KEY).ok
    assert not service.verify(db, signing_key=KEY, head=head).ok


def test_forged_head_is_rejected(db: Database) -> None:
    write(db, 2)
    head = service.chain_head(db, signing_key=KEY)
    assert not service.verify(db, signing_key="another key", head=head).ok


def test_feedback_is_stored_beside_the_record_without_changing_its_hash(db: Database) -> None:
    [audit_id] = write(db, 1)
    before = service.get_record(db, audit_id=audit_id)
    service.add_feedback(
        db,
        feedback=FeedbackIn(
            audit_id=audit_id,
            target="answer:card-dispute",
            outcome="edited",
            final_text="Call us on 07700 900123",
            resolution="resolved",
        ),
        key_id="key_agent",
        policy=POLICY,
    )
    after = service.get_record(db, audit_id=audit_id)
    assert after.hash == before.hash
    assert [(f.outcome, f.final_text) for f in after.feedback] == [("edited", "Call us on [PHONE]")]
    assert service.verify(db, signing_key=KEY).ok


def test_feedback_for_unknown_record_is_not_found_and_edited_needs_text(db: Database) -> None:
    with pytest.raises(NotFound):
        service.add_feedback(
            db, feedback=FeedbackIn(audit_id="aud_nope", outcome="accepted"), key_id="k", policy=POLICY
        )
    [audit_id] = write(db, 1)
    with pytest.raises(InputError) as exc:
        service.add_feedback(db, feedback=FeedbackIn(audit_id=audit_id, outcome="edited"), key_id="k", policy=POLICY)
    assert exc.value.loc == ("body", "final_text")


def test_rejected_suggestion_joins_the_queue_and_review_closes_it(db: Database) -> None:
    calm = [service.write_record(db, record=triage_input(outputs=calm_outputs()), policy=POLICY) for _ in range(3)]
    unsampled = next(r for r in calm if not r.queue_reasons)
    service.add_feedback(
        db, feedback=FeedbackIn(audit_id=unsampled.audit_id, outcome="rejected"), key_id="k", policy=POLICY
    )
    queue = service.list_records(db, filters=RecordFilters(queued=True, reviewed=False))
    assert unsampled.audit_id in [r.audit_id for r in queue.records]
    assert next(r for r in queue.records if r.audit_id == unsampled.audit_id).queue_reasons == ["rejected"]
    with pytest.raises(InputError) as exc:
        service.save_review(
            db, audit_id=unsampled.audit_id, review=ReviewIn(verdict="great"), reviewer="qa", policy=POLICY
        )
    assert exc.value.loc == ("body", "verdict")
    service.save_review(
        db,
        audit_id=unsampled.audit_id,
        review=ReviewIn(verdict="wrong", note="bad answer"),
        reviewer="qa",
        policy=POLICY,
    )
    queue = service.list_records(db, filters=RecordFilters(queued=True, reviewed=False))
    assert unsampled.audit_id not in [r.audit_id for r in queue.records]


def test_list_filters_and_pages_newest_first(db: Database) -> None:
    ids = write(db, 5)
    service.write_record(
        db, record=triage_input(kind="assist", customer_id="cus_bob", outputs=calm_outputs()), policy=POLICY
    )
    page = service.list_records(db, filters=RecordFilters(kind="triage", limit=2, offset=1))
    assert (page.total, [r.audit_id for r in page.records]) == (5, [ids[3], ids[2]])
    assert service.list_records(db, filters=RecordFilters(customer_id="cus_bob")).total == 1
    assert service.list_records(db, filters=RecordFilters(route="specialist")).total == 5
    service.add_feedback(db, feedback=FeedbackIn(audit_id=ids[0], outcome="accepted"), key_id="k", policy=POLICY)
    assert [r.audit_id for r in service.list_records(db, filters=RecordFilters(outcome="accepted")).records] == [ids[0]]


def test_purge_leaves_a_signed_checkpoint_and_the_rest_verifies(db: Database) -> None:
    ids = write(db, 6)
    now = datetime.now(UTC)
    with db.session() as session:  # age the first three records
        for seq in (1, 2, 3):
            session.execute(
                update(AuditRecordRow).where(AuditRecordRow.seq == seq).values(created_at=now - timedelta(days=500))
            )
    service.add_feedback(db, feedback=FeedbackIn(audit_id=ids[0], outcome="accepted"), key_id="k", policy=POLICY)
    result = service.purge(db, older_than_days=400, signing_key=KEY, now=now)
    assert (result.purged, result.checkpoint_seq) == (3, 3)
    verified = service.verify(db, signing_key=KEY)
    assert (verified.ok, verified.records, verified.checkpoint_seq) == (True, 3, 3)
    with pytest.raises(NotFound):
        service.get_record(db, audit_id=ids[0])
    assert not service.verify(db, signing_key="another key").ok
    with db.session() as session:  # a forged checkpoint that hides a deletion
        session.execute(update(CheckpointRow).values(seq=4))
        session.execute(delete(AuditRecordRow).where(AuditRecordRow.seq == 4))
    assert not service.verify(db, signing_key=KEY).ok


def test_concurrent_writers_keep_one_chain(db: Database) -> None:
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            write(db, 15)
        except BaseException as exc:  # surfaced below; a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = service.verify(db, signing_key=KEY)
    assert (result.ok, result.records) == (True, 90)
