"""Features the multilingual sentiment model reads, shared by training and scoring so both see the same.

A text becomes: TF-IDF word uni- and bigrams, TF-IDF character 2–5-grams inside word boundaries (they
carry inflections, elongations and emoji in every language), and four lexicon readings from the
English engines — VADER's compound, positive and negative shares (emoji read as words) and TextBlob's
polarity — because comments mix English and emoji into every language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from intel.text.sentiment import MAX_CHARS, textblob_polarity, vader_scores

WORD_PATTERN = r"(?u)\b\w+\b|[^\w\s]"  # words, and each punctuation mark or emoji on its own
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
LEXICON_COLUMNS = ("vader_compound", "vader_positive", "vader_negative", "textblob_polarity")

_LINK = re.compile(r"https?://\S+|www\.\S+|\bhttp/URL\b")
_MENTION = re.compile(r"@\w+")
_REPEAT = re.compile(r"(.)\1{2,}")


def prepare(text: str) -> str:
    """The text as the model reads it: cut, links and @mentions generic, runs of 3+ equal characters as 2."""
    text = text[:MAX_CHARS].replace("\n", " ").replace("\r", " ")
    return _REPEAT.sub(r"\1\1", _MENTION.sub("@user", _LINK.sub(" http ", text)))


def lexicon(texts: Sequence[str], weight: float) -> np.ndarray:
    """One row of English-lexicon readings per text, scaled by `weight` (the model's setting)."""
    rows = np.empty((len(texts), len(LEXICON_COLUMNS)), dtype=np.float64)
    for i, text in enumerate(texts):
        vader = vader_scores(text)
        rows[i] = (vader["compound"], vader["pos"], vader["neg"], textblob_polarity(text))
    return rows * weight
