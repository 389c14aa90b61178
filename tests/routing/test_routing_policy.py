from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from assist.errors import InputError
from assist.routing.policy import RoutingPolicy, load_policy
from tests.routing.conftest import POLICY_PATH

BANKING77 = Path("/work/shared/datasets/banking77/categories.json")


def test_shipped_policy_covers_every_banking77_intent_once(policy: RoutingPolicy) -> None:
    labels = set(json.loads(BANKING77.read_text())) if BANKING77.exists() else None
    if labels is None:
        pytest.skip("BANKING77 categories not present")
    assert policy.intents == labels
    assert policy.group_for("compromised_card").start == "specialist"  # type: ignore[union-attr]
    assert policy.group_for("passcode_forgotten").start == "self_service"  # type: ignore[union-attr]


def _write(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    raw = yaml.safe_load(POLICY_PATH.read_text())
    mutate(raw)
    path = tmp_path / "routing.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize(
    ("mutate", "loc", "words"),
    [
        (
            lambda raw: raw["groups"][0].update(start="bot"),
            ("routing_policy", "groups", "card_security", "start"),
            "self_service",
        ),
        (
            lambda raw: raw["groups"][1].pop("queue"),
            ("routing_policy", "groups", "unrecognised_transactions", "queue"),
            "required",
        ),
        (lambda raw: raw["groups"][2]["intents"].append("compromised_card"), ("routing_policy",), "both group"),
        (lambda raw: raw["options"].pop("callback"), ("routing_policy",), "missing callback"),
        (lambda raw: raw["guard_queues"].pop("fraud"), ("routing_policy", "guard_queues", "fraud"), "required"),
        (lambda raw: raw.update(version=0), ("routing_policy", "version"), "greater than or equal"),
        (
            lambda raw: raw["groups"][0]["procedure"].append(raw["groups"][0]["procedure"][0]),
            ("routing_policy", "groups", "card_security"),
            "twice",
        ),
    ],
)
def test_invalid_policy_is_rejected_naming_the_field(tmp_path: Path, mutate, loc, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as caught:
        load_policy(_write(tmp_path, mutate))
    assert caught.value.loc[: len(loc)] == loc
    assert words in caught.value.message


def test_unreadable_or_malformed_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_policy(tmp_path / "absent.yaml")
    bad = tmp_path / "routing.yaml"
    bad.write_text("groups: [unclosed")
    with pytest.raises(InputError, match="not valid YAML"):
        load_policy(bad)
    bad.write_text("- a list")
    with pytest.raises(InputError, match="must be a mapping"):
        load_policy(bad)
