"""Shapes of the intent stage: a prediction for routing, and the reports of training and evaluation."""

from __future__ import annotations

from pydantic import BaseModel, Field

OUT_OF_SCOPE = "out_of_scope"


class IntentAlternative(BaseModel):
    label: str
    confidence: float = Field(ge=0.0, le=1.0)


class IntentPrediction(BaseModel):
    """What routing reads: the intent, how sure the model is, and whether it is a known need at all."""

    label: str  # OUT_OF_SCOPE when the message is not one of the trained intents
    confidence: float = Field(ge=0.0, le=1.0)  # calibrated probability that the best known intent is right
    out_of_scope: bool
    low_confidence: bool  # in scope, but likely enough to be wrong that a person should confirm it
    alternatives: list[IntentAlternative]  # the next best intents, best first
    model_id: str


class IntentQuality(BaseModel):
    label: str
    precision: float
    recall: float
    f1: float
    support: int


class ConfusedPair(BaseModel):
    expected: str
    predicted: str
    count: int


class EvalReport(BaseModel):
    model_id: str
    examples: int
    accuracy: float  # exact label, out_of_scope counted as a label
    in_scope_accuracy: float | None  # rows not labelled out_of_scope; None when there are none
    closed_set_accuracy: float | None = None  # same rows, best known intent, refusals ignored (as published)
    oos_recall: float | None  # rows labelled out_of_scope that were predicted out of scope; None when there are none
    macro_f1: float
    ece: float  # expected calibration error of `confidence` on in-scope rows, 15 equal-width bins
    low_confidence_rate: float
    per_intent: list[IntentQuality]
    confused_pairs: list[ConfusedPair]  # most frequent (expected, predicted) mistakes, most first


class Thresholds(BaseModel):
    """Set automatically from the training data when the model is trained (see docs/intents.md)."""

    out_of_scope: float  # a message whose best known intent is less likely than this is out of scope
    similarity: float  # so is one whose cosine similarity to every training example is below this
    low_confidence: float  # an in-scope prediction whose confidence falls below this is low confidence
    temperature: float  # divides the logits so that confidence is calibrated
    mix: float  # weight of the lexical head's score


class TrainReport(BaseModel):
    model_id: str
    embedding_model: str
    examples: int
    intents: int
    oos_examples: int
    thresholds: Thresholds
    validation: EvalReport | None  # held-out split of the training data, before the final fit on all of it
    seconds: float
    active: bool
