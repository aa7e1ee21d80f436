"""Classify a comment once, when it is written: spam, emoji-only, generic or substantive.

Community health reports the share of each kind. The rules are deliberately simple and stated
here, because agents need to understand why a comment counted as spam:
- spam: a link, or a known promotion phrase ("follow me", "free followers", "dm me", "check my page");
- emoji_only: no letters or digits at all, but at least one symbol (emoji);
- generic: at most four words and every word from a short list of low-effort praise ("nice", "wow");
- substantive: everything else.
"""

from __future__ import annotations

import re
import unicodedata

KINDS: tuple[str, ...] = ("substantive", "generic", "emoji_only", "spam")

_SPAM = re.compile(
    r"https?://|www\.|\b(bit\.ly|linktr\.ee)\b|follow\s*(me|back|4|for)|free\s+(followers|likes|iphone|gift)"
    r"|\bdm\s+(me|us)\b|check\s+(out\s+)?my\s+(page|profile|channel|bio)|\bpromo\s*code\b|\bcrypto\b.*\bprofit",
    re.IGNORECASE,
)
_GENERIC_WORDS = frozenset({
    "nice", "cool", "wow", "great", "love", "it", "this", "so", "pic", "post", "amazing", "awesome",
    "beautiful", "first", "good", "lovely", "omg", "yes", "gorgeous", "cute", "fire", "lit", "queen",
    "king", "goat",
})
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def classify_comment(text: str | None) -> str:
    """The kind of one comment (see module docstring for the rules)."""
    stripped = (text or "").strip()
    if not stripped:
        return "generic"
    if _SPAM.search(stripped):
        return "spam"
    words = _WORD.findall(stripped.lower())
    if not words:
        return "emoji_only" if any(_is_symbol(ch) for ch in stripped) else "generic"
    if len(words) <= 4 and all(w in _GENERIC_WORDS for w in words):
        return "generic"
    return "substantive"


def _is_symbol(ch: str) -> bool:
    return unicodedata.category(ch) in {"So", "Sk", "Sm"}
