"""The overview section: followers, growth and engagement per platform, and the follower trend (pure pandas)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from intel.analytics.engagement import RECENT_POSTS, recent
from intel.analytics.result import Growth, Metric, Overview, PlatformOverview, TrendPoint, metric
from intel.db.models import VIDEO_PLATFORMS

GROWTH_WINDOWS = (7, 30, 90)
# The start of a growth window may fall on a missing day; accept the nearest earlier snapshot this close.
GROWTH_TOLERANCE_DAYS = 3
POSTS_PER_WEEK_DAYS = 90

METHOD = {
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
}


def platform_days(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Followers per platform per day (profiles of one platform summed), one column per platform."""
    if snapshots.empty:
        return pd.DataFrame()
    latest = snapshots.drop_duplicates(["profile_id", "day"], keep="last")
    return latest.groupby(["day", "platform"])["followers"].sum().unstack("platform").sort_index()


def overview_section(days: pd.DataFrame, posts: pd.DataFrame, now: datetime) -> Overview:
    """Per-platform headline figures and the follower total (the only figure summed across platforms)."""
    platforms = sorted(set(days.columns) | set(posts["platform"].unique()))
    per_platform = {p: _platform(p, days.get(p), posts[posts["platform"] == p], now) for p in platforms}
    totals = days.ffill() if not days.empty else days
    total_series = totals.sum(axis=1, min_count=1) if not totals.empty else pd.Series(dtype="float64")
    followers = [o.followers for o in per_platform.values() if o.followers.value is not None]
    return Overview(
        total_followers=metric(sum(m.value or 0 for m in followers), len(followers),
                               "sum of each platform's latest followers"),
        total_growth=tuple(_growth(total_series, d) for d in GROWTH_WINDOWS),
        platforms=per_platform,
    )


def follower_trend(days: pd.DataFrame) -> dict[str, tuple[TrendPoint, ...]]:
    """Daily followers per platform, oldest first."""
    result = {}
    for platform in days.columns:
        series = days[platform].dropna()
        dates = series.index.strftime("%Y-%m-%d")
        result[str(platform)] = tuple(zip(dates, series.astype("int64").tolist(), strict=True))
    return result


def _growth(series: pd.Series, days: int) -> Growth:
    basis = f"followers {days} days before the latest snapshot"
    unavailable = Growth(days=days, absolute=metric(None, 0, basis), percent=metric(None, 0, basis))
    series = series.dropna()
    if series.empty:
        return unavailable
    end_day, end = series.index[-1], float(series.iloc[-1])
    target = end_day - pd.Timedelta(days=days)
    earlier = series[(series.index <= target) & (series.index >= target - pd.Timedelta(days=GROWTH_TOLERANCE_DAYS))]
    if earlier.empty:
        return unavailable
    start = float(earlier.iloc[-1])
    pct = (end - start) / start * 100 if start > 0 else None
    return Growth(days=days, absolute=metric(end - start, 2, basis), percent=metric(pct, 2, basis))


def _platform(platform: str, series: pd.Series | None, posts: pd.DataFrame, now: datetime) -> PlatformOverview:
    series = series.dropna() if series is not None else pd.Series(dtype="float64")
    last = recent(posts)
    rated = last["rate"].dropna()
    is_video = platform in VIDEO_PLATFORMS
    window = posts[posts["posted_at"] >= pd.Timestamp(now) - pd.Timedelta(days=POSTS_PER_WEEK_DAYS)]
    return PlatformOverview(
        followers=metric(float(series.iloc[-1]) if not series.empty else None, int(not series.empty),
                         "latest snapshot"),
        growth=tuple(_growth(series, d) for d in GROWTH_WINDOWS),
        engagement_rate=metric(rated.median() if len(rated) else None, len(rated),
                               f"median of last {RECENT_POSTS} posts, by followers"),
        engagement_rate_by_views=_by_views(last) if is_video else None,
        avg_likes=metric(last["likes"].mean() if len(last) else None, len(last), "mean of last 12 posts"),
        avg_comments=metric(last["comments"].mean() if len(last) else None, len(last), "mean of last 12 posts"),
        avg_views=_avg_views(last) if is_video or last["views"].notna().any() else None,
        posts_per_week=metric(len(window) / (POSTS_PER_WEEK_DAYS / 7) if len(posts) else None, len(posts),
                              "posts in the last 90 days ÷ 12.9 weeks"),
    )


def _by_views(last: pd.DataFrame) -> Metric:
    rated = last["view_rate"].dropna()
    return metric(rated.median() if len(rated) else None, len(rated), "median of last 12 posts, by views")


def _avg_views(last: pd.DataFrame) -> Metric:
    views = pd.to_numeric(last["views"], errors="coerce").dropna()
    return metric(views.mean() if len(views) else None, len(views), "mean of last 12 posts with views")
