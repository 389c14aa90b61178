from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assist.audit.models import AuditInput
from assist.config import Settings, get_settings
from assist.db import Database


@pytest.fixture
def sqlite_db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.sqlalchemy_url)
    database.create_all()
    yield database
    database.dispose()


def triage_input(**changes: Any) -> AuditInput:
    """A realistic triage record; `changes` override top-level fields."""
    base: dict[str, Any] = {
        "kind": "triage",
        "request_id": "req-1",
        "caller_role": "channel",
        "key_id": "key_0123456789ab",
        "customer_id": "cus_ana",
        "inputs": {
            "customer": {"email": "ana@example.com"},
            "channel": "sms",
            "message": "I did not make that payment, my card 4111 1111 1111 1111 was used",
        },
        "outputs": {
            "intent": {
                "label": "card_payment_not_recognised",
                "confidence": 0.91,
                "low_confidence": False,
                "out_of_scope": False,
            },
            "signals": {"risk": [{"name": "fraud", "kind": "risk", "evidence": ["evt_6504690519884c83b200"]}]},
            "route": {"type": "specialist", "queue": "fraud", "reasons": ["fraud risk: card not recognised"]},
            "answers": [{"article_id": "card-dispute", "version": 3, "text": "We have frozen the card."}],
        },
        "intent_model": "intent-2026-01-01-abc",
        "embedding_model": "all-MiniLM-L6-v2",
        "policy_version": "4",
        "knowledge": [{"article_id": "card-dispute", "version": 3}],
        "rules_fired": ["fraud_first"],
        "cited_events": ["evt_6504690519884c83b200"],
        "latency_ms": {"intent": 4.2, "retrieval": 11.0, "total": 30.5},
    }
    return AuditInput.model_validate(base | changes)


def calm_outputs(confidence: float = 0.95) -> dict[str, Any]:
    """Outputs no sampling rule but the random one picks."""
    return {
        "intent": {"label": "balance", "confidence": confidence, "low_confidence": False, "out_of_scope": False},
        "signals": {"risk": []},
        "route": {"type": "self_service"},
    }


@pytest.fixture
def make_app(settings: Settings) -> Callable[[Database], FastAPI]:
    """The audit router on its own app, with the real app's error handlers."""
    from assist.app import _install_error_handlers
    from assist.audit.routes import router

    def build(database: Database) -> FastAPI:
        app = FastAPI()
        app.dependency_overrides[get_settings] = lambda: settings
        app.state.services = SimpleNamespace(settings=settings, db=database)
        _install_error_handlers(app)
        app.include_router(router)
        return app

    return build


@pytest.fixture
def client(make_app: Callable[[Database], FastAPI], sqlite_db: Database) -> Iterator[TestClient]:
    with TestClient(make_app(sqlite_db)) as test_client:
        yield test_client
