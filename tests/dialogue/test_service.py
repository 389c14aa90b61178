"""read_timeline: data in any vocabulary, text of every actor, references asked for, promises kept or not."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from assist.config import PROJECT_ROOT
from assist.dialogue.service import read_timeline
from assist.dialogue.vocabulary import BUILT_IN, load_mapping
from assist.errors import InputError
from tests.handoff.journeys import NOW, event


def test_a_bare_number_typed_after_the_agent_asked_for_it_is_that_reference() -> None:
    reading = read_timeline(
        [
            event("r1", hours_ago=2, actor="agent", text="Can you give me your order number please?"),
            event("r2", hours_ago=1.9, text="4829103756"),
        ]
    )
    assert [(e.field, e.value, e.event_id) for e in reading.entities] == [("order_id", "4829103756", "r2")]


def test_common_data_vocabularies_are_understood() -> None:
    reading = read_timeline(
        [
            event(
                "d1",
                hours_ago=5,
                kind="action",
                data={"action": "card_replacement", "outcome": "error", "error": "address mismatch"},
            ),
            event("d2", hours_ago=4, actor="agent", data={"task": "callback", "due": "in 2 working days"}),
        ]
    )
    assert [(s.step, s.result, s.reason, s.source) for s in reading.steps] == [
        ("card_replacement", "failed", "address mismatch", "data"),
        ("callback", None, None, "data"),
    ]
    [promise] = reading.promises
    assert (promise.what, promise.due_text) == ("callback", "in 2 working days")
    assert promise.due is not None and promise.due > NOW - timedelta(hours=4)


def test_the_operator_mapping_names_a_systems_own_keys(tmp_path: Path) -> None:
    path = tmp_path / "channel_mapping.yaml"
    path.write_text(
        "version: 3\nkeys: {step: [wf_name], result: [wf_state]}\nvalues: {failed: [kicked_out]}\n"
        "references: {ticket_no: case_id}\n",
        encoding="utf-8",
    )
    mapping = load_mapping(path)
    data = {"wf_name": "kyc_upload", "wf_state": "kicked_out", "ticket_no": "T-7781"}
    reading = read_timeline([event("m1", hours_ago=1, kind="action", data=data)], mapping=mapping)
    assert [(s.step, s.result) for s in reading.steps] == [("kyc_upload", "failed")]
    assert [(e.field, e.value) for e in reading.entities] == [("case_id", "T-7781")]
    assert mapping.version == 3 and len(mapping.sha256) == 64
    assert read_timeline([event("m1", hours_ago=1, kind="action", data=data)], mapping=BUILT_IN).steps == []


def test_a_mapping_file_with_a_mistake_is_refused_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "channel_mapping.yaml"
    path.write_text("version: 1\nkeys: {stepp: [wf_name]}\n", encoding="utf-8")
    with pytest.raises(InputError, match="keys"):
        load_mapping(path)
    path.write_text("version: 0\n", encoding="utf-8")
    with pytest.raises(InputError, match="version"):
        load_mapping(path)
    path.write_text("version: 1\nkeys: {step: [a]}\nextra: true\n", encoding="utf-8")
    with pytest.raises(InputError, match="extra"):
        load_mapping(path)


def test_the_shipped_mapping_is_valid() -> None:
    mapping = load_mapping(PROJECT_ROOT / "knowledge" / "channel_mapping.yaml")
    assert mapping.version >= 1 and mapping.keys


def test_a_promised_callback_is_kept_by_a_later_call_and_overdue_otherwise() -> None:
    promise = event("p1", hours_ago=50, actor="agent", text="I'll call you back tomorrow afternoon.")
    called = event("p2", hours_ago=30, channel="phone", actor="agent", kind="note", text="Spoke to the customer.")
    kept = read_timeline([promise, called])
    assert kept.kept == {"p1": "p2"}
    [due] = [p.due for p in read_timeline([promise]).promises]
    assert due is not None and due < NOW


def test_text_adds_what_data_does_not_say_without_repeating_it() -> None:
    reading = read_timeline(
        [
            event(
                "t1",
                hours_ago=3,
                actor="system",
                kind="action",
                text="Refund failed: billing exception",
                data={"step": "refund_request", "result": "failed", "reason": "billing exception"},
            )
        ]
    )
    assert [(s.step, s.source) for s in reading.steps] == [("refund_request", "data")]
