from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import chromadb
import chromadb.config
import httpx
import pytest
import yaml

from assist.config import PROJECT_ROOT, Settings
from assist.knowledge.service import KnowledgeBase, open_knowledge_base


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` on a free port, for the whole session."""
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        pytest.fail(f"the chroma CLI is not installed next to {sys.executable}")
    port = _free_port()
    log = tmp_path_factory.mktemp("chroma-server") / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(chroma), "run", "--path", str(log.parent / "data"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"chroma run did not start: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(params=["embedded", "server"])
def kb_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """Settings for a small test KB without customer phrasings, on embedded Chroma or a real server.

    On the server, each test gets a database of its own, so tests sharing the server cannot see each other.
    """
    update: dict[str, Any] = {"intent_training_csv": settings.data_dir / "no-phrasings.csv"}
    if request.param == "server":
        url = request.getfixturevalue("chroma_server")
        database = unique("db")
        chromadb.AdminClient(
            chromadb.config.Settings(
                chroma_api_impl="chromadb.api.fastapi.FastAPI",
                chroma_server_host="127.0.0.1",
                chroma_server_http_port=int(url.rsplit(":", 1)[1]),
                anonymized_telemetry=False,
            )
        ).create_database(database)
        update["chroma_url"] = f"{url}/{database}"
    return settings.model_copy(update=update)


@pytest.fixture
def kb(kb_settings: Settings, embedder: Any) -> Iterator[KnowledgeBase]:
    base = open_knowledge_base(settings=kb_settings, embedder=embedder)
    yield base
    base.close()


ArticleWriter = Callable[..., Path]


@pytest.fixture
def articles_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "kb" / "articles"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def write_article(articles_dir: Path) -> ArticleWriter:
    """Write one article file; front matter from keyword arguments, `body` after it."""

    def write(article_id: str, *, body: str = "", filename: str | None = None, **front: Any) -> Path:
        meta = {
            "id": article_id,
            "title": article_id.replace("-", " "),
            "status": "approved",
            "version": 1,
            "owner": "team@example.com",
            **front,
        }
        meta = {key: value for key, value in meta.items() if value is not None}
        path = articles_dir / (filename or f"{article_id}.md")
        path.write_text(f"---\n{yaml.safe_dump(meta, sort_keys=False)}---\n{body}\n", encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def sample_kb(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[KnowledgeBase]:
    """The sample tenant's knowledge base with its customer phrasings, ingested once per session."""
    data_dir = tmp_path_factory.mktemp("sample-kb")
    folder = data_dir / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge" / "articles", folder / "articles")
    settings = Settings(data_dir=data_dir / "data", knowledge_dir=folder)
    base = open_knowledge_base(settings=settings, embedder=embedder)
    report = base.ingest(folder)
    assert report.ok, report.invalid
    yield base
    base.close()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


@pytest.fixture
def coverage_folder(write_article: ArticleWriter, articles_dir: Path) -> dict[str, Any]:
    """A knowledge folder with labelled questions and one of each coverage problem; returns the expected report."""
    card = "Your new card arrives within 5 working days of ordering. Track the delivery in the app under Cards."
    write_article("card-arrival", title="When will my new card arrive?", body=card, intents=["card_arrival"])
    write_article(
        "card-arrival-copy", title="When will my new card arrive?", body=card, intents=["card_delivery_estimate"]
    )
    write_article(
        "change-pin", title="How do I change my PIN?", body="Use any ATM: PIN services.", intents=["change_pin"]
    )
    write_article(
        "exchange-rates",
        title="Which exchange rate do you use?",
        intents=["exchange_rate"],
        body="Card payments abroad use the Visa or Mastercard rate of the day, with no markup.",
    )
    write_article(
        "lost-card",
        title="I lost my card",
        status="draft",
        intents=["lost_or_stolen_card"],
        body="Freeze the card in the app, then order a replacement.",
    )
    write_article(
        "old-fees",
        title="Top-up fees (2019)",
        effective_until="2020-01-01",
        intents=["top_up_fee"],
        body="Topping up by card cost 1% in 2019.",
    )
    write_article(
        "reception-hours",
        title="Head office reception opening hours",
        body="Our head office reception in Leeds is staffed from 9am to 5pm on weekdays.",
    )
    folder = articles_dir.parent
    mapping = {
        "card_arrival": "card-arrival",
        "card_delivery_estimate": "card-arrival-copy",
        "change_pin": "change-pin",
        "exchange_rate": "exchange-rates",
        "lost_or_stolen_card": "lost-card",
        "top_up_fee": "old-fees",
    }
    (folder / "intent_map.yaml").write_text(yaml.safe_dump(mapping))
    (folder / "intents").mkdir()
    questions = [
        ("where is my new card", "card_arrival"),
        ("how long does card delivery take", "card_delivery_estimate"),
        ("I want a different PIN", "change_pin"),
        ("what rate do you use for euros", "exchange_rate"),
        ("my card was stolen", "lost_or_stolen_card"),
        ("is there a fee to top up", "top_up_fee"),
    ]
    (folder / "intents" / "test.csv").write_text("text,label\n" + "".join(f"{t},{label}\n" for t, label in questions))
    return {
        "intents_without_article": ["lost_or_stolen_card"],
        "articles_never_retrieved": ["old-fees", "reception-hours"],
        "near_duplicates": [("card-arrival", "card-arrival-copy")],
        "past_effective_date": ["old-fees"],
    }
