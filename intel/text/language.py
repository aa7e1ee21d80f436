"""Language of a caption or comment, detected when it is written: an ISO 639-1 code and a confidence.

Two stages, because neither alone is good enough on social text (measured on the UMSAB validation
tweets, 323 per language; see docs/sentiment-model.md):

1. lingua (offline, ships its models) over `DETECTED` — the eight languages the sentiment model
   knows plus the other languages agencies see most in comments — in its low-accuracy mode (~4,700
   tweets/s on one core and 76 MB, against ~1,100/s and 670 MB in high-accuracy mode). It answers
   "is this one of our languages at all?": a text it places in another language with confidence
   >= `OTHER_MIN_CONFIDENCE` keeps that code (its sentiment is then unavailable, never neutral).
2. The multilingual model's own language head (`intel.text.multilingual`), trained on the same tweets
   as the sentiment model, picks among the eight. It is needed because lingua has no romanised Hindi:
   it calls 46 % of the Hindi tweets English and most of the rest Tagalog, Indonesian or Malay
   (`CONFUSED_WITH_HINDI`), which therefore never count as "another language" here.

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
LINGUA_MIN_CONFIDENCE = 0.8
HEAD_OVERRIDE_CONFIDENCE = 0.9

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

    @property
    def supported(self) -> bool:
        """True when the sentiment engines score this language (ours, or no words at all)."""
        return self.code in SUPPORTED or self.code == NO_WORDS


def _lingua() -> Any:
    """The shared lingua detector, built on first use (0.2 s, 76 MB)."""
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from lingua import Language, LanguageDetectorBuilder

                languages = [getattr(Language, name) for name in DETECTED]
                builder = LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode()
                _detector = builder.with_preloaded_language_models().build()
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
    top = values[0]
    return Detected(top.language.iso_code_639_1.name.lower(), round(float(top.value), 4))


def lingua_decides(guess: Detected, head: Detected) -> bool:
    """True when lingua's guess stands over the model's head (`head`, one of the eight languages).

    lingua decides when it is confident (>= LINGUA_MIN_CONFIDENCE) and its language is not one that
    romanised Hindi is mistaken for — unless the head names another language and is surer still
    (>= HEAD_OVERRIDE_CONFIDENCE): when two detectors disagree, the more confident one wins.
    """
    if guess.code is None or guess.code in CONFUSED_WITH_HINDI or guess.confidence < LINGUA_MIN_CONFIDENCE:
        return False
    return guess.code == head.code or head.confidence < HEAD_OVERRIDE_CONFIDENCE
