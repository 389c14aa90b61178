"""A throwaway checkout for the eval runner: copies of the real policy, articles, prompts and suite data, so a
test can edit a declaration, a journey or a baseline without touching the working tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assist.config import PROJECT_ROOT

ROUTING_SUITE = """
name: routing
description: Routing policy conformance.
adapter: routing
data:
  journeys: evals/routing/journeys.yaml
metrics:
  pass_rate:
    min: {min_pass_rate}
    tolerance: 0.0
  friction_to_self_service:
    max: 0
"""


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "checkout"
    for part in ("knowledge/articles", "prompts"):
        shutil.copytree(PROJECT_ROOT / part, root / part)
    for part in (
        "knowledge/routing.yaml",
        "knowledge/intent_map.yaml",
        "evals/routing/journeys.yaml",
        "audit/policy.yaml",
    ):
        (root / part).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PROJECT_ROOT / part, root / part)
    (root / "evals" / "suites").mkdir(parents=True)
    declare_routing(root, min_pass_rate=1.0)
    monkeypatch.setenv("ASSIST_EVAL_CACHE", str(tmp_path / "cache"))
    return root


def declare_routing(root: Path, *, min_pass_rate: float) -> None:
    (root / "evals" / "suites" / "routing.yaml").write_text(ROUTING_SUITE.format(min_pass_rate=min_pass_rate))


def break_one_journey(root: Path) -> str:
    """Makes the first journey expect a route it will not get (as an owner's policy edit would); returns its id."""
    path = root / "evals" / "routing" / "journeys.yaml"
    text = path.read_text()
    first = "expect: {route: self_service, queue: self_service"
    assert first in text
    path.write_text(text.replace(first, "expect: {route: specialist, queue: self_service", 1))
    return "password_reset_first_try"
