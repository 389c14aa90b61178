"""`assist triage FILE.jsonl`: classify and route an email backlog, one /v1/triage body per line."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from pydantic import ValidationError
from tqdm import tqdm

from assist.auth import Caller, Role
from assist.errors import InputError

BATCH_CALLER = Caller(role=Role.channel, key_id="cli_triage")


def triage_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON lines of /v1/triage bodies.")],
    out: Annotated[Path | None, typer.Option("--out", help="Write routes (JSON lines) here; default stdout.")] = None,
) -> None:
    """Route every line; a line that is not a valid triage body gets an error record naming the field."""
    from assist.config import get_settings
    from assist.pipeline.models import TriageRequest
    from assist.pipeline.service import run_triage
    from assist.services import build_services

    lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    services = build_services(get_settings())
    routed = failed = 0
    try:
        with open(out, "w", encoding="utf-8") if out else nullcontext(sys.stdout) as sink:  # type: ignore[attr-defined]
            for number, line in enumerate(tqdm(lines, desc="triage", unit="contact", file=sys.stderr), start=1):
                if not line.strip():
                    continue
                try:
                    request = TriageRequest.model_validate(json.loads(line))
                    response = run_triage(services=services, request=request, caller=BATCH_CALLER)
                except (json.JSONDecodeError, ValidationError, InputError) as exc:
                    failed += 1
                    _write(sink, {"line": number, "error": _describe(exc)})
                    continue
                routed += 1
                _write(sink, {"line": number, **response.model_dump(mode="json")})
    finally:
        services.close()
    typer.echo(f"routed {routed}, rejected {failed} of {routed + failed} lines", err=True)
    if failed:
        raise typer.Exit(code=1)


def _write(sink: TextIO, record: dict[str, Any]) -> None:
    sink.write(json.dumps(record, ensure_ascii=False) + "\n")


def _describe(exc: Exception) -> list[dict[str, Any]]:
    if isinstance(exc, ValidationError):
        return [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
    if isinstance(exc, InputError):
        return [{"loc": list(exc.loc), "msg": exc.message}]
    return [{"loc": [], "msg": f"not JSON: {exc}"}]
