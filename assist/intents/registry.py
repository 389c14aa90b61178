"""Trained models on disk: one folder per model id, never overwritten, and an ACTIVE pointer swapped atomically.

Old models stay so that an audit record's model id can be replayed (`load_model`).
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from assist.errors import NotFound
from assist.intents.head import LinearHead
from assist.intents.models import Thresholds, TrainReport

MODEL_ID = re.compile(r"^intents-[0-9a-f]{16}$")


class StoredModel(BaseModel):
    model_id: str
    embedding_model: str
    thresholds: Thresholds
    report: TrainReport


def registry_dir(models_dir: Path) -> Path:
    return models_dir / "intents"


def save(models_dir: Path, *, meta: StoredModel, head: LinearHead) -> None:
    """Write to a private folder, then rename it into place: a reader never sees half a model."""
    final = registry_dir(models_dir) / meta.model_id
    if final.exists():
        return  # same id, same training data, embedding model and code: the same model
    tmp = registry_dir(models_dir) / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir(parents=True)
    try:
        np.savez(tmp / "head.npz", weights=head.weights, bias=head.bias, labels=np.array(head.labels))
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


def load(models_dir: Path, model_id: str) -> tuple[StoredModel, LinearHead]:
    folder = registry_dir(models_dir) / model_id
    if not MODEL_ID.match(model_id) or not (folder / "model.json").exists():
        raise NotFound("intent model", model_id)
    meta = StoredModel.model_validate_json((folder / "model.json").read_text(encoding="utf-8"))
    with np.load(folder / "head.npz", allow_pickle=False) as arrays:
        head = LinearHead(labels=[str(x) for x in arrays["labels"]], weights=arrays["weights"], bias=arrays["bias"])
    return meta, head
