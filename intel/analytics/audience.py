"""Sentiment and community health, from stored scores and SQL comment aggregates (pure pandas)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from intel.analytics.result import Metric, metric
from intel.text.sentiment import label_for

CAPTION_WEIGHT, COMMENT_WEIGHT = 0.3, 0.7
WARNING_RECENT_DAYS, WARNING_BASELINE_DAYS = 7, 30
WARNING_MIN_COMMENTS = 20
WARNING_MARGIN_POINTS, WARNING_RATIO = 10.0, 1.5
COMMUNITY_DAYS = 90
# Engagement rate (by followers, %) that earns full marks in the health score, per platform.
ENGAGEMENT_BENCHMARK = {"instagram": 3.0, "tiktok": 5.0, "youtube": 2.0}
HEALTH_WEIGHTS = {"sentiment": 0.35, "engagement": 0.30, "conversation_quality": 0.20, "responsiveness": 0.15}
FULL_REPLY_RATE = 10.0

METHOD = {
    "sentiment_overall": (
        f"{CAPTION_WEIGHT:.0%} mean caption score + {COMMENT_WEIGHT:.0%} mean audience-comment score "
        "(0–1; the talent's own replies and spam excluded); one side alone when the other has no data."
    ),
    "early_warning": (
        f"Fires when ≥{WARNING_MIN_COMMENTS} comments on posts of the last {WARNING_RECENT_DAYS} days are "
        f"negative at a share ≥ {WARNING_MARGIN_POINTS:.0f} points above and ≥ {WARNING_RATIO}× the share "
        f"on posts of the {WARNING_BASELINE_DAYS} days before."
    ),
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


def sentiment_section(
    posts: pd.DataFrame, days: pd.DataFrame, extremes: list[dict[str, Any]], now: datetime
) -> tuple[dict[str, Any], dict[str, str]]:
    """The sentiment section and its methodology."""
    captions = posts["sentiment_score"].dropna()
    n_comments = int(posts["c_scored"].sum())
    comment_mean = float(posts["c_sum_score"].sum()) / n_comments if n_comments else None
    caption_mean = float(captions.mean()) if len(captions) else None
    overall = _weighted({"captions": (caption_mean, CAPTION_WEIGHT), "comments": (comment_mean, COMMENT_WEIGHT)})
    section = {
        "overall": metric(overall, len(captions) + n_comments, "captions 30% + comments 70%"),
        "overall_label": None if overall is None else label_for(overall),
        "captions": metric(caption_mean, len(captions), "mean caption score"),
        "comments": metric(comment_mean, n_comments, "mean audience-comment score"),
        "comment_shares": _shares(posts[["c_pos", "c_neu", "c_neg"]].sum(), n_comments),
        "caption_shares": _shares(posts["sentiment_label"].value_counts().rename(
            {"positive": "c_pos", "neutral": "c_neu", "negative": "c_neg"}), len(captions)),
        "weekly": _weekly(days, posts),
        "most_positive": [e for e in extremes if e["extreme"] == "positive"],
        "most_negative": [e for e in extremes if e["extreme"] == "negative"],
        "sponsored_vs_organic": _sponsored(posts),
        "early_warning": _early_warning(posts, now),
    }
    return section, METHOD


def _weighted(parts: dict[str, tuple[float | None, float]]) -> float | None:
    present = [(v, w) for v, w in parts.values() if v is not None]
    total = sum(w for _, w in present)
    return sum(v * w for v, w in present) / total if total else None


def _shares(counts: pd.Series, n: int) -> dict[str, Metric]:
    return {
        label: metric(float(counts.get(key, 0)) / n * 100 if n else None, n, "% of scored texts")
        for label, key in (("positive", "c_pos"), ("neutral", "c_neu"), ("negative", "c_neg"))
    }


def _week_start(stamps: pd.Series) -> pd.Series:
    """The Monday (00:00) of each timestamp's week."""
    days = stamps.dt.normalize()
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


def _weekly(days: pd.DataFrame, posts: pd.DataFrame) -> list[dict[str, Any]]:
    """Weeks (Monday start) with comment and caption sentiment; weeks without any data are left out."""
    cols = ["n_scored", "sum_score", "n_pos", "n_neu", "n_neg"]
    comments = days.groupby(_week_start(days["day"]))[cols].sum() if len(days) else pd.DataFrame(columns=cols)
    captioned = posts.dropna(subset=["sentiment_score"])
    captions = captioned.groupby(_week_start(captioned["posted_at"].dt.tz_convert(None)))["sentiment_score"].agg(
        ["mean", "count"]) if len(captioned) else pd.DataFrame(columns=["mean", "count"])
    frame = comments.join(captions, how="outer").sort_index()
    rows = []
    for week, n_scored, sum_score, n_pos, n_neu, n_neg, mean, count in frame.itertuples():
        n = 0 if pd.isna(n_scored) else int(n_scored)
        shares = {lab: (k / n * 100 if n else None) for lab, k in (("positive", n_pos), ("neutral", n_neu),
                                                                    ("negative", n_neg))}
        rows.append({
            "week": week.date().isoformat(), "comments": n,
            "comment_score": round(sum_score / n, 4) if n else None,
            **{f"{lab}_share": None if v is None else round(float(v), 2) for lab, v in shares.items()},
            "captions": 0 if pd.isna(count) else int(count),
            "caption_score": None if pd.isna(mean) else round(float(mean), 4),
        })
    return rows


