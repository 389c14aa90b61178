"""`assist kb`: ingest a folder of articles, search the approved answers, run the knowledge owners' suite."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assist.config import get_settings
from assist.knowledge.service import CHANNELS, KnowledgeBase

kb_app = typer.Typer(no_args_is_help=True, add_completion=False)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


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
