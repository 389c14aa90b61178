"""The handoff card on the SGD banking and payment dialogues (data this project did not write), scored against
the dialogue-act annotation.

Each dialogue becomes a chat timeline (user -> customer, system -> bot, a minute apart, no `data` at all) and
the local card is built as it would be for the next agent. Gold, from the acts:
- failures: system turns with NOTIFY_FAILURE; found when a card failure cites that turn;
- successes: system turns with NOTIFY_SUCCESS; found when a card attempt with result success cites it;
- amounts (slots amount, balance, transfer_amount, account_balance), accounts (account_type,
  recipient_account_type) and payees (recipient_account_name, recipient_name, receiver): values the user
  informed or the system offered or confirmed; found when a card fact holds the value (amounts compared by
  their digits, so "$1,630" and "$1630.00" match);
- precision of failures: card failures citing a turn that has no NOTIFY_FAILURE.

Data: ../shared/datasets/sgd_banking (Rastogi et al., AAAI 2020, Google; CC BY-SA 4.0), read in place.

    python benchmarks/handoff_sgd.py [--split train|dev|test|all] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from shared_data import conversation, dataset

from assist.config import PROJECT_ROOT
from assist.handoff.service import build_card
from assist.prompts.registry import PromptRegistry
from assist.timeline.models import TimelineEvent

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
AMOUNT_SLOTS = {"amount", "balance", "transfer_amount", "account_balance"}
ACCOUNT_SLOTS = {"account_type", "recipient_account_type"}
PAYEE_SLOTS = {"recipient_account_name", "recipient_name", "receiver"}
GOLD_ACTS = {"INFORM", "OFFER", "CONFIRM"}


def _events(dialogue: dict[str, Any]) -> list[TimelineEvent]:
    turns = [("customer" if t["speaker"] == "user" else "bot", t["utterance"]) for t in dialogue["turns"]]
    return conversation(turns, channel="chat", customer={"account_id": "SGD-1"}, end=NOW, gap=timedelta(minutes=1))


def _gold(dialogue: dict[str, Any]) -> dict[str, set[str]]:
    gold: dict[str, set[str]] = {"failure": set(), "success": set(), "amount": set(), "account": set(), "payee": set()}
    for i, turn in enumerate(dialogue["turns"]):
        for frame in turn["frames"]:
            for act in frame["actions"]:
                if act["act"] == "NOTIFY_FAILURE":
                    gold["failure"].add(f"t{i}")
                elif act["act"] == "NOTIFY_SUCCESS":
                    gold["success"].add(f"t{i}")
                elif act["act"] in GOLD_ACTS and act["values"]:
                    slot = act["slot"]
                    kind = (
                        "amount"
                        if slot in AMOUNT_SLOTS
                        else "account"
                        if slot in ACCOUNT_SLOTS
                        else "payee"
                        if slot in PAYEE_SLOTS
                        else None
                    )
                    if kind:
                        gold[kind] |= {_norm(kind, v) for v in act["values"]}
    return gold


def _norm(kind: str, value: str) -> str:
    if kind == "amount":
        digits = re.sub(r"[^\d.]", "", value)
        return digits.removesuffix(".00").rstrip(".")
    return value.lower().removesuffix("'s").strip()


def score(dialogues: list[dict[str, Any]], prompts: PromptRegistry) -> dict[str, Any]:
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    wrong_failures = 0
    card_failures = 0
    for dialogue in dialogues:
        events = _events(dialogue)
        gold = _gold(dialogue)
        card = build_card(
            events=events, message=None, channel="chat", intent=None, signals=None, now=NOW, llm=None, prompts=prompts
        ).summary
        failed_cites = {c for f in card.failures for c in f.citations}
        success_cites = {c for a in card.attempts if a.result == "success" for c in a.citations}
        facts: dict[str, set[str]] = {"amount": set(), "account": set(), "payee": set()}
        for fact in card.facts:
            if fact.field in facts:
                facts[fact.field].add(_norm(fact.field, fact.value))
        for kind in ("failure", "success"):
            cites = failed_cites if kind == "failure" else success_cites
            total[kind] += len(gold[kind])
            found[kind] += len(gold[kind] & cites)
        for kind in ("amount", "account", "payee"):
            total[kind] += len(gold[kind])
            found[kind] += len(gold[kind] & facts[kind])
        for failure in card.failures:
            card_failures += 1
            wrong_failures += not (set(failure.citations) & gold["failure"])
    recall = {f"{k}_recall": round(found[k] / total[k], 3) if total[k] else None for k in total}
    return {
        "dialogues": len(dialogues),
        **recall,
        "gold": dict(total),
        "card_failures": card_failures,
        "failure_precision": round(1 - wrong_failures / card_failures, 3) if card_failures else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="all", choices=["train", "dev", "test", "all"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    splits = ["train", "dev", "test"] if args.split == "all" else [args.split]
    prompts = PromptRegistry(PROJECT_ROOT / "prompts")
    results = {}
    for split in splits:
        lines = (dataset("sgd_banking") / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
        results[split] = score([json.loads(line) for line in lines], prompts)
    print(json.dumps(results, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in results.items()))


if __name__ == "__main__":
    main()
