"""Scoring a caption or comment in the language it is written in: detect, then route to an engine.

- English, and text without words (emoji only): the measured English engine (`intel.text.sentiment`,
  default "blend"), whose agreement with human ratings is the bar the issue keeps.
- Arabic, French, German, romanised Hindi, Italian, Portuguese, Spanish: the trained multilingual model
  (`intel.text.multilingual`); score = 0.5 + (P(positive) − P(negative)) / 2, label = the most
  probable class.
- Any other language, and Hindi in Devanagari script (the model's Hindi tweets are romanised):
  sentiment unavailable — score and label None — never a neutral 0.5 that would dilute the figures.

Mixed-language text takes the model of its main language; every model also reads the English
lexicon and emoji (see `intel.text.features`), so "me encanta this 😍" is still read as praise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from intel.text import language as lang
from intel.text.features import prepare
from intel.text.multilingual import CLASSES, model
from intel.text.sentiment import DEFAULT_ENGINE, score_texts
from intel.text.sentiment import engine_version as english_version
from intel.text.sentiment import score_text as english_score

_CACHE_MAX_CHARS = 256
_MEMO_SIZE = 32_768
_memo: dict[str, TextScore] = {}
_DEVANAGARI = range(0x0900, 0x0980)


@dataclass(frozen=True, slots=True)
class TextScore:
    """A text's language and sentiment; score and label are None when its language is not supported."""

    score: float | None
    label: str | None
    language: str | None
    language_confidence: float | None


BLANK = TextScore(0.5, "neutral", None, None)


@cache
def engine_version() -> str:
    """The model's version and the English engine's, stored with every score (e.g. 'umsab-lr-1+blend-…')."""
    return f"{model().version}+{english_version(DEFAULT_ENGINE)}"


def _devanagari(text: str) -> bool:
    return any(ord(ch) in _DEVANAGARI for ch in text)


def detect_all(prepared: Sequence[str]) -> list[lang.Detected]:
    """The language of each prepared text (see `intel.text.language`): lingua, then the head where it matters."""
    words = [lang.words_of(text) for text in prepared]
    found: list[lang.Detected | None] = [None] * len(words)
    guesses: dict[int, lang.Detected] = {}
    for i, text in enumerate(words):
        if not lang.has_letters(text):
            found[i] = lang.Detected(lang.NO_WORDS, 1.0)
            continue
        guess = guesses[i] = lang.lingua_guess(text)
        if guess.code == "hi" and _devanagari(text):
            found[i] = guess
        elif lang.english_without_head(guess, text):
            found[i] = lang.Detected("en", guess.confidence)
    pending = [i for i, d in enumerate(found) if d is None]
    for i, head in zip(pending, model().identify([words[i] for i in pending]), strict=True):
        found[i] = lang.decide(guesses[i], lang.Detected(*head), words[i])
    return [d if d is not None else lang.Detected(None, 0.0) for d in found]


def _model_scores(code: str, prepared: Sequence[str]) -> list[tuple[float, str]]:
    probs = model().probabilities(code, prepared)
    scores = np.clip(0.5 + (probs[:, 2] - probs[:, 0]) / 2, 0.0, 1.0).round(4)
    return [(float(s), CLASSES[int(k)]) for s, k in zip(scores, probs.argmax(axis=1), strict=True)]


def _score_batch(texts: Sequence[str]) -> list[TextScore]:
    """Detect every text's language, then score each language's texts together."""
    prepared = [prepare(t) for t in texts]
    detected = detect_all(prepared)
    out: list[TextScore] = []
    by_language: dict[str, list[int]] = {}
    for i, (text, found) in enumerate(zip(texts, detected, strict=True)):
        if found.code in ("en", lang.NO_WORDS):
            english = english_score(text, DEFAULT_ENGINE)
            out.append(TextScore(english.score, english.label, found.code, found.confidence))
            continue
        out.append(TextScore(None, None, found.code, found.confidence))
        if found.code in model().languages and not _devanagari(prepared[i]):
            by_language.setdefault(found.code, []).append(i)
    for code, rows in by_language.items():
        for i, (score, label) in zip(rows, _model_scores(code, [prepared[i] for i in rows]), strict=True):
            out[i] = TextScore(score, label, code, detected[i].confidence)
    return out


def _blank(text: object) -> bool:
    return not isinstance(text, str) or not text or text.isspace()


def score_all(texts: Iterable[str | None]) -> list[TextScore]:
    """Language and sentiment per text; None, empty or blank text is neutral with no language.

    Short texts are memoised (they repeat: "Congrats!", "😍😍"); the rest is scored in one batch.
    """
    items = list(texts)
    out: list[TextScore | None] = [BLANK if _blank(t) else _memo.get(t) for t in items]  # type: ignore[arg-type]
    todo: dict[str, list[int]] = {}
    for i, (text, hit) in enumerate(zip(items, out, strict=True)):
        if hit is None:
            todo.setdefault(str(text), []).append(i)
    if todo:
        if len(_memo) > _MEMO_SIZE:
            _memo.clear()  # a crude bound: the memo refills with what repeats now
        for text, result in zip(todo, _score_batch(list(todo)), strict=True):
            if len(text) <= _CACHE_MAX_CHARS:
                _memo[text] = result
            for i in todo[text]:
                out[i] = result
    return [r if r is not None else BLANK for r in out]


def score_one(text: str | None) -> TextScore:
    """score_all for one text."""
    return score_all([text])[0]


def score_known_language(texts: Sequence[str], code: str) -> list[TextScore]:
    """Score texts whose language is known (evaluation without detection): the engine for `code`."""
    if code == "en":
        return [TextScore(s.score, s.label, "en", None) for s in score_texts(texts, DEFAULT_ENGINE)]
    if code not in model().languages:
        return [TextScore(None, None, code, None) for _ in texts]
    prepared = [prepare(t) for t in texts]
    return [TextScore(score, label, code, None) for score, label in _model_scores(code, prepared)]
