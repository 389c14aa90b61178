"""`assist kb`: ingest refuses a folder with any invalid file and changes nothing; JSON shapes; search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assist.knowledge.cli import kb_app
from tests.knowledge.conftest import ArticleWriter

PIN = "To change your PIN, go to any ATM and choose PIN services, or use Cards > PIN in the app."
CARD = "Your new card arrives within 5 working days. Track it in the app under Cards."


@pytest.fixture
def kb_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, articles_dir: Path) -> CliRunner:
    """The CLI on a fresh data dir, embedded Chroma, no customer phrasings; ASSIST_KNOWLEDGE_DIR is the test folder."""
    monkeypatch.setenv("ASSIST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSIST_KNOWLEDGE_DIR", str(articles_dir.parent))
    monkeypatch.setenv("ASSIST_INTENT_TRAINING_CSV", str(tmp_path / "no-phrasings.csv"))
    monkeypatch.delenv("ASSIST_CHROMA_URL", raising=False)
    return CliRunner()


def _json(runner: CliRunner, *args: str, code: int = 0) -> dict:
    result = runner.invoke(kb_app, [*args, "--json"])
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def test_ingest_reports_as_json_and_an_invalid_file_changes_nothing(
    kb_cli: CliRunner, write_article: ArticleWriter, articles_dir: Path
) -> None:
    write_article("change-pin", title="How do I change my PIN?", body=PIN)
    write_article("card-arrival", title="When will my card arrive?", body=CARD)
    first = _json(kb_cli, "ingest", str(articles_dir.parent))
    assert first.keys() == {"added", "updated", "unchanged", "retired", "invalid", "embedded"}
    assert (sorted(first["added"]), first["invalid"], first["embedded"]) == (["card-arrival", "change-pin"], [], 4)

    write_article("change-pin", title="How do I change my PIN?", body="edited without a new version")
    write_article("new-article", body="must not be added while another file is invalid")
    (articles_dir / "card-arrival.md").unlink()
    (articles_dir / "broken.md").write_text("---\nid: broken\nstatus: published\n---\nbody\n")
    refused = _json(kb_cli, "ingest", code=1)  # the default folder: ASSIST_KNOWLEDGE_DIR
    assert {(bad["file"], bad["field"]) for bad in refused["invalid"]} >= {
        ("broken.md", "status"),
        ("change-pin.md", "version"),
    }
    assert (refused["added"], refused["retired"], refused["embedded"]) == ([], [], 0)
    text = kb_cli.invoke(kb_app, ["ingest"])
    assert text.exit_code == 1 and "invalid broken.md: status" in text.stderr and "nothing changed" in text.stderr

    # Still the first ingest's articles and wording.
    found = _json(kb_cli, "search", "how do I change my PIN", "--k", "5")
    assert found["results"][0]["text"] == PIN
    assert {a["article_id"] for a in _json(kb_cli, "search", "when will my card arrive")["results"]} >= {"card-arrival"}


def test_search_prints_answers_abstains_and_names_bad_input(
    kb_cli: CliRunner, write_article: ArticleWriter, articles_dir: Path
) -> None:
    write_article("change-pin", title="How do I change my PIN?", body=PIN, variants={"sms": "PIN: any ATM."})
    write_article("card-arrival", title="When will my card arrive?", body=CARD)
    assert kb_cli.invoke(kb_app, ["ingest"]).exit_code == 0

    found = _json(kb_cli, "search", "I want a new PIN", "--channel", "sms", "--k", "1")
    assert found["abstained"] is False
    [answer] = found["results"]
    assert (answer["article_id"], answer["version"], answer["text"], answer["channel_variant"]) == (
        "change-pin",
        1,
        "PIN: any ATM.",
        "sms",
    )
    assert {"title", "score", "owner", "updated"} <= answer.keys()
    assert _json(kb_cli, "search", "best recipe for banana bread") == {"results": [], "abstained": True}

    printed = kb_cli.invoke(kb_app, ["search", "when will my card arrive", "--k", "1"])
    assert printed.exit_code == 0 and "card-arrival v1  When will my card arrive?" in printed.stdout
    empty = kb_cli.invoke(kb_app, ["search", "   "])
    assert empty.exit_code == 2 and "query" in empty.stderr
    fax = kb_cli.invoke(kb_app, ["search", "pin", "--channel", "fax"])
    assert fax.exit_code == 2 and "--channel" in fax.output


def test_coverage_lists_what_the_knowledge_base_lacks(kb_cli: CliRunner, coverage_folder: dict) -> None:
    assert kb_cli.invoke(kb_app, ["ingest"]).exit_code == 0
    report = _json(kb_cli, "coverage")
    pairs = [tuple(pair[:2]) for pair in report.pop("near_duplicates")]
    assert pairs == coverage_folder.pop("near_duplicates")
    assert report == coverage_folder
    printed = kb_cli.invoke(kb_app, ["coverage"])
    assert printed.exit_code == 0
    assert "intents without an approved article: 1\n  lost_or_stolen_card" in printed.stdout


def test_coverage_names_a_missing_intent_map(kb_cli: CliRunner, write_article: ArticleWriter) -> None:
    write_article("change-pin", body=PIN)
    assert kb_cli.invoke(kb_app, ["ingest"]).exit_code == 0
    missing = kb_cli.invoke(kb_app, ["coverage"])
    assert missing.exit_code == 2 and "intent_map" in missing.stderr
