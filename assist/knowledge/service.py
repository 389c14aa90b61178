"""The knowledge base: versions stored in Chroma (embedded or server), ingest, and hybrid search.

Every stored version of every article is a Chroma record set (a title passage and a body passage)
carrying its lifecycle in metadata, so the catalogue survives restarts wherever Chroma keeps its data
and nothing else has to agree with it. Search asks Chroma's `kb_live` collection, a copy of the live
passages only, and answers from the in-memory index of live articles after checking effective dates
and channel: a draft, superseded or retired version cannot come back.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import threading
from collections.abc import Callable, Hashable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar, get_args
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from assist.config import Settings
from assist.errors import InputError
from assist.knowledge.articles import ParsedArticle, read_folder
from assist.knowledge.lifecycle import StoredVersion, check_versions, plan_ingest
from assist.knowledge.models import (
    MAX_K,
    MAX_QUERY_CHARS,
    Answer,
    ArticleFile,
    ArticleInfo,
    IngestReport,
    SearchResponse,
    VersionState,
)
from assist.knowledge.retrieval import LEXICAL_WEIGHT, LiveIndex, Phrasings, day, derive_threshold
from assist.timeline.models import Channel

logger = logging.getLogger("assist.knowledge")

CHANNELS: tuple[str, ...] = get_args(Channel)
PASSAGES = "kb_passages"
PHRASINGS = "kb_phrasings"
# The live passages alone, with lean metadata: what search asks Chroma for, without a filter (a metadata filter
# costs embedded Chroma 50-130 ms at 20,000 records; the unfiltered nearest-neighbour query, about 4 ms).
LIVE = "kb_live"
_LIVE_KEYS = ("article_id", "version", "kind", "from_day", "until_day", *(f"ch_{c}" for c in CHANNELS))
# Phrasings per intent taken from the training data: enough for recall, cheap to embed on first start.
MAX_PHRASINGS_PER_INTENT = 64
CANDIDATES = 40
_COSINE: Any = {"hnsw": {"space": "cosine"}}
T = TypeVar("T")


class _MemoEmbeddings(Embeddings):
    """Remembers document vectors for the life of the process: a fresh data dir (tests, a second
    tenant) re-ingesting the same articles and phrasings does not pay for the model again."""

    _memo: ClassVar[dict[tuple[str, str], list[float]]] = {}

    def __init__(self, inner: Embeddings) -> None:
        self._inner = inner
        self._model = str(getattr(inner, "name", type(inner).__name__))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = list(dict.fromkeys(t for t in texts if (self._model, t) not in self._memo))
        if missing:
            vectors = self._inner.embed_documents(missing)
            self._memo.update(((self._model, t), v) for t, v in zip(missing, vectors, strict=True))
        return [self._memo[(self._model, t)] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._inner.embed_query(text)

    def prepare(self, texts: list[str]) -> None:
        # The project embedder keeps what it encodes, so its later embed_query calls are lookups.
        self._inner.embed_documents(list(dict.fromkeys(texts)))


def _client(settings: Settings) -> Any:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        # http://host:port[/database]: a database per tenant or per environment on one server.
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "localhost",
            port=url.port or 8000,
            ssl=url.scheme == "https",
            database=url.path.strip("/") or chromadb.DEFAULT_DATABASE,
            settings=chroma_settings,
        )
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def _passage_metadata(item: ParsedArticle, *, kind: str, state: VersionState) -> dict[str, Any]:
    article = item.article
    allowed = set(article.channels) if article.channels is not None else set(CHANNELS)
    return {
        "article_id": article.id,
        "version": article.version,
        "status": article.status,
        "state": state,
        "kind": kind,
        "source": item.source,
        "content_hash": item.content_hash,
        "article": article.model_dump_json(),
        "from_day": day(article.effective_from, 0),
        "until_day": day(article.effective_until, date.max.toordinal()),
        **{f"ch_{channel}": channel in allowed for channel in CHANNELS},
    }


_INITIAL_STATE: dict[str, VersionState] = {"approved": "live", "draft": "draft", "retired": "retired"}


def _record_id(article_id: str, version: int, kind: str) -> str:
    return f"{article_id}@{version}#{kind}"


def read_phrasings(path: Path, *, intents: set[str]) -> list[tuple[str, str]]:
    """(intent, text) pairs of a `text,label` CSV for the given intents, capped per intent."""
    if not path.is_file():
        return []
    taken: dict[str, int] = {}
    pairs: list[tuple[str, str]] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            label, text = (row.get("label") or "").strip(), (row.get("text") or "").strip()
            if label in intents and text and taken.get(label, 0) < MAX_PHRASINGS_PER_INTENT:
                taken[label] = taken.get(label, 0) + 1
                pairs.append((label, text))
    return pairs


class KnowledgeBase:
    def __init__(self, *, settings: Settings, embedder: Embeddings, client: Any) -> None:
        self._settings = settings
        self._embedder = embedder = _MemoEmbeddings(embedder)
        self._passages = Chroma(
            collection_name=PASSAGES, embedding_function=embedder, client=client, collection_configuration=_COSINE
        )
        self._phrasings = Chroma(
            collection_name=PHRASINGS, embedding_function=embedder, client=client, collection_configuration=_COSINE
        )
        # Created the way the other two are (cosine space); searched through the raw collection below.
        Chroma(collection_name=LIVE, embedding_function=embedder, client=client, collection_configuration=_COSINE)
        # Raw collections for metadata-only updates and bulk reads, which LangChain does not expose.
        self._passage_rows = client.get_collection(PASSAGES)
        # Chroma refuses larger writes (5,461 records embedded; the server says its own).
        self._max_batch = int(client.get_max_batch_size())
        self._phrasing_rows = client.get_collection(PHRASINGS)
        self._live_rows = client.get_collection(LIVE)
        self._write_lock = threading.Lock()
        self._index = LiveIndex([])
        self._reports: dict[Hashable, Any] = {}
        self._refresh()

    # -- reading -------------------------------------------------------------------------------

    @property
    def threshold(self) -> float:
        """The abstention threshold derived from the current corpus."""
        return self._index.threshold

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A report derived from the current articles (coverage), computed once until the next change."""
        index = self._index
        if key not in self._reports:
            value = compute()
            if index is self._index:  # an ingest during the computation makes it stale
                self._reports[key] = value
            return value
        return self._reports[key]  # type: ignore[no-any-return]

    def prepare_queries(self, texts: list[str]) -> None:
        """Encode many queries in batches ahead of searching them one by one (suites, reports): the
        embedder remembers what it encoded, and a batch costs far less than the same queries singly."""
        self._embedder.prepare(texts)

    def is_empty(self) -> bool:
        return self._passage_rows.count() == 0

    def _stored(self) -> list[dict[str, Any]]:
        rows = self._passage_rows.get(where={"kind": "body"}, include=["metadatas"])
        return list(rows["metadatas"] or [])

    def articles(self, *, include_history: bool = False) -> list[ArticleInfo]:
        """The current version of every article (or every version), for knowledge owners."""
        infos = []
        for meta in self._stored():
            article = ArticleFile.model_validate_json(meta["article"])
            infos.append(
                ArticleInfo(
                    article_id=article.id,
                    version=article.version,
                    title=article.title,
                    status=meta["status"],
                    state=meta["state"],
                    owner=article.owner,
                    intents=article.intents,
                    channels=article.channels,
                    effective_from=article.effective_from,
                    effective_until=article.effective_until,
                    updated=article.updated,
                    source=meta["source"],
                    content_hash=meta["content_hash"],
                )
            )
        infos.sort(key=lambda info: (info.article_id, -info.version))
        if include_history:
            return infos
        latest: dict[str, ArticleInfo] = {}
        for info in infos:
            current = latest.get(info.article_id)
            # The version a reader would get, else the newest one.
            if current is None or (info.state == "live" and current.state != "live"):
                latest[info.article_id] = info
        return list(latest.values())

    def near_duplicates(self, *, threshold: float) -> list[tuple[str, str, float]]:
        """Pairs of live articles whose full texts are this similar: one answer said twice, or two that disagree."""
        rows = self._passage_rows.get(
            where={"$and": [{"state": "live"}, {"kind": "body"}]}, include=["metadatas", "embeddings"]
        )
        if not rows["ids"]:
            return []
        ids = [m["article_id"] for m in rows["metadatas"] or []]
        vectors = np.asarray(rows["embeddings"], dtype=np.float32)
        found: list[tuple[str, str, float]] = []
        # In row blocks: the full similarity matrix of 10,000 articles would take 400 MB.
        for start in range(0, len(ids), 1_024):
            similarity = vectors[start : start + 1_024] @ vectors.T
            for i, j in np.argwhere(similarity >= threshold):
                if start + i < j:
                    found.append((ids[start + i], ids[j], round(float(similarity[i, j]), 3)))
        return sorted(found, key=lambda pair: -pair[2])

    def _refresh(self) -> None:
        live = self._passage_rows.get(where={"state": "live"}, include=["metadatas", "embeddings", "documents"])
        metas = live["metadatas"] or []
        self._sync_live(live)
        articles: dict[str, ArticleFile] = {}
        for meta in metas:
            articles.setdefault(meta["article_id"], ArticleFile.model_validate_json(meta["article"]))
        phr = self._phrasing_rows.get(include=["metadatas", "embeddings"])
        vectors = np.asarray(phr["embeddings"], dtype=np.float32) if phr["ids"] else np.zeros((0, 384), np.float32)
        phrasings = Phrasings(intents=[m["intent"] for m in phr["metadatas"] or []], vectors=vectors)
        index = LiveIndex(sorted(articles.values(), key=lambda a: a.id), phrasings)
        index.passage_owner = {pid: index.position[m["article_id"]] for pid, m in zip(live["ids"], metas, strict=True)}
        embeddings = live["embeddings"]
        passage_vectors = np.asarray(embeddings, dtype=np.float32) if metas else np.zeros((0, 384), np.float32)
        index.threshold = derive_threshold(
            index=index,
            passage_owner=np.array([index.position[m["article_id"]] for m in metas], dtype=np.int64),
            passage_vectors=passage_vectors,
            phrasings=phrasings,
            title_passages=np.array([m["kind"] == "title" for m in metas], dtype=bool),
        )
        self._index = index
        self._reports = {}

    def _sync_live(self, live: Any) -> None:
        """Make the live collection hold exactly the live passages, copying vectors (nothing is embedded)."""
        wanted = {record_id: n for n, record_id in enumerate(live["ids"])}
        present = set(self._live_rows.get(include=[])["ids"])
        stale = sorted(present - wanted.keys())
        missing = [wanted[i] for i in sorted(wanted.keys() - present)]
        for start in range(0, len(stale), self._max_batch):
            self._live_rows.delete(ids=stale[start : start + self._max_batch])
        for start in range(0, len(missing), self._max_batch):
            rows = missing[start : start + self._max_batch]
            self._live_rows.add(
                ids=[live["ids"][n] for n in rows],
                embeddings=[live["embeddings"][n] for n in rows],
                documents=[live["documents"][n] for n in rows],
                metadatas=[{key: live["metadatas"][n][key] for key in _LIVE_KEYS} for n in rows],
            )

    # -- search --------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        k: int = 3,
        channel: str | None = None,
        intent: str | None = None,
        today: date | None = None,
    ) -> SearchResponse:
        query = query.strip()
        if not query:
            raise InputError("query", "must not be empty")
        if len(query) > MAX_QUERY_CHARS:
            raise InputError("query", f"at most {MAX_QUERY_CHARS} characters")
        if not 1 <= k <= MAX_K:
            raise InputError("k", f"must be between 1 and {MAX_K}")
        if channel is not None and channel not in CHANNELS:
            raise InputError("channel", f"one of {', '.join(CHANNELS)}")
        index = self._index
        today = today or datetime.now(UTC).date()
        eligible = index.eligible(channel=channel, today=today) if len(index) else np.zeros(0, bool)
        if not eligible.any():
            return SearchResponse(results=[], abstained=True)
        vector = np.asarray(self._embedder.embed_query(query), dtype=np.float32)
        passages = self._passage_scores(vector, index, eligible=eligible, channel=channel, today=today)
        dense = np.maximum(passages, index.phrase_scores(vector))
        relevance = dense + index.intent_bonus(intent)
        fused = np.where(eligible, relevance + LEXICAL_WEIGHT * index.lexical(query), -np.inf)
        best = int(np.argmax(fused))
        if relevance[best] < index.threshold:
            return SearchResponse(results=[], abstained=True)
        order = [int(i) for i in np.argsort(-fused, kind="stable")[:k] if np.isfinite(fused[i])]
        return SearchResponse(
            results=[self._answer(index.articles[i], float(fused[i]), channel) for i in order], abstained=False
        )

    def _passage_scores(
        self, vector: np.ndarray, index: LiveIndex, *, eligible: np.ndarray, channel: str | None, today: date
    ) -> np.ndarray:
        """Best passage similarity per live article among Chroma's nearest live passages.

        Dates and channel are checked in memory; only when they rule out most candidates (an article set
        mostly for other channels or dates) is Chroma asked again with them as a filter.
        """
        k = min(CANDIDATES, 2 * len(index))
        positions, distances = self._nearest(vector, index, k=k)
        if 2 * sum(p is not None and bool(eligible[p]) for p in positions) < len(positions):
            t = today.toordinal()
            clauses: list[Any] = [{"from_day": {"$lte": t}}, {"until_day": {"$gte": t}}]
            if channel is not None:
                clauses.append({f"ch_{channel}": True})
            positions, distances = self._nearest(vector, index, k=k, where={"$and": clauses})
        scores = np.full(len(index), -1.0, dtype=np.float32)
        for position, distance in zip(positions, distances, strict=True):
            if position is not None:
                scores[position] = max(scores[position], 1.0 - distance)
        return scores

    def _nearest(
        self, vector: np.ndarray, index: LiveIndex, *, k: int, where: dict[str, Any] | None = None
    ) -> tuple[list[int | None], list[float]]:
        """Article positions and cosine distances of the nearest live passages. Only distances are fetched:
        the index maps passage ids to articles, and reading metadata back costs Chroma 2-3 ms a query."""
        found = self._live_rows.query(
            query_embeddings=[vector],
            n_results=k,
            where=where,
            include=["distances"],  # type: ignore[list-item]
        )
        distances = found["distances"][0] if found["distances"] else []
        return [index.passage_owner.get(pid) for pid in found["ids"][0]], [float(d) for d in distances]

    @staticmethod
    def _answer(article: ArticleFile, score: float, channel: str | None) -> Answer:
        variant = article.variants.get(channel) if channel else None  # type: ignore[call-overload]
        return Answer(
            article_id=article.id,
            version=article.version,
            title=article.title,
            text=variant or article.body,
            score=round(score, 4),
            owner=article.owner,
            updated=article.updated,
            intents=article.intents,
            channel_variant=channel if variant else None,  # type: ignore[arg-type]
        )

    # -- ingest --------------------------------------------------------------------------------

    def ingest(self, directory: Path, *, phrasings: Path | None = None) -> IngestReport:
        """Validate the whole folder, then apply it; any invalid file and nothing changes.

        `phrasings` is a `text,label` CSV of customer questions (default: the intent training data);
        those labelled with an article's intents are indexed for it.
        """
        parsed, invalid = read_folder(directory)
        with self._write_lock:
            stored = [
                StoredVersion(
                    article_id=m["article_id"],
                    version=m["version"],
                    status=m["status"],
                    state=m["state"],
                    content_hash=m["content_hash"],
                )
                for m in self._stored()
            ]
            invalid += check_versions(parsed, stored)
            if invalid:
                return IngestReport(invalid=invalid)
            plan = plan_ingest(parsed, stored)
            embedded = self._write_versions(plan.new_versions)
            self._apply_changes(plan.status_changes, plan.state_changes)
            intents = {intent for item in parsed for intent in item.article.intents}
            embedded += self._sync_phrasings(phrasings or self._settings.intent_training_csv, intents=intents)
            self._refresh()
        report = IngestReport(
            added=plan.added, updated=plan.updated, unchanged=plan.unchanged, retired=plan.retired, embedded=embedded
        )
        logger.info("knowledge ingest", extra={"counts": report.counts(), "embedded": embedded})
        return report

    def _write_versions(self, items: list[ParsedArticle]) -> int:
        if not items:
            return 0
        # A new approved version supersedes the live one in the same ingest (see _apply_changes).
        texts, metadatas, ids = [], [], []
        for item in items:
            article, state = item.article, _INITIAL_STATE[item.article.status]
            for kind, text in (("title", article.title), ("body", f"{article.title}\n\n{article.body}")):
                texts.append(text)
                metadatas.append(_passage_metadata(item, kind=kind, state=state))
                ids.append(_record_id(article.id, article.version, kind))
        self._add(self._passages, texts=texts, metadatas=metadatas, ids=ids)
        return len(texts)

    def _add(self, store: Chroma, *, texts: list[str], metadatas: list[dict[str, Any]], ids: list[str]) -> None:
        for start in range(0, len(ids), self._max_batch):
            end = start + self._max_batch
            store.add_texts(texts=texts[start:end], metadatas=metadatas[start:end], ids=ids[start:end])

    def _apply_changes(self, statuses: Mapping[tuple[str, int], str], states: Mapping[tuple[str, int], str]) -> None:
        keys = statuses.keys() | states.keys()
        if not keys:
            return
        ids = [_record_id(article_id, version, kind) for article_id, version in keys for kind in ("title", "body")]
        current = self._passage_rows.get(ids=ids, include=["metadatas"])
        metadatas = []
        for meta in current["metadatas"] or []:
            key = (meta["article_id"], meta["version"])
            status, state = statuses.get(key, meta["status"]), states.get(key, meta["state"])
            metadatas.append({**meta, "status": status, "state": state})
        ids = list(current["ids"])
        for start in range(0, len(ids), self._max_batch):
            end = start + self._max_batch
            self._passage_rows.update(ids=ids[start:end], metadatas=metadatas[start:end])

    def _sync_phrasings(self, path: Path, *, intents: set[str]) -> int:
        pairs = read_phrasings(path, intents=intents)
        wanted = {hashlib.sha1(f"{intent}\n{text}".encode()).hexdigest()[:20]: (intent, text) for intent, text in pairs}
        existing = set(self._phrasing_rows.get(include=[])["ids"])
        stale = sorted(existing - wanted.keys())
        for start in range(0, len(stale), self._max_batch):
            self._phrasing_rows.delete(ids=stale[start : start + self._max_batch])
        new = sorted(wanted.keys() - existing)
        if new:
            self._add(
                self._phrasings,
                texts=[wanted[i][1] for i in new],
                metadatas=[{"intent": wanted[i][0]} for i in new],
                ids=new,
            )
        return len(new)

    def close(self) -> None:
        # Chroma clients hold no resources that need an explicit close.
        self._index = LiveIndex([])


def open_knowledge_base(*, settings: Settings, embedder: Embeddings) -> KnowledgeBase:
    return KnowledgeBase(settings=settings, embedder=embedder, client=_client(settings))
