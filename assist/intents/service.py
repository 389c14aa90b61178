"""Intent classification: train from a CSV, evaluate, predict, and keep a registry of models on disk."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from assist.config import Settings
from assist.embeddings import get_embedder
from assist.errors import NotFound, NotReady
from assist.intents import registry
from assist.intents.calibration import Decision, Features, calibrate_and_fit, decide, nearest_similarity
from assist.intents.data import read_labelled_csv
from assist.intents.features import Encoder, Lexical, embed_cached, sentences
from assist.intents.head import Heads
from assist.intents.metrics import build_report
from assist.intents.models import (
    OUT_OF_SCOPE,
    EvalReport,
    IntentAlternative,
    IntentPrediction,
    Thresholds,
    TrainReport,
)
from assist.logs import log_fields

logger = logging.getLogger("assist.intents")

ALTERNATIVES = 3


# The modules whose code decides what a trained model is; evaluation, CLI and reports are left out.
MODEL_CODE = ("calibration.py", "data.py", "features.py", "head.py", "registry.py", "service.py")


@lru_cache
def code_version() -> str:
    """Changing how models are made changes their ids, without anyone remembering to bump a number."""
    h = hashlib.sha256()
    for name in MODEL_CODE:
        h.update(name.encode() + b"\x00" + (Path(__file__).parent / name).read_bytes())
    return h.hexdigest()[:12]


def _model_id(*, data_digest: str, encoder: Encoder) -> str:
    seed = f"{data_digest}|{encoder.name}|{encoder.version}|{code_version()}"
    return "intents-" + hashlib.sha256(seed.encode()).hexdigest()[:16]


class IntentClassifier:
    """A trained model; thread-safe (the embedder locks, everything else is read-only)."""

    def __init__(
        self,
        *,
        model_id: str,
        encoder: Encoder,
        lexical: Lexical,
        heads: Heads,
        anchors: np.ndarray,
        thresholds: Thresholds,
    ) -> None:
        self.model_id = model_id
        self.embedding_model = encoder.name
        self.thresholds = thresholds
        self.encoder = encoder
        self.labels = heads.labels
        self._lexical = lexical
        self._heads = heads
        self._anchors = anchors  # training embeddings, for the far out-of-scope check

    def predict(self, text: str) -> IntentPrediction:
        return self._predictions(self.decide([text], self.encoder.encode_one(text)[None, :]))[0]

    def predict_many(self, texts: Sequence[str]) -> list[IntentPrediction]:
        return self._predictions(self.decide(list(texts), self.encoder.encode(list(texts), batch_size=128)))

    def decide(self, texts: list[str], embeddings: np.ndarray) -> Decision:
        """Whole messages first. A refused message of several sentences gets a second look sentence by
        sentence, and its most confident in-scope sentence answers for it: customers wrap a request in a
        greeting, their history or a sign-off, which blurs the embedding of the whole (docs/intents.md)."""
        whole = self._decide(texts, embeddings)
        second_look = {
            i: parts for i in np.flatnonzero(whole.out_of_scope).tolist() if len(parts := sentences(texts[i])) > 1
        }
        if not second_look:
            return whole
        flat = [part for parts in second_look.values() for part in parts]
        by_part = self._decide(flat, self.encoder.encode(flat))
        best, confidence = whole.best.copy(), whole.confidence.copy()
        out_of_scope, probs = whole.out_of_scope.copy(), whole.probs.copy()
        start = 0
        for i, parts in second_look.items():
            rows = [r for r in range(start, start + len(parts)) if not by_part.out_of_scope[r]]
            start += len(parts)
            if rows:
                r = max(rows, key=lambda row: by_part.confidence[row])
                best[i], confidence[i], probs[i] = by_part.best[r], by_part.confidence[r], by_part.probs[r]
                out_of_scope[i] = False
        return Decision(best=best, confidence=confidence, out_of_scope=out_of_scope, probs=probs)

    def _decide(self, texts: list[str], embeddings: np.ndarray) -> Decision:
        logits = self._heads.logits(embeddings, self._lexical.transform(texts))
        return decide(self.labels, logits, nearest_similarity(embeddings, self._anchors), self.thresholds)

    def _predictions(self, d: Decision) -> list[IntentPrediction]:
        known = [i for i, label in enumerate(self.labels) if label != OUT_OF_SCOPE]
        results = []
        for probs, oos, confidence in zip(d.probs, d.out_of_scope.tolist(), d.confidence.tolist(), strict=True):
            ranked = sorted(known, key=lambda i: -probs[i])
            # Out of scope, the best known intents are still shown: they are what an agent would check first.
            others = ranked[:ALTERNATIVES] if oos else ranked[1 : ALTERNATIVES + 1]
            results.append(
                IntentPrediction(
                    label=OUT_OF_SCOPE if oos else self.labels[ranked[0]],
                    confidence=round(confidence, 4),
                    out_of_scope=oos,
                    low_confidence=not oos and confidence < self.thresholds.low_confidence,
                    alternatives=[
                        IntentAlternative(label=self.labels[i], confidence=round(float(probs[i]), 4)) for i in others
                    ],
                    model_id=self.model_id,
                )
            )
        return results


def train_from_csv(*, settings: Settings, csv_path: Path, activate: bool = True) -> TrainReport:
    """Bad rows raise InputError before anything is written; the new model becomes active in one rename."""
    started = time.perf_counter()
    data = read_labelled_csv(csv_path, for_training=True)
    encoder = get_embedder()
    model_id = _model_id(data_digest=data.digest(), encoder=encoder)
    embeddings = embed_cached(data.texts, encoder=encoder, data_dir=settings.data_dir)
    lexical = Lexical.fit(data.texts)
    fitted = calibrate_and_fit(Features(embeddings, lexical.transform(data.texts)), data.labels)

    val = fitted.validation_rows
    validation_model = IntentClassifier(
        model_id=model_id,
        encoder=encoder,
        lexical=lexical,
        heads=fitted.validation_heads,
        anchors=embeddings[fitted.train_rows],
        thresholds=fitted.thresholds,
    )
    validation = _report(validation_model, [data.texts[i] for i in val], embeddings[val], [data.labels[i] for i in val])
    report = TrainReport(
        model_id=model_id,
        embedding_model=encoder.name,
        examples=len(data.texts),
        intents=len(data.intents),
        oos_examples=sum(label == OUT_OF_SCOPE for label in data.labels),
        thresholds=fitted.thresholds,
        validation=validation if len(val) else None,
        seconds=round(time.perf_counter() - started, 2),
        active=activate,
    )
    meta = registry.StoredModel(
        model_id=model_id, embedding_model=encoder.name, thresholds=fitted.thresholds, report=report
    )
    registry.save(settings.models_dir, meta=meta, heads=fitted.heads, lexical=lexical, anchors=embeddings)
    if activate:
        registry.activate(settings.models_dir, model_id)
    logger.info("intent model trained", extra=log_fields(model_id=model_id, examples=report.examples))
    return report


def evaluate_csv(*, settings: Settings, csv_path: Path, model_id: str | None = None) -> EvalReport:
    """Evaluates the active model unless `model_id` names another one."""
    data = read_labelled_csv(csv_path, for_training=False)
    model = load_model(settings=settings, model_id=model_id) if model_id else load_active(settings=settings)
    if model is None:
        raise NotReady("no active intent model: run `assist intents train CSV`")
    embeddings = embed_cached(data.texts, encoder=model.encoder, data_dir=settings.data_dir)
    return _report(model, data.texts, embeddings, data.labels)


def _report(model: IntentClassifier, texts: list[str], embeddings: np.ndarray, expected: list[str]) -> EvalReport:
    d = model.decide(texts, embeddings)
    best = [model.labels[i] for i in d.best]
    return build_report(
        model_id=model.model_id,
        expected=expected,
        predicted=[OUT_OF_SCOPE if oos else label for oos, label in zip(d.out_of_scope, best, strict=True)],
        best_intent=best,
        confidence=d.confidence,
        low_confidence=~d.out_of_scope & (d.confidence < model.thresholds.low_confidence),
    )


def load_model(*, settings: Settings, model_id: str) -> IntentClassifier:
    meta, heads, lexical, anchors = registry.load(settings.models_dir, model_id)
    encoder = get_embedder()
    if meta.embedding_model != encoder.name:
        raise RuntimeError(f"model {model_id} needs embedding model {meta.embedding_model}, not {encoder.name}")
    return IntentClassifier(
        model_id=meta.model_id,
        encoder=encoder,
        lexical=lexical,
        heads=heads,
        anchors=anchors,
        thresholds=meta.thresholds,
    )


def load_active(*, settings: Settings) -> IntentClassifier | None:
    model_id = registry.active_id(settings.models_dir)
    return load_model(settings=settings, model_id=model_id) if model_id else None


def ensure_active_model(*, settings: Settings) -> IntentClassifier:
    """At server start: the active model, or one trained now from settings.intent_training_csv when there is
    none or it cannot be read (deleted, or written by an incompatible version)."""
    try:
        model = load_active(settings=settings)
    except (NotFound, OSError, ValueError, KeyError) as exc:
        logger.warning("active intent model unreadable; training a new one", extra=log_fields(error=repr(exc)))
        model = None
    if model is not None:
        return model
    report = train_from_csv(settings=settings, csv_path=settings.intent_training_csv)
    logger.info("trained an intent model at start", extra=log_fields(model_id=report.model_id))
    return load_model(settings=settings, model_id=report.model_id)
