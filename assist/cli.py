"""The `assist` command: serve, demo, and the knowledge, intent, triage, eval and audit tools."""

from __future__ import annotations

from typing import Annotated

import typer

from assist.audit.cli import audit_app
from assist.config import get_settings
from assist.evals.cli import eval_app
from assist.intents.cli import intents_app
from assist.knowledge.cli import kb_app
from assist.prompts.cli import app as prompts_app
from assist.routing.cli import triage_file

app = typer.Typer(help=__doc__, no_args_is_help=True, add_completion=False)
app.add_typer(kb_app, name="kb", help="Ingest and search the knowledge base of approved answers.")
app.add_typer(intents_app, name="intents", help="Train and evaluate the intent classifier.")
app.add_typer(prompts_app, name="prompts", help="List, check and lock the versioned prompts.")
app.add_typer(eval_app, name="eval", help="Run the evaluation suites before publishing a change.")
app.add_typer(audit_app, name="audit", help="Verify, export, purge and replay the audit trail.")
app.command("triage", help="Classify and route a JSON-lines backlog (one /v1/triage body per line).")(triage_file)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the HTTP API; an empty data directory is prepared first (model trained, articles ingested)."""
    import uvicorn

    from assist.app import create_app

    uvicorn.run(create_app(get_settings()), host=host, port=port, log_config=None)


@app.command()
def demo(
    url: Annotated[str | None, typer.Option(help="A running server; by default the demo runs in-process.")] = None,
    agent_key: Annotated[str, typer.Option(envvar="ASSIST_DEMO_AGENT_KEY")] = "dev-agent",
    channel_key: Annotated[str, typer.Option(envvar="ASSIST_DEMO_CHANNEL_KEY")] = "dev-channel",
) -> None:
    """Post a journey app -> chat -> phone and print the handoff card, answers and actions."""
    from fastapi.testclient import TestClient

    from assist.app import create_app
    from assist.demo import run_demo, wait_until_ready

    settings = get_settings().model_copy(update={"log_level": "WARNING"})  # the report, not request logs
    headers = {
        "headers_channel": {"Authorization": f"Bearer {channel_key}"},
        "headers_agent": {"Authorization": f"Bearer {agent_key}"},
    }
    if url:
        import httpx

        with httpx.Client(base_url=url, timeout=30) as client:
            wait_until_ready(client)
            typer.echo(run_demo(client, **headers))
        return
    with TestClient(create_app(settings)) as client:
        typer.echo("preparing (the first run trains the intent model and ingests the knowledge base)...", err=True)
        wait_until_ready(client)
        typer.echo(run_demo(client, **headers))


if __name__ == "__main__":
    app()