def _sponsored(posts: pd.DataFrame) -> dict[str, Metric]:
    result = {}
    for kind, part in (("sponsored", posts[posts["is_sponsored"].astype(bool)]),
                       ("organic", posts[~posts["is_sponsored"].astype(bool)])):
        n = int(part["c_scored"].sum())
        result[kind] = metric(float(part["c_sum_score"].sum()) / n if n else None, n,
                              "mean audience-comment score")
    return result


def _early_warning(posts: pd.DataFrame, now: datetime) -> dict[str, Any]:
    stamp = pd.Timestamp(now)
    recent_start = stamp - pd.Timedelta(days=WARNING_RECENT_DAYS)
    base_start = recent_start - pd.Timedelta(days=WARNING_BASELINE_DAYS)
    recent = posts[posts["posted_at"] >= recent_start]
    base = posts[(posts["posted_at"] >= base_start) & (posts["posted_at"] < recent_start)]
    r_n, b_n = int(recent["c_scored"].sum()), int(base["c_scored"].sum())
    r_share = float(recent["c_neg"].sum()) / r_n * 100 if r_n else None
    b_share = float(base["c_neg"].sum()) / b_n * 100 if b_n else None
    triggered = bool(
        r_share is not None and b_share is not None and r_n >= WARNING_MIN_COMMENTS
        and r_share >= b_share + WARNING_MARGIN_POINTS and r_share >= b_share * WARNING_RATIO
    )
    return {
        "triggered": triggered,
        "recent_negative_share": metric(r_share, r_n, f"posts of the last {WARNING_RECENT_DAYS} days"),
        "baseline_negative_share": metric(b_share, b_n, f"posts of the {WARNING_BASELINE_DAYS} days before"),
        "rule": METHOD["early_warning"],
    }


def community_section(posts: pd.DataFrame, now: datetime) -> tuple[dict[str, Any], dict[str, str]]:
    """The community-health section and its methodology."""
    window = posts[posts["posted_at"] >= pd.Timestamp(now) - pd.Timedelta(days=COMMUNITY_DAYS)]
    platforms = {str(p): _platform_community(g) for p, g in window.groupby("platform")}
    audience = int(posts["c_audience"].sum())
    replies = int(posts["c_replies"].sum())

    def share(col: str) -> Metric:
        return metric(float(posts[col].sum()) / audience * 100 if audience else None, audience,
                      "% of fetched audience comments")

    section: dict[str, Any] = {
        "platforms": platforms,
        "reply_rate": metric(replies / audience * 100 if audience else None, audience,
                             "talent replies per 100 audience comments"),
        "spam_share": share("c_spam"),
        "emoji_only_share": share("c_emoji_only"),
        "generic_share": share("c_generic"),
    }
    section["health"] = _health(posts, section)
    return section, METHOD


def _platform_community(group: pd.DataFrame) -> dict[str, Metric]:
    followers = group["followers_at_post"].where(group["followers_at_post"] > 0)
    n = len(group)
    result = {}
    for name, col in (("conversation", "comments"), ("amplification", "shares"), ("applause", "likes")):
        per_k = (group[col] / followers * 1000).dropna()
        result[f"{name}_per_post"] = metric(group[col].mean() if n else None, n, f"{col} per post")
        result[f"{name}_per_1000_followers"] = metric(per_k.mean() if len(per_k) else None, len(per_k),
                                                      f"{col} per post per 1,000 followers")
    likes = float(group["likes"].sum())
    result["comment_to_like"] = metric(float(group["comments"].sum()) / likes if likes else None, n,
                                       "Σcomments ÷ Σlikes")
    return result


def _health(posts: pd.DataFrame, section: dict[str, Any]) -> dict[str, Any]:
    audience_mean = _mean_score(posts)
    engagement = _engagement_component(posts)
    spam, generic = section["spam_share"]["value"], section["generic_share"]["value"]
    reply = section["reply_rate"]["value"]
    values = {
        "sentiment": None if audience_mean is None else audience_mean * 100,
        "engagement": engagement,
        "conversation_quality": None if spam is None else max(0.0, 100 - spam - 0.5 * (generic or 0)),
        "responsiveness": None if reply is None else min(reply / FULL_REPLY_RATE, 1.0) * 100,
    }
    score = _weighted({k: (v, HEALTH_WEIGHTS[k]) for k, v in values.items()})
    return {
        "score": metric(None if score is None else round(score, 1), sum(v is not None for v in values.values()),
                        "available components"),
        "components": {
            k: {"value": None if v is None else round(v, 1), "weight": HEALTH_WEIGHTS[k], "available": v is not None}
            for k, v in values.items()
        },
    }


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
