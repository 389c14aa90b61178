"""Knowledge owners' suite on the sample tenant: recall@1/3, MRR, abstention, leaks, coverage.

Usage: python benchmarks/knowledge_suite.py [--data-dir DIR] [--json]
Ingests knowledge/ (with the intent training data as customer phrasings) into DIR, then runs
knowledge/intents/test.csv (mapped by knowledge/intent_map.yaml) plus evals/knowledge/out_of_scope.csv.
DIR (default /tmp/kb-bench/suite) is reused: a second run embeds nothing new; text vectors are cached
in DIR/../vectors.pkl.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assist.config import PROJECT_ROOT, Settings
from assist.knowledge.service import open_knowledge_base
from assist.knowledge.suite import load_queries, run_suite
from benchmarks.knowledge_vectors import DiskCachedEmbeddings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/kb-bench/suite"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    data_dir = args.data_dir
    knowledge = PROJECT_ROOT / "knowledge"
    settings = Settings(data_dir=data_dir, knowledge_dir=knowledge)
    embedder = DiskCachedEmbeddings(data_dir.parent / "vectors.pkl")
    kb = open_knowledge_base(settings=settings, embedder=embedder)
    started = time.perf_counter()
    ingest = kb.ingest(knowledge)
    ingest_s = time.perf_counter() - started
    queries = load_queries(
        labelled_csv=knowledge / "intents" / "test.csv",
        intent_map=knowledge / "intent_map.yaml",
        out_of_scope_csv=PROJECT_ROOT / "evals" / "knowledge" / "out_of_scope.csv",
    )
    embedder.warm([query.text for query in queries])
    intents = json.loads((PROJECT_ROOT / "evals" / "knowledge" / "intents.json").read_text())
    report = run_suite(kb, queries=queries, intents=intents)
    result = {
        "ingest": {**ingest.counts(), "embedded": ingest.embedded, "seconds": round(ingest_s, 1)},
        "threshold": round(kb.threshold, 4),
        **report.model_dump(),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(json.dumps({key: value for key, value in result.items() if key not in ("misses", "coverage")}, indent=2))
    print(json.dumps(result["coverage"], indent=2))
    for text, expected, returned in report.misses[:15]:
        print(f"miss: {text!r} expected {expected}, got {returned}")


if __name__ == "__main__":
    main()
