"""Load what the metrics need for one talent: a handful of set-based queries, no per-row work.

Comments come aggregated per post and UTC day (counts, sentiment sums, each group's max and min score):
stored in comment_days for the days before today (kept exact by triggers, see intel.db.comment_days),
counted from the comments for today. The extremes are read from the few groups that can hold them. So a
talent with 50,000 comments costs a read of ~3,000 groups and today's comments, not 50,000 rows.
Comment languages come from one GROUP BY language over the talent's audience comments (comment_days has no
language): the database counts the rows, a handful of groups come back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, DateTime, Executable, Select, func, or_, select, text, type_coerce, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session

from intel.config import canonical_timezone
from intel.db import comment_days
from intel.db.models import Comment, CommentDay, FollowerSnapshot, SocialPost, SocialProfile, Talent, TalentSummary
from intel.errors import TalentNotFound

log = logging.getLogger(__name__)
EXTREME_COMMENTS = 5
EXCERPT_CHARS = 500
LANGUAGE_COLUMNS = ("language", "comments", "scored", "score_sum", "positive", "neutral", "negative")


@dataclass(frozen=True)
class TierPeers:
    """The stored roster figures of the other talents of one tier (demo with demo, real with real).

    rates: (platform, engagement rate %) of each peer's largest platform, as their talent_summaries rows hold
    them from their latest computation (a peer never computed yet takes no part).
    """

    tier: str
    rates: tuple[tuple[str, float], ...]


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
    timezone: str = "UTC"  # IANA zone of the best-time table: the talent's own, else the configured default
    # language (None: not detected), comments, scored, score_sum, positive, neutral, negative: audience
    # comments without spam, per stored language
    comment_languages: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(LANGUAGE_COLUMNS)))
    peers: TierPeers | None = None  # the tier's stored engagement, for the audience-quality comparison


def load_facts(session: Session, talent_id: int, now: datetime, *, stored_aggregates: bool = True,
               default_timezone: str = "UTC", since: date | None = None) -> TalentFacts:
    """Read one talent's profiles, snapshots, posts and comment aggregates up to `now`.

    `stored_aggregates=False` counts every comment instead of reading comment_days (same result, slower).
    `default_timezone` (INTEL_TIMEZONE) is the zone of a talent without its own.
    `since` (a window's first UTC day): only posts from that day on and their comments; snapshots stay whole, since
    growth reads the snapshot at the window's start edge and engagement the followers on a post's day.
    """
    if not stored_aggregates and session.get_bind().dialect.name == "postgresql":
        # The per-(post, day) aggregate of ~50k comments spills to disk with the default 4 MB.
        session.execute(text("SET LOCAL work_mem = '64MB'"))
    talent = session.get(Talent, talent_id)
    if talent is None:
        raise TalentNotFound(f"No talent with id {talent_id}.")
    profiles = _frame(session, select(
        SocialProfile.id, SocialProfile.platform, SocialProfile.handle, SocialProfile.connected,
        SocialProfile.last_synced_at, SocialProfile.is_demo,
    ).where(SocialProfile.talent_id == talent_id).order_by(SocialProfile.platform, SocialProfile.id))
    connected_ids = [int(i) for i in profiles.loc[profiles["connected"].astype(bool), "id"]]
    groups = _comment_groups(session, connected_ids, now, stored=stored_aggregates)
    start = None if since is None else datetime.combine(since, time.min, tzinfo=UTC)
    if since is not None and not groups.empty:
        groups = groups[pd.to_datetime(groups["day"]).dt.date >= since]
    is_demo = bool(talent.is_demo or profiles["is_demo"].astype(bool).any())
    posts = _posts(session, connected_ids, now, groups, start)
    if since is not None and not groups.empty:
        # A window's comments are those on its own posts: a late comment on an older post stays out.
        groups = groups[groups["post_id"].isin(posts["id"])]
    return TalentFacts(
        talent_id=talent.id,
        talent_name=talent.name,
        is_demo=is_demo,
        profiles=profiles,
        snapshots=_snapshots(session, connected_ids, now),
        posts=posts,
        comment_days=_comment_days(groups),
        extreme_comments=_extremes(session, groups, now),
        timezone=_zone(talent, default_timezone),
        comment_languages=_languages(session, connected_ids, now, start),
        peers=_tier_peers(session, talent, is_demo),
    )


def _zone(talent: Talent, default: str) -> str:
    """The talent's own zone, else `default`; a stored name the tz database does not know (written around the
    import and the page, which both check) falls back to `default`, logged."""
    if not talent.timezone:
        return default
    zone = canonical_timezone(talent.timezone)
    if zone is None:
        log.warning("talent %s has an unknown time zone %r; using %s", talent.id, talent.timezone, default)
    return zone or default


def _tier_peers(session: Session, talent: Talent, is_demo: bool) -> TierPeers:
    """The other talents of the tier with a stored engagement rate: one indexed read of a roster-sized table.

    The tier median is taken from talent_summaries (each talent's latest computation) rather than by computing
    every peer here, which would cost a whole roster's facts per talent.
    """
    query = (select(TalentSummary.engagement_platform, TalentSummary.engagement_rate)
             .join(Talent, Talent.id == TalentSummary.talent_id)
             .where(Talent.tier == talent.tier, Talent.id != talent.id, TalentSummary.is_demo.is_(is_demo),
                    TalentSummary.engagement_platform.is_not(None), TalentSummary.engagement_rate.is_not(None)))
    rates = tuple((str(p), float(r)) for p, r in session.execute(query) if r is not None)
    return TierPeers(tier=talent.tier, rates=rates)


def _frame(session: Session, query: Executable) -> pd.DataFrame:
    result = session.execute(query)
    # Plain tuples: pandas probes Row objects attribute by attribute, which costs more than the query.
    return pd.DataFrame.from_records([tuple(r) for r in result], columns=list(result.keys()))


def _utc(column: ColumnElement[Any] | InstrumentedAttribute[Any]) -> ColumnElement[Any]:
    """The column without the aware-datetime decorator (pandas localises in bulk, much faster)."""
    return type_coerce(column, DateTime(timezone=True))


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


_KINDS = ("spam", "emoji_only", "generic")
# The facts' names of the comment_days columns.
_GROUP_COLUMNS = {"comments": "c_fetched", "audience": "c_audience", "replies": "c_replies", "scored": "c_scored",
                  "score_sum": "c_sum_score", "score_max": "c_max", "score_min": "c_min", "positive": "c_pos",
                  "neutral": "c_neu", "negative": "c_neg", **{k: f"c_{k}" for k in _KINDS}}


def _comment_groups(session: Session, profile_ids: list[int], now: datetime, *, stored: bool) -> pd.DataFrame:
    """Comment counts and sentiment sums per (post, UTC day), up to `now`.

    Stored: the days before the day of `now` from comment_days (a few thousand rows for 50,000 comments),
    and that day itself counted from its comments up to `now`, so a result "as of now" stays exact. Not
    stored: every comment scanned (the reference the stored path is tested against).
    """
    if not stored:
        return _frame(session, _scan(profile_ids, until=now))
    today = now.astimezone(UTC).date()
    days = (select(CommentDay.post_id, CommentDay.day,
                   *(CommentDay.__table__.c[c].label(name) for c, name in _GROUP_COLUMNS.items()))
            .join(SocialPost, SocialPost.id == CommentDay.post_id)
            .where(SocialPost.profile_id.in_(profile_ids), CommentDay.day < today))
    since = datetime.combine(today, time.min, tzinfo=UTC)
    return _frame(session, union_all(days, _scan(profile_ids, until=now, since=since)))


def _scan(profile_ids: list[int], *, until: datetime, since: datetime | None = None) -> Select[Any]:
    """The per-(post, day) recount of the talent's comments created in [since, until]."""
    counted = [column.label(_GROUP_COLUMNS.get(column.name, column.name)) for column in comment_days.recount()]
    query = (select(*counted).join(SocialPost, SocialPost.id == Comment.post_id)
             .where(SocialPost.profile_id.in_(profile_ids), Comment.created_at <= until)
             .group_by(Comment.post_id, comment_days.utc_day(Comment.created_at)))
    return query if since is None else query.where(Comment.created_at >= since)


_COUNTS = ("c_fetched", "c_audience", "c_replies", "c_scored", "c_sum_score", "c_pos", "c_neu", "c_neg",
           *(f"c_{k}" for k in _KINDS))


def _posts(session: Session, profile_ids: list[int], now: datetime, groups: pd.DataFrame,
           since: datetime | None = None) -> pd.DataFrame:
    query = (
        select(
            SocialPost.id, SocialPost.profile_id, SocialPost.platform, SocialPost.platform_post_id,
            _utc(SocialPost.posted_at).label("posted_at"), SocialPost.media_type,
            func.substr(SocialPost.caption, 1, EXCERPT_CHARS).label("caption"),
            SocialPost.likes, SocialPost.comments, SocialPost.shares, SocialPost.saves, SocialPost.views,
            SocialPost.is_sponsored, SocialPost.sentiment_score, SocialPost.sentiment_label,
        )
        .where(SocialPost.profile_id.in_(profile_ids), SocialPost.posted_at <= now)
        .order_by(SocialPost.posted_at, SocialPost.id)
    )
    if since is not None:
        query = query.where(SocialPost.posted_at >= since)
    frame = _frame(session, query)
    per_post = groups.groupby("post_id")[list(_COUNTS)].sum() if len(groups) else pd.DataFrame(columns=_COUNTS)
    frame = frame.join(per_post, on="id")
    frame[list(_COUNTS)] = frame[list(_COUNTS)].fillna(0)
    frame["posted_at"] = pd.to_datetime(frame["posted_at"], utc=True)
    return frame


def _comment_days(groups: pd.DataFrame) -> pd.DataFrame:
    """Daily scored-comment counts and sentiment sums (from the per-post-day groups)."""
    columns = {"c_scored": "n_scored", "c_sum_score": "sum_score", "c_pos": "n_pos", "c_neu": "n_neu",
               "c_neg": "n_neg"}
    if groups.empty:
        return pd.DataFrame(columns=["day", *columns.values()])
    days = groups.groupby("day")[list(columns)].sum().rename(columns=columns).reset_index()
    days = days[days["n_scored"] > 0]
    days["day"] = pd.to_datetime(days["day"])
    return days.sort_values("day", ignore_index=True)


def _extremes(session: Session, groups: pd.DataFrame, now: datetime) -> list[dict[str, object]]:
    """The most positive and most negative audience comments, without another scan of all comments.

    The per-(post, day) groups carry the max and min score; the top 5 comments can only lie in the
    groups with the 5 highest maxima (ties kept), so only those few groups are read, by index.
    """
    scored = groups[groups["c_scored"] > 0].astype({"c_max": "float64", "c_min": "float64"})
    result: list[dict[str, object]] = []
    for direction, column, order in (("positive", "c_max", Comment.sentiment_score.desc()),
                                     ("negative", "c_min", Comment.sentiment_score.asc())):
        pick = scored.nlargest(EXTREME_COMMENTS, column, keep="all") if direction == "positive" else \
            scored.nsmallest(EXTREME_COMMENTS, column, keep="all")
        if pick.empty:
            continue
        query = (
            select(func.substr(Comment.text, 1, EXCERPT_CHARS).label("text"), Comment.author_handle,
                   Comment.created_at, Comment.sentiment_score, Comment.sentiment_label, SocialPost.platform,
                   SocialPost.platform_post_id)
            .join(SocialPost, SocialPost.id == Comment.post_id)
            .where(or_(*(_in_group(int(r.post_id), r.day) for r in pick.itertuples())), Comment.created_at <= now,
                   Comment.is_talent_reply.is_(False), Comment.kind != "spam", Comment.sentiment_score.is_not(None))
            .order_by(order, Comment.id).limit(EXTREME_COMMENTS)
        )
        result += [{**row, "created_at": row["created_at"].isoformat(), "extreme": direction}
                   for row in session.execute(query).mappings()]
    return result


def _in_group(post_id: int, day: object) -> ColumnElement[bool]:
    """Comments of one post on one UTC day, as a range the (post_id, created_at) index serves."""
    start = datetime.combine(pd.Timestamp(day).date(), time.min, tzinfo=UTC)
    end = start + timedelta(days=1)
    return (Comment.post_id == post_id) & (Comment.created_at >= start) & (Comment.created_at < end)


def _languages(session: Session, profile_ids: list[int], now: datetime,
               since: datetime | None = None) -> pd.DataFrame:
    """Audience comments (the talent's replies and spam excluded, as in every sentiment figure) per language,
    with their scored count, score sum and label counts; NULL language is one group of its own."""
    audience = Comment.is_talent_reply.is_(False) & (Comment.kind != "spam")
    scored = Comment.sentiment_score.is_not(None)
    query = (
        select(Comment.language.label("language"), func.count().label("comments"),
               func.count().filter(scored).label("scored"),
               func.coalesce(func.sum(Comment.sentiment_score).filter(scored), 0.0).label("score_sum"),
               *(func.count().filter(scored & (Comment.sentiment_label == label)).label(label)
                 for label in ("positive", "neutral", "negative")))
        .join(SocialPost, SocialPost.id == Comment.post_id)
        .where(SocialPost.profile_id.in_(profile_ids), Comment.created_at <= now, audience)
        .group_by(Comment.language)
    )
    if since is not None:  # as the groups: comments of the window's posts, made in it
        query = query.where(Comment.created_at >= since, SocialPost.posted_at >= since)
    return _frame(session, query)
