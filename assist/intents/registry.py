"""Trained models on disk: one folder per model id, never overwritten, and an ACTIVE pointer swapped atomically.

Old models stay so that an audit record's model id can be replayed (`load_model`).
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from assist.errors import NotFound
from assist.intents.features import Lexical
from assist.intents.head import Heads, LinearHead
from assist.intents.models import Thresholds, TrainReport

MODEL_ID = re.compile(r"^intents-[0-9a-f]{16}$")


class StoredModel(BaseModel):
    model_id: str
    embedding_model: str
    thresholds: Thresholds
    report: TrainReport


def registry_dir(models_dir: Path) -> Path:
    return models_dir / "intents"


def save(models_dir: Path, *, meta: StoredModel, heads: Heads, lexical: Lexical, anchors: np.ndarray) -> None:
    """Write to a private folder, then rename it into place: a reader never sees half a model."""
    final = registry_dir(models_dir) / meta.model_id
    if final.exists():
        try:
            load(models_dir, meta.model_id)
            return  # same id, same training data, embedding model and code: the same model
        except (OSError, ValueError, KeyError):
            # Damaged on disk: keep the remains for inspection and write the model again.
            os.replace(final, final.with_name(f".damaged-{meta.model_id}-{uuid.uuid4().hex[:8]}"))
    tmp = registry_dir(models_dir) / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir(parents=True)
    try:
        arrays: dict[str, Any] = dict(
            labels=np.array(heads.labels),
            semantic_weights=heads.semantic.weights,
            semantic_bias=heads.semantic.bias,
            lexical_weights=heads.lexical.weights.astype(np.float16),
            lexical_bias=heads.lexical.bias,
            anchors=anchors.astype(np.float16),  # half the disk; a cosine similarity does not need more digits
            **lexical.to_arrays(),
        )
        np.savez(tmp / "model.npz", **arrays)
        (tmp / "model.json").write_text(meta.model_dump_json(indent=2), encoding="utf-8")
        os.replace(tmp, final)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not final.exists():
            raise


def activate(models_dir: Path, model_id: str) -> None:
    pointer = registry_dir(models_dir) / "ACTIVE"
    tmp = pointer.with_name(f".ACTIVE-{uuid.uuid4().hex}")
    tmp.write_text(model_id, encoding="utf-8")
    os.replace(tmp, pointer)


def active_id(models_dir: Path) -> str | None:
    pointer = registry_dir(models_dir) / "ACTIVE"
    if not pointer.exists():
        return None
    model_id = pointer.read_text(encoding="utf-8").strip()
    return model_id if MODEL_ID.match(model_id) else None


def load(models_dir: Path, model_id: str) -> tuple[StoredModel, Heads, Lexical, np.ndarray]:
    folder = registry_dir(models_dir) / model_id
    if not MODEL_ID.match(model_id) or not (folder / "model.json").exists():
        raise NotFound("intent model", model_id)
    meta = StoredModel.model_validate_json((folder / "model.json").read_text(encoding="utf-8"))
    with np.load(folder / "model.npz", allow_pickle=False) as arrays:
        labels = [str(label) for label in arrays["labels"]]
        heads = Heads(
            semantic=LinearHead(labels=labels, weights=arrays["semantic_weights"], bias=arrays["semantic_bias"]),
            lexical=LinearHead(
                labels=labels, weights=arrays["lexical_weights"].astype(np.float32), bias=arrays["lexical_bias"]
            ),
            mix=meta.thresholds.mix,
        )
        return meta, heads, Lexical.from_arrays(arrays), arrays["anchors"].astype(np.float32)
