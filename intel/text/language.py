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
LINGUA_MIN_CONFIDENCE = 0.5
FAST_ENGLISH_CONFIDENCE = 0.9
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
_detectors: dict[bool, Any] = {}


@dataclass(frozen=True, slots=True)
class Detected:
    """A text's language: ISO 639-1 code (`zxx` without words, None if undecided) and confidence 0–1."""

    code: str | None
    confidence: float

    @property
    def supported(self) -> bool:
        """True when the sentiment engines score this language (ours, or no words at all)."""
        return self.code in SUPPORTED or self.code == NO_WORDS


def _lingua(fast: bool) -> Any:
    """The shared lingua detector, fast (low-accuracy) or accurate, built on first use."""
    found = _detectors.get(fast)
    if found is None:
        with _lock:
            found = _detectors.get(fast)
            if found is None:
                from lingua import Language, LanguageDetectorBuilder

                builder = LanguageDetectorBuilder.from_languages(*[getattr(Language, n) for n in DETECTED])
                if fast:
                    builder = builder.with_low_accuracy_mode()
                found = _detectors[fast] = builder.with_preloaded_language_models().build()
    return found


def words_of(text: str) -> str:
    """The text without links, @mentions and #hashtags: what says which language it is in."""
    return _NOISE.sub(" ", text)


def has_letters(text: str) -> bool:
    """True when the text holds at least one letter of any script."""
    return any(unicodedata.category(ch).startswith("L") for ch in text)


def _top(detector: Any, text: str) -> Detected:
    values = detector.compute_language_confidence_values(text)
    if not values or values[0].value <= 0:
        return Detected(None, 0.0)
    return Detected(values[0].language.iso_code_639_1.name.lower(), round(float(values[0].value), 4))


def lingua_guess(text: str) -> Detected:
    """lingua's most likely language among DETECTED and its confidence (None when it cannot tell).

    The fast mode answers when it is sure the text is English (most comments, ~4x cheaper); anything
    else is asked again in the accurate mode, because the fast mode calls short English German or Danish.
    """
    fast = _top(_lingua(True), text)
    if fast.code == "en" and fast.confidence >= FAST_ENGLISH_CONFIDENCE:
        return fast
    return _top(_lingua(False), text)


def decide(guess: Detected, head: Detected, words: int) -> Detected:
    """The language of a text with letters, from lingua's guess, the model's head and the word count.

    - lingua stands when it is confident (>= LINGUA_MIN_CONFIDENCE) about a language other than English
      and those romanised Hindi is mistaken for: it knows scripts and languages the head never saw;
    - otherwise the head stands for a text of at least HEAD_MIN_WORDS words when it is sure
      (>= HEAD_MIN_CONFIDENCE): that is how romanised Hindi, which lingua lacks, is found; on one or two
      words a closed-set head is confidently wrong ("so good" came out Hindi);
    - otherwise English, the language most comments are written in, whose engine also reads emoji and
      slang, with lingua's confidence for English (0 when it had none) so nobody takes it for a finding.
    """
    if guess.code not in (None, "en", *CONFUSED_WITH_HINDI) and guess.confidence >= LINGUA_MIN_CONFIDENCE:
        return guess
    if words >= HEAD_MIN_WORDS and head.confidence >= HEAD_MIN_CONFIDENCE:
        return head
    return Detected("en", guess.confidence if guess.code == "en" else 0.0)
