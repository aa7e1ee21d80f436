"""Compute a SocialIntelligence value from a talent's facts (pure: no database, no clock)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from intel.analytics.audience import community_section, sentiment_section
from intel.analytics.content import content_section
from intel.analytics.engagement import RECENT_POSTS, recent, with_rates
from intel.analytics.facts import TalentFacts
from intel.analytics.result import (
    SCHEMA_VERSION,
    Growth,
    Metric,
    Overview,
    PlatformOverview,
    Profile,
    SocialIntelligence,
    metric,
)
from intel.db.models import VIDEO_PLATFORMS

GROWTH_WINDOWS = (7, 30, 90)
# The start of a growth window may fall on a missing day; accept the nearest earlier snapshot this close.
GROWTH_TOLERANCE_DAYS = 3
POSTS_PER_WEEK_DAYS = 90
SNAPSHOT_STALE_HOURS = 48
SYNC_STALE_HOURS = 24

METHODOLOGY = {
    "engagement_rate": (
        "Median over the platform's last 12 posts of (likes + comments + shares + saves) ÷ followers "
        "of that profile on the posting day (else the nearest earlier, then later, snapshot within 3 days), "
        "in %. Never mixed across "
        "platforms."
    ),
    "engagement_rate_by_views": "TikTok and YouTube only: median over the last 12 posts of interactions ÷ views, in %.",
    "growth": "Latest followers minus followers on the latest snapshot at least N days earlier (within 3 days).",
    "averages": "Mean likes, comments and views over the platform's last 12 posts.",
    "posts_per_week": "Posts in the last 90 days ÷ (90 ÷ 7).",
    "freshness": f"Snapshots stale after {SNAPSHOT_STALE_HOURS} h; a profile's sync stale after {SYNC_STALE_HOURS} h.",
}


def compute_intelligence(facts: TalentFacts, now: datetime) -> SocialIntelligence:
    """The full intelligence of one talent as of `now`."""
    posts = with_rates(facts.posts, facts.snapshots)
    days = _platform_days(facts.snapshots)
    sentiment, sentiment_method = sentiment_section(posts, facts.comment_days, facts.extreme_comments, now)
    community, community_method = community_section(posts, now)
    content, content_method = content_section(posts)
    return SocialIntelligence(
        schema_version=SCHEMA_VERSION,
        talent_id=facts.talent_id,
        talent_name=facts.talent_name,
        is_demo=facts.is_demo,
        computed_at=now.isoformat(),
        connected=_profiles(facts.profiles),
        overview=_overview(days, posts, now),
        follower_trend=_trend(days),
        content=content,
        sentiment=sentiment,
        community=community,
        freshness=_freshness(facts, now),
        methodology={**METHODOLOGY, **content_method, **sentiment_method, **community_method},
    )


def _iso(value: object) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).isoformat()


def _profiles(profiles: pd.DataFrame) -> list[Profile]:
    return [
        {"platform": str(r.platform), "handle": str(r.handle), "connected": bool(r.connected),
         "last_synced_at": _iso(r.last_synced_at)}
        for r in profiles.itertuples()
    ]


def _platform_days(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Followers per platform per day (profiles of one platform summed), one column per platform."""
    if snapshots.empty:
        return pd.DataFrame()
    latest = snapshots.drop_duplicates(["profile_id", "day"], keep="last")
    return latest.groupby(["day", "platform"])["followers"].sum().unstack("platform").sort_index()


def _growth(series: pd.Series, days: int) -> Growth:
    basis = f"followers {days} days before the latest snapshot"
    series = series.dropna()
    if series.empty:
        return {"days": days, "absolute": metric(None, 0, basis), "percent": metric(None, 0, basis)}
    end_day, end = series.index[-1], float(series.iloc[-1])
    target = end_day - pd.Timedelta(days=days)
    earlier = series[(series.index <= target) & (series.index >= target - pd.Timedelta(days=GROWTH_TOLERANCE_DAYS))]
    if earlier.empty:
        return {"days": days, "absolute": metric(None, 0, basis), "percent": metric(None, 0, basis)}
    start = float(earlier.iloc[-1])
    pct = (end - start) / start * 100 if start > 0 else None
    return {"days": days, "absolute": metric(end - start, 2, basis), "percent": metric(pct, 2, basis)}


