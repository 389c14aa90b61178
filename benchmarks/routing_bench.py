"""Routing benchmark: conformance of the policy suite, and latency of signals + triage (+ next actions).

Run: python benchmarks/routing_bench.py [--rounds N] [--json]
Latency covers compute_signals, triage and next_actions on each journey of evals/routing/journeys.yaml,
and on a long timeline (500 events, the pipeline's window). The sentiment cache is cleared before every
measurement so that repeated rounds do not flatter the figures. The full endpoint (intent model, search,
audit write) is benchmarked separately by the pipeline's benchmark.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assist.config import PROJECT_ROOT
from assist.routing.conformance import NOW, decide, load_answers, load_journeys, prediction, run_suite
from assist.routing.policy import load_policy
from assist.routing.service import next_actions, triage
from assist.signals import sentiment
from assist.signals.service import compute_signals
from assist.timeline.models import TimelineEvent

SUITE = PROJECT_ROOT / "evals" / "routing" / "journeys.yaml"
ARTICLES = PROJECT_ROOT / "knowledge" / "articles"


def long_timeline(n: int = 500) -> list[TimelineEvent]:
    channels = ["app", "chat", "email", "phone"]
    texts = ["my card still hasn't arrived", "thanks for the help", "this is ridiculous", "where is my refund?"]
    return [
        TimelineEvent(
            event_id=f"ev_{i}",
            customer_id="cus_bench",
            source_id=None,
            customer={"email": "bench@example.com"},
            channel=channels[i % 4],  # type: ignore[arg-type]
            actor="customer" if i % 3 else "agent",  # type: ignore[arg-type]
            kind="message",
            occurred_at=NOW - timedelta(minutes=20 * (n - i)),
            text=texts[i % 4],
            data={"intent": "card_arrival"} if i % 5 == 0 else {},
        )
        for i in range(n)
    ]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    policy = load_policy(PROJECT_ROOT / "knowledge" / "routing.yaml")
    results, status = run_suite(SUITE, policy=policy, articles_dir=ARTICLES)
    journeys = load_journeys(SUITE)
    answers = load_answers(ARTICLES, {a for j in journeys for a in j.answers})

    suite_ms: list[float] = []
    for _ in range(args.rounds):
        for journey in journeys:
            sentiment.score.cache_clear()
            started = time.perf_counter()
            decide(journey, policy=policy, answers=answers)
            suite_ms.append((time.perf_counter() - started) * 1000)

    events = long_timeline()
    journey = next(j for j in journeys if j.id == "repeat_contact_three_channels")
    intent = prediction(journey)
    served = [answers[a] for a in journey.answers]
    long_ms: list[float] = []
    for _ in range(args.rounds * 4):
        sentiment.score.cache_clear()
        started = time.perf_counter()
        signals = compute_signals(events=events, message=journey.message, channel="chat", intent=intent, now=NOW)
        triage(intent=intent, signals=signals, answers=served, policy=policy, channel="chat")
        next_actions(intent=intent, signals=signals, answers=served, events=events, policy=policy)
        long_ms.append((time.perf_counter() - started) * 1000)

    report: dict[str, Any] = {
        "suite": {
            "journeys": len(results),
            "passed": sum(r.passed for r in results),
            "status": status,
            "with_friction": sum(bool(r.friction) for r in results),
            "friction_routed_to_self_service": sum(bool(r.friction) and r.route == "self_service" for r in results),
            "failures": {r.id: r.failures for r in results if not r.passed},
        },
        "latency_ms": {
            "journeys": {
                "n": len(suite_ms),
                "p50": round(statistics.median(suite_ms), 3),
                "p95": round(percentile(suite_ms, 0.95), 3),
                "p99": round(percentile(suite_ms, 0.99), 3),
            },
            "timeline_500_events": {
                "n": len(long_ms),
                "p50": round(statistics.median(long_ms), 3),
                "p95": round(percentile(long_ms, 0.95), 3),
                "p99": round(percentile(long_ms, 0.99), 3),
            },
        },
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()},
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    suite = report["suite"]
    print(f"conformance: {suite['passed']}/{suite['journeys']} journeys routed as expected ({suite['status']})")
    print(f"with friction: {suite['with_friction']}, to self-service: {suite['friction_routed_to_self_service']}")
    for name, figures in report["latency_ms"].items():
        print(f"{name}: p50 {figures['p50']} ms, p95 {figures['p95']} ms, p99 {figures['p99']} ms (n={figures['n']})")


if __name__ == "__main__":
    main()
