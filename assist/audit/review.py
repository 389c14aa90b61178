"""The QA review page, /review: server-rendered HTML, no JavaScript.

Browsers sign in at /review/login with their API key; the cookie then holds the key's fingerprint, an expiry
and an HMAC, never the key. Scripts may send `Authorization: Bearer <key>` instead. Forms carry a token
derived from the reviewer's key id, and the cookie is SameSite=Strict, so other sites cannot post verdicts.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlalchemy import select

from assist.audit import service
from assist.audit.chain import sign, signature_ok
from assist.audit.models import RecordFilters, ReviewIn
from assist.audit.policy import load_policy
from assist.auth import Caller, Role, authenticate, key_id, parse_api_keys
from assist.config import Settings
from assist.deps import SettingsDep, StoreDep
from assist.errors import InputError
from assist.privacy.redact import redact
from assist.timeline.service import to_timeline_event
from assist.timeline.tables import EventRow

router = APIRouter(prefix="/review", include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters["pretty"] = lambda value: json.dumps(value, indent=2, ensure_ascii=False, default=str)

COOKIE = "assist_review"
SESSION_SECONDS = 8 * 3600
REVIEWERS = {Role.qa, Role.admin}


def _session_token(settings: Settings, caller: Caller) -> str:
    expires = int(time.time()) + SESSION_SECONDS
    return f"{caller.key_id}.{expires}.{sign(service.signing_key(settings), 'review-session', caller.key_id, expires)}"


def _from_session(settings: Settings, token: str) -> Caller | None:
    fingerprint, _, rest = token.partition(".")
    expires, _, signature = rest.partition(".")
    if not expires.isdigit() or int(expires) < time.time():
        return None
    if not signature_ok(service.signing_key(settings), signature, "review-session", fingerprint, int(expires)):
        return None
    # A key removed from ASSIST_API_KEYS ends its sessions too.
    roles = {key_id(key): role for key, role in parse_api_keys(settings.api_keys).items()}
    return Caller(role=roles[fingerprint], key_id=fingerprint) if fingerprint in roles else None


def reviewer(request: Request, settings: SettingsDep) -> Caller:
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    if scheme.lower() == "bearer" and credential:
        caller = authenticate(parse_api_keys(settings.api_keys), credential.strip())
        if caller is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown API key", headers={"WWW-Authenticate": "Bearer"})
    else:
        token = request.cookies.get(COOKIE)
        caller = _from_session(settings, token) if token else None
        if caller is None:
            raise HTTPException(status.HTTP_303_SEE_OTHER, "sign in first", headers={"Location": "/review/login"})
    if caller.role not in REVIEWERS:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {caller.role} may not review; needs qa or admin")
    return caller


Reviewer = Annotated[Caller, Depends(reviewer)]


def _csrf(settings: Settings, caller: Caller) -> str:
    return sign(service.signing_key(settings), "review-form", caller.key_id)


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return _page(request, "login.html", {"error": None})


@router.post("/login", response_model=None)
def login(request: Request, settings: SettingsDep, key: Annotated[str, Form(max_length=512)]) -> Response:
    caller = authenticate(parse_api_keys(settings.api_keys), key.strip())
    if caller is None or caller.role not in REVIEWERS:
        error = "Unknown key." if caller is None else f"A {caller.role} key cannot open the review page."
        return _page(request, "login.html", {"error": error}, status.HTTP_401_UNAUTHORIZED)
    response = RedirectResponse("/review", status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        COOKIE,
        _session_token(settings, caller),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/review",
    )
    return response


@router.post("/logout")
def logout() -> RedirectResponse:
    response = RedirectResponse("/review/login", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(COOKIE, path="/review")
    return response


@router.get("", response_class=HTMLResponse)
def record_list(request: Request, caller: Reviewer, db: StoreDep, settings: SettingsDep) -> HTMLResponse:
    """Empty form fields mean "any"; the default view is the open review queue."""
    params = {key: value for key, value in request.query_params.items() if value}
    view = params.pop("view", "queue")
    if view == "queue":
        params.setdefault("queued", "true")
        params.setdefault("reviewed", "false")
    try:
        filters = RecordFilters.model_validate(params)
    except ValidationError as exc:
        errors = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        return _page(request, "list.html", _list_context(view, params, None, errors, caller), 422)
    page = service.list_records(db, filters=filters)
    return _page(request, "list.html", _list_context(view, params, page, [], caller))


def _list_context(view: str, params: dict[str, str], page: Any, errors: list[str], caller: Caller) -> dict[str, Any]:
    # Pagination links keep the filters; `offset` is the only thing they change.
    query = urlencode({"view": view, **{k: v for k, v in params.items() if k != "offset"}})
    return {"view": view, "params": params, "page": page, "errors": errors, "caller": caller, "query": query}


@router.get("/verify", response_class=HTMLResponse)
def verify_page(request: Request, caller: Reviewer, db: StoreDep, settings: SettingsDep) -> HTMLResponse:
    result = service.verify(db, signing_key=service.signing_key(settings))
    return _page(request, "verify.html", {"result": result, "caller": caller})


@router.get("/records/{audit_id}", response_class=HTMLResponse)
def record_page(
    request: Request, audit_id: str, caller: Reviewer, db: StoreDep, settings: SettingsDep, saved: bool = False
) -> HTMLResponse:
    return _record_page(request, audit_id=audit_id, caller=caller, db=db, settings=settings, saved=saved)


def _record_page(
    request: Request,
    *,
    audit_id: str,
    caller: Caller,
    db: Any,
    settings: Settings,
    saved: bool = False,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    record = service.get_record(db, audit_id=audit_id)
    with db.session() as session:
        rows = session.scalars(select(EventRow).where(EventRow.event_id.in_(record.cited_events))).all()
        # Timeline text is stored as received; QA sees it redacted like everything else here.
        events = sorted(
            (to_timeline_event(row).model_copy(update={"text": redact(row.text)}) for row in rows),
            key=lambda event: event.occurred_at,
        )
    context = {
        "record": record,
        "events": events,
        "caller": caller,
        "saved": saved,
        "error": error,
        "verdicts": load_policy(settings.audit_policy).verdicts,
        "csrf": _csrf(settings, caller),
        "missing_events": sorted(set(record.cited_events) - {event.event_id for event in events}),
    }
    return _page(request, "record.html", context, status_code)


@router.post("/records/{audit_id}", response_model=None)
def save_verdict(
    request: Request,
    audit_id: str,
    caller: Reviewer,
    db: StoreDep,
    settings: SettingsDep,
    verdict: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    if not signature_ok(service.signing_key(settings), csrf, "review-form", caller.key_id):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "the form token is missing or stale; reload the page")
    try:
        review = ReviewIn(verdict=verdict, note=note)
        service.save_review(
            db, audit_id=audit_id, review=review, reviewer=caller.key_id, policy=load_policy(settings.audit_policy)
        )
    except (ValidationError, InputError) as exc:
        message = str(exc) if isinstance(exc, InputError) else f"verdict or note: {exc.errors()[0]['msg']}"
        return _record_page(
            request, audit_id=audit_id, caller=caller, db=db, settings=settings, error=message, status_code=422
        )
    return RedirectResponse(f"/review/records/{audit_id}?saved=true", status.HTTP_303_SEE_OTHER)
