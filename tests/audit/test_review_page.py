from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image, ImageStat

from assist.audit import service
from assist.audit.models import AuditRecord, FeedbackIn
from assist.db import Database
from assist.timeline.models import EventIn
from assist.timeline.service import ingest_events
from tests.audit.browser import CHROMIUM, Browser
from tests.audit.conftest import triage_input
from tests.conftest import TEST_KEYS, auth


@pytest.fixture
def record(sqlite_db: Database) -> AuditRecord:
    stored = ingest_events(
        sqlite_db,
        events=[
            EventIn.model_validate(
                {
                    "customer": {"customer_id": "cus_ana", "email": "ana@example.com"},
                    "channel": "app",
                    "actor": "customer",
                    "occurred_at": "2026-01-05T10:00:00Z",
                    "text": "Card payment I do not recognise, mail me at ana@example.com",
                }
            )
        ],
        region="GB",
    )
    written = service.write_record(sqlite_db, record=triage_input(cited_events=stored.event_ids))
    service.add_feedback(
        sqlite_db,
        feedback=FeedbackIn(audit_id=written.audit_id, outcome="rejected", target="route"),
        key_id="key_agent",
    )
    return written


def test_sign_in_sets_a_signed_cookie_without_the_key(client: TestClient, record: AuditRecord) -> None:
    assert client.get("/review", follow_redirects=False).headers["location"] == "/review/login"
    refused = client.post("/review/login", data={"key": TEST_KEYS["agent"]})
    assert refused.status_code == 401 and "cannot open the review page" in refused.text
    signed_in = client.post("/review/login", data={"key": TEST_KEYS["qa"]}, follow_redirects=False)
    assert signed_in.status_code == 303
    cookie = signed_in.cookies["assist_review"]
    assert TEST_KEYS["qa"] not in cookie
    page = client.get("/review")
    assert page.status_code == 200 and record.audit_id in page.text
    client.cookies.clear()
    client.cookies.set("assist_review", cookie[:-4] + "0000")
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_record_page_shows_what_produced_the_suggestion(client: TestClient, record: AuditRecord) -> None:
    page = client.get(f"/review/records/{record.audit_id}", headers=auth("qa"))
    assert page.status_code == 200
    text = page.text
    for expected in (
        "card-dispute",
        "fraud_first",
        "intent-2026-01-01-abc",
        "all-MiniLM-L6-v2",
        "rejected",
        record.cited_events[0],
        "Card payment I do not recognise",
        "[EMAIL]",
        "[CARD ****1111]",
    ):
        assert expected in text, expected
    assert "ana@example.com" not in text and "4111 1111 1111 1111" not in text


def test_verdict_form_needs_its_token_and_a_known_verdict(
    client: TestClient, record: AuditRecord, sqlite_db: Database
) -> None:
    url = f"/review/records/{record.audit_id}"
    assert client.post(url, headers=auth("qa"), data={"verdict": "wrong"}).status_code == 403
    page = client.get(url, headers=auth("qa")).text
    token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    bad = client.post(url, headers=auth("qa"), data={"verdict": "meh", "csrf": token})
    assert bad.status_code == 422 and "verdict" in bad.text
    saved = client.post(
        url, headers=auth("qa"), data={"verdict": "wrong", "note": "route ok", "csrf": token}, follow_redirects=False
    )
    assert saved.status_code == 303
    assert [r.verdict for r in service.get_record(sqlite_db, audit_id=record.audit_id).reviews] == ["wrong"]


def test_bad_filter_is_a_422_page_naming_the_field(client: TestClient, record: AuditRecord) -> None:
    page = client.get("/review?view=all&since=yesterday", headers=auth("qa"))
    assert page.status_code == 422 and "since" in page.text


@pytest.fixture
def server(make_app: Callable[[Database], FastAPI], sqlite_db: Database) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(make_app(sqlite_db), host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install -y chromium)")
def test_reviewer_signs_in_and_saves_a_verdict_in_chromium(
    server: str, record: AuditRecord, sqlite_db: Database, tmp_path: Path
) -> None:
    browser = Browser()
    try:
        browser.open(f"{server}/review")
        browser.wait_for("location.pathname === '/review/login'")
        browser.evaluate(
            f"document.querySelector('#key').value = {TEST_KEYS['qa']!r};"
            "document.querySelector('form[action=\"/review/login\"] button').click()"
        )
        browser.wait_for("location.pathname === '/review' && document.querySelector('tbody a') !== null")
        assert "rejected" in browser.evaluate("document.body.innerText")
        browser.evaluate("document.querySelector('tbody a').click()")
        browser.wait_for(f"location.pathname === '/review/records/{record.audit_id}'")
        browser.evaluate(
            "document.querySelector('#verdict').value = 'wrong';"
            "document.querySelector('#note').value = 'Fraud route correct, answer text misleading';"
            "document.querySelector('form[action^=\"/review/records\"] button').click()"
        )
        browser.wait_for("document.body.innerText.includes('Verdict saved.')")
        text = browser.evaluate("document.body.innerText")
        assert "Fraud route correct, answer text misleading" in text and "fraud_first" in text
        shot = browser.screenshot(tmp_path / "review.png")
    finally:
        browser.close()
    assert [r.verdict for r in service.get_record(sqlite_db, audit_id=record.audit_id).reviews] == ["wrong"]
    image = Image.open(shot).convert("L")
    assert image.width == 1280 and image.height > 600
    # A blank or failed render is one flat colour; a rendered page has text, tables and a header bar.
    assert ImageStat.Stat(image).stddev[0] > 20
    assert len(image.getcolors(maxcolors=1 << 16) or []) > 20
