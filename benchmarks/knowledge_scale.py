"""Search latency with 10,000 articles, and plain langchain-chroma similarity search side by side.

Usage: python benchmarks/knowledge_scale.py [--data-dir DIR] [--articles N] [--queries N] [--json]

The corpus is the sample tenant's articles plus generated ones: each is a sample approved article
restated for one product and market (short body, its numbers changed), e.g. "Premium Metal card
(Ireland): Is there a fee to top up?". A generated article's known question is a BANKING77 test
utterance for its base article's intent, prefixed with the product and market, so the answer is that
article and no other. Both systems get the same articles, the same vectors and the same queries in
the same run, alternating which goes first: KnowledgeBase.search (hybrid, lifecycle filters) against
`Chroma.similarity_search` over one document per live article (title and body, as a plain
langchain-chroma user would index it). Query vectors are cached, so latencies are retrieval only;
the embedding of one query is timed apart, on utterances never encoded before.
DIR (default /tmp/kb-bench/scale) is reused: a second run embeds and ingests nothing new.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from pathlib import Path

import chromadb
import numpy as np
import yaml
from chromadb.config import Settings as ChromaSettings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from langchain_chroma import Chroma

from assist.config import PROJECT_ROOT, Settings
from assist.embeddings import get_embedder
from assist.knowledge.articles import read_folder
from assist.knowledge.models import ArticleFile
from assist.knowledge.service import open_knowledge_base
from benchmarks.knowledge_vectors import DiskCachedEmbeddings

KNOWLEDGE = PROJECT_ROOT / "knowledge"
PRODUCTS = [
    "Everyday current account",
    "Premium Metal card",
    "Junior account",
    "Business Starter account",
    "Travel wallet",
    "Student account",
    "Joint account",
    "Savings vault",
    "Crypto add-on",
    "Virtual card",
    "Disposable virtual card",
    "Plus plan",
    "Family plan",
    "Freelancer account",
    "Corporate card",
    "Contactless sticker",
    "Teen card",
    "Pension pot",
    "Credit builder card",
    "Green account",
    "Platinum plan",
    "Shared expenses pot",
    "Euro account",
    "Dollar account",
    "Charity account",
    "Landlord account",
    "Club card",
    "Fleet fuel card",
    "Payroll card",
    "Gift card",
]
MARKETS = ["United Kingdom", "Ireland", "Spain", "Germany", "France", "Italy", "Portugal", "Netherlands"]
BODY_CHARS = 280
WARMUP = 50


def _short(text: str) -> str:
    """The first paragraph-ish of a body, without markdown, cut at a word boundary."""
    plain = " ".join(re.sub(r"[*#>`_-]+", " ", text).split())
    return plain if len(plain) <= BODY_CHARS else plain[:BODY_CHARS].rsplit(" ", 1)[0] + "."


def generate(folder: Path, *, total: int, seed: int = 0) -> dict[str, tuple[str, str, str]]:
    """Write the sample articles plus generated ones to `folder`; return generated id -> (base, product, market)."""
    rng = np.random.default_rng(seed)
    parsed, invalid = read_folder(KNOWLEDGE)
    assert not invalid, invalid
    folder.mkdir(parents=True, exist_ok=True)
    for item in parsed:
        (folder / f"{item.article.id}.md").write_text((KNOWLEDGE / "articles" / item.source).read_text())
    bases = [item.article for item in parsed if item.article.status == "approved" and item.article.intents]
    combos = [(b, p, m) for b in range(len(bases)) for p in range(len(PRODUCTS)) for m in range(len(MARKETS))]
    chosen = rng.choice(len(combos), size=total - len(parsed), replace=False)
    generated: dict[str, tuple[str, str, str]] = {}
    for n in chosen:
        b, p, m = combos[n]
        base, product, market = bases[b], PRODUCTS[p], MARKETS[m]
        article_id = f"{base.id}--p{p}-m{m}"
        body = re.sub(r"\d+", lambda match: str(int(rng.integers(1, 90))), _short(base.body))
        article = ArticleFile(
            id=article_id,
            title=f"{product} ({market}): {base.title}",
            status="approved",
            version=1,
            owner=base.owner,
            intents=[],
            body=f"For {product} customers in {market}. {body}",
        )
        front = article.model_dump(mode="json", exclude={"body"}, exclude_defaults=True)
        path = folder / f"{article_id}.md"
        if not path.exists():
            path.write_text(f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n{article.body}\n", encoding="utf-8")
        generated[article_id] = (base.id, product, market)
    return generated


def known_questions(generated: dict[str, tuple[str, str, str]], *, count: int, seed: int = 1) -> list[tuple[str, str]]:
    """(question, article id) pairs: a test utterance for the base article, naming the product and market."""
    mapping = yaml.safe_load((KNOWLEDGE / "intent_map.yaml").read_text())
    utterances: dict[str, list[str]] = {}
    with (KNOWLEDGE / "intents" / "test.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            utterances.setdefault(mapping.get(row["label"], ""), []).append(row["text"])
    rng = np.random.default_rng(seed)
    ids = sorted(generated)
    pairs: list[tuple[str, str]] = []
    for n in rng.choice(len(ids), size=count, replace=False):
        article_id = ids[n]
        base, product, market = generated[article_id]
        options = utterances[base]
        pairs.append((f"{product} in {market}: {options[int(rng.integers(len(options)))]}", article_id))
    return pairs


def _ms(values: list[float]) -> dict[str, float]:
    array = np.array(values) * 1000
    return {"p50_ms": round(float(np.percentile(array, 50)), 2), "p95_ms": round(float(np.percentile(array, 95)), 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/kb-bench/scale"))
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    folder = args.data_dir / "knowledge" / "articles"
    generated = generate(folder, total=args.articles)
    questions = known_questions(generated, count=WARMUP + args.queries)

    embedder = DiskCachedEmbeddings(args.data_dir.parent / "vectors.pkl")
    settings = Settings(data_dir=args.data_dir / "data", knowledge_dir=folder.parent)
    kb = open_knowledge_base(settings=settings, embedder=embedder)
    started = time.perf_counter()
    ingest = kb.ingest(folder.parent)
    ingest_s = time.perf_counter() - started
    assert ingest.ok, ingest.invalid[:5]

    # The plain baseline: one document per live article, title and body, in the same Chroma.
    live = {info.article_id for info in kb.articles() if info.state == "live"}
    parsed, _ = read_folder(folder.parent)
    documents = {
        item.article.id: f"{item.article.title}\n\n{item.article.body}" for item in parsed if item.article.id in live
    }
    client = chromadb.PersistentClient(
        path=str(settings.chroma_dir), settings=ChromaSettings(anonymized_telemetry=False)
    )
    plain = Chroma(
        collection_name="plain_articles",
        embedding_function=embedder,
        client=client,
        collection_configuration={"hnsw": {"space": "cosine"}},
    )
    if client.get_collection("plain_articles").count() != len(documents):
        plain.reset_collection()
        ids = sorted(documents)
        for start in range(0, len(ids), 2_000):
            batch = ids[start : start + 2_000]
            plain.add_texts(
                texts=[documents[i] for i in batch], metadatas=[{"article_id": i} for i in batch], ids=batch
            )
    embedder.warm([question for question, _ in questions])

    def ours(question: str) -> list[str]:
        return [answer.article_id for answer in kb.search(question, k=3).results]

    def baseline(question: str) -> list[str]:
        return [doc.metadata["article_id"] for doc in plain.similarity_search(question, k=3)]

    systems = {"knowledge_base": ours, "plain_chroma": baseline}
    for question, _ in questions[:WARMUP]:
        for run in systems.values():
            run(question)
    timings: dict[str, list[float]] = {name: [] for name in systems}
    hits: dict[str, list[int | None]] = {name: [] for name in systems}
    for n, (question, expected) in enumerate(questions[WARMUP:]):
        for name in sorted(systems, reverse=n % 2 == 1):
            begun = time.perf_counter()
            returned = systems[name](question)
            timings[name].append(time.perf_counter() - begun)
            hits[name].append(returned.index(expected) if expected in returned else None)

    # One query's embedding, on utterances this process has never encoded.
    model = get_embedder()
    fresh = [row["text"] for row in csv.DictReader((KNOWLEDGE / "intents" / "test.csv").open(newline=""))][-120:]
    embed_s = []
    for text in fresh:
        begun = time.perf_counter()
        model.encode_one(f"{text} (timing)")
        embed_s.append(time.perf_counter() - begun)

    def quality(name: str) -> dict[str, float]:
        ranks = hits[name]
        return {
            "recall_at_1": round(sum(r == 0 for r in ranks) / len(ranks), 4),
            "recall_at_3": round(sum(r is not None for r in ranks) / len(ranks), 4),
            "mrr": round(sum(1 / (r + 1) for r in ranks if r is not None) / len(ranks), 4),
        }

    result = {
        "articles": len(parsed),
        "live_articles": len(live),
        "queries": args.queries,
        "ingest": {**ingest.counts(), "embedded": ingest.embedded, "seconds": round(ingest_s, 1)},
        "search": {name: {**_ms(timings[name]), **quality(name)} for name in systems},
        "query_embedding": _ms(embed_s[20:]),
    }
    ratio = result["search"]
    result["ratios_ours_over_plain"] = {
        key: round(ratio["knowledge_base"][key] / ratio["plain_chroma"][key], 3)
        for key in ("p50_ms", "p95_ms", "recall_at_1", "recall_at_3", "mrr")
        if ratio["plain_chroma"][key]
    }
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
