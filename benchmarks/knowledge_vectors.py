"""Text vectors cached on disk for the knowledge benchmarks: re-measuring after a retrieval change does not
pay for the model again (on a shared 2-core machine, embedding thousands of queries dominates the run)."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assist.embeddings import get_embedder


class DiskCachedEmbeddings(Embeddings):
    """The project embedder with a `{text: vector}` pickle beside it; `save()` writes what was added."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._inner = get_embedder()
        self.name = self._inner.name
        self._vectors: dict[str, np.ndarray] = pickle.loads(path.read_bytes()) if path.is_file() else {}
        self._added = 0

    def warm(self, texts: list[str]) -> None:
        """Encode every missing text in batches, much faster than one query at a time."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            self._vectors.update(zip(missing, self._inner.encode(missing, batch_size=128), strict=True))
            self._added += len(missing)
            self.save()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.warm(texts)
        return [self._vectors[t].tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def save(self) -> None:
        if self._added:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._path.write_bytes(pickle.dumps(self._vectors))
            self._added = 0
