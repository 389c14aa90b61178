"""The knowledge owners' suite: labelled questions and out-of-scope ones, ranking metrics, and coverage.

In-scope questions are intent test utterances (`text,label`) whose label `intent_map.yaml` maps to the
article that answers it; out-of-scope questions (`text`) should make the knowledge base abstain.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import yaml
from pydantic import BaseModel

from assist.knowledge.service import KnowledgeBase

# Two approved articles this similar (title and body) probably say the same thing, or contradict each other.
NEAR_DUPLICATE = 0.92


class SuiteQuery(BaseModel):
    text: str
    expected: str | None  # None: out of scope


class Coverage(BaseModel):
    intents_without_article: list[str]
    articles_never_retrieved: list[str]
    near_duplicates: list[tuple[str, str, float]]
    past_effective_date: list[str]


class SuiteReport(BaseModel):
    in_scope: int
    out_of_scope: int
    recall_at_1: float
    recall_at_3: float
    mrr: float
    answered_in_scope: float
    abstained_out_of_scope: float
    leaked: int  # results that were not live: must be 0
    misses: list[tuple[str, str, list[str]]]  # (query, expected, returned), a sample
    coverage: Coverage


def load_queries(*, labelled_csv: Path, intent_map: Path, out_of_scope_csv: Path) -> list[SuiteQuery]:
    mapping = yaml.safe_load(intent_map.read_text(encoding="utf-8")) or {}
    queries = []
    with labelled_csv.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (article := mapping.get(row["label"])) is not None:
                queries.append(SuiteQuery(text=row["text"], expected=article))
    with out_of_scope_csv.open(newline="", encoding="utf-8") as handle:
        queries += [SuiteQuery(text=row["text"], expected=None) for row in csv.DictReader(handle)]
    return queries


def run_suite(kb: KnowledgeBase, *, queries: list[SuiteQuery], intents: list[str], k: int = 3) -> SuiteReport:
    live = {info.article_id: info for info in kb.articles() if info.state == "live"}
    ranks: list[int | None] = []
    answered = abstained_oos = leaked = 0
    retrieved: set[str] = set()
    misses: list[tuple[str, str, list[str]]] = []
    for query in queries:
        response = kb.search(query.text, k=k)
        returned = [a.article_id for a in response.results]
        leaked += sum(
            1 for a in response.results if a.article_id not in live or live[a.article_id].version != a.version
        )
        retrieved.update(returned)
        if query.expected is None:
            abstained_oos += response.abstained
            continue
        answered += not response.abstained
        rank = returned.index(query.expected) if query.expected in returned else None
        ranks.append(rank)
        if rank is None and len(misses) < 50:
            misses.append((query.text, query.expected, returned))
    n_in = len(ranks) or 1
    n_oos = sum(1 for q in queries if q.expected is None) or 1
    return SuiteReport(
        in_scope=len(ranks),
        out_of_scope=sum(1 for q in queries if q.expected is None),
        recall_at_1=sum(r == 0 for r in ranks) / n_in,
        recall_at_3=sum(r is not None and r < 3 for r in ranks) / n_in,
        mrr=sum(1 / (r + 1) for r in ranks if r is not None) / n_in,
        answered_in_scope=answered / n_in,
        abstained_out_of_scope=abstained_oos / n_oos,
        leaked=leaked,
        misses=misses,
        coverage=coverage(kb, intents=intents, retrieved=retrieved),
    )


def coverage(kb: KnowledgeBase, *, intents: list[str], retrieved: set[str]) -> Coverage:
    infos = kb.articles()
    live = [info for info in infos if info.state == "live"]
    covered = {intent for info in live for intent in info.intents}
    today = datetime.now(UTC).date()
    return Coverage(
        intents_without_article=sorted(set(intents) - covered),
        articles_never_retrieved=sorted(info.article_id for info in live if info.article_id not in retrieved),
        near_duplicates=kb.near_duplicates(threshold=NEAR_DUPLICATE),
        past_effective_date=sorted(
            info.article_id for info in live if info.effective_until is not None and info.effective_until < today
        ),
    )

