"""Okapi BM25 over a sparse term matrix: one sparse product per query, fast at 10,000 articles."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

K1 = 1.5
B = 0.75


class Bm25:
    def __init__(self, texts: list[str]) -> None:
        self._vectorizer = CountVectorizer(lowercase=True, token_pattern=r"(?u)\b\w+\b", stop_words="english")
        if not any(text.strip() for text in texts):
            self._weights = sparse.csr_matrix((len(texts), 0), dtype=np.float32)
            return
        try:
            counts = sparse.csr_matrix(self._vectorizer.fit_transform(texts), dtype=np.float32)
        except ValueError:  # nothing but stop words
            self._weights = sparse.csr_matrix((len(texts), 0), dtype=np.float32)
            return
        n_docs = counts.shape[0]
        doc_len = np.asarray(counts.sum(axis=1)).ravel()
        avg_len = float(doc_len.mean()) or 1.0
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        # Pre-weight every (doc, term) cell so a query is a single sparse product.
        rows = np.repeat(np.arange(n_docs), np.diff(counts.indptr))
        tf = counts.data
        norm = K1 * (1 - B + B * doc_len[rows] / avg_len)
        weighted = counts.copy()
        weighted.data = idf[counts.indices] * tf * (K1 + 1) / (tf + norm)
        self._weights = weighted

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every text for the query's distinct terms."""
        if self._weights.shape[1] == 0:
            return np.zeros(self._weights.shape[0], dtype=np.float32)
        terms = self._vectorizer.transform([query])
        terms.data[:] = 1
        return np.asarray((self._weights @ terms.T).todense()).ravel()
