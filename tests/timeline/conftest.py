"""The app on the store under test (SQLite and PostgreSQL), optionally with the local OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assist.app import create_app
from assist.config import Settings
from assist.db import Database
from assist.llm.client import build_llm


@pytest.fixture
def store_client(prepared_services: Any, db: Database, settings: Settings) -> Iterator[TestClient]:
    """The whole app, its store being `db`: every store-backed route on both databases."""
    services = replace(prepared_services, settings=settings, db=db, llm=None)
    with TestClient(create_app(settings, services=services)) as client:
        yield client


@pytest.fixture
def llm_client(prepared_services: Any, db: Database, llm_settings: Settings) -> Iterator[TestClient]:
    """The same, with the LLM pointed at the local test server, which records every request it gets."""
    services = replace(prepared_services, settings=llm_settings, db=db, llm=build_llm(llm_settings))
    with TestClient(create_app(llm_settings, services=services)) as client:
        yield client
