"""Reading a folder of markdown articles: strict validation, every problem named by file and field."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from pydantic import ValidationError

from assist.knowledge.models import ArticleFile, InvalidFile


@dataclass(frozen=True)
class ParsedArticle:
    article: ArticleFile
    source: str
    content_hash: str


def articles_folder(directory: Path) -> Path:
    """`knowledge/` holds the articles in `articles/`; accept either that folder or the articles folder itself."""
    nested = directory / "articles"
    return nested if nested.is_dir() else directory


def content_hash(article: ArticleFile) -> str:
    """Everything but the status: approving or retiring a version does not change what it says."""
    canonical = json.dumps(article.model_dump(mode="json", exclude={"status"}), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "front matter"


def parse_file(path: Path, *, source: str) -> ParsedArticle | list[InvalidFile]:
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return [InvalidFile(file=source, field="file", message="not UTF-8 text")]
    except yaml.YAMLError as exc:
        return [InvalidFile(file=source, field="front matter", message=f"not valid YAML: {exc}".splitlines()[0])]
    if not post.metadata:
        return [InvalidFile(file=source, field="front matter", message="missing: start the file with --- YAML ---")]
    if "body" in post.metadata:
        return [InvalidFile(file=source, field="body", message="the answer is the text after the front matter")]
    try:
        article = ArticleFile.model_validate({**post.metadata, "body": post.content})
    except ValidationError as exc:
        return [InvalidFile(file=source, field=_field(err["loc"]), message=err["msg"]) for err in exc.errors()]
    if article.effective_from and article.effective_until and article.effective_until <= article.effective_from:
        return [InvalidFile(file=source, field="effective_until", message="must be after effective_from")]
    return ParsedArticle(article=article, source=source, content_hash=content_hash(article))


def read_folder(directory: Path) -> tuple[list[ParsedArticle], list[InvalidFile]]:
    """Every `*.md` in the folder (not recursive), with all problems found, not just the first."""
    folder = articles_folder(directory)
    if not folder.is_dir():
        return [], [InvalidFile(file=str(directory), field="directory", message="not a folder of articles")]
    parsed: list[ParsedArticle] = []
    invalid: list[InvalidFile] = []
    for path in sorted(folder.glob("*.md")):
        result = parse_file(path, source=path.name)
        if isinstance(result, ParsedArticle):
            parsed.append(result)
        else:
            invalid.extend(result)
    by_id: dict[str, list[str]] = defaultdict(list)
    for item in parsed:
        by_id[item.article.id].append(item.source)
    for article_id, sources in by_id.items():
        if len(sources) > 1:
            for source in sources:
                others = ", ".join(s for s in sources if s != source)
                message = f"duplicate id {article_id!r}, also in {others}"
                invalid.append(InvalidFile(file=source, field="id", message=message))
    return parsed, invalid
