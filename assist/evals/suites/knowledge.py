"""Knowledge retrieval: the knowledge stage's own owners' suite (assist.knowledge.suite) on a knowledge base
ingested from the checkout, so an edited article, a moved intent or a new draft shows before publishing."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tqdm import tqdm

from assist.evals.models import Outcome, SuiteSpec
from assist.evals.workspace import Workspace
from assist.knowledge.models import SearchResponse
from assist.knowledge.suite import SuiteQuery, load_queries, run_suite


def run(ws: Workspace, spec: SuiteSpec, *, options: dict[str, object], progress: bool) -> Outcome:
    queries = load_queries(
        labelled_csv=ws.path(spec.data["queries"]),
        intent_map=ws.path(spec.data["intent_map"]),
        out_of_scope_csv=ws.path(spec.data["out_of_scope"]),
    )
    if "per_article" in options:
        queries = _sample(queries, per_article=int(str(options["per_article"])))
    intents = json.loads(ws.path(spec.data["intents"]).read_text(encoding="utf-8"))
    kb = ws.knowledge
    if ws.ingest_report is not None and ws.ingest_report.invalid:
        bad = "; ".join(f"{i.file} {i.field}: {i.message}" for i in ws.ingest_report.invalid)
        raise ValueError(f"the knowledge folder does not ingest: {bad}")
    with tqdm(total=len(queries), desc="knowledge", unit="query", disable=not progress, leave=False) as bar:
        report = run_suite(_Counted(kb, bar), queries=queries, intents=intents)  # type: ignore[arg-type]
    cover = report.coverage
    return Outcome(
        metrics={
            "recall_at_1": report.recall_at_1,
            "recall_at_3": report.recall_at_3,
            "mrr": report.mrr,
            "answer_rate": report.answered_in_scope,
            "oos_abstention_rate": report.abstained_out_of_scope,
            "leaked": float(report.leaked),
            "intents_without_article": float(len(cover.intents_without_article)),
        },
        cases=report.in_scope + report.out_of_scope,
        details={
            "misses": [
                {"query": q, "expected": e or "(abstain)", "got": ", ".join(got) or "(abstained)"}
                for q, e, got in report.misses
            ],
            "missed": round((1 - report.recall_at_3) * report.in_scope),
            "coverage": cover.model_dump(),
        },
    )


class _Counted:
    """The knowledge base, ticking a progress bar on each search."""

    def __init__(self, kb: Any, bar: tqdm) -> None:  # type: ignore[type-arg]
        self._kb, self._bar = kb, bar

    def search(self, query: str, **kwargs: Any) -> SearchResponse:
        self._bar.update()
        result: SearchResponse = self._kb.search(query, **kwargs)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kb, name)


def _sample(queries: list[SuiteQuery], *, per_article: int) -> list[SuiteQuery]:
    """The same subset on every run: per expected article (out of scope counts as one), the first by text hash."""
    ordered = sorted(queries, key=lambda q: hashlib.sha256(q.text.encode()).hexdigest())
    taken: dict[str | None, int] = {}
    chosen = []
    for query in ordered:
        if taken.get(query.expected, 0) < per_article * (10 if query.expected is None else 1):
            taken[query.expected] = taken.get(query.expected, 0) + 1
            chosen.append(query)
    return chosen
