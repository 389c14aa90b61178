"""`assist audit`: verify the chain, export its signed head, export records, purge by age, replay a record."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from assist.audit import service
from assist.audit.models import ChainHead
from assist.audit.policy import load_policy
from assist.config import Settings, get_settings
from assist.db import Database

audit_app = typer.Typer(no_args_is_help=True, add_completion=False)


def _open(settings: Settings) -> Database:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.sqlalchemy_url)
    db.create_all()
    return db


@audit_app.command()
def verify(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    head: Annotated[
        Path | None, typer.Option(help="A head saved earlier by `assist audit head`; catches a cut-off tail.")
    ] = None,
) -> None:
    """Walk the whole chain; exit status 1 when any record was changed, removed, reordered or cut off."""
    settings = get_settings()
    exported = ChainHead.model_validate_json(head.read_text(encoding="utf-8")) if head else None
    result = service.verify(_open(settings), signing_key=service.signing_key(settings), head=exported)
    if as_json:
        typer.echo(result.model_dump_json())
    elif result.ok:
        typer.echo(f"ok: {result.records} records verified")
    else:
        typer.echo(f"BROKEN at seq {result.first_bad_seq} ({result.first_bad or 'missing record'}): {result.reason}")
    raise typer.Exit(0 if result.ok else 1)


@audit_app.command()
def head(out: Annotated[Path | None, typer.Option(help="Write here instead of standard output.")] = None) -> None:
    """Print the signed chain head; keep it outside the database so truncation is detectable later."""
    settings = get_settings()
    text = service.chain_head(_open(settings), signing_key=service.signing_key(settings)).model_dump_json()
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)


@audit_app.command()
def export(
    out: Annotated[Path | None, typer.Option(help="JSON-lines file; standard output when omitted.")] = None,
    since: Annotated[datetime | None, typer.Option(help="Only records created at or after this time.")] = None,
) -> None:
    """Every record, oldest first, one JSON object a line, with its feedback and reviews."""
    db = _open(get_settings())
    stream = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        count = 0
        for record in service.export_records(db, since=since):
            stream.write(record.model_dump_json() + "\n")
            count += 1
    finally:
        if out:
            stream.close()
    if out:
        typer.echo(f"exported {count} records to {out}")


@audit_app.command()
def purge(
    older_than: Annotated[
        int | None, typer.Option("--older-than", min=1, help="Days; default: retention.days in audit/policy.yaml.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Delete records older than DAYS; a signed checkpoint keeps the rest of the chain verifiable."""
    settings = get_settings()
    days = older_than or load_policy(settings.audit_policy).retention.days
    result = service.purge(_open(settings), older_than_days=days, signing_key=service.signing_key(settings))
    if as_json:
        typer.echo(result.model_dump_json())
    else:
        typer.echo(
            f"purged {result.purged} records older than {days} days"
            + (f"; checkpoint at seq {result.checkpoint_seq}" if result.checkpoint_seq else "")
        )


@audit_app.command()
def replay(
    audit_id: str,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Re-run the local pipeline on a record's inputs and compare with what it returned; exit 1 on a difference."""
    from assist.audit.replay import replay_record
    from assist.services import build_services

    services = build_services(get_settings())
    try:
        result = replay_record(services=services, audit_id=audit_id)
    finally:
        services.close()
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json")))
    else:
        typer.echo(result.summary())
    raise typer.Exit(0 if result.matches else 1)


if __name__ == "__main__":  # `python -m assist.audit.cli`, without loading the other stages' commands
    audit_app()
