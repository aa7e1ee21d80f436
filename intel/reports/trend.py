"""The follower trend as a small vector chart: a polyline per platform, drawn by the template as inline SVG.

Only numbers and dates go into the SVG (no user text), and the template escapes them anyway.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from intel.analytics.result import TrendPoint, platform_label
from intel.views.tables import fmt_value

WIDTH, HEIGHT, PAD = 480.0, 110.0, 6.0


@dataclass(frozen=True)
class TrendChart:
    """One platform's followers over time: SVG polyline points, and the labels at its ends."""

    platform: str
    points: str
    first_day: str
    last_day: str
    low: str
    high: str
    days: int


def trend_chart(platform: str, series: Sequence[TrendPoint]) -> TrendChart | None:
    """The chart of one platform's daily followers (oldest first); None with fewer than two days."""
    if len(series) < 2:
        return None
    values = [v for _, v in series]
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = (WIDTH - 2 * PAD) / (len(series) - 1)
    coords = " ".join(f"{PAD + i * step:.1f},{HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD):.1f}"
                      for i, v in enumerate(values))
    return TrendChart(platform_label(platform), coords, series[0][0], series[-1][0], fmt_value(low), fmt_value(high),
                      len(series))


def trend_charts(trend: Mapping[str, Sequence[TrendPoint]]) -> tuple[TrendChart, ...]:
    """A chart per platform with at least two days of followers."""
    charts = (trend_chart(platform, series) for platform, series in trend.items())
    return tuple(c for c in charts if c is not None)
