from __future__ import annotations

from pathlib import Path

import pytest

from assist.knowledge.articles import read_folder
from tests.knowledge.conftest import ArticleWriter


def _problems(folder: Path) -> set[tuple[str, str]]:
    _parsed, invalid = read_folder(folder)
    return {(bad.file, bad.field) for bad in invalid}


@pytest.mark.parametrize(
    ("front", "body", "field"),
    [
        ({"status": "published"}, "text", "status"),
        ({"version": "two"}, "text", "version"),
        ({"version": 0}, "text", "version"),
        ({"owner": None}, "text", "owner"),
        ({"channels": ["fax"]}, "text", "channels.0"),
        ({"variants": {"pager": "short"}}, "text", "variants.pager.[key]"),
        ({"effective_from": "2026-05-01", "effective_until": "2026-04-01"}, "text", "effective_until"),
        ({"colour": "red"}, "text", "colour"),
        ({}, "   ", "body"),
    ],
)
def test_each_invalid_file_is_named_with_its_field(
    write_article: ArticleWriter, articles_dir: Path, front: dict, body: str, field: str
) -> None:
    write_article("good", body="fine")
    write_article("bad", body=body, **front)
    assert _problems(articles_dir) == {("bad.md", field)}


def test_broken_front_matter_and_duplicate_ids(write_article: ArticleWriter, articles_dir: Path) -> None:
    (articles_dir / "no-front.md").write_text("just text\n")
    (articles_dir / "broken.md").write_text("---\nid: [unclosed\n---\nbody\n")
    write_article("same", body="one", filename="a.md")
    write_article("same", body="two", filename="b.md")
    assert _problems(articles_dir) == {
        ("no-front.md", "front matter"),
        ("broken.md", "front matter"),
        ("a.md", "id"),
        ("b.md", "id"),
    }


def test_folder_holding_articles_is_accepted(write_article: ArticleWriter, articles_dir: Path) -> None:
    write_article("one", body="text")
    parsed, invalid = read_folder(articles_dir.parent)
    assert [p.article.id for p in parsed] == ["one"] and not invalid
