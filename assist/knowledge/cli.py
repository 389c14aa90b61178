"""`assist kb`: ingest a folder of articles, search the approved answers, report what the knowledge base lacks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from assist.config import get_settings
from assist.errors import InputError
from assist.knowledge.service import CHANNELS, KnowledgeBase

kb_app = typer.Typer(no_args_is_help=True, add_completion=False)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@contextmanager
def _usage_errors() -> Iterator[None]:
    """Bad input exits with status 2 and the field named, as typer does for its own options."""
    try:
        yield
    except InputError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None


def _open() -> KnowledgeBase:
    from assist.embeddings import get_embedder
    from assist.knowledge.service import open_knowledge_base

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return open_knowledge_base(settings=settings, embedder=get_embedder())


@kb_app.command()
def ingest(
    directory: Annotated[
        Path | None, typer.Argument(help="Folder of *.md articles or one holding articles/ (ASSIST_KNOWLEDGE_DIR).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Validate every article, then apply the changes; exit status 1 (nothing changed) when any file is invalid."""
    report = _open().ingest(directory or get_settings().knowledge_dir)
    if as_json:
        typer.echo(report.model_dump_json())
    else:
        for bad in report.invalid:
            typer.echo(f"invalid {bad.file}: {bad.field}: {bad.message}", err=True)
        if report.invalid:
            typer.echo("nothing changed", err=True)
        else:
            counts = report.counts()
            typer.echo(", ".join(f"{name} {counts[name]}" for name in ("added", "updated", "unchanged", "retired")))
    raise typer.Exit(1 if report.invalid else 0)


@kb_app.command()
def search(
    query: Annotated[str, typer.Argument(help="What the customer asked.")],
    k: Annotated[int, typer.Option(min=1, max=50, help="How many answers at most.")] = 3,
    channel: Annotated[str | None, typer.Option(help=f"One of {', '.join(CHANNELS)}: its variants and rules.")] = None,
    intent: Annotated[str | None, typer.Option(help="The classified intent, to favour its articles.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Approved, current answers for QUERY, or an abstention when nothing is relevant enough."""
    if channel is not None and channel not in CHANNELS:
        raise typer.BadParameter(f"one of {', '.join(CHANNELS)}", param_hint="--channel")
    with _usage_errors():
        response = _open().search(query, k=k, channel=channel, intent=intent)
    if as_json:
        typer.echo(response.model_dump_json())
        return
    if response.abstained:
        typer.echo("abstained: no approved answer is relevant enough")
        return
    for answer in response.results:
        typer.echo(f"{answer.score:.3f}  {answer.article_id} v{answer.version}  {answer.title}")
        typer.echo("       " + " ".join(answer.text.split())[:160])


@kb_app.command()
def coverage(as_json: JsonOption = False) -> None:
    """Intents without an approved article, articles never retrieved by the labelled questions, near-duplicate
    or conflicting approved articles, and articles past their effective date (ASSIST_KNOWLEDGE_DIR)."""
    from assist.knowledge.suite import tenant_coverage

    with _usage_errors():
        report = tenant_coverage(_open(), knowledge_dir=get_settings().knowledge_dir)
    if as_json:
        typer.echo(report.model_dump_json())
        return
    sections = {
        "intents without an approved article": report.intents_without_article,
        "articles never retrieved": report.articles_never_retrieved,
        "near-duplicate or conflicting articles": [f"{a} ~ {b} ({sim:.2f})" for a, b, sim in report.near_duplicates],
        "past their effective date": report.past_effective_date,
    }
    for title, items in sections.items():
        typer.echo(f"{title}: {len(items)}")
        for item in items:
            typer.echo(f"  {item}")
