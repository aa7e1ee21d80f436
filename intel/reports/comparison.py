"""The comparison report's content (2–6 talents, managers): the compare page's table turned so each talent is a
column, each ranked figure followed by its percentile within the roster, and bar charts of followers and
engagement. Pure: the caller passes the talents' intelligence, the compare page's frame and the populations.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from intel.analytics.compare import RANKED, RankedKey, engagement_column, growth_column
from intel.analytics.result import Metric, SocialIntelligence, platform_label
from intel.reports.bars import BarChart, bar_chart
from intel.reports.sections import Row, cell
from intel.views.charts import platform_color
from intel.views.compare_charts import talent_labels
from intel.views.tables import Kind, fmt_value

KINDS: Mapping[RankedKey, Kind] = {"total_followers": "count", "growth_30d_pct": "percent", "sentiment": "score",
                                   "health": "points"}


@dataclass(frozen=True)
class ComparisonSections:
    """Everything the comparison template draws, as text: one column per talent."""

    talents: tuple[str, ...]
    rows: tuple[Row, ...]
    charts: tuple[BarChart, ...]
    sources: tuple[Row, ...]


def names(intels: list[SocialIntelligence]) -> tuple[str, ...]:
    """The talents' names, told apart by id where two share one (unescaped: the template escapes)."""
    return tuple(html.unescape(label) for label in talent_labels(intels))


def build_comparison(intels: list[SocialIntelligence], frame: pd.DataFrame, sizes: Mapping[RankedKey, int],
                     kind: str, accent: str, growth_days: int = 30) -> ComparisonSections:
    """The report's table, charts and sources; `sizes`: how many `kind` ("real"/"demo") talents each
    percentile ranks among."""
    rows: list[Row] = []
    for key, column in RANKED.items():
        column = growth_column(growth_days) if key == "growth_30d_pct" else column
        rows.append((column, *(cell(_metric(i, key, growth_days), KINDS[key]) for i in intels)))
        basis = f"{column} percentile (among the {sizes[key]} {kind} talents with this figure)"
        rows.append((basis, *(fmt_value(v, "percentile") for v in frame[f"{column} percentile"])))
    for platform in _platforms(intels):
        rows.append((engagement_column(platform), *(cell(_engagement(i, platform), "percent") for i in intels)))
    return ComparisonSections(names(intels), tuple(rows), _charts(intels, accent, growth_days), _sources(intels))


def _metric(intel: SocialIntelligence, key: RankedKey, growth_days: int) -> Metric | None:
    """The metric behind a ranked figure (the compare page shows its value), so the report can print its n."""
    if not intel.has_data:
        return None
    if key == "total_followers":
        return intel.overview.total_followers
    if key == "growth_30d_pct":
        growth = next((g for g in intel.overview.total_growth if g.days == growth_days), None)
        return None if growth is None else growth.percent
    return intel.sentiment.overall if key == "sentiment" else intel.community.health.score


def _engagement(intel: SocialIntelligence, platform: str) -> Metric | None:
    overview = intel.overview.platforms.get(platform)
    return None if overview is None else overview.engagement_rate


def _platforms(intels: list[SocialIntelligence]) -> list[str]:
    """The platforms any of the talents has, in a stable order."""
    return sorted({p for i in intels for p in i.overview.platforms})


def _charts(intels: list[SocialIntelligence], accent: str, growth_days: int) -> tuple[BarChart, ...]:
    labels = names(intels)
    followers = [(label, _value(_metric(i, "total_followers", growth_days)),
                  fmt_value(_value(_metric(i, "total_followers", growth_days))), accent)
                 for label, i in zip(labels, intels, strict=True)]
    engagement = [(f"{label} · {platform_label(p)}", _value(_engagement(i, p)),
                   fmt_value(_value(_engagement(i, p)), "percent"), platform_color(p))
                  for p in _platforms(intels) for label, i in zip(labels, intels, strict=True)
                  if p in i.overview.platforms]
    charts = [bar_chart("Followers (all platforms)", followers)]
    if engagement:
        charts.append(bar_chart("Engagement rate by platform (median, by followers)", engagement))
    return tuple(charts)


def _value(m: Metric | None) -> float | None:
    return None if m is None or m.value is None else float(m.value)


def _sources(intels: list[SocialIntelligence]) -> tuple[Row, ...]:
    def as_of(i: SocialIntelligence) -> str:
        return i.freshness.newest_snapshot_on or (i.freshness.newest_post_at or "")[:10] or "no data yet"

    return tuple((label, as_of(i), i.computed_at[:16].replace("T", " "),
                  ", ".join(platform_label(p.platform) for p in i.connected) or "none")
                 for label, i in zip(names(intels), intels, strict=True))
