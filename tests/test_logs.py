"""Log lines as the service writes them (the real handler, captured from its stream): never personal data."""

from __future__ import annotations

import io
import json
import logging

from assist.logs import log_fields

CARD, IBAN, EMAIL, PHONE = "4111 1111 1111 1111", "GB82WEST12345698765432", "ana.silva@example.com", "+44 7700 900123"
SECRETS = (CARD, "4111111111111111", IBAN, EMAIL, PHONE, "7700 900123")


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_exception_messages_and_tracebacks_are_redacted(log_stream: io.StringIO) -> None:
    promise = {"by": {"card": int(CARD.replace(" ", "")), "iban": IBAN}}
    try:
        raise TypeError(f"promise 'by' must be a string, got {promise['by']!r}")
    except TypeError:
        logging.getLogger("assist.handoff").exception("card failed for %s", EMAIL)
    try:
        raise ValueError(f"cannot reach {PHONE}")
    except ValueError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")

    out = log_stream.getvalue()
    assert [s for s in SECRETS if s in out] == []
    lines = _lines(log_stream)
    assert lines[0]["msg"] == "card failed for [EMAIL]"
    assert "[CARD ****1111]" in str(lines[0]["exc"]) and "[IBAN]" in str(lines[0]["exc"])
    assert "Traceback" in str(lines[0]["exc"]) and "[PHONE]" in str(lines[1]["exc"])


def test_fields_args_and_other_libraries_are_redacted_and_times_and_ids_kept(log_stream: io.StringIO) -> None:
    logging.getLogger("assist.http").info(
        "request",
        extra=log_fields(path=f"/v1/customers?email={EMAIL}", due="2026-11-20 17:00:00 UTC", order=4155550132),
    )
    logging.getLogger("openai").warning("retrying %s with card %s", "evt_9aa8bf2084154174a346", CARD)

    out = log_stream.getvalue()
    assert [s for s in SECRETS if s in out] == []
    request, library = _lines(log_stream)
    assert request["path"] == "/v1/customers?email=[EMAIL]"
    assert request["due"] == "2026-11-20 17:00:00 UTC" and request["order"] == 4155550132
    assert library["msg"] == "retrying evt_9aa8bf2084154174a346 with card [CARD ****1111]"
