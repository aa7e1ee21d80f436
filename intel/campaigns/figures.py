"""A campaign's figures: per post and in total, each against the talent's organic baseline (pure pandas).

Lift is a ratio: a campaign post's figure ÷ the median of the same talent's organic posts on the same platform
in the `BASELINE_DAYS` before the campaign started (organic: not flagged sponsored and attributed to no
campaign). It rests on at least `MIN_BASELINE` such posts, else it is unavailable. Costs divide the fee by
the figures it bought; estimated media value uses per-platform rates from settings and is always an estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from intel.analytics.result import Metric, metric, platform_label

BASELINE_DAYS = 90
MIN_BASELINE = 3
FIGURES = ("views", "interactions", "rate")
_NAMES = {"views": "views", "interactions": "interactions", "rate": "engagement rate"}


@dataclass(frozen=True)
class PostFigures:
    """One campaign post: its figures and their lifts over the baseline."""

    post_id: int
    talent_id: int
    platform: str
    views: Metric
    interactions: Metric
    rate: Metric
    views_lift: Metric
    interactions_lift: Metric
    rate_lift: Metric


@dataclass(frozen=True)
class CampaignTotals:
    """The campaign's totals; costs in the campaign's currency, media value in the rates' currency."""

    posts: int
    views: Metric
    interactions: Metric
    rate: Metric
    views_lift: Metric
    interactions_lift: Metric
    cost_per_engagement: Metric
    cost_per_mille: Metric
    media_value: Metric


def baselines(organic: pd.DataFrame) -> dict[tuple[int, str, str], tuple[float | None, int]]:
    """(talent, platform, figure) → (median, n) over the organic baseline posts that have that figure."""
    found: dict[tuple[int, str, str], tuple[float | None, int]] = {}
    for (talent, platform), group in organic.groupby(["talent_id", "platform"]):
        for name in FIGURES:
            values = pd.to_numeric(group[name], errors="coerce").dropna()
            found[(int(talent), str(platform), name)] = (float(values.median()) if len(values) else None,
                                                          len(values))
    return found


def post_figures(posts: pd.DataFrame, organic: pd.DataFrame) -> list[PostFigures]:
    """Figures and lifts of every campaign post (a post without views has its views figures unavailable)."""
    base = baselines(organic)
    result = []
    for row in posts.itertuples(index=False):
        values = {name: _value(getattr(row, name)) for name in FIGURES}
        figures = {name: _figure(name, values[name]) for name in FIGURES}
        lifts = {name: _lift(name, values[name], base.get((int(row.talent_id), str(row.platform), name)),
                             str(row.platform)) for name in FIGURES}
        result.append(PostFigures(int(row.post_id), int(row.talent_id), str(row.platform), figures["views"],
                                  figures["interactions"], figures["rate"], lifts["views"],
                                  lifts["interactions"], lifts["rate"]))
    return result


def totals(figures: list[PostFigures], *, fee: float | None, fee_note: str, currency: str,
           rates: Mapping[str, float], rates_currency: str) -> CampaignTotals:
    """Sums, medians and costs over the campaign's posts; `fee` is None when any talent's fee is unknown."""
    n = len(figures)
    with_views = [f for f in figures if f.views.value is not None]
    views = sum(f.views.value or 0 for f in with_views)
    interactions = sum(f.interactions.value or 0 for f in figures)
    all_views = len(with_views) == n
    views_basis = (f"sum over {n} posts" if all_views
                   else f"unavailable: {n - len(with_views)} of {n} posts have no view count")
    return CampaignTotals(
        posts=n,
        views=metric(views if all_views else None, n, views_basis),
        interactions=metric(interactions, n, f"likes + comments + shares + saves, summed over {n} posts"),
        rate=_median([f.rate for f in figures], "median engagement rate of the campaign's posts"),
        views_lift=_median([f.views_lift for f in figures], "median of the posts' views lifts"),
        interactions_lift=_median([f.interactions_lift for f in figures], "median of the posts' interactions lifts"),
        cost_per_engagement=_cost(fee, interactions if n else None, 1, n, f"fee ÷ interactions ({fee_note})",
                                  currency),
        cost_per_mille=_cost(fee, views if all_views and views else None, 1000, n,
                             f"fee ÷ views × 1,000 ({fee_note})", currency),
        media_value=_media_value(with_views, n, rates, rates_currency),
    )


def _value(raw: object) -> float | None:
    number = pd.to_numeric(raw, errors="coerce")
    return None if pd.isna(number) else float(number)


def _figure(name: str, value: float | None) -> Metric:
    basis = {"views": "views the platform reports", "interactions": "likes + comments + shares + saves",
             "rate": "interactions ÷ followers on the post's day × 100"}[name]
    return metric(value, 1 if value is not None else 0, basis)


def _lift(name: str, value: float | None, base: tuple[float | None, int] | None, platform: str) -> Metric:
    median, n = base if base is not None else (None, 0)
    basis = (f"{_NAMES[name]} ÷ median of the talent's {n} organic {platform_label(platform)} posts in the "
             f"{BASELINE_DAYS} days before the campaign")
    if n < MIN_BASELINE:
        return Metric(None, n, f"unavailable: fewer than {MIN_BASELINE} organic {platform_label(platform)} posts "
                      f"with {_NAMES[name]} in the {BASELINE_DAYS} days before the campaign", "unavailable")
    if value is None:
        return Metric(None, n, f"unavailable: the post has no {_NAMES[name]}", "unavailable")
    if median is None or median <= 0:
        return Metric(None, n, f"unavailable: the baseline's median {_NAMES[name]} is 0", "unavailable")
    return metric(value / median, n, basis)


def _median(metrics: list[Metric], basis: str) -> Metric:
    values = [m.value for m in metrics if m.value is not None]
    return metric(float(pd.Series(values).median()) if values else None, len(values), f"{basis} (n = {len(values)})")


def _cost(fee: float | None, amount: float | None, per: int, n: int, basis: str, currency: str) -> Metric:
    if fee is None or not amount:
        return Metric(None, n, f"unavailable: {basis}", "unavailable")
    return metric(fee / amount * per, n, f"{basis}, {currency.upper()}")


def _media_value(with_views: list[PostFigures], n: int, rates: Mapping[str, float], currency: str) -> Metric:
    priced = [f for f in with_views if f.platform in rates]
    value = sum((f.views.value or 0) / 1000 * rates[f.platform] for f in priced)
    basis = (f"estimate: views ÷ 1,000 × the platform's rate (INTEL_EMV_RATES, {currency.upper()}) over "
             f"{len(priced)} of {n} posts")
    return metric(value if priced else None, len(priced), basis, estimated=True)
