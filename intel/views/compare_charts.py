"""Comparison figures across several talents (managers' view), pure like `intel.charts`.

Talent names are user text: they are escaped and, when two talents share a name, told apart by id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from intel.analytics.result import Metric, SocialIntelligence, TrendPoint
from intel.views.charts import (
    apply_layout,
    escape_text,
    metric_value,
    new_figure,
    no_data_figure,
    percent_axis,
    platform_color,
    platform_label,
    series_color,
)


def talent_labels(intels: Sequence[SocialIntelligence]) -> list[str]:
    """Escaped display names, suffixed with `(#id)` where a name is shared or blank."""
    names = [str(i.talent_name or "").strip() for i in intels]
    counts = Counter(names)
    return [escape_text(f"{name} (#{i.talent_id})" if not name or counts[name] > 1 else name)
            for name, i in zip(names, intels, strict=True)]


def total_followers(trend: Mapping[str, Sequence[TrendPoint]]) -> pd.Series:
    """Daily total followers over platforms, each forward-filled, from the first day all platforms have data."""
    series = {p: pd.Series([float(v) for _, v in pts], index=pd.to_datetime([d for d, _ in pts]))
              for p, pts in trend.items() if pts}
    if not series:
        return pd.Series(dtype="float64")
    frame = pd.DataFrame({p: s[~s.index.duplicated(keep="last")] for p, s in series.items()}).sort_index()
    start = max(s.index.min() for s in series.values())
    return frame.ffill().loc[start:].sum(axis=1)


def _indexed(totals: pd.Series, base: pd.Timestamp) -> pd.Series | None:
    """`totals` from `base` on, as 100 × value ÷ value on `base` (else the latest earlier day); None if impossible."""
    before = totals[totals.index <= base]
    if before.empty or totals.index.max() < base or float(before.iloc[-1]) <= 0:
        return None
    start = float(before.iloc[-1])
    return pd.concat([pd.Series([start], index=[base]), totals[totals.index > base]]) / start * 100


def growth_indexed_figure(intels: Sequence[SocialIntelligence]) -> go.Figure:
    """Total followers per talent indexed to 100 on the first common day, one line per talent.

    A talent's total is the sum over its platforms per day, each platform forward-filled between
    snapshots and counted only from the first day on which every one of its platforms has data
    (so a platform appearing later is no jump). The common day is the latest of those first days
    across talents; a talent whose data ends before it is left out.
    """
    title = "Follower growth (indexed)"
    labels = talent_labels(intels)
    totals = [(label, total_followers(i.follower_trend)) for label, i in zip(labels, intels, strict=True)]
    totals = [(label, t) for label, t in totals if not t.empty]
    if not totals:
        return no_data_figure(title)
    base = max(t.index.min() for _, t in totals)
    fig = new_figure()
    for index, (label, t) in enumerate(totals):
        line = _indexed(t, base)
        if line is None:
            continue
        fig.add_trace(go.Scatter(
            x=[d.date().isoformat() for d in line.index], y=line.round(2).tolist(), mode="lines", name=label,
            line={"color": series_color(index), "width": 2}, hovertemplate="%{fullData.name}: %{y:.1f}<extra></extra>",
        ))
    if not fig.data:
        return no_data_figure(title)
    fig.update_yaxes(title_text="Total followers (100 = common start)")
    return apply_layout(fig, f"{title}, 100 = {base.date().isoformat()}", time_series=True, automargin=True)


def sentiment_compare_figure(intels: Sequence[SocialIntelligence]) -> go.Figure:
    """Weekly mean audience-comment sentiment (0–1), one line per talent."""
    title = "Weekly comment sentiment"
    fig = new_figure()
    for index, (label, intel) in enumerate(zip(talent_labels(intels), intels, strict=True)):
        weeks = [w for w in intel.sentiment.weekly if w.comments]
        if not weeks:
            continue
        fig.add_trace(go.Scatter(
            x=[w.week for w in weeks], y=[w.comment_score for w in weeks], mode="lines+markers",
            name=label, line={"color": series_color(index), "width": 2}, customdata=[w.comments for w in weeks],
            hovertemplate="%{fullData.name}: %{y:.2f} (%{customdata:,} comments)<extra></extra>",
        ))
    if not fig.data:
        return no_data_figure(title)
    fig.update_yaxes(title_text="Mean score (0–1)", range=[0, 1])
    return apply_layout(fig, title, time_series=True, automargin=True)


def engagement_compare_figure(intels: Sequence[SocialIntelligence]) -> go.Figure:
    """Engagement rate (%) per talent, one grouped bar per platform: platforms are never mixed."""
    title = "Engagement rate by platform"
    labels = talent_labels(intels)
    rates: list[dict[str, Metric]] = [{p: o.engagement_rate for p, o in i.overview.platforms.items()}
                                      for i in intels]
    platforms = sorted({p for r in rates for p, m in r.items() if metric_value(m) is not None})
    if not platforms:
        return no_data_figure(title)
    fig = new_figure()
    for platform in platforms:
        pairs = [(label, r[platform]) for label, r in zip(labels, rates, strict=True)
                 if metric_value(r.get(platform)) is not None]
        fig.add_trace(go.Bar(
            x=[label for label, _ in pairs], y=[metric_value(m) for _, m in pairs], name=platform_label(platform),
            marker_color=platform_color(platform), customdata=[m.n for _, m in pairs],
            hovertemplate="%{x} · %{fullData.name}: %{y:.2f}% (median of %{customdata} posts)<extra></extra>",
        ))
    fig.update_layout(barmode="group")
    fig.update_xaxes(categoryorder="array", categoryarray=labels)
    percent_axis(fig, "Engagement rate (median, by followers)")
    return apply_layout(fig, title, automargin=True)
