"""`assist prompts`: list the prompts, check them against versions.lock, refresh the lock after a bump."""

from __future__ import annotations

import json

import typer

from assist.config import get_settings
from assist.prompts.registry import PromptRegistry

app = typer.Typer(name="prompts", help="Versioned prompt templates in prompts/.", no_args_is_help=True)


@app.command("list")
def list_prompts(as_json: bool = typer.Option(False, "--json")) -> None:
    """Each prompt's id, version and content hash."""
    refs = [p.ref.model_dump() for p in PromptRegistry(get_settings().prompts_dir).all()]
    if as_json:
        typer.echo(json.dumps(refs, indent=2))
    else:
        for ref in refs:
            typer.echo(f"{ref['id']}  v{ref['version']}  {ref['sha256'][:12]}")


@app.command("check")
def check() -> None:
    """Exit 1 when a prompt changed without a version bump or versions.lock is stale."""
    problems = PromptRegistry(get_settings().prompts_dir).lock_problems()
    for problem in problems:
        typer.echo(problem, err=True)
    raise typer.Exit(1 if problems else 0)


@app.command("lock")
def lock() -> None:
    """Write versions.lock for the prompts as they are; refuses while a changed prompt keeps its version."""
    registry = PromptRegistry(get_settings().prompts_dir)
    unbumped = [p for p in registry.lock_problems() if "bump it" in p]
    if unbumped:
        for problem in unbumped:
            typer.echo(problem, err=True)
        raise typer.Exit(1)
    typer.echo(f"wrote {registry.write_lock()}")
