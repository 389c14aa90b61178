"""The app factory: routers, error handling, request ids, and start-up preparation."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assist import __version__
from assist.config import Settings, get_settings
from assist.errors import InputError, NotFound, NotReady
from assist.logs import configure_logging, log_fields, request_id_var
from assist.services import Services, build_services

logger = logging.getLogger("assist.http")

MAX_BODY_BYTES = 1_000_000

DESCRIPTION = """Agent assist and triage for contact centres: one cross-channel timeline per customer,
intents, cited handoff cards, approved answers, next best actions and routes, and a tamper-evident audit
trail. Send `Authorization: Bearer <key>`; roles: channel, agent, qa, knowledge_owner, admin."""


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> FastAPI:
    """`services` lets tests share prepared stores; otherwise they are built in the background at start."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.services is None:
            # Prepare in the background so /healthz can say "starting" instead of refusing connections.
            threading.Thread(target=_prepare, args=(app, settings), name="prepare", daemon=True).start()
        yield
        if app.state.services is not None and services is None:
            app.state.services.close()

    app = FastAPI(title="assist", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.services = services
    app.state.startup_error = None

    async def current_settings() -> Settings:
        return settings

    app.dependency_overrides[get_settings] = current_settings
    _install_middleware(app)
    _install_error_handlers(app)
    _include_routers(app)
    return app


def _prepare(app: FastAPI, settings: Settings) -> None:
    started = time.perf_counter()
    try:
        app.state.services = build_services(settings)
    except Exception as exc:
        app.state.startup_error = f"{exc.__class__.__name__}: {exc}"
        logger.exception("start-up preparation failed")
        return
    logger.info("ready", extra=log_fields(seconds=round(time.perf_counter() - started, 2)))


def _include_routers(app: FastAPI) -> None:
    from assist.audit.routes import router as audit_router
    from assist.knowledge.routes import router as knowledge_router
    from assist.pipeline.routes import router as pipeline_router
    from assist.timeline.routes import router as timeline_router

    @app.get("/healthz", tags=["health"])
    def healthz(request: Request) -> JSONResponse:
        if request.app.state.services is not None:
            return JSONResponse({"status": "ok", "version": __version__})
        body = {"status": "failed" if request.app.state.startup_error else "starting"}
        if request.app.state.startup_error:
            body["error"] = request.app.state.startup_error
        return JSONResponse(body, status_code=status.HTTP_503_SERVICE_UNAVAILABLE)

    for router in (timeline_router, pipeline_router, knowledge_router, audit_router):
        app.include_router(router)


def _install_middleware(app: FastAPI) -> None:
    app.add_middleware(RequestContext)


class RequestContext:
    """Request ids, the body size limit and one log line per request. Plain ASGI rather than
    `@app.middleware("http")`, which streams every response through an extra task and queue."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = (headers.get("x-request-id") or uuid.uuid4().hex)[:64]
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status_code = status.HTTP_500_INTERNAL_SERVER_ERROR

        async def send_with_id(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
                MutableHeaders(scope=message).append("x-request-id", request_id)
            await send(message)

        try:
            length = headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
                response = JSONResponse(
                    {"detail": [{"loc": ["body"], "msg": f"request body over {MAX_BODY_BYTES} bytes"}]},
                    status_code=status.HTTP_413_CONTENT_TOO_LARGE,
                )
                await response(scope, receive, send_with_id)
            else:
                await self.app(scope, receive, send_with_id)
        finally:
            logger.info(
                "request",
                extra=log_fields(
                    method=scope["method"],
                    path=scope["path"],
                    status=status_code,
                    ms=round((time.perf_counter() - started) * 1000, 1),
                ),
            )
            request_id_var.reset(token)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(InputError)
    async def input_error(_request: Request, exc: InputError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail()}, status_code=exc.status_code)

    @app.exception_handler(NotFound)
    async def not_found(_request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_404_NOT_FOUND)

    @app.exception_handler(NotReady)
    async def not_ready(_request: Request, exc: NotReady) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own shape, minus the echoed input: it may be a 200 kB message or personal data.
        errors = [{k: v for k, v in err.items() if k not in ("input", "ctx", "url")} for err in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)
