"""Customers wrap a request in a greeting, their history or a sign-off; the request must still be found."""

from __future__ import annotations

from assist.intents.features import sentences
from tests.intents.conftest import Trained

WRAPPED = (
    "Good morning. I tried the app and the chat bot already and got nowhere. Status of the card I ordered. "
    "Please call me back on my mobile as soon as you can, thanks."
)


def test_sentences_skip_greetings_and_sign_offs() -> None:
    assert sentences("Hi. Where is my new card?\nThanks, Sam") == ["Where is my new card?"]
    assert sentences("where is my card") == ["where is my card"]
    assert len(sentences("I need help now. " * 20)) == 8


def test_a_wrapped_request_is_found_by_its_sentence(trained: Trained) -> None:
    model = trained.model
    whole = model._decide([WRAPPED], model.encoder.encode([WRAPPED]))
    assert whole.out_of_scope[0], "the whole message alone is refused: the second look is what finds it"
    p = model.predict(WRAPPED)
    assert p.label == "card_arrival" and not p.out_of_scope


def test_sentences_of_another_domain_stay_out_of_scope(trained: Trained) -> None:
    p = trained.model.predict("Hi there, hope you are well. What is a good recipe for chocolate cake? Thanks so much.")
    assert p.out_of_scope
