from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from assist.audit.policy import load_policy
from assist.config import PROJECT_ROOT
from tests.audit.conftest import calm_outputs, triage_input

POLICY = load_policy(PROJECT_ROOT / "audit" / "policy.yaml")


def test_fraud_low_confidence_and_out_of_scope_are_always_queued() -> None:
    assert {"fraud", "specialist_route"} <= set(
        POLICY.reasons_at_write(audit_id="aud_1", outputs=triage_input().outputs)
    )
    unsure = calm_outputs() | {"intent": {"label": "balance", "low_confidence": True, "out_of_scope": True}}
    assert {"low_confidence", "out_of_scope"} <= set(POLICY.reasons_at_write(audit_id="aud_1", outputs=unsure))


def test_a_few_percent_of_the_rest_and_every_rejection() -> None:
    ids = [f"aud_{uuid.uuid4().hex[:20]}" for _ in range(4000)]
    picked = [a for a in ids if POLICY.reasons_at_write(audit_id=a, outputs=calm_outputs())]
    assert 0.02 < len(picked) / len(ids) < 0.04
    assert all(POLICY.reasons_at_write(audit_id=a, outputs=calm_outputs()) == ["random"] for a in picked)
    # The same record is always picked the same way.
    assert picked == [a for a in ids if POLICY.reasons_at_write(audit_id=a, outputs=calm_outputs())]
    assert all(POLICY.reasons_on_feedback(audit_id=a, outcome="rejected") == ["rejected"] for a in ids[:50])
    assert POLICY.reasons_on_feedback(audit_id=ids[0], outcome="accepted") == []


def test_bad_policy_file_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(
        "version: 1\nsampling:\n  - name: x\n    when: {colour: red}\nverdicts: [ok]\nretention: {days: 5}\n"
    )
    with pytest.raises(ValueError, match=r"sampling\.0\.when\.colour"):
        load_policy(path)
