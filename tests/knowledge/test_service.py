"""Lifecycle, incremental ingest and search, on embedded Chroma and on a real `chroma run` server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assist.config import Settings
from assist.errors import InputError
from assist.knowledge.service import KnowledgeBase, open_knowledge_base
from tests.knowledge.conftest import ArticleWriter

TODAY = date(2026, 6, 1)
CARD = "Your new card arrives within 5 working days. Track it in the app under Cards."
PIN = "To change your PIN, go to any ATM and choose PIN services, or use Cards > PIN in the app."


def _ids(kb: KnowledgeBase, query: str, **kwargs: object) -> list[str]:
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("k", 5)
    return [a.article_id for a in kb.search(query, **kwargs).results]  # type: ignore[arg-type]


def _seed(write_article: ArticleWriter) -> None:
    write_article(
        "card-arrival",
        title="When will my card arrive?",
        body=CARD,
        intents=["card_arrival"],
        variants={"sms": "Cards arrive in 5 working days."},
    )
    write_article("change-pin", title="How do I change my PIN?", body=PIN, channels=["app", "chat"])
    write_article("card-arrival-draft", title="When will my new card arrive? (draft)", status="draft", body=CARD)
    write_article("card-arrival-old", title="When does my card arrive", status="retired", body=CARD)
    write_article(
        "card-arrival-2027", title="When will my card arrive in 2027?", body=CARD, effective_from="2027-01-01"
    )
    write_article(
        "card-arrival-2025", title="When did my card arrive in 2025?", body=CARD, effective_until="2025-12-31"
    )


def test_only_approved_current_articles_allowed_on_the_channel_are_returned(
    kb: KnowledgeBase, write_article: ArticleWriter, articles_dir: Path
) -> None:
    _seed(write_article)
    report = kb.ingest(articles_dir)
    assert report.ok and len(report.added) == 6
    for query in ("when will my card arrive", "my new card has not arrived", "change my PIN"):
        for channel in (None, "chat", "sms", "phone"):
            returned = set(_ids(kb, query, channel=channel, k=50))
            assert returned <= {"card-arrival", "change-pin"}, (query, channel)
    assert _ids(kb, "when will my card arrive", k=1) == ["card-arrival"]
    assert "change-pin" in _ids(kb, "change my PIN", channel="app")
    assert "change-pin" not in _ids(kb, "change my PIN", channel="sms")
    # Effective dates follow the calendar: the 2027 article becomes current then, the 2025 one was before.
    assert "card-arrival-2027" in _ids(kb, "when will my card arrive", today=date(2027, 3, 1))
    assert "card-arrival-2025" in _ids(kb, "when will my card arrive", today=date(2025, 6, 1))


def test_answers_carry_provenance_and_the_channel_variant(
    kb: KnowledgeBase, write_article: ArticleWriter, articles_dir: Path
) -> None:
    _seed(write_article)
    kb.ingest(articles_dir)
    sms = kb.search("when will my card arrive", k=1, channel="sms", today=TODAY).results[0]
    assert (sms.text, sms.channel_variant) == ("Cards arrive in 5 working days.", "sms")
    chat = kb.search("when will my card arrive", k=1, channel="chat", today=TODAY).results[0]
    assert (chat.article_id, chat.version, chat.owner, chat.text) == ("card-arrival", 1, "team@example.com", CARD)
    assert chat.channel_variant is None and 0 < chat.score <= 1.5


def test_ingest_is_incremental_and_retires_removed_files(
    kb: KnowledgeBase, write_article: ArticleWriter, articles_dir: Path
) -> None:
    _seed(write_article)
    first = kb.ingest(articles_dir)
    assert first.embedded == 12  # title and body passages of six versions
    again = kb.ingest(articles_dir)
    assert (again.embedded, len(again.unchanged), again.added, again.updated) == (0, 6, [], [])

    write_article("change-pin", title="How do I change my PIN?", body=PIN + " It is free.", version=2)
    (articles_dir / "card-arrival.md").unlink()
    report = kb.ingest(articles_dir)
    assert (report.updated, report.retired, report.embedded) == (["change-pin"], ["card-arrival"], 2)
    pin = kb.search("change my PIN", k=1, today=TODAY).results[0]
    assert (pin.version, pin.text) == (2, PIN + " It is free.")
    assert "card-arrival" not in _ids(kb, "when will my card arrive", k=50)
    history = {(a.article_id, a.version): a.state for a in kb.articles(include_history=True)}
    assert history[("change-pin", 1)] == "superseded" and history[("card-arrival", 1)] == "retired"


def test_a_newer_draft_leaves_the_approved_version_live_until_approved(
    kb: KnowledgeBase, write_article: ArticleWriter, articles_dir: Path
) -> None:
    write_article("change-pin", title="How do I change my PIN?", body=PIN)
    kb.ingest(articles_dir)
    write_article("change-pin", title="How do I change my PIN?", body="DRAFT wording", version=2, status="draft")
    kb.ingest(articles_dir)
    assert [(a.version, a.text) for a in kb.search("change my PIN", k=5, today=TODAY).results] == [(1, PIN)]
    write_article("change-pin", title="How do I change my PIN?", body="DRAFT wording", version=2)
    assert kb.ingest(articles_dir).updated == ["change-pin"]
    assert [a.version for a in kb.search("change my PIN", k=5, today=TODAY).results] == [2]
    write_article("change-pin", title="How do I change my PIN?", body="DRAFT wording", version=2, status="retired")
    assert kb.ingest(articles_dir).retired == ["change-pin"]
    assert kb.search("change my PIN", k=5, today=TODAY).abstained


def test_any_invalid_file_changes_nothing(kb: KnowledgeBase, write_article: ArticleWriter, articles_dir: Path) -> None:
    _seed(write_article)
    kb.ingest(articles_dir)
    before = kb.articles(include_history=True)
    write_article("change-pin", title="How do I change my PIN?", body="edited without a new version")
    write_article("card-arrival", title="When will my card arrive?", body=CARD, version=0)
    write_article("brand-new", body="a new article that must not be added yet")
    (articles_dir / "card-arrival-old.md").unlink()
    report = kb.ingest(articles_dir)
    problems = {(bad.file, bad.field) for bad in report.invalid}
    assert problems == {("change-pin.md", "version"), ("card-arrival.md", "version")}
    assert report.added == [] and report.retired == []
    assert kb.articles(include_history=True) == before
    assert kb.search("change my PIN", k=1, today=TODAY).results[0].text == PIN


def test_version_going_backwards_is_rejected(
    kb: KnowledgeBase, write_article: ArticleWriter, articles_dir: Path
) -> None:
    write_article("change-pin", body=PIN, version=3)
    kb.ingest(articles_dir)
    write_article("change-pin", body=PIN + " edited", version=2)
    [bad] = kb.ingest(articles_dir).invalid
    assert (bad.file, bad.field) == ("change-pin.md", "version") and "backwards" in bad.message


def test_catalogue_survives_a_restart(
    kb_settings: Settings, embedder: object, write_article: ArticleWriter, articles_dir: Path
) -> None:
    _seed(write_article)
    first = open_knowledge_base(settings=kb_settings, embedder=embedder)  # type: ignore[arg-type]
    assert first.is_empty()
    first.ingest(articles_dir)
    first.close()
    reopened = open_knowledge_base(settings=kb_settings, embedder=embedder)  # type: ignore[arg-type]
    assert not reopened.is_empty()
    assert _ids(reopened, "when will my card arrive", k=1) == ["card-arrival"]
    assert reopened.ingest(articles_dir).embedded == 0


def test_unrelated_queries_abstain_and_the_intent_boost_ranks(
    kb: KnowledgeBase, write_article: ArticleWriter, articles_dir: Path
) -> None:
    write_article("card-arrival", title="When will my card arrive?", body=CARD, intents=["card_arrival"])
    write_article("change-pin", title="How do I change my PIN?", body=PIN)
    kb.ingest(articles_dir)
    assert kb.search("what is the best recipe for banana bread", k=3, today=TODAY).abstained
    plain = kb.search("my card", k=2, today=TODAY).results
    boosted = kb.search("my card", k=2, today=TODAY, intent="card_arrival").results
    assert boosted[0].article_id == "card-arrival"
    assert boosted[0].score > next(a.score for a in plain if a.article_id == "card-arrival")


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [("query", {"query": "  "}), ("k", {"k": -1}), ("k", {"k": 51}), ("channel", {"channel": "fax"})],
)
def test_bad_search_input_names_the_field(kb: KnowledgeBase, field: str, kwargs: dict) -> None:
    args = {"query": "card", "k": 3, **kwargs}
    with pytest.raises(InputError) as error:
        kb.search(args.pop("query"), **args)
    assert error.value.loc == (field,)
