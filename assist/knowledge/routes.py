"""HTTP API of the knowledge base: search for agents, catalogue, coverage and ingest for knowledge owners."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, status
from starlette.concurrency import run_in_threadpool

from assist.deps import KnowledgeOwner, KnowledgeReader, ServicesDep
from assist.knowledge.models import ArticleInfo, IngestReport, SearchRequest, SearchResponse
from assist.knowledge.suite import Coverage, tenant_coverage

router = APIRouter(prefix="/v1/knowledge", tags=["knowledge"])


@router.post("/search", response_model=SearchResponse)
async def search(body: SearchRequest, services: ServicesDep, _caller: KnowledgeReader) -> SearchResponse:
    """Approved, current answers for a query; `abstained` when nothing is relevant enough.

    Channel systems get answers through /v1/triage, which records what was shown in the audit trail.
    """
    return await run_in_threadpool(
        services.knowledge.search, body.query, k=body.k, channel=body.channel, intent=body.intent
    )


@router.get("/articles", response_model=list[ArticleInfo])
def articles(
    services: ServicesDep, _caller: KnowledgeOwner, history: bool = Query(False, description="every stored version")
) -> list[ArticleInfo]:
    return services.knowledge.articles(include_history=history)


@router.get("/coverage", response_model=Coverage)
def coverage(services: ServicesDep, _caller: KnowledgeOwner) -> Coverage:
    """What the knowledge base cannot answer: intents without an approved article, articles the labelled
    questions never retrieve, near-duplicate or conflicting approved articles, articles past their dates.

    The first call after an ingest searches every labelled question; later calls reuse that report.
    """
    return tenant_coverage(services.knowledge, knowledge_dir=services.settings.knowledge_dir)


@router.post("/ingest", response_model=IngestReport)
def ingest(services: ServicesDep, _caller: KnowledgeOwner) -> IngestReport:
    """Re-read the knowledge folder. Any invalid file: 422 naming each file and field, and nothing changed."""
    report = services.knowledge.ingest(services.settings.knowledge_dir)
    if report.invalid:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [
                {"loc": ["file", bad.file, bad.field], "msg": bad.message, "type": "value_error"}
                for bad in report.invalid
            ],
        )
    return report
