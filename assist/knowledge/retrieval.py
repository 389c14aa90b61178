"""Hybrid ranking over the live articles: dense passages and customer phrasings, BM25, intent boost, abstention.

Scores are cosine similarities (MiniLM, normalised) plus small bonuses, so they are comparable across
queries; that is what lets one threshold decide abstention.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import get_args

import numpy as np

from assist.knowledge.lexical import Bm25
from assist.knowledge.models import ArticleFile
from assist.timeline.models import Channel

# Lexical evidence re-orders close dense candidates; it never outweighs a clear semantic match.
LEXICAL_WEIGHT = 0.08
# A classified intent that an article is filed under counts as this much extra similarity.
INTENT_BOOST = 0.10
# Share of known customer phrasings that must still be answered: it sets the abstention threshold.
ANSWER_RATE = 0.97
PHRASE_TOP = 3
PHRASE_CANDIDATES = 60
MAX_PROBES = 2_000


@dataclass(frozen=True)
class Phrasings:
    """Customer phrasings (from intent training data) with their intents and vectors."""

    intents: list[str]
    vectors: np.ndarray


NO_PHRASINGS = Phrasings(intents=[], vectors=np.zeros((0, 384), dtype=np.float32))


def day(value: date | None, default: int) -> int:
    return value.toordinal() if value else default


class LiveIndex:
    """The live articles in a fixed order, with what ranking needs held as arrays."""

    def __init__(self, articles: list[ArticleFile], phrasings: Phrasings = NO_PHRASINGS) -> None:
        self.articles = articles
        self.phrasings = phrasings
        self.position = {article.id: i for i, article in enumerate(articles)}
        n = len(articles)
        self._from = np.array([day(a.effective_from, 0) for a in articles], dtype=np.int64)
        self._until = np.array([day(a.effective_until, date.max.toordinal()) for a in articles], dtype=np.int64)
        self._channel_masks = {
            channel: np.array([a.channels is None or channel in a.channels for a in articles], dtype=bool)
            for channel in get_args(Channel)
        }
        self._bm25 = Bm25([f"{a.title}\n{a.body}" for a in articles])
        by_intent: dict[str, list[int]] = defaultdict(list)
        for i, article in enumerate(articles):
            for intent in article.intents:
                by_intent[intent].append(i)
        self.by_intent = {intent: np.array(positions) for intent, positions in by_intent.items()}
        self.threshold = -1.0
        # Chroma passage id -> position of its article, so a nearest-neighbour query needs no metadata.
        self.passage_owner: dict[str, int] = {}
        self._size = n

    def __len__(self) -> int:
        return self._size

    def eligible(self, *, channel: str | None, today: date) -> np.ndarray:
        t = today.toordinal()
        mask = (self._from <= t) & (t <= self._until)
        if channel is not None:
            mask &= self._channel_masks[channel]
        return mask

    def lexical(self, query: str) -> np.ndarray:
        scores = self._bm25.scores(query)
        top = float(scores.max()) if scores.size else 0.0
        return scores / top if top > 0 else scores

    def intent_bonus(self, intent: str | None) -> np.ndarray:
        bonus = np.zeros(self._size, dtype=np.float32)
        if intent and intent in self.by_intent:
            bonus[self.by_intent[intent]] = INTENT_BOOST
        return bonus

    def phrase_scores(self, vector: np.ndarray) -> np.ndarray:
        """Per article: mean of its intents' best PHRASE_TOP phrasing similarities among the PHRASE_CANDIDATES
        nearest phrasings. Phrasings are few (tens per intent) and held in memory: an exact scan costs less than
        a round trip to Chroma, and matches what `derive_threshold` assumes.

        Phrasings not among the candidates count as the lowest candidate's similarity, an upper bound on theirs.
        """
        scores = np.full(self._size, -1.0, dtype=np.float32)
        phrasings = self.phrasings
        if not phrasings.intents:
            return scores
        similarities = phrasings.vectors @ vector
        top = np.argpartition(-similarities, min(PHRASE_CANDIDATES, len(similarities)) - 1)[:PHRASE_CANDIDATES]
        top = top[np.argsort(-similarities[top], kind="stable")]
        floor = float(similarities[top[-1]])
        best: dict[str, list[float]] = defaultdict(list)
        for i in top:
            intent = phrasings.intents[i]
            if intent in self.by_intent and len(best[intent]) < PHRASE_TOP:
                best[intent].append(float(similarities[i]))
        for intent, values in best.items():
            values += [floor] * (PHRASE_TOP - len(values))
            positions = self.by_intent[intent]
            scores[positions] = np.maximum(scores[positions], float(np.mean(values)))
        return scores


def derive_threshold(
    *,
    index: LiveIndex,
    passage_owner: np.ndarray,
    passage_vectors: np.ndarray,
    phrasings: Phrasings,
    title_passages: np.ndarray,
) -> float:
    """The dense score above which ANSWER_RATE of known questions still reach their own article.

    Probes are the customer phrasings of filed intents, each scored as a query with itself left out.
    This follows the corpus: a KB of near-identical articles, or terse ones, gets its own threshold.
    """
    rng = np.random.default_rng(0)
    own_scores: list[float] = []
    known = [i for i, intent in enumerate(phrasings.intents) if intent in index.by_intent]
    if known:
        probes = np.array(known if len(known) <= MAX_PROBES else sorted(rng.choice(known, MAX_PROBES, replace=False)))
        probe_vectors = phrasings.vectors[probes]
        phrase_sims = probe_vectors @ phrasings.vectors.T
        phrase_sims[np.arange(len(probes)), probes] = -1.0  # leave the probe out
        passage_sims = probe_vectors @ passage_vectors.T if len(passage_vectors) else None
        intents = np.array(phrasings.intents)
        for row, probe in enumerate(probes):
            intent = phrasings.intents[probe]
            same = np.sort(phrase_sims[row, intents == intent])[::-1][:PHRASE_TOP]
            score = float(same.mean()) if same.size else -1.0
            if passage_sims is not None:
                own = np.isin(passage_owner, index.by_intent[intent])
                if own.any():
                    score = max(score, float(passage_sims[row, own].max()))
            own_scores.append(score)
    else:
        # No phrasings: a relevant answer must at least beat what titles typically score on other articles.
        titles = np.flatnonzero(title_passages)
        if titles.size > MAX_PROBES:
            titles = np.sort(rng.choice(titles, MAX_PROBES, replace=False))
        others = [
            float((passage_vectors[passage_owner != passage_owner[p]] @ passage_vectors[p]).max())
            for p in titles
            if (passage_owner != passage_owner[p]).any()
        ]
        return float(np.median(others)) if others else -1.0
    if not own_scores:
        return -1.0
    return float(np.quantile(np.array(own_scores), 1 - ANSWER_RATE))
