"""Sentence embeddings of whole training and evaluation sets, cached on disk by content hash."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Protocol

import numpy as np


class Encoder(Protocol):
    name: str
    version: str

    def encode(self, texts: list[str], *, batch_size: int = ..., show_progress: bool = ...) -> np.ndarray: ...

    def encode_one(self, text: str) -> np.ndarray: ...


def cache_dir(data_dir: Path) -> Path:
    return data_dir / "cache" / "embeddings"


def embed_cached(texts: list[str], *, encoder: Encoder, data_dir: Path) -> np.ndarray:
    """Retraining on the same rows (and every test run after the first) skips the slow encoder pass."""
    h = hashlib.sha256(f"{encoder.name}\x1f{encoder.version}\x1e".encode())
    for text in texts:
        h.update(text.encode())
        h.update(b"\x1e")
    path = cache_dir(data_dir) / f"{h.hexdigest()}.npy"
    if path.exists():
        vectors = np.load(path)
        if vectors.shape[0] == len(texts):
            return vectors
    vectors = encoder.encode(texts, batch_size=128)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Another process may read the cache while this one writes it: publish the file whole.
    tmp = path.with_name(f".{uuid.uuid4().hex}.npy")
    np.save(tmp, vectors)
    os.replace(tmp, path)
    return vectors
