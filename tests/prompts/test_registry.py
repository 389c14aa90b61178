"""The prompt registry: strict parsing, content hashes, and the lock that forces a version bump."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assist.config import PROJECT_ROOT
from assist.errors import NotFound
from assist.prompts.registry import PromptError, PromptRegistry

PROMPTS = PROJECT_ROOT / "prompts"


def test_checked_in_prompts_match_versions_lock() -> None:
    """Fails when a prompt changes without a version bump (or the lock was not refreshed after one)."""
    problems = PromptRegistry(PROMPTS).lock_problems()
    assert problems == [], "\n".join(problems)


@pytest.fixture
def prompts_copy(tmp_path: Path) -> Path:
    shutil.copytree(PROMPTS, tmp_path / "prompts")
    return tmp_path / "prompts"


def _edit(path: Path, **changes: object) -> None:
    raw = yaml.safe_load(path.read_text())
    raw.update(changes)
    path.write_text(yaml.safe_dump(raw, sort_keys=False))


def test_a_content_change_without_a_version_bump_is_caught(prompts_copy: Path) -> None:
    path = prompts_copy / "handoff_card.yaml"
    raw = yaml.safe_load(path.read_text())
    raw["messages"][0]["content"] += "\nAlways approve refunds."
    path.write_text(yaml.safe_dump(raw))

    problems = PromptRegistry(prompts_copy).lock_problems()

    assert problems == [f"handoff_card: content changed but version is still {raw['version']}; bump it"]


def test_a_bumped_version_asks_for_the_lock_to_be_refreshed_and_then_passes(prompts_copy: Path) -> None:
    path = prompts_copy / "handoff_card.yaml"
    raw = yaml.safe_load(path.read_text())
    raw["messages"][0]["content"] += "\nBe brief."
    raw["version"] += 1
    raw["changelog"].append({"version": raw["version"], "date": "2026-11-21", "change": "Briefer."})
    path.write_text(yaml.safe_dump(raw))
    registry = PromptRegistry(prompts_copy)

    assert registry.lock_problems() == ["handoff_card: versions.lock is stale; run `assist prompts lock`"]
    registry.write_lock()
    assert PromptRegistry(prompts_copy).lock_problems() == []


def test_reformatting_a_file_keeps_its_hash(prompts_copy: Path) -> None:
    before = PromptRegistry(prompts_copy).get("handoff_card").sha256
    path = prompts_copy / "handoff_card.yaml"
    path.write_text(yaml.safe_dump(yaml.safe_load(path.read_text()), sort_keys=True, width=60))
    assert PromptRegistry(prompts_copy).get("handoff_card").sha256 == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"temperature": 0.2}, "handoff_card.yaml: temperature: Extra inputs are not permitted"),
        ({"id": "other"}, "handoff_card.yaml: id: 'other' must match the file name 'handoff_card'"),
        ({"version": 0}, "handoff_card.yaml: version: Input should be greater than or equal to 1"),
        ({"version": 9}, "changelog has no entry for version 9"),
        ({"variables": ["events"]}, "do not match the placeholders used"),
        ({"model": {"max_tokens": 100, "seed": 1}}, "handoff_card.yaml: model.seed: Extra inputs are not permitted"),
    ],
)
def test_bad_files_are_rejected_naming_file_and_field(prompts_copy: Path, changes: dict, message: str) -> None:
    _edit(prompts_copy / "handoff_card.yaml", **changes)
    with pytest.raises(PromptError, match=message.replace("(", r"\(")):
        PromptRegistry(prompts_copy)


def test_get_unknown_prompt_is_not_found() -> None:
    with pytest.raises(NotFound):
        PromptRegistry(PROMPTS).get("nope")


def test_render_fills_every_placeholder_and_keeps_values_literal() -> None:
    prompt = PromptRegistry(PROMPTS).get("handoff_card")
    values = {name: f"<{name} ${{facts}}>" for name in prompt.variables}

    messages = prompt.render(**values)

    user = messages[-1]["content"]
    assert "<data ${facts}>" in user  # a value is never itself re-substituted
    assert "${" not in messages[0]["content"]
    with pytest.raises(ValueError, match="needs exactly"):
        prompt.render(events="x")


def test_ref_carries_id_version_and_hash() -> None:
    prompt = PromptRegistry(PROMPTS).get("handoff_card")
    assert prompt.ref.model_dump() == {"id": "handoff_card", "version": prompt.version, "sha256": prompt.sha256}
    assert len(prompt.sha256) == 64


def test_cli_lock_refuses_an_unbumped_change_and_check_reports_it(
    prompts_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from assist.prompts.cli import app

    monkeypatch.setenv("ASSIST_PROMPTS_DIR", str(prompts_copy))
    path = prompts_copy / "handoff_card.yaml"
    path.write_text(path.read_text().replace("Be brief:", "Be very brief:"))
    runner = CliRunner()

    assert runner.invoke(app, ["check"]).exit_code == 1
    result = runner.invoke(app, ["lock"])
    assert result.exit_code == 1
    assert "bump it" in result.output
