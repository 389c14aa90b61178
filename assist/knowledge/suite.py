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

from assist.errors import InputError
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


def load_queries(*, labelled_csv: Path, intent_map: Path, out_of_scope_csv: Path | None = None) -> list[SuiteQuery]:
    mapping = yaml.safe_load(intent_map.read_text(encoding="utf-8")) or {}
    queries = []
    with labelled_csv.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (article := mapping.get(row["label"])) is not None:
                queries.append(SuiteQuery(text=row["text"], expected=article))
    if out_of_scope_csv is not None:
        with out_of_scope_csv.open(newline="", encoding="utf-8") as handle:
            queries += [SuiteQuery(text=row["text"], expected=None) for row in csv.DictReader(handle)]
    return queries


def tenant_coverage(kb: KnowledgeBase, *, knowledge_dir: Path) -> Coverage:
    """Coverage for a tenant's knowledge folder: its labelled questions (`intents/test.csv`) mapped by
    `intent_map.yaml` are searched to find articles never retrieved; every mapped label is an intent.

    Computed once per state of the knowledge base (an ingest that changes anything starts afresh).
    """
    intent_map = knowledge_dir / "intent_map.yaml"
    labelled = knowledge_dir / "intents" / "test.csv"
    for path, loc in ((intent_map, "intent_map"), (labelled, "labelled_questions")):
        if not path.is_file():
            raise InputError(loc, f"{path.relative_to(knowledge_dir)} is missing from the knowledge folder")
    intents = sorted((yaml.safe_load(intent_map.read_text(encoding="utf-8")) or {}).keys())
    queries = load_queries(labelled_csv=labelled, intent_map=intent_map)

    def compute() -> Coverage:
        return coverage(kb, intents=intents, retrieved=retrieved_by(kb, queries=queries))

    return kb.memo(("coverage", str(knowledge_dir)), compute)


def retrieved_by(kb: KnowledgeBase, *, queries: list[SuiteQuery], k: int = 3) -> set[str]:
    kb.prepare_queries([query.text for query in queries])
    return {answer.article_id for query in queries for answer in kb.search(query.text, k=k).results}


def run_suite(kb: KnowledgeBase, *, queries: list[SuiteQuery], intents: list[str], k: int = 3) -> SuiteReport:
    today = datetime.now(UTC).date()
    # What may be served today: live, inside its effective dates. Anything else returned is a leak.
    live = {
        info.article_id: info
        for info in kb.articles()
        if info.state == "live" and (info.effective_from or today) <= today <= (info.effective_until or today)
    }
    kb.prepare_queries([query.text for query in queries])
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
