"""Privacy figures for docs/privacy.md: what redaction catches and keeps, and what it costs per message.

1. The case set (evals/privacy/cases.yaml): every secret in every form that fits it (event text, a `data`
   value, a `data` key, a JSON number) through `redact`/`redact_obj`; every reference, time and amount.
   Counts formats covered, leaks (the secret still found, however spaced or cased) and kept references.
   The same cases go over HTTP, with an LLM, audit records and logs, in tests/privacy/test_suite.py.
2. Public text this project did not write: real customer-care tweets (TWEETSUMM raw train turns, read from
   ../shared, never copied: non-commercial) and BANKING77 test queries. What redaction changes there, by
   placeholder (each change is printed with `--show` for judging precision by hand), and the time per
   message: every message distinct and the cache cleared, so no memoised result is timed.

    python benchmarks/privacy.py [--json] [--show]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import time
from collections import Counter
from pathlib import Path

from assist.config import PROJECT_ROOT
from assist.privacy.redact import redact, redact_obj
from assist.privacy.suite import load_cases

SHARED = PROJECT_ROOT.parent / "shared" / "datasets"
if not SHARED.exists():
    SHARED = Path("/work/shared/datasets")
_PLACEHOLDER = re.compile(r"\[(?:CARD \*{4}\d{4}|[A-Z_]+)\]")


def case_set() -> dict[str, object]:
    cases = load_cases(PROJECT_ROOT / "evals" / "privacy" / "cases.yaml")
    tried, leaked = 0, []
    for secret in cases.secrets:
        for where, text, data in secret.placements():
            tried += 1
            out = redact(text) + json.dumps(redact_obj(data))
            if secret.pattern().search(out):
                leaked.append(f"{secret.kind} ({secret.form}) as {where}")
    kept = [k for k in cases.keep if k.text in redact(f"About {k.text}, as I said.") and k.text in redact(k.text)]
    return {
        "secret_forms": len(cases.secrets),
        "kinds": sorted({s.kind for s in cases.secrets}),
        "placements_tried": tried,
        "leaks": leaked,
        "keep_cases": len(cases.keep),
        "kept": len(kept),
        "mangled": sorted({k.text for k in cases.keep} - {k.text for k in kept}),
    }


def public_messages() -> dict[str, list[str]]:
    tweets = []
    with (SHARED / "tweetsumm" / "train.jsonl").open(encoding="utf-8") as f:
        for line in f:
            conversation = json.loads(line)
            if conversation["text_source"] == "raw":
                tweets += [t["text"] for t in conversation["turns"]]
    with (SHARED / "banking77" / "test.csv").open(encoding="utf-8") as f:
        banking = [row["text"] for row in csv.DictReader(f)]
    return {"tweetsumm_raw_train_turns": tweets, "banking77_test": banking}


def changes(messages: list[str], show: bool) -> dict[str, object]:
    changed, kinds = 0, Counter()
    for text in messages:
        out = redact(text)
        if out != text:
            changed += 1
            found = _PLACEHOLDER.findall(out)
            kinds.update("CARD" if p.startswith("[CARD") else p.strip("[]") for p in found)
            if show:
                print(f"  {text!r}\n  -> {out!r}")
    return {"messages": len(messages), "changed": changed, "placeholders": dict(kinds)}


def timing(messages: list[str]) -> dict[str, float]:
    redact.cache_clear()
    times = []
    for i, text in enumerate(messages):
        distinct = f"{text} [{i}]"
        started = time.perf_counter()
        redact(distinct)
        times.append((time.perf_counter() - started) * 1000)
    with_digits = [t for t, m in zip(times, messages, strict=True) if any(c.isdigit() for c in m)]
    return {
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(statistics.quantiles(times, n=20)[18], 3),
        "p50_ms_with_digits": round(statistics.median(with_digits), 3),
        "p95_ms_with_digits": round(statistics.quantiles(with_digits, n=20)[18], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", action="store_true", help="print every change made to public text")
    args = parser.parse_args()
    report: dict[str, object] = {"case_set": case_set()}
    for name, messages in public_messages().items():
        report[name] = {**changes(messages, args.show), **timing(messages)}
    print(json.dumps(report, indent=2 if not args.json else None))


if __name__ == "__main__":
    main()
