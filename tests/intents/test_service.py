"""Training, prediction, out-of-scope detection, calibration, versioning and replay of intent models."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assist.config import Settings
from assist.intents import registry
from assist.intents.models import OUT_OF_SCOPE
from assist.intents.service import (
    ensure_active_model,
    evaluate_csv,
    load_active,
    load_model,
    train_from_csv,
)
from tests.intents.conftest import OUT_OF_DOMAIN_CSV, Trained, read_rows, write_csv


def test_prediction_shape_for_a_known_intent(trained: Trained) -> None:
    p = trained.model.predict("I ordered a card two weeks ago and it still hasn't come")
    assert p.label == "card_arrival"
    assert not p.out_of_scope and not p.low_confidence
    assert 0.5 < p.confidence <= 1.0
    others = [a.label for a in p.alternatives]
    assert len(set(others)) == 3 and p.label not in others
    confidences = [p.confidence, *(a.confidence for a in p.alternatives)]
    assert confidences == sorted(confidences, reverse=True)
    assert p.model_id == trained.model.model_id


def test_known_intents_are_recognised(trained: Trained) -> None:
    texts, labels = zip(*trained.test_rows, strict=True)
    predicted = [p.label for p in trained.model.predict_many(list(texts))]
    assert np.mean(np.array(predicted) == np.array(labels)) >= 0.9


def test_out_of_domain_questions_are_out_of_scope(trained: Trained) -> None:
    texts = [text for text, _ in read_rows(OUT_OF_DOMAIN_CSV)]
    predictions = trained.model.predict_many(texts)
    assert np.mean([p.out_of_scope for p in predictions]) >= 0.9
    oos = next(p for p in predictions if p.out_of_scope)
    assert oos.label == OUT_OF_SCOPE and len(oos.alternatives) == 3 and not oos.low_confidence


def test_unseen_banking_intents_are_refused_far_more_often_than_known_ones(trained: Trained) -> None:
    """Unknown needs of the same domain are the hard case: docs/intents.md gives the full-data figures."""
    unseen = np.mean([p.out_of_scope for p in trained.model.predict_many([t for t, _ in trained.unseen_rows])])
    known = np.mean([p.out_of_scope for p in trained.model.predict_many([t for t, _ in trained.test_rows])])
    assert unseen >= 0.25
    assert unseen >= 4 * known


def test_evaluation_report_on_known_and_out_of_scope_rows(trained: Trained, tmp_path: Path) -> None:
    rows = trained.test_rows[:200] + read_rows(OUT_OF_DOMAIN_CSV)[:50]
    report = evaluate_csv(settings=trained.settings, csv_path=write_csv(tmp_path / "eval.csv", rows))

    assert report.examples == 250 and report.model_id == trained.model.model_id
    assert report.in_scope_accuracy is not None and report.in_scope_accuracy >= 0.85
    assert report.oos_recall is not None and report.oos_recall >= 0.85
    assert abs(report.accuracy - (200 * report.in_scope_accuracy + 50 * report.oos_recall) / 250) < 1e-9
    assert report.ece < 0.1
    per_intent = {q.label: q for q in report.per_intent}
    assert {label for _, label in rows} <= set(per_intent) and per_intent[OUT_OF_SCOPE].support == 50
    assert all(pair.expected != pair.predicted for pair in report.confused_pairs)


def test_model_id_depends_on_the_training_data_and_retraining_keeps_old_models(
    trained: Trained, settings: Settings, tiny_csv: Path
) -> None:
    first = train_from_csv(settings=settings, csv_path=tiny_csv)
    again = train_from_csv(settings=settings, csv_path=tiny_csv)
    assert again.model_id == first.model_id

    rows = read_rows(tiny_csv)
    second = train_from_csv(settings=settings, csv_path=write_csv(tiny_csv.with_name("more.csv"), rows[:-1]))
    assert second.model_id != first.model_id
    active = load_active(settings=settings)
    assert active is not None and active.model_id == second.model_id

    # Replay: the older model is still there and predicts as it did.
    old = load_model(settings=settings, model_id=first.model_id)
    assert old.model_id == first.model_id
    assert old.predict(rows[0][0]).label == rows[0][1]
    assert trained.model.model_id not in (first.model_id, second.model_id)


def test_out_of_scope_rows_in_training_data_are_learned(settings: Settings, tiny_csv: Path) -> None:
    oos = read_rows(OUT_OF_DOMAIN_CSV)
    csv = write_csv(tiny_csv.with_name("with_oos.csv"), read_rows(tiny_csv) + oos[:100])
    report = train_from_csv(settings=settings, csv_path=csv)
    assert report.oos_examples == 100 and report.intents == 3

    model = load_model(settings=settings, model_id=report.model_id)
    held_out = model.predict_many([text for text, _ in oos[100:]])
    assert np.mean([p.out_of_scope for p in held_out]) >= 0.9
    assert all(a.label != OUT_OF_SCOPE for p in held_out for a in p.alternatives)


def test_ensure_active_model_trains_once_on_an_empty_data_dir(settings: Settings, tiny_csv: Path) -> None:
    settings.intent_training_csv = tiny_csv
    assert load_active(settings=settings) is None
    model = ensure_active_model(settings=settings)
    assert registry.active_id(settings.models_dir) == model.model_id
    assert ensure_active_model(settings=settings).model_id == model.model_id


def test_an_unreadable_active_model_is_replaced_at_start(settings: Settings, tiny_csv: Path) -> None:
    settings.intent_training_csv = tiny_csv
    first = ensure_active_model(settings=settings)
    (registry.registry_dir(settings.models_dir) / first.model_id / "model.npz").write_bytes(b"not a model")
    registry.activate(settings.models_dir, "intents-0123456789abcdef")  # a model that is not on disk

    model = ensure_active_model(settings=settings)

    assert model.model_id == first.model_id  # retrained: same data, same code, same id
    assert model.predict(read_rows(tiny_csv)[0][0]).label == read_rows(tiny_csv)[0][1]
