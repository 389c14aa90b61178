"""The long-lived components of one process, built once at start-up."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assist.config import Settings
from assist.db import Database
from assist.dialogue.vocabulary import BUILT_IN, ChannelMapping
from assist.logs import log_fields

if TYPE_CHECKING:
    from assist.audit.policy import AuditPolicy
    from assist.intents.service import IntentClassifier
    from assist.knowledge.service import KnowledgeBase
    from assist.llm.client import LLM
    from assist.prompts.registry import PromptRegistry
    from assist.routing.policy import RoutingPolicy

logger = logging.getLogger("assist.services")


@dataclass
class Services:
    settings: Settings
    db: Database
    intents: IntentClassifier
    knowledge: KnowledgeBase
    llm: LLM | None
    prompts: PromptRegistry
    policy: RoutingPolicy
    audit_policy: AuditPolicy
    # Channel systems' own `data` keys (knowledge/channel_mapping.yaml); the built-in vocabularies without one.
    mapping: ChannelMapping = BUILT_IN

    def close(self) -> None:
        self.knowledge.close()
        self.db.dispose()


def build_services(settings: Settings, *, prepare: bool = True) -> Services:
    """Open every store; with `prepare`, train or ingest whatever an empty data dir lacks."""
    from assist.audit.policy import load_policy as load_audit_policy
    from assist.dialogue.vocabulary import load_mapping
    from assist.embeddings import get_embedder
    from assist.intents.service import ensure_active_model, load_active
    from assist.knowledge.service import open_knowledge_base
    from assist.llm.client import build_llm
    from assist.prompts.registry import PromptRegistry
    from assist.routing.policy import load_policy

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.sqlalchemy_url)
    db.create_all()
    embedder = get_embedder()
    knowledge = open_knowledge_base(settings=settings, embedder=embedder)
    if prepare and knowledge.is_empty():
        report = knowledge.ingest(settings.knowledge_dir)
        logger.info("knowledge base was empty; ingested", extra=log_fields(**report.counts()))
    intents = ensure_active_model(settings=settings) if prepare else load_active(settings=settings)
    if intents is None:
        raise RuntimeError("no active intent model: run `assist intents train CSV`")
    return Services(
        settings=settings,
        db=db,
        intents=intents,
        knowledge=knowledge,
        llm=build_llm(settings),
        prompts=PromptRegistry(settings.prompts_dir),
        policy=load_policy(settings.routing_policy),
        audit_policy=load_audit_policy(settings.audit_policy),
        mapping=load_mapping(settings.channel_mapping),
    )
