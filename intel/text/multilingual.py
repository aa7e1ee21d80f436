"""The trained multilingual sentiment model: loading the shipped artifact and scoring with it.

The artifact (`models/sentiment-multilingual.npz`, written by `python -m intel sentiment train`, model
card `docs/sentiment-model.md`) holds plain arrays only — no pickled objects, so loading it runs no
code. Per language: the word and character vocabularies in column order, their IDF weights and a
multinomial logistic regression (coefficients and intercepts, classes negative / neutral / positive);
plus a language head (character 1–3-grams → one of the eight languages) and a JSON header with the
model version, settings and validation scores.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack

from intel.text.features import CHAR_NGRAMS, WORD_NGRAMS, WORD_PATTERN, lexicon

ARTIFACT = Path(__file__).with_name("models") / "sentiment-multilingual.npz"
CLASSES: tuple[str, ...] = ("negative", "neutral", "positive")
LID_CHAR_NGRAMS = (1, 3)

_lock = threading.Lock()
_loaded: dict[Path, MultilingualModel] = {}


@dataclass(frozen=True)
class Vocabulary:
    """A fitted TF-IDF space: terms in column order and their IDF weights (sublinear tf, l2 norm).

    The terms stay UTF-8 bytes until the first text of this language arrives, so a process that only
    meets English and Spanish never builds the other languages' term tables (~10 MB each).
    """

    packed: bytes  # the terms, newline-separated, in column order
    idf: np.ndarray
    analyzer: str
    ngrams: tuple[int, int]

    @cached_property
    def index(self) -> dict[str, int]:
        """Term → column."""
        return {term: i for i, term in enumerate(self.packed.decode("utf-8").split("\n"))}

    @cached_property
    def _counter(self) -> Any:
        from sklearn.feature_extraction.text import CountVectorizer

        pattern = WORD_PATTERN if self.analyzer == "word" else None
        return CountVectorizer(analyzer=self.analyzer, ngram_range=self.ngrams, token_pattern=pattern,
                               vocabulary=self.index, dtype=np.float64)

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        """TF-IDF rows, the same values scikit-learn's TfidfVectorizer(sublinear_tf=True) gives."""
        counts = self._counter.transform(texts).tocsr()
        counts.data = 1.0 + np.log(counts.data)
        weighted = counts.multiply(self.idf).tocsr()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return csr_matrix(weighted.multiply(1.0 / norms[:, None]))


@dataclass(frozen=True)
class Linear:
    """A multinomial logistic regression: probabilities from coefficients and intercepts."""

    coef: np.ndarray  # classes x features
    intercept: np.ndarray

    def probabilities(self, features: csr_matrix) -> np.ndarray:
        """Softmax of the linear scores, one row per text."""
        logits = np.asarray(features @ self.coef.T) + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class LanguageModel:
    """One language's sentiment classifier and the features it reads."""

    words: Vocabulary
    chars: Vocabulary
    lexicon_weight: float
    linear: Linear

    def probabilities(self, prepared: Sequence[str]) -> np.ndarray:
        """P(negative, neutral, positive) per prepared text."""
        features = hstack([self.words.transform(prepared), self.chars.transform(prepared),
                           csr_matrix(lexicon(prepared, self.lexicon_weight))]).tocsr()
        return self.linear.probabilities(features)


@dataclass(frozen=True)
class MultilingualModel:
    """The per-language classifiers, the language head and the header they were trained with."""

    header: dict[str, Any]
    languages: dict[str, LanguageModel]
    lid_chars: Vocabulary
    lid: Linear
    lid_classes: tuple[str, ...]

    @property
    def version(self) -> str:
        """The model's version, stored with every score it gives (e.g. 'umsab-lr-1')."""
        return str(self.header["version"])

    def identify(self, prepared: Sequence[str]) -> list[tuple[str, float]]:
        """The most likely of the model's languages and its probability, per prepared text."""
        if not prepared:
            return []
        probs = self.lid.probabilities(self.lid_chars.transform(prepared))
        best = probs.argmax(axis=1)
        return [(self.lid_classes[i], round(float(probs[row, i]), 4)) for row, i in enumerate(best)]

    def probabilities(self, language: str, prepared: Sequence[str]) -> np.ndarray:
        """P(negative, neutral, positive) per text of one language (KeyError if the model lacks it)."""
        return self.languages[language].probabilities(prepared)


def _text(arrays: Any, key: str) -> str:
    return bytes(arrays[key]).decode("utf-8")


def _vocabulary(arrays: Any, prefix: str, analyzer: str, ngrams: Sequence[int]) -> Vocabulary:
    return Vocabulary(bytes(arrays[f"{prefix}/terms"]), np.asarray(arrays[f"{prefix}/idf"], dtype=np.float64),
                      analyzer, (int(ngrams[0]), int(ngrams[1])))


def _linear(arrays: Any, prefix: str) -> Linear:
    return Linear(np.asarray(arrays[f"{prefix}/coef"], dtype=np.float64),
                  np.asarray(arrays[f"{prefix}/intercept"], dtype=np.float64))


def read_model(path: Path) -> MultilingualModel:
    """Read an artifact written by `intel.text.train` (plain arrays; no pickle is ever loaded)."""
    with np.load(path, allow_pickle=False) as arrays:
        header = json.loads(_text(arrays, "header"))
        languages = {
            code: LanguageModel(
                _vocabulary(arrays, f"{code}/words", "word", header["word_ngrams"]),
                _vocabulary(arrays, f"{code}/chars", "char_wb", header["char_ngrams"]),
                float(header["settings"][code]["lexicon_weight"]),
                _linear(arrays, f"{code}/linear"),
            )
            for code in header["sentiment_languages"]
        }
        lid_chars = _vocabulary(arrays, "lid/chars", "char_wb", header["lid_char_ngrams"])
        return MultilingualModel(header, languages, lid_chars, _linear(arrays, "lid/linear"),
                                 tuple(header["lid_languages"]))


def model(path: Path = ARTIFACT) -> MultilingualModel:
    """The shipped model, read once per process."""
    found = _loaded.get(path)
    if found is None:
        with _lock:
            found = _loaded.get(path)
            if found is None:
                found = _loaded[path] = read_model(path)
    return found


def artifact_defaults() -> dict[str, Any]:
    """The feature settings every artifact records, so training and scoring agree."""
    return {"word_ngrams": list(WORD_NGRAMS), "char_ngrams": list(CHAR_NGRAMS),
            "lid_char_ngrams": list(LID_CHAR_NGRAMS), "classes": list(CLASSES)}
