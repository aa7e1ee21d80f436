"""Load what the metrics need for one talent: a handful of set-based queries, no per-row work.

Comments are aggregated in SQL (per post, per day, plus the extremes), so a talent with 50,000
comments costs three aggregate queries, not 50,000 Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from intel.errors import TalentNotFound
from intel.models import Comment, FollowerSnapshot, SocialPost, SocialProfile, Talent

EXTREME_COMMENTS = 5
EXCERPT_CHARS = 500


@dataclass(frozen=True)
class TalentFacts:
    """The raw material of one talent's intelligence, as small frames."""

    talent_id: int
    talent_name: str
    is_demo: bool
    profiles: pd.DataFrame  # id, platform, handle, connected, last_synced_at
    snapshots: pd.DataFrame  # profile_id, platform, day, captured_at, followers
    posts: pd.DataFrame  # one row per post with its counters and comment aggregates
    comment_days: pd.DataFrame  # day, n_scored, sum_score, n_pos, n_neu, n_neg
    extreme_comments: list[dict[str, object]]  # the most positive and most negative comments


def load_facts(session: Session, talent_id: int, now: datetime) -> TalentFacts:
    """Read one talent's profiles, snapshots, posts and comment aggregates up to `now`."""
    talent = session.get(Talent, talent_id)
    if talent is None:
        raise TalentNotFound(f"No talent with id {talent_id}.")
    profiles = _frame(session, select(
        SocialProfile.id, SocialProfile.platform, SocialProfile.handle, SocialProfile.connected,
        SocialProfile.last_synced_at, SocialProfile.is_demo,
    ).where(SocialProfile.talent_id == talent_id).order_by(SocialProfile.platform, SocialProfile.id))
    connected_ids = [int(i) for i in profiles.loc[profiles["connected"].astype(bool), "id"]]
    return TalentFacts(
        talent_id=talent.id,
        talent_name=talent.name,
        is_demo=bool(talent.is_demo or profiles["is_demo"].astype(bool).any()),
        profiles=profiles,
        snapshots=_snapshots(session, connected_ids, now),
        posts=_posts(session, connected_ids, now),
        comment_days=_comment_days(session, connected_ids, now),
        extreme_comments=_extremes(session, connected_ids, now),
    )


def _frame(session: Session, query: Select[tuple[object, ...]]) -> pd.DataFrame:
    result = session.execute(query)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def _snapshots(session: Session, profile_ids: list[int], now: datetime) -> pd.DataFrame:
    query = (
        select(FollowerSnapshot.profile_id, SocialProfile.platform,
               FollowerSnapshot.captured_on.label("day"), FollowerSnapshot.followers)
        .join(SocialProfile, SocialProfile.id == FollowerSnapshot.profile_id)
        .where(FollowerSnapshot.profile_id.in_(profile_ids), FollowerSnapshot.captured_on <= now.date())
        .order_by(FollowerSnapshot.profile_id, FollowerSnapshot.captured_on)
    )
    frame = _frame(session, query)
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def _posts(session: Session, profile_ids: list[int], now: datetime) -> pd.DataFrame:
    audience = Comment.is_talent_reply.is_(False)
    scored = audience & (Comment.kind != "spam") & Comment.sentiment_score.is_not(None)
    per_post = (
        select(
            Comment.post_id,
            func.count().label("c_fetched"),
            func.sum(case((audience, 1), else_=0)).label("c_audience"),
            func.sum(case((Comment.is_talent_reply, 1), else_=0)).label("c_replies"),
            func.sum(case((scored, 1), else_=0)).label("c_scored"),
            func.sum(case((scored, Comment.sentiment_score), else_=0.0)).label("c_sum_score"),
            *(func.sum(case((scored & (Comment.sentiment_label == lab), 1), else_=0)).label(f"c_{lab[:3]}")
              for lab in ("positive", "neutral", "negative")),
            *(func.sum(case((audience & (Comment.kind == kind), 1), else_=0)).label(f"c_{kind}")
              for kind in ("spam", "emoji_only", "generic")),
        )
        .join(SocialPost, SocialPost.id == Comment.post_id)
        .where(SocialPost.profile_id.in_(profile_ids), Comment.created_at <= now)
        .group_by(Comment.post_id)
        .subquery()
    )
    query = (
        select(
            SocialPost.id, SocialPost.profile_id, SocialPost.platform, SocialPost.platform_post_id,
            SocialPost.posted_at, SocialPost.media_type,
            func.substr(SocialPost.caption, 1, EXCERPT_CHARS).label("caption"),
            SocialPost.likes, SocialPost.comments, SocialPost.shares, SocialPost.saves, SocialPost.views,
            SocialPost.is_sponsored, SocialPost.sentiment_score, SocialPost.sentiment_label,
            *(c for c in per_post.c if c.name != "post_id"),
        )
        .outerjoin(per_post, per_post.c.post_id == SocialPost.id)
        .where(SocialPost.profile_id.in_(profile_ids), SocialPost.posted_at <= now)
        .order_by(SocialPost.posted_at, SocialPost.id)
    )
    frame = _frame(session, query)
    counts = [c for c in frame.columns if c.startswith("c_")]
    frame[counts] = frame[counts].fillna(0)
    frame["posted_at"] = pd.to_datetime(frame["posted_at"], utc=True)
    return frame


def _comment_days(session: Session, profile_ids: list[int], now: datetime) -> pd.DataFrame:
    scored = (Comment.is_talent_reply.is_(False) & (Comment.kind != "spam")
              & Comment.sentiment_score.is_not(None))
    day = func.date(Comment.created_at)
    query = (
        select(
            day.label("day"),
            func.count().label("n_scored"),
            func.sum(Comment.sentiment_score).label("sum_score"),
            *(func.sum(case((Comment.sentiment_label == lab, 1), else_=0)).label(f"n_{lab[:3]}")
              for lab in ("positive", "neutral", "negative")),
        )
        .join(SocialPost, SocialPost.id == Comment.post_id)
        .where(SocialPost.profile_id.in_(profile_ids), Comment.created_at <= now, scored)
        .group_by(day)
        .order_by(day)
    )
    frame = _frame(session, query)
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def _extremes(session: Session, profile_ids: list[int], now: datetime) -> list[dict[str, object]]:
    base = (
        select(
            func.substr(Comment.text, 1, EXCERPT_CHARS).label("text"), Comment.author_handle,
            Comment.created_at, Comment.sentiment_score, Comment.sentiment_label,
            SocialPost.platform, SocialPost.platform_post_id,
        )
        .join(SocialPost, SocialPost.id == Comment.post_id)
        .where(SocialPost.profile_id.in_(profile_ids), Comment.created_at <= now,
               Comment.is_talent_reply.is_(False), Comment.kind != "spam",
               Comment.sentiment_score.is_not(None))
        .limit(EXTREME_COMMENTS)
    )
    rows = []
    for direction, order in (("positive", Comment.sentiment_score.desc()),
                             ("negative", Comment.sentiment_score.asc())):
        for row in session.execute(base.order_by(order, Comment.id)).mappings():
            rows.append({**row, "created_at": row["created_at"].isoformat(), "extreme": direction})
    return rows
