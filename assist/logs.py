"""Structured JSON logs; every line of a request carries its request id, and no line holds personal data.

Redaction is a filter on the handler, not a rule for callers: an exception message, a traceback or a
library's warning can quote what a customer sent (a card number inside a validation error), so every record
that reaches the handler, from any logger, is redacted before it is formatted.
"""

from __future__ import annotations

import contextvars
import io
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TextIO

from assist.privacy.redact import redact, redact_obj

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
# Loggers whose records reach the JSON handler besides the service's own: the server's errors (uvicorn
# prints tracebacks of unhandled exceptions there) and, at WARNING and above, every library's.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error")


class RedactingFilter(logging.Filter):
    """Redacts the message, its arguments, extra fields, the exception and the stack of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: keep both, redacted
            message = f"{record.msg} {record.args}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        fields = getattr(record, "fields", None)
        if fields:
            record.fields = redact_obj(fields)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if (request_id := request_id_var.get()) is not None:
            payload["request_id"] = request_id
        payload.update(getattr(record, "fields", {}))
        if record.exc_text or record.exc_info:
            payload["exc"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(payload, default=str)


def configure_logging(level: str = "INFO", *, stream: TextIO | None = None) -> logging.Handler:
    """One redacting JSON handler on stderr (or `stream`) for the service, the server and every library."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    root = logging.getLogger("assist")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
    for name in SERVER_LOGGERS:
        server = logging.getLogger(name)
        server.handlers[:] = [handler]
        server.propagate = False
    # Anything else (openai, httpx, sqlalchemy, chromadb) at WARNING and above: redacted JSON, not raw stderr.
    logging.getLogger().handlers[:] = [h for h in logging.getLogger().handlers if _kept(h)] + [handler]
    return handler


def _kept(handler: logging.Handler) -> bool:
    """Handlers that are not ours (pytest's capture) stay; an earlier configure_logging's handler goes."""
    return not any(isinstance(f, RedactingFilter) for f in handler.filters)


@contextmanager
def captured(level: str = "INFO") -> Iterator[io.StringIO]:
    """The service's own log output (configure_logging's handler), written to a buffer while inside; the
    handlers it replaced are put back after (pytest's capture, a CLI's)."""
    stream = io.StringIO()
    names = ("assist", *SERVER_LOGGERS, "")
    saved = {name: (logging.getLogger(name).handlers[:], logging.getLogger(name).propagate) for name in names}
    configure_logging(level, stream=stream)
    try:
        yield stream
    finally:
        for name, (handlers, propagate) in saved.items():
            logging.getLogger(name).handlers[:] = handlers
            logging.getLogger(name).propagate = propagate


def log_fields(**fields: object) -> dict[str, dict[str, object]]:
    """`logger.info("msg", extra=log_fields(k=v))`: only ids and counts, never message text."""
    return {"fields": fields}
