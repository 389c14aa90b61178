"""Latency of classifying one message, embedding included: p50 / p95 / p99 over distinct messages.

    python benchmarks/intents_latency.py [--data-dir DIR] [--n 500]

Trains the sample model in DIR if it has none. Each message is new to the process (BANKING77 test
texts), so the embedder's query cache never answers. The machine's load
average is printed with the figures: on a shared machine it explains most of the spread.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from assist.config import PROJECT_ROOT, Settings
from assist.embeddings import get_embedder
from assist.intents.data import read_labelled_csv
from assist.intents.service import ensure_active_model


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / ".bench-data" / "intents")
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()
    model = ensure_active_model(settings=Settings(data_dir=args.data_dir))
    texts = read_labelled_csv(PROJECT_ROOT / "knowledge" / "intents" / "test.csv", for_training=False).texts[: args.n]
    for text in ["warm up the model", "and the tokenizer"]:
        model.predict(text)
    timings = []
    for text in texts:
        started = time.perf_counter()
        model.predict(text)
        timings.append((time.perf_counter() - started) * 1000)
    ms = np.array(timings)
    print(
        json.dumps(
            {
                "model_id": model.model_id,
                "messages": len(ms),
                "p50_ms": round(float(np.percentile(ms, 50)), 2),
                "p95_ms": round(float(np.percentile(ms, 95)), 2),
                "p99_ms": round(float(np.percentile(ms, 99)), 2),
                "load_average_1m": os.getloadavg()[0],
                "cpus": os.cpu_count(),
                "encoder_threads": get_embedder()._session.get_session_options().intra_op_num_threads,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
