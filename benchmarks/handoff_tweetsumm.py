"""How much of what people wrote in summaries of real customer-care conversations the handoff card covers.

TWEETSUMM (Feigenblat et al., Findings of EMNLP 2021, IBM): real Twitter customer-care conversations, each
with 2-5 human abstractive summaries ("Customer is complaining that ... Agent suggested ..."). Each
conversation becomes a social-channel timeline (customer and agent turns, a few minutes apart, no `data`)
and the local card is built for the next agent. Scored per conversation against every human summary, then
averaged (the best-matching summary and the mean over summaries are both reported):
- content recall: share of the summary's content words (lower-cased, stop words and the words "customer",
  "agent" removed, crude stemming) found in the card's text without its labels, times and citations;
- customer-need recall: the same for the summary's first sentence (what the customer wanted) against the
  card's goal line alone;
- bigram recall (ROUGE-2 recall on content words).
Baselines give the figures a scale: the first customer turn alone, and the whole conversation (the upper
bound of any extract of it; the card is shorter).

The tweet text is CC BY-NC-SA (non-commercial): it is read from ../shared in place by this benchmark only and
never copied into the repository.

    python benchmarks/handoff_tweetsumm.py [--split test|valid|train] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from datetime import UTC, datetime, timedelta
from typing import Any

from shared_data import conversation, dataset

from assist.config import PROJECT_ROOT
from assist.handoff.service import build_card
from assist.prompts.registry import PromptRegistry
from assist.timeline.models import TimelineEvent

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
_STOP = frozenset(
    "a an the and or but if of to in on at for with from by is are was were be been being it its this that these "  # noqa: SIM905
    "those i me my we our you your he she they them their his her there here what which who whom when where why how "
    "do does did done have has had not no so as can could will would should may might must just also very about "
    "into out up down over again then than too any some all more most other such only own same customer agent "
    "customers agents says said asks asked ask tell told informed inform suggested suggest suggests requested "
    "request requests wants want wanted complaining complains complained regarding".split()
)
_WORD = re.compile(r"[a-z0-9]+")
_NOISE = re.compile(r"\[[^\]]*\]|\b(?:Goal|Next step|Promised|Failed|Escalated|Tried|Facts given|Open question|Path|"
                    r"Sentiment|Summary):|\d{1,2} \w{3} \d{2}:\d{2}")  # fmt: skip


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _content(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP]


def _recall(reference: str, candidate: str, n: int = 1) -> float:
    ref, cand = _content(reference), _content(candidate)
    grams = lambda words: {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}  # noqa: E731
    wanted = grams(ref)
    return len(wanted & grams(cand)) / len(wanted) if wanted else 1.0


def _events(dialogue: dict[str, Any]) -> list[TimelineEvent]:
    turns = [("customer" if t["speaker"] == "customer" else "agent", t["text"] or "") for t in dialogue["turns"]]
    return conversation(turns, channel="social", customer={"handle": "@customer"}, end=NOW, gap=timedelta(minutes=5))


def score(conversations: list[dict[str, Any]], prompts: PromptRegistry) -> dict[str, Any]:
    rows: dict[str, list[float]] = {}

    def add(name: str, values: list[float]) -> None:
        rows.setdefault(f"{name}_best", []).append(max(values))
        rows.setdefault(f"{name}_mean", []).append(statistics.mean(values))

    lines = []
    for dialogue in conversations:
        events = _events(dialogue)
        card = build_card(
            events=events, message=None, channel="social", intent=None, signals=None, now=NOW, llm=None, prompts=prompts
        ).summary
        lines.append(len(card.text.splitlines()))
        text = _NOISE.sub(" ", card.text)
        goal = _NOISE.sub(" ", card.goal.text) if card.goal else ""
        first = next((e.text for e in events if e.actor == "customer"), "")
        everything = " ".join(e.text for e in events)
        summaries = [" ".join(s) for s in dialogue["abstractive_summaries"] if s]
        needs = [s[0] for s in dialogue["abstractive_summaries"] if s]
        add("card_content_recall", [_recall(s, text) for s in summaries])
        add("card_bigram_recall", [_recall(s, text, 2) for s in summaries])
        add("card_need_recall", [_recall(s, goal) for s in needs])
        add("first_turn_content_recall", [_recall(s, first) for s in summaries])
        add("first_turn_need_recall", [_recall(s, first) for s in needs])
        add("whole_conversation_content_recall", [_recall(s, everything) for s in summaries])
        rows.setdefault("card_words", []).append(len(_content(text)))
        rows.setdefault("conversation_words", []).append(len(_content(everything)))
    out: dict[str, Any] = {"conversations": len(conversations)}
    out |= {name: round(statistics.mean(values), 3) for name, values in rows.items()}
    out["card_lines_max"] = max(lines)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=["train", "valid", "test"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    path = dataset("tweetsumm") / f"{args.split}.jsonl"
    conversations = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    result = {args.split: score(conversations, PromptRegistry(PROJECT_ROOT / "prompts"))}
    print(json.dumps(result, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in result[args.split].items()))


if __name__ == "__main__":
    main()
