from __future__ import annotations

import numpy as np

from assist.embeddings import Embedder

TEXTS = ["my card has not arrived", "Why was I charged twice for one coffee?", "hi", "x " * 400]


def test_onnx_encoder_gives_the_librarys_vectors(embedder: Embedder) -> None:
    library = embedder._model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    # One padded batch of mixed lengths (one past the 256-token limit), then each text alone.
    assert np.abs(embedder._run(TEXTS, batch_size=64, show_progress=False) - library).max() < 1e-5
    alone = np.stack([embedder._run([text], batch_size=1, show_progress=False)[0] for text in TEXTS])
    assert np.abs(alone - library).max() < 1e-5


def test_each_text_is_encoded_once_and_order_is_kept(embedder: Embedder) -> None:
    first = embedder.encode(["alpha beta", "gamma delta"])
    again = embedder.encode(["gamma delta", "alpha beta", "gamma delta"])
    assert np.array_equal(again[1], first[0]) and np.array_equal(again[0], again[2])
    assert np.allclose(np.linalg.norm(again, axis=1), 1.0, atol=1e-5)
    assert embedder.encode([]).shape == (0, embedder.dimension)
