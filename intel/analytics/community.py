"""The community section: conversation per platform, comment kinds, reply rate and health (pure pandas)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from intel.analytics.result import (
    Community,
    Health,
    HealthComponent,
    HealthComponents,
    Metric,
    PlatformCommunity,
    metric,
)
from intel.analytics.sentiment_section import weighted_mean

COMMUNITY_DAYS = 90
# Engagement rate (by followers, %) that earns full marks in the health score, per platform.
ENGAGEMENT_BENCHMARK = {"instagram": 3.0, "tiktok": 5.0, "youtube": 2.0}
HEALTH_WEIGHTS = {"sentiment": 0.35, "engagement": 0.30, "conversation_quality": 0.20, "responsiveness": 0.15}
FULL_REPLY_RATE = 10.0

METHOD = {
    "community": (
        f"Posts of the last {COMMUNITY_DAYS} days: comments, shares and likes per post, also per 1,000 "
        "followers at posting time; comment-to-like = Σcomments ÷ Σlikes (platform counters)."
    ),
    "health_score": (
        "0–100 = weighted mean of available components: sentiment (audience score × 100, 35%), "
        "engagement (mean over platforms of min(rate ÷ benchmark, 1) × 100, 30%), conversation quality "
        "(100 − spam% − ½ generic%, 20%), responsiveness (min(reply rate ÷ 10%, 1) × 100, 15%); weights of "
        "unavailable components are shared out among the rest."
    ),
}


def community_section(posts: pd.DataFrame, now: datetime) -> Community:
    """The community-health section."""
    window = posts[posts["posted_at"] >= pd.Timestamp(now) - pd.Timedelta(days=COMMUNITY_DAYS)]
    audience = int(posts["c_audience"].sum())
    replies = int(posts["c_replies"].sum())

    def share(col: str) -> Metric:
        return metric(float(posts[col].sum()) / audience * 100 if audience else None, audience,
                      "% of fetched audience comments")

    reply_rate = metric(replies / audience * 100 if audience else None, audience,
                        "talent replies per 100 audience comments")
    spam, generic = share("c_spam"), share("c_generic")
    return Community(
        platforms={str(p): _platform_community(g) for p, g in window.groupby("platform")},
        reply_rate=reply_rate,
        spam_share=spam,
        emoji_only_share=share("c_emoji_only"),
        generic_share=generic,
        health=_health(posts, spam.value, generic.value, reply_rate.value),
    )


def _platform_community(group: pd.DataFrame) -> PlatformCommunity:
    followers = group["followers_at_post"].where(group["followers_at_post"] > 0)
    n = len(group)

    def per_post(col: str) -> Metric:
        return metric(group[col].mean() if n else None, n, f"{col} per post")

    def per_1000(col: str) -> Metric:
        per_k = (group[col] / followers * 1000).dropna()
        return metric(per_k.mean() if len(per_k) else None, len(per_k), f"{col} per post per 1,000 followers")

    likes = float(group["likes"].sum())
    return PlatformCommunity(
        conversation_per_post=per_post("comments"), conversation_per_1000_followers=per_1000("comments"),
        amplification_per_post=per_post("shares"), amplification_per_1000_followers=per_1000("shares"),
        applause_per_post=per_post("likes"), applause_per_1000_followers=per_1000("likes"),
        comment_to_like=metric(float(group["comments"].sum()) / likes if likes else None, n, "Σcomments ÷ Σlikes"),
    )


def _health(posts: pd.DataFrame, spam: float | None, generic: float | None, reply: float | None) -> Health:
    audience_mean = _mean_score(posts)
    values = {
        "sentiment": None if audience_mean is None else audience_mean * 100,
        "engagement": _engagement_component(posts),
        "conversation_quality": None if spam is None else max(0.0, 100 - spam - 0.5 * (generic or 0)),
        "responsiveness": None if reply is None else min(reply / FULL_REPLY_RATE, 1.0) * 100,
    }
    score = weighted_mean([(v, HEALTH_WEIGHTS[k]) for k, v in values.items()])
    components = {
        k: HealthComponent(value=None if v is None else round(v, 1), weight=HEALTH_WEIGHTS[k], available=v is not None)
        for k, v in values.items()
    }
    return Health(
        score=metric(None if score is None else round(score, 1), sum(v is not None for v in values.values()),
                     "available components"),
        components=HealthComponents(**components),
    )


def _mean_score(posts: pd.DataFrame) -> float | None:
    n = float(posts["c_scored"].sum())
    return float(posts["c_sum_score"].sum()) / n if n else None


def _engagement_component(posts: pd.DataFrame) -> float | None:
    parts = []
    for platform, group in posts.groupby("platform"):
        rate = group.tail(12)["rate"].dropna()
        bench = ENGAGEMENT_BENCHMARK.get(str(platform))
        if len(rate) and bench:
            parts.append(min(float(rate.median()) / bench, 1.0) * 100)
    return sum(parts) / len(parts) if parts else None
