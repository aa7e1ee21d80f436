"""Training the multilingual sentiment model (`python -m intel sentiment train`), reproducibly.

Data: the UMSAB training split (`../shared/data/sentiment/multilingual/train`, 1,838 tweets per
language); settings were chosen on its validation split (see `SETTINGS` and docs/sentiment-model.md).
The solver is deterministic (lbfgs, no random state involved), so the same data and library versions
give the same artifact. Only plain arrays are written (see `intel.text.multilingual`).
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from intel.text.features import CHAR_NGRAMS, WORD_NGRAMS, WORD_PATTERN, lexicon, prepare
from intel.text.language import DETECTED, words_of
from intel.text.multilingual import CLASSES, LID_CHAR_NGRAMS, artifact_defaults
from intel.text.umsab import Split, read_folder

log = logging.getLogger(__name__)

MODEL_VERSION = "umsab-lr-1"
# English is scored by the measured English engine (intel.text.sentiment); the model covers the rest.
SENTIMENT_LANGUAGES: tuple[str, ...] = ("ar", "de", "es", "fr", "hi", "it", "pt")


@dataclass(frozen=True)
class Setting:
    """One language's training settings: inverse regularisation C, lexicon weight, borrowed languages."""

    c: float = 10.0
    lexicon_weight: float = 2.0
    word_min_df: int = 1
    borrow: tuple[str, ...] = ()  # other languages' training tweets added to this one's


# Chosen on the validation split (docs/sentiment-model.md has the grid and every score).
SETTINGS: dict[str, Setting] = {code: Setting() for code in SENTIMENT_LANGUAGES}
LID_C = 10.0
ENGLISH_IN_HINDI_CONFIDENCE = 0.5


def _tfidf(analyzer: str, ngrams: Sequence[int], min_df: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    pattern = WORD_PATTERN if analyzer == "word" else None
    return TfidfVectorizer(analyzer=analyzer, ngram_range=(ngrams[0], ngrams[1]), token_pattern=pattern,
                           min_df=min_df, sublinear_tf=True, dtype=np.float64)


def _logistic(c: float, balanced: bool) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=2000, tol=1e-4, class_weight="balanced" if balanced else None)


def _vocab_arrays(prefix: str, vectorizer: Any) -> dict[str, np.ndarray]:
    terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    joined = "\n".join(terms).encode("utf-8")
    return {f"{prefix}/terms": np.frombuffer(joined, dtype=np.uint8),
            f"{prefix}/idf": vectorizer.idf_.astype(np.float32)}


def _linear_arrays(prefix: str, fitted: Any) -> dict[str, np.ndarray]:
    return {f"{prefix}/coef": fitted.coef_.astype(np.float32),
            f"{prefix}/intercept": fitted.intercept_.astype(np.float32)}


def _train_language(code: str, setting: Setting, splits: dict[str, Split]) -> dict[str, np.ndarray]:
    """Fit one language's vocabularies and classifier; the arrays that describe them."""
    from scipy.sparse import csr_matrix, hstack

    texts = [prepare(t) for c in (code, *setting.borrow) for t in splits[c].texts]
    labels = [CLASSES.index(y) for c in (code, *setting.borrow) for y in splits[c].labels]
    words = _tfidf("word", WORD_NGRAMS, setting.word_min_df)
    chars = _tfidf("char_wb", CHAR_NGRAMS, 2)
    features = hstack([words.fit_transform(texts), chars.fit_transform(texts),
                       csr_matrix(lexicon(texts, setting.lexicon_weight))]).tocsr()
    fitted = _logistic(setting.c, balanced=True).fit(features, labels)
    log.info("trained %s on %d tweets, %d features", code, len(texts), features.shape[1])
    return {**_vocab_arrays(f"{code}/words", words), **_vocab_arrays(f"{code}/chars", chars),
            **_linear_arrays(f"{code}/linear", fitted)}


def _plainly_english(texts: Sequence[str]) -> list[bool]:
    """Per text: lingua (high-accuracy mode) calls it English with confidence >= ENGLISH_IN_HINDI_CONFIDENCE."""
    from lingua import Language, LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_languages(*[getattr(Language, n) for n in DETECTED]).build()
    found = detector.compute_language_confidence_values_in_parallel([words_of(t) for t in texts])
    return [bool(v) and v[0].language == Language.ENGLISH and v[0].value >= ENGLISH_IN_HINDI_CONFIDENCE
            for v in found]


def _train_lid(splits: dict[str, Split]) -> dict[str, np.ndarray]:
    """Fit the language head: character 1–3-grams of every training tweet → its language.

    The Hindi tweets that are plainly English (about a fifth) are left out of the Hindi class: kept, they
    teach the head that short English is Hindi ("I love your energy" came out Hindi at p = 0.83).
    """
    codes = sorted(splits)
    pairs = [(prepare(t), c) for c in codes for t in splits[c].texts]
    hindi = [i for i, (_, c) in enumerate(pairs) if c == "hi"]
    english = _plainly_english([pairs[i][0] for i in hindi])
    dropped = {i for i, plain in zip(hindi, english, strict=True) if plain}
    log.info("language head: %d of %d Hindi tweets are plainly English, left out", len(dropped), len(hindi))
    texts = [t for i, (t, _) in enumerate(pairs) if i not in dropped]
    labels = [c for i, (_, c) in enumerate(pairs) if i not in dropped]
    chars = _tfidf("char_wb", LID_CHAR_NGRAMS, 3)
    fitted = _logistic(LID_C, balanced=False).fit(chars.fit_transform(texts), labels)
    if list(fitted.classes_) != codes:
        raise AssertionError(f"language head classes {fitted.classes_} != {codes}")
    return {**_vocab_arrays("lid/chars", chars), **_linear_arrays("lid/linear", fitted)}


def _header(codes: Sequence[str]) -> dict[str, Any]:
    libs = {name: metadata.version(name) for name in ("scikit-learn", "numpy", "vaderSentiment", "textblob")}
    return {
        "version": MODEL_VERSION, **artifact_defaults(),
        "sentiment_languages": list(SENTIMENT_LANGUAGES), "lid_languages": sorted(codes),
        "settings": {c: {"c": s.c, "lexicon_weight": s.lexicon_weight, "word_min_df": s.word_min_df,
                         "borrow": list(s.borrow)} for c, s in SETTINGS.items()},
        "lid_c": LID_C, "trained_at": datetime.now(UTC).isoformat(timespec="seconds"), "libraries": libs,
        "data": "UMSAB train split (cardiffnlp/xlm-t), 1,838 tweets per language",
    }


def train(train_dir: str | os.PathLike[str], out: Path) -> dict[str, Any]:
    """Train every language and the language head on a UMSAB folder and write the artifact to `out`."""
    splits = {s.code: s for s in read_folder(train_dir)}
    missing = [c for c in SENTIMENT_LANGUAGES if c not in splits]
    if missing:
        raise ValueError(f"{os.fspath(train_dir)}: no training tweets for {', '.join(missing)}")
    arrays: dict[str, np.ndarray] = {}
    for code in SENTIMENT_LANGUAGES:
        arrays.update(_train_language(code, SETTINGS[code], splits))
    arrays.update(_train_lid(splits))
    header = _header(list(splits))
    arrays["header"] = np.frombuffer(json.dumps(header, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, allow_pickle=False, **arrays)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(out)  # a reader never sees half an artifact
    log.info("wrote %s (%d bytes)", out, out.stat().st_size)
    return header
