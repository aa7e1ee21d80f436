"""Language of a caption or comment, detected when it is written: an ISO 639-1 code and a confidence.

Two detectors, because neither alone is good enough on social text (measured on the UMSAB validation
tweets, 324 per language, and the English human-rated tweets; see docs/sentiment-model.md):

1. lingua (offline, ships its models) over `DETECTED` — the eight languages the sentiment model
   knows plus the other languages agencies see most in comments — in its low-accuracy mode (~4,700
   tweets/s on one core, ~75 MB; the accurate mode is ~1,100/s and ~670 MB). It knows scripts and
   languages the model never saw: a text it is all but certain is in another language keeps that
   code, and its sentiment is unavailable, never neutral.
2. The multilingual model's language head (`intel.text.multilingual`), trained on the same tweets as
   the sentiment model. lingua has no romanised Hindi (it calls 46 % of the Hindi tweets English and
   most of the rest Tagalog, Indonesian or Malay: `CONFUSED_WITH_HINDI`), and its fast mode calls
   short English German or Danish; the head catches both. `decide` combines them.

Text without letters (emoji, punctuation, numbers) is `zxx`, ISO 639-2's "no linguistic content";
emoji are then read by the English engine, which knows them.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

SUPPORTED: tuple[str, ...] = ("ar", "de", "en", "es", "fr", "hi", "it", "pt")
NO_WORDS = "zxx"
HEAD_ENGLISH_CONFIDENCE = 0.8
AGREE_CONFIDENCE = 0.9
OTHER_MIN_CONFIDENCE = 0.97
OURS_MIN_CONFIDENCE = 0.9
HEAD_MIN_CONFIDENCE = 0.95
HEAD_MIN_WORDS = 3

# lingua Language names. Ours, plus languages common in creators' comment sections.
DETECTED: tuple[str, ...] = (
    "ARABIC", "ENGLISH", "FRENCH", "GERMAN", "HINDI", "ITALIAN", "PORTUGUESE", "SPANISH",
    "BENGALI", "BOKMAL", "CATALAN", "CHINESE", "DANISH", "DUTCH", "FINNISH", "GREEK", "HEBREW",
    "INDONESIAN", "JAPANESE", "KOREAN", "MALAY", "PERSIAN", "POLISH", "ROMANIAN", "RUSSIAN", "SWAHILI",
    "SWEDISH", "TAGALOG", "TAMIL", "THAI", "TURKISH", "UKRAINIAN", "URDU", "VIETNAMESE",
)
# Where lingua puts romanised Hindi (and short Latin-script text): left to the model's language head.
CONFUSED_WITH_HINDI = frozenset({"tl", "id", "ms", "sw"})

_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+")
_lock = threading.Lock()
_detector: Any = None


@dataclass(frozen=True, slots=True)
class Detected:
    """A text's language: ISO 639-1 code (`zxx` without words, None if undecided) and confidence 0–1."""

    code: str | None
    confidence: float


def _lingua() -> Any:
    """The shared lingua detector (low-accuracy mode), built on first use (0.2 s, ~75 MB)."""
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from lingua import Language, LanguageDetectorBuilder

                builder = LanguageDetectorBuilder.from_languages(*[getattr(Language, n) for n in DETECTED])
                _detector = builder.with_low_accuracy_mode().with_preloaded_language_models().build()
    return _detector


def words_of(text: str) -> str:
    """The text without links, @mentions and #hashtags: what says which language it is in."""
    return _NOISE.sub(" ", text)


def has_letters(text: str) -> bool:
    """True when the text holds at least one letter of any script."""
    return any(unicodedata.category(ch).startswith("L") for ch in text)


def lingua_guess(text: str) -> Detected:
    """lingua's most likely language among DETECTED and its confidence (None when it cannot tell)."""
    values = _lingua().compute_language_confidence_values(text)
    if not values or values[0].value <= 0:
        return Detected(None, 0.0)
    return Detected(values[0].language.iso_code_639_1.name.lower(), round(float(values[0].value), 4))


def english_without_head(guess: Detected, text: str) -> bool:
    """True when `decide` answers English whatever the head says: lingua says English or nothing, and the
    text is too short for the head to overrule it (so the head's cost is spared on most short comments)."""
    return guess.code in ("en", None) and len(text.split()) < HEAD_MIN_WORDS


def decide(guess: Detected, head: Detected, text: str) -> Detected:
    """The language of a text with letters, from lingua's guess and the model's head (one of the eight).

    In order: English the head is sure of (>= HEAD_ENGLISH_CONFIDENCE); a language both name, lingua sure of it
    (>= AGREE_CONFIDENCE); another language lingua is all but certain of (>= OTHER_MIN_CONFIDENCE; its sentiment
    is then unavailable); one of ours other than English that lingua is sure of (>= OURS_MIN_CONFIDENCE, e.g.
    "muito bom, parabéns") unless the head leans English; a text of HEAD_MIN_WORDS+ words the head is sure of
    (>= HEAD_MIN_CONFIDENCE: romanised Hindi, which lingua lacks, or a language lingua's fast mode mistook);
    else English — the language most comments are written in, whose engine also reads emoji and slang — with
    lingua's English confidence (0 when it named another), so nobody takes it for a finding. lingua's low-
    accuracy mode alone calls short English German, Danish or Finnish; its accurate mode would not, but costs 4x
    the time and ~600 MB, which the import cannot afford.
    """
    if head.code == "en" and head.confidence >= HEAD_ENGLISH_CONFIDENCE:
        return head
    if guess.code is not None and guess.code == head.code and guess.confidence >= AGREE_CONFIDENCE:
        return guess
    if guess.code not in (None, *SUPPORTED, *CONFUSED_WITH_HINDI) and guess.confidence >= OTHER_MIN_CONFIDENCE:
        return guess
    if guess.code in SUPPORTED and "en" not in (guess.code, head.code) and guess.confidence >= OURS_MIN_CONFIDENCE:
        return guess
    if len(text.split()) >= HEAD_MIN_WORDS and head.confidence >= HEAD_MIN_CONFIDENCE:
        return head
    return Detected("en", guess.confidence if guess.code == "en" else 0.0)
