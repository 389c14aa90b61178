"""Shared fixtures: isolated settings per test, a guard against any non-local network call, real stores."""

from __future__ import annotations

import io
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assist.config import PROJECT_ROOT, Settings, get_settings
from assist.db import Base, Database
from assist.logs import captured
from tests.support.openai_server import OpenAIServer, openai_server, openai_server_session  # noqa: F401

TEST_KEYS = {
    "admin": "test-admin",
    "agent": "test-agent",
    "channel": "test-channel",
    "qa": "test-qa",
    "knowledge_owner": "test-knowledge",
}
POSTGRES_URL = os.environ.get("ASSIST_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> object:
    if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        host = str(address[0])
        if not (host.startswith("127.") or host in ("::1", "localhost")):
            raise RuntimeError(f"unexpected network call to {address!r} in a test")
    return _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    """Any connection to a non-loopback address fails the test that made it."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


def auth(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TEST_KEYS[role]}"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a fresh data directory; no LLM unless a test sets one."""
    return _settings_for(tmp_path / "data")


@pytest.fixture(autouse=True)
def _settings_cache_cleared() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A private schema on the real PostgreSQL; skipped with a reason only when it is unreachable."""
    sqlalchemy = pytest.importorskip("sqlalchemy")
    try:
        engine = sqlalchemy.create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("select 1"))
    except Exception as exc:  # the server is down or refuses us: say so, do not fail
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}: {exc.__class__.__name__}")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'create schema "{schema}"'))
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'drop schema "{schema}" cascade'))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Database]:
    """The same store on SQLite and on the real PostgreSQL."""
    url = settings.sqlalchemy_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    database = Database(url)
    database.create_all()
    yield database
    if request.param == "postgres":
        Base.metadata.drop_all(database.engine)
    database.dispose()


@pytest.fixture
def llm_settings(settings: Settings, openai_server: OpenAIServer) -> Settings:  # noqa: F811
    """This test's settings, with the LLM pointed at the local OpenAI-compatible test server."""
    return settings.model_copy(
        update={"llm_base_url": openai_server.base_url, "llm_model": "test-model", "llm_timeout_s": 0.5}
    )


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    from assist.embeddings import get_embedder

    return get_embedder()


def _settings_for(data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        api_keys=",".join(f"{key}:{role}" for role, key in TEST_KEYS.items()),
        knowledge_dir=PROJECT_ROOT / "knowledge",
        llm_base_url=None,
        llm_model=None,
        llm_api_key=None,
    )


@pytest.fixture(scope="session")
def prepared_services(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Trained intent model and ingested knowledge base, built once per test session like `assist serve` does."""
    from assist.services import build_services

    services = build_services(_settings_for(tmp_path_factory.mktemp("prepared")))
    yield services
    services.close()


@pytest.fixture
def services(prepared_services, settings: Settings):  # type: ignore[no-untyped-def]
    """The prepared models and knowledge base, with a fresh database and this test's settings."""
    from dataclasses import replace

    db = Database(settings.sqlalchemy_url)
    db.create_all()
    yield replace(prepared_services, settings=settings, db=db)
    db.dispose()


@pytest.fixture
def client(services, settings: Settings):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from assist.app import create_app

    with TestClient(create_app(settings, services=services)) as test_client:
        yield test_client


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """What the service's own log handler writes (configure_logging), captured from its stream."""
    with captured("INFO") as stream:
        yield stream
