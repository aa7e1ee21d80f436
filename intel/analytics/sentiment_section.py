"""The sentiment section: captions and audience comments, weekly, extremes, early warning (pure pandas)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from intel.analytics.decode import decode
from intel.analytics.languages import METHOD as LANGUAGE_METHOD
from intel.analytics.languages import comment_languages
from intel.analytics.result import (
    EarlyWarning,
    ExtremeComment,
    Sentiment,
    SentimentWeek,
    Shares,
    SponsoredSplit,
    metric,
)
from intel.text.sentiment import label_for

CAPTION_WEIGHT, COMMENT_WEIGHT = 0.3, 0.7
WARNING_RECENT_DAYS, WARNING_BASELINE_DAYS = 7, 30
WARNING_MIN_COMMENTS = 20
WARNING_MARGIN_POINTS, WARNING_RATIO = 10.0, 1.5

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
    **LANGUAGE_METHOD,
}


def sentiment_section(
    posts: pd.DataFrame, days: pd.DataFrame, extremes: list[dict[str, object]], now: datetime,
    languages: pd.DataFrame,
) -> Sentiment:
    """The sentiment section (`extremes` and `languages` are the facts' extreme-comment and per-language rows)."""
    captions = posts["sentiment_score"].dropna()
    n_comments = int(posts["c_scored"].sum())
    comment_mean = float(posts["c_sum_score"].sum()) / n_comments if n_comments else None
    caption_mean = float(captions.mean()) if len(captions) else None
    overall = weighted_mean([(caption_mean, CAPTION_WEIGHT), (comment_mean, COMMENT_WEIGHT)])
    comments = tuple(decode(ExtremeComment, e) for e in extremes)
    return Sentiment(
        overall=metric(overall, len(captions) + n_comments, "captions 30% + comments 70%"),
        overall_label=None if overall is None else label_for(overall),
        captions=metric(caption_mean, len(captions), "mean caption score"),
        comments=metric(comment_mean, n_comments, "mean audience-comment score"),
        comment_shares=_shares(posts[["c_pos", "c_neu", "c_neg"]].sum(), n_comments),
        caption_shares=_shares(posts["sentiment_label"].value_counts().rename(
            {"positive": "c_pos", "neutral": "c_neu", "negative": "c_neg"}), len(captions)),
        weekly=_weekly(days, posts),
        most_positive=tuple(c for c in comments if c.extreme == "positive"),
        most_negative=tuple(c for c in comments if c.extreme == "negative"),
        sponsored_vs_organic=_sponsored(posts),
        early_warning=_early_warning(posts, now),
        languages=comment_languages(languages),
    )


def weighted_mean(parts: list[tuple[float | None, float]]) -> float | None:
    """Mean of the available (value, weight) pairs, their weights rescaled to sum to 1; None if none is."""
    present = [(v, w) for v, w in parts if v is not None]
    total = sum(w for _, w in present)
    return sum(v * w for v, w in present) / total if total else None


def _shares(counts: pd.Series, n: int) -> Shares:
    def share(key: str) -> float | None:
        return float(counts.get(key, 0)) / n * 100 if n else None

    basis = "% of scored texts"
    return Shares(positive=metric(share("c_pos"), n, basis), neutral=metric(share("c_neu"), n, basis),
                  negative=metric(share("c_neg"), n, basis))


def _week_start(stamps: pd.Series) -> pd.Series:
    """The Monday (00:00) of each timestamp's week."""
    days = stamps.dt.normalize()
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")


def _weekly(days: pd.DataFrame, posts: pd.DataFrame) -> tuple[SentimentWeek, ...]:
    """Weeks (Monday start) with comment and caption sentiment; weeks without any data are left out."""
    cols = ["n_scored", "sum_score", "n_pos", "n_neu", "n_neg"]
    comments = days.groupby(_week_start(days["day"]))[cols].sum() if len(days) else pd.DataFrame(columns=cols)
    captioned = posts.dropna(subset=["sentiment_score"])
    captions = captioned.groupby(_week_start(captioned["posted_at"].dt.tz_convert(None)))["sentiment_score"].agg(
        ["mean", "count"]) if len(captioned) else pd.DataFrame(columns=["mean", "count"])
    frame = comments.join(captions, how="outer").sort_index()

    def share(k: float, n: int) -> float | None:
        return round(float(k / n * 100), 2) if n else None

    rows = []
    for week, n_scored, sum_score, n_pos, n_neu, n_neg, mean, count in frame.itertuples():
        n = 0 if pd.isna(n_scored) else int(n_scored)
        rows.append(SentimentWeek(
            week=week.date().isoformat(), comments=n,
            comment_score=round(float(sum_score / n), 4) if n else None,
            positive_share=share(n_pos, n), neutral_share=share(n_neu, n), negative_share=share(n_neg, n),
            captions=0 if pd.isna(count) else int(count),
            caption_score=None if pd.isna(mean) else round(float(mean), 4),
        ))
    return tuple(rows)


def _sponsored(posts: pd.DataFrame) -> SponsoredSplit:
    def mean_comment_score(part: pd.DataFrame) -> tuple[float | None, int]:
        n = int(part["c_scored"].sum())
        return (float(part["c_sum_score"].sum()) / n if n else None), n

    flag = posts["is_sponsored"].astype(bool)
    basis = "mean audience-comment score"
    return SponsoredSplit(sponsored=metric(*mean_comment_score(posts[flag]), basis),
                          organic=metric(*mean_comment_score(posts[~flag]), basis))


def _early_warning(posts: pd.DataFrame, now: datetime) -> EarlyWarning:
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
    return EarlyWarning(
        triggered=triggered,
        recent_negative_share=metric(r_share, r_n, f"posts of the last {WARNING_RECENT_DAYS} days"),
        baseline_negative_share=metric(b_share, b_n, f"posts of the {WARNING_BASELINE_DAYS} days before"),
        rule=METHOD["early_warning"],
    )
