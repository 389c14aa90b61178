from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assist.config import Settings, get_settings
from assist.knowledge.routes import router
from assist.knowledge.service import KnowledgeBase
from tests.conftest import auth
from tests.knowledge.conftest import ArticleWriter


@pytest.fixture
def client(kb: KnowledgeBase, kb_settings: Settings, write_article: ArticleWriter, articles_dir: Path) -> TestClient:
    write_article("change-pin", title="How do I change my PIN?", body="Use Cards > PIN in the app.")
    app = FastAPI()
    app.include_router(router)
    settings = kb_settings.model_copy(update={"knowledge_dir": articles_dir.parent})
    app.state.services = SimpleNamespace(knowledge=kb, settings=settings)
    app.dependency_overrides[get_settings] = lambda: settings
    return TestClient(app)


@pytest.mark.parametrize("kb_settings", ["embedded"], indirect=True)
def test_roles_search_and_ingest(client: TestClient, articles_dir: Path) -> None:
    assert client.post("/v1/knowledge/ingest", headers=auth("agent")).status_code == 403
    assert client.post("/v1/knowledge/ingest", headers=auth("knowledge_owner")).json()["added"] == ["change-pin"]
    body = {"query": "how can I change my PIN", "k": 2, "channel": "chat"}
    assert client.post("/v1/knowledge/search", json=body, headers=auth("channel")).status_code == 403
    found = client.post("/v1/knowledge/search", json=body, headers=auth("agent")).json()
    assert found["abstained"] is False
    assert {"article_id", "version", "title", "text", "score", "owner", "updated"} <= found["results"][0].keys()
    bad = client.post("/v1/knowledge/search", json={**body, "k": -1}, headers=auth("agent"))
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "k"
    (articles_dir / "broken.md").write_text("no front matter\n")
    refused = client.post("/v1/knowledge/ingest", headers=auth("admin"))
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["file", "broken.md", "front matter"]
    assert [a["article_id"] for a in client.get("/v1/knowledge/articles", headers=auth("knowledge_owner")).json()] == [
        "change-pin"
    ]


@pytest.mark.parametrize("kb_settings", ["embedded"], indirect=True)
def test_coverage_is_for_knowledge_owners(client: TestClient, coverage_folder: dict) -> None:
    assert client.post("/v1/knowledge/ingest", headers=auth("knowledge_owner")).status_code == 200
    assert client.get("/v1/knowledge/coverage", headers=auth("agent")).status_code == 403
    report = client.get("/v1/knowledge/coverage", headers=auth("knowledge_owner")).json()
    assert [pair[:2] for pair in report.pop("near_duplicates")] == [
        list(pair) for pair in coverage_folder.pop("near_duplicates")
    ]
    assert report == coverage_folder
