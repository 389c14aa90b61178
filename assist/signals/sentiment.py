"""Sentiment of customer-service text: a small lexicon with negation, intensifiers and contrast.

Generic sentiment lexicons read "charged twice" or "still waiting" as neutral; in a contact centre they
are the most common complaints, so the lexicon here is written for that register. The method follows
VADER (Hutto and Gilbert, 2014): word valences summed with modifiers, then squashed into -1..1.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

# Valence per word or phrase, -4 .. 4. Phrases are matched before single words.
# fmt: off
LEXICON: dict[str, float] = {
    # Complaints and service failures.
    "angry": -3.0, "furious": -3.5, "livid": -3.5, "annoyed": -2.0, "irritated": -2.0, "frustrated": -2.5,
    "frustrating": -2.5, "fed up": -3.0, "sick of": -3.0, "tired of": -2.5, "ridiculous": -3.0, "unacceptable": -3.2,
    "outrageous": -3.2, "disgusting": -3.2, "disgraceful": -3.2, "pathetic": -3.0, "useless": -3.0, "terrible": -3.0,
    "awful": -3.0, "horrible": -3.0, "worst": -3.2, "bad": -2.0, "poor": -2.0, "rubbish": -2.5, "joke": -1.5,
    "incompetent": -3.0, "disappointed": -2.2, "disappointing": -2.2, "upset": -2.5, "unhappy": -2.3,
    "complain": -1.8, "complaint": -1.8, "rip off": -3.0, "ripped off": -3.0, "scam": -2.8, "scammed": -3.0,
    "stolen": -2.5, "fraud": -2.5, "hacked": -2.5, "charged twice": -2.2, "double charged": -2.2,
    "overcharged": -2.2, "wrong": -1.5, "error": -1.2, "broken": -1.8, "not working": -1.8, "doesn't work": -1.8,
    "does not work": -1.8, "failed": -1.5, "fails": -1.5, "declined": -1.5, "blocked": -1.5, "stuck": -1.8,
    "still waiting": -2.2, "still not": -1.8, "still haven't": -2.0, "again": -0.8, "yet again": -2.0,
    "waste": -2.2, "wasted": -2.2, "ignored": -2.3, "nobody": -1.5, "no one": -1.5, "never": -1.0,
    "lost": -1.5, "missing": -1.5, "problem": -1.2, "issue": -0.8, "confused": -1.2, "confusing": -1.5,
    "worried": -2.2, "worry": -2.0, "anxious": -2.5, "scared": -2.8, "afraid": -2.5, "panic": -3.0,
    "panicking": -3.0, "desperate": -3.2, "stressed": -2.5, "stress": -2.0, "crying": -3.0, "hopeless": -3.2,
    "can't cope": -3.5, "cannot cope": -3.5, "nightmare": -3.0, "hate": -3.0, "cancel my account": -2.0,
    "close my account": -1.8, "leave": -0.8, "switching bank": -2.0, "sue": -2.5, "lawyer": -2.0, "ombudsman": -2.5,
    "delay": -1.5, "delayed": -1.5, "slow": -1.5, "hours": -0.5, "days": -0.3, "weeks": -0.8,
    # Satisfaction and thanks.
    "thanks": 1.8, "thank you": 2.0, "thank": 1.8, "cheers": 1.5, "great": 3.0, "excellent": 3.2,
    "amazing": 3.2, "brilliant": 3.2, "perfect": 3.0, "fantastic": 3.2, "wonderful": 3.2, "love": 2.8,
    "happy": 2.5, "pleased": 2.3, "glad": 2.2, "helpful": 2.3, "appreciate": 2.3, "appreciated": 2.3,
    "good": 1.9, "nice": 1.8, "fine": 0.8, "ok": 0.5, "okay": 0.5, "sorted": 2.0, "resolved": 2.0, "fixed": 1.8,
    "works": 1.2, "working now": 2.0, "quick": 1.5, "fast": 1.3, "easy": 1.8, "smooth": 1.8, "kind": 1.8,
    "please": 0.2, "relieved": 2.2, "satisfied": 2.0,
}
INTENSIFIERS: dict[str, float] = {
    "very": 0.3, "really": 0.3, "so": 0.3, "extremely": 0.45, "incredibly": 0.45, "totally": 0.35,
    "absolutely": 0.4, "completely": 0.35, "utterly": 0.45, "seriously": 0.35, "bloody": 0.45, "fucking": 0.6,
    "super": 0.3, "such": 0.2, "most": 0.2, "beyond": 0.3,
    "slightly": -0.3, "somewhat": -0.25, "bit": -0.25, "little": -0.2, "kinda": -0.25, "fairly": -0.2,
}
# fmt: on
_NEGATION_WORDS = (
    "not no never none nothing nowhere neither nor cannot without hardly "
    "don't dont doesn't doesnt didn't didnt isn't isnt wasn't wasnt aren't arent won't wont can't cant "
    "couldn't couldnt shouldn't shouldnt haven't havent hasn't hasnt"
)
NEGATIONS = frozenset(_NEGATION_WORDS.split())
CONTRAST = frozenset({"but", "however", "although", "though", "yet"})
NEGATION_WINDOW = 3
NEGATION_FACTOR = -0.6  # "not great" is mildly negative, not as negative as "awful".
ALPHA = 15.0  # VADER's normalisation constant: a score of 4 maps to about 0.72.
NEUTRAL_BAND = 0.1

_TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|!")
_MAX_PHRASE = max(len(key.split()) for key in LEXICON)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.replace("\u2019", "'"))


@lru_cache(maxsize=4096)
def score(text: str) -> float:
    """Sentiment of one text in -1..1; 0 when nothing in it carries sentiment."""
    raw = _tokens(text)
    words = [token.lower() for token in raw]
    exclamations = min(words.count("!"), 4)
    contrast_at = max((i for i, word in enumerate(words) if word in CONTRAST), default=-1)
    total = 0.0
    i = 0
    while i < len(words):
        longest = min(_MAX_PHRASE, len(words) - i)
        match = next((n for n in range(longest, 0, -1) if " ".join(words[i : i + n]) in LEXICON), 0)
        if not match:
            i += 1
            continue
        valence = LEXICON[" ".join(words[i : i + match])]
        if any(raw[j].isupper() and len(raw[j]) > 1 for j in range(i, i + match)) and not text.isupper():
            valence *= 1.3  # SHOUTING one word is emphasis; a whole message in caps is not.
        before = words[max(0, i - NEGATION_WINDOW) : i]
        for word in before[-2:]:
            if word in INTENSIFIERS:
                valence *= 1 + INTENSIFIERS[word]
        if any(word in NEGATIONS for word in before):
            valence *= NEGATION_FACTOR
        if contrast_at >= 0:
            valence *= 0.5 if i < contrast_at else 1.5  # "fine, but ..." is about what follows the but.
        total += valence
        i += match
    if total:
        total += math.copysign(0.3 * exclamations, total)
    return total / math.sqrt(total * total + ALPHA)


def label(value: float) -> str:
    if value <= -NEUTRAL_BAND:
        return "negative"
    return "positive" if value >= NEUTRAL_BAND else "neutral"
