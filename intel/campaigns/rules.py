"""Tracking rules: normalising what an agent types, and whether one post's caption or id matches (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from intel.db.campaigns import RULE_KINDS
from intel.errors import IntelError

MAX_RULE = 300
# A tag or mention is letters, digits and underscores in any script; dots are allowed inside handles.
_TAG = re.compile(r"#(\w+)")
_MENTION = re.compile(r"@([\w.]+)")
_URL = re.compile(r"(?:https?://)?(?:www\.)?((?:[\w-]+\.)+[a-z]{2,}(?:/[^\s]*)?)", re.IGNORECASE)


@dataclass(frozen=True)
class Rule:
    """A rule as matching needs it: its id, kind and normalised value."""

    id: int
    kind: str
    value: str


def normalise(kind: str, raw: str) -> str:
    """The stored form of a rule's value; a clear IntelError for an empty or malformed one."""
    if kind not in RULE_KINDS:
        raise IntelError(f"A tracking rule is one of {', '.join(RULE_KINDS)}, not {kind!r}.")
    value = raw.strip()
    if kind == "hashtag":
        value = value.lstrip("#").casefold()
        if not re.fullmatch(r"\w+", value):
            raise IntelError(f"A hashtag is letters, digits and underscores, like #BrandSummer: {raw!r}")
    elif kind == "mention":
        value = value.lstrip("@").casefold().rstrip(".")
        if not re.fullmatch(r"[\w.]+", value):
            raise IntelError(f"A mention is a handle like @brand: {raw!r}")
    elif kind == "promo_code":
        value = value.casefold()
        if not re.fullmatch(r"[\w-]+", value):
            raise IntelError(f"A promo code is one word of letters, digits, - or _: {raw!r}")
    elif kind == "url":
        value = _url_key(value)
        if not value:
            raise IntelError(f"A tracking URL looks like brand.example/offer: {raw!r}")
    if not value or len(value) > MAX_RULE:
        raise IntelError(f"A tracking rule's value must be 1 to {MAX_RULE} characters.")
    return value


def matching_rule(rules: list[Rule], caption: str, platform_post_id: str) -> Rule | None:
    """The first rule (by id) the post matches, or None."""
    tags = {t.casefold() for t in _TAG.findall(caption)}
    mentions = {m.casefold().rstrip(".") for m in _MENTION.findall(caption)}
    words = set(re.findall(r"[\w-]+", caption.casefold()))
    links = [_url_key(u) for u in _URL.findall(caption)]
    for rule in sorted(rules, key=lambda r: r.id):
        if _matches(rule, tags, mentions, words, links, platform_post_id):
            return rule
    return None


def _matches(rule: Rule, tags: set[str], mentions: set[str], words: set[str], links: list[str],
             post_id: str) -> bool:
    if rule.kind == "hashtag":
        return rule.value in tags
    if rule.kind == "mention":
        return rule.value in mentions
    if rule.kind == "promo_code":
        return rule.value in words
    if rule.kind == "url":
        # brand.example/offer matches brand.example/offer/sofia?utm=x, not brand.example/offers.
        return any(link == rule.value or link.startswith(rule.value.rstrip("/") + "/") for link in links)
    return rule.value == post_id


def _url_key(raw: str) -> str:
    """Host (lower case, no www.) and path without a trailing slash; query and fragment dropped."""
    text = raw.strip().rstrip(".,;:!?)]'\"")  # sentence punctuation after a link is not part of it
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").removeprefix("www.")
    if "." not in host:
        return ""
    return host + parts.path.rstrip("/")
