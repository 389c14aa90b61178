"""Latency of classifying one message, embedding included: p50 / p95 / p99 over distinct messages.

    python benchmarks/intents_latency.py [--data-dir DIR] [--n 500]

Trains the sample model in DIR if it has none. Each message is new to the process (BANKING77 test
texts), so the embedder's query cache never answers. The machine's load
average is printed with the figures: on a shared machine it explains most of the spread. With
`--threads 1` one message runs on one core: on a busy 2-core machine two torch threads wait on each
other and a single message takes several times longer (docs/intents.md).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import torch

from assist.config import PROJECT_ROOT, Settings
from assist.intents.data import read_labelled_csv
from assist.intents.service import ensure_active_model


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=PROJECT_ROOT / ".bench-data" / "intents")
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
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
                "torch_threads": torch.get_num_threads(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
