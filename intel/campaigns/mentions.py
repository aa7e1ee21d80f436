"""Comments that name the brand: audience comments on a campaign's posts mentioning the brand's name, its
@handle or its campaign hashtag (case-folded), counted over the comments read, with the newest few."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, select, type_coerce
from sqlalchemy.orm import Session

from intel.analytics.result import Metric, metric
from intel.db.models import Comment


@dataclass(frozen=True)
class BrandMention:
    """An audience comment on a campaign post that names the brand (shown as text, never rendered)."""

    post_id: int
    author: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class BrandMentions:
    """Audience comments (not spam, not the talent's replies) on the campaign's posts that name the brand: how
    many of how many read, and the newest few."""

    count: Metric
    examples: tuple[BrandMention, ...]


MAX_MENTION_SCAN = 50_000  # comments read per campaign for brand mentions (the newest first)
MENTION_EXAMPLES = 10


def brand_terms(brand: str, rules: list[tuple[str, str]]) -> tuple[str, ...]:
    """What names the brand in a comment: its name (with and without spaces), its @mention and #hashtag rules."""
    name = brand.casefold().strip()
    terms = {name, name.replace(" ", "")}
    terms |= {("@" if kind == "mention" else "#") + value for kind, value in rules if kind in {"mention", "hashtag"}}
    return tuple(sorted(t for t in terms if len(t) >= 3))


def brand_mentions(session: Session, post_ids: list[int], terms: tuple[str, ...]) -> BrandMentions:
    """Audience comments on these posts that contain any of `terms` (case-folded), newest first."""
    basis = "audience comments (no spam, no talent replies) on the campaign's posts naming the brand"
    if not post_ids or not terms:
        return BrandMentions(metric(None, 0, basis), ())
    rows = session.execute(
        select(Comment.post_id, Comment.author_handle, Comment.text,
               type_coerce(Comment.created_at, DateTime(timezone=True)))
        .where(Comment.post_id.in_(post_ids), Comment.is_talent_reply.is_(False), Comment.kind != "spam")
        .order_by(Comment.created_at.desc()).limit(MAX_MENTION_SCAN))
    read, found = 0, []
    for post_id, author, text, created_at in rows:
        read += 1
        folded = (text or "").casefold()
        if any(term in folded for term in terms):
            found.append(BrandMention(int(post_id), author or "", text or "", created_at))
    return BrandMentions(metric(len(found), read, f"{basis}, of {read:,} read"), tuple(found[:MENTION_EXAMPLES]))
