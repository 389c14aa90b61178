from __future__ import annotations

import pytest

from assist.signals.sentiment import label, score


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks, that sorted it, great help!", "positive"),
        ("What is the fee for topping up by card?", "neutral"),
        ("I've been charged twice and I'm still waiting, this is ridiculous", "negative"),
        ("The app is useless", "negative"),
        ("not bad at all", "positive"),
        ("That is not great", "negative"),
    ],
)
def test_labels_on_customer_service_text(text: str, expected: str) -> None:
    assert label(score(text)) == expected


def test_intensifiers_and_shouting_strengthen_and_contrast_weights_the_second_clause() -> None:
    assert score("this is really terrible") < score("this is terrible") < 0
    assert score("this is TERRIBLE") < score("this is terrible")
    assert score("the app is fine but support is useless") < score("support is useless but the app is fine")
    assert score("the app is fine but support is useless") < 0


def test_scores_stay_in_range() -> None:
    assert -1 < score("awful terrible horrible useless ridiculous worst " * 20) < -0.95
    assert score("") == 0.0
