"""The journey suite holds its targets, and its scorer catches what it is meant to catch."""

from __future__ import annotations

from assist.config import PROJECT_ROOT
from assist.handoff.evaluate import evaluate, load_journeys, run_journey, score_journey
from assist.handoff.models import Fact
from assist.prompts.registry import PromptRegistry

SUITE = PROJECT_ROOT / "evals" / "handoff" / "journeys.yaml"
PROMPTS = PromptRegistry(PROJECT_ROOT / "prompts")


def test_the_suite_meets_its_targets() -> None:
    scores = evaluate(SUITE, prompts=PROMPTS)
    assert scores["journeys"] >= 20
    assert scores["key_fact_recall"] >= 0.95, scores["failures"]
    assert scores["unsupported_citations"] == 0, scores["failures"]
    assert scores["personal_data_leaks"] == 0, scores["failures"]
    assert scores["do_not_ask_missing"] == 0, scores["failures"]


def test_the_scorer_flags_missing_facts_bad_citations_and_leaks() -> None:
    journey = next(j for j in load_journeys(SUITE) if j.id == "double-charge-full-card")
    result, events = run_journey(journey, prompts=PROMPTS)
    card = result.summary
    tampered = result.model_copy(
        update={
            "summary": card.model_copy(
                update={
                    "facts": [
                        Fact(field="merchant", value="Streamly", citations=["g2"]),  # g2 does not say Streamly
                        Fact(field="note", value="card 4539 1488 0343 6467", citations=["g1"]),
                    ],
                    "citations": [*card.citations, "g404"],
                }
            ),
            "do_not_ask": [],
        }
    )

    score = score_journey(journey, tampered, events)

    assert "fact amount=£12.99" in score.missing
    assert "g404 (no such event)" in score.unsupported
    assert "merchant=Streamly cites g2" in score.unsupported
    assert "4539 1488 0343 6467" in score.leaks
    assert set(score.do_not_ask_missing) == {"merchant", "amount", "date", "card_last4", "case_id"}
