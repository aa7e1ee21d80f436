"""Content performance: top and bottom posts, media types, sponsored vs organic, best time to post."""

from __future__ import annotations

import numpy as np
import pandas as pd

from intel.analytics.result import BestTime, Content, MediaTypeRate, PostRow, SponsoredSplit, TimeSlot, metric

TOP_POSTS = 5
CAPTION_EXCERPT = 280
# A weekday × hour cell needs this many posts before it can be called the best time.
BEST_SLOT_MIN_POSTS = 3

METHOD = {
    "post_engagement": "A post's engagement rate: interactions ÷ followers at posting time, in %.",
    "best_time": (
        "Per platform, mean engagement rate of posts by weekday and hour of posting in the talent's time zone "
        "(its own, else INTEL_TIMEZONE), daylight saving time included; each cell counts its posts, and the "
        f"best slot needs at least {BEST_SLOT_MIN_POSTS} posts."
    ),
    "sponsored": "Posts flagged sponsored (#ad) against the rest, per platform: median engagement rate.",
}


def content_section(posts: pd.DataFrame, timezone: str = "UTC") -> Content:
    """The content-performance section; the best time to post in `timezone` (an IANA name)."""
    rated = posts.dropna(subset=["rate"])
    ranked = rated.sort_values(["rate", "posted_at"], ascending=[False, False])
    return Content(
        posts_analysed=len(posts),
        posts_with_rate=len(rated),
        top_posts=_post_rows(ranked.head(TOP_POSTS)),
        bottom_posts=_post_rows(ranked.tail(TOP_POSTS).iloc[::-1]) if len(ranked) > TOP_POSTS else (),
        by_media_type=_by_media_type(rated),
        sponsored_vs_organic=_sponsored(rated),
        best_time={str(p): _best_time(group, timezone) for p, group in rated.groupby("platform")},
    )


def _post_rows(frame: pd.DataFrame) -> tuple[PostRow, ...]:
    return tuple(
        PostRow(
            platform=str(r.platform),
            platform_post_id=str(r.platform_post_id),
            posted_at=r.posted_at.isoformat(),
            media_type=str(r.media_type),
            caption=str(r.caption)[:CAPTION_EXCERPT],
            likes=int(r.likes), comments=int(r.comments), shares=int(r.shares),
            saves=int(r.saves), views=None if pd.isna(r.views) else int(r.views),
            is_sponsored=bool(r.is_sponsored),
            engagement_rate=round(float(r.rate), 4),
            sentiment_label=None if pd.isna(r.sentiment_label) else str(r.sentiment_label),
        )
        for r in frame.itertuples()
    )


def _by_media_type(rated: pd.DataFrame) -> tuple[MediaTypeRate, ...]:
    grouped = rated.groupby(["platform", "media_type"])["rate"].agg(["median", "count"]).reset_index()
    return tuple(
        MediaTypeRate(platform=str(r.platform), media_type=str(r.media_type),
                      engagement_rate=metric(r.median, int(r.count), "median engagement rate"))
        for r in grouped.itertuples()
    )


def _sponsored(rated: pd.DataFrame) -> dict[str, SponsoredSplit]:
    def median(part: pd.DataFrame) -> float | None:
        return part["rate"].median() if len(part) else None

    result = {}
    for platform, group in rated.groupby("platform"):
        sponsored, organic = group[group["is_sponsored"].astype(bool)], group[~group["is_sponsored"].astype(bool)]
        result[str(platform)] = SponsoredSplit(
            sponsored=metric(median(sponsored), len(sponsored), "median engagement rate"),
            organic=metric(median(organic), len(organic), "median engagement rate"),
        )
    return result


def _best_time(rated: pd.DataFrame, timezone: str) -> BestTime:
    if rated.empty:
        return BestTime(cells=(), best=None, timezone=timezone)
    # Wall-clock time in the zone, offset by offset: a post at 13:30 UTC is 08:30 in New York in
    # winter and 09:30 in summer, so a talent posting at 9 every day fills one cell all year.
    stamps = rated["posted_at"].dt.tz_convert(timezone)
    slot = (stamps.dt.day_of_week * 24 + stamps.dt.hour).to_numpy()
    # 168 weekday×hour slots: counts and sums in two bincounts instead of a groupby.
    counts = np.bincount(slot, minlength=168)
    sums = np.bincount(slot, weights=rated["rate"].to_numpy(dtype="float64"), minlength=168)
    cells = tuple(
        TimeSlot(weekday=int(i // 24), hour=int(i % 24), engagement_rate=round(float(sums[i] / counts[i]), 4),
                 posts=int(counts[i]))
        for i in np.flatnonzero(counts)
    )
    eligible = [c for c in cells if c.posts >= BEST_SLOT_MIN_POSTS]
    best = max(eligible, key=lambda c: c.engagement_rate) if eligible else None
    return BestTime(cells=cells, best=best, timezone=timezone)