def _overview(days: pd.DataFrame, posts: pd.DataFrame, now: datetime) -> Overview:
    platforms = sorted(set(days.columns) | set(posts["platform"].unique()))
    per_platform = {p: _platform(p, days.get(p), posts[posts["platform"] == p], now) for p in platforms}
    totals = days.ffill() if not days.empty else days
    total_series = totals.sum(axis=1, min_count=1) if not totals.empty else pd.Series(dtype="float64")
    followers = [o["followers"] for o in per_platform.values() if o["followers"]["value"] is not None]
    return {
        "total_followers": metric(sum(m["value"] or 0 for m in followers), len(followers),
                                  "sum of each platform's latest followers"),
        "total_growth": [_growth(total_series, d) for d in GROWTH_WINDOWS],
        "platforms": per_platform,
    }


def _platform(platform: str, series: pd.Series | None, posts: pd.DataFrame, now: datetime) -> PlatformOverview:
    series = series.dropna() if series is not None else pd.Series(dtype="float64")
    last = recent(posts)
    rated = last["rate"].dropna()
    is_video = platform in VIDEO_PLATFORMS
    window = posts[posts["posted_at"] >= pd.Timestamp(now) - pd.Timedelta(days=POSTS_PER_WEEK_DAYS)]
    return {
        "followers": metric(float(series.iloc[-1]) if not series.empty else None, int(not series.empty),
                            "latest snapshot"),
        "growth": [_growth(series, d) for d in GROWTH_WINDOWS],
        "engagement_rate": metric(rated.median() if len(rated) else None, len(rated),
                                  f"median of last {RECENT_POSTS} posts, by followers"),
        "engagement_rate_by_views": _by_views(last) if is_video else None,
        "avg_likes": metric(last["likes"].mean() if len(last) else None, len(last), "mean of last 12 posts"),
        "avg_comments": metric(last["comments"].mean() if len(last) else None, len(last),
                               "mean of last 12 posts"),
        "avg_views": _avg_views(last) if is_video or last["views"].notna().any() else None,
        "posts_per_week": metric(len(window) / (POSTS_PER_WEEK_DAYS / 7) if len(posts) else None, len(posts),
                                 "posts in the last 90 days ÷ 12.9 weeks"),
    }


def _by_views(last: pd.DataFrame) -> Metric:
    rated = last["view_rate"].dropna()
    return metric(rated.median() if len(rated) else None, len(rated), "median of last 12 posts, by views")


def _avg_views(last: pd.DataFrame) -> Metric:
    views = pd.to_numeric(last["views"], errors="coerce").dropna()
    return metric(views.mean() if len(views) else None, len(views), "mean of last 12 posts with views")


def _trend(days: pd.DataFrame) -> dict[str, list[tuple[str, int]]]:
    result = {}
    for platform in days.columns:
        series = days[platform].dropna()
        dates = series.index.strftime("%Y-%m-%d")
        result[str(platform)] = list(zip(dates, series.astype("int64").tolist(), strict=True))
    return result


def _freshness(facts: TalentFacts, now: datetime) -> dict[str, object]:
    stamp = pd.Timestamp(now)
    newest_snapshot = facts.snapshots["day"].max() if not facts.snapshots.empty else None
    newest_post = facts.posts["posted_at"].max() if not facts.posts.empty else None
    connected = facts.profiles[facts.profiles["connected"].astype(bool)]
    syncs = [
        {"platform": str(r.platform), "handle": str(r.handle), "last_synced_at": _iso(r.last_synced_at),
         "stale": _older(r.last_synced_at, stamp, SYNC_STALE_HOURS)}
        for r in connected.itertuples()
    ]
    snapshot_stale = _older(newest_snapshot, stamp, SNAPSHOT_STALE_HOURS)
    return {
        "computed_at": now.isoformat(),
        "newest_post_at": _iso(newest_post),
        "newest_snapshot_on": None if newest_snapshot is None else newest_snapshot.date().isoformat(),
        "profiles": syncs,
        "snapshot_stale": snapshot_stale,
        "sync_stale": any(s["stale"] for s in syncs),
        "is_stale": snapshot_stale or any(s["stale"] for s in syncs),
        "thresholds_hours": {"snapshot": SNAPSHOT_STALE_HOURS, "sync": SYNC_STALE_HOURS},
    }


def _older(value: object, now: pd.Timestamp, hours: int) -> bool:
    """True when `value` is missing or older than `hours` (a missing timestamp is stale)."""
    if value is None or pd.isna(value):
        return True
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return bool(now - stamp > pd.Timedelta(hours=hours))
