"""The rules over one SocialIntelligence value: pure functions, each returning the findings that hold now.

A finding names its rule and scope (a platform, or "" for the talent), a level (1 = at the threshold; each
doubling of the excess is one level more, up to 3: the condition "got worse"), a plain-text title and message
with the figures and sample sizes, and those figures as data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from intel.alerts.significance import share_rose
from intel.analytics.result import SocialIntelligence, platform_label
from intel.analytics.sentiment_section import (
    WARNING_BASELINE_DAYS,
    WARNING_MARGIN_POINTS,
    WARNING_MIN_COMMENTS,
    WARNING_RECENT_DAYS,
)
from intel.config import RuleThresholds

MAX_LEVEL = 3


@dataclass(frozen=True)
class Finding:
    """One condition that holds: which rule, where, how bad, in words and in figures."""

    rule: str
    scope: str
    level: int
    title: str
    message: str
    figures: dict[str, Any] = field(default_factory=dict)


def level_for(excess: float) -> int:
    """1 at the threshold (excess 1×), +1 per doubling, at most MAX_LEVEL."""
    if excess <= 1:
        return 1
    return min(MAX_LEVEL, 1 + int(math.log2(excess)))


def negative_comments(intel: SocialIntelligence, limits: RuleThresholds) -> list[Finding]:
    """Negative-comment share of the last 7 days well above the talent's own baseline of the 30 days before."""
    warning = intel.sentiment.early_warning
    recent, base = warning.recent_negative_share, warning.baseline_negative_share
    if recent.value is None or base.value is None or recent.n < WARNING_MIN_COMMENTS:
        return []
    if recent.value < base.value + WARNING_MARGIN_POINTS or recent.value < base.value * limits.negative_ratio:
        return []
    if not share_rose(round(recent.value * recent.n / 100), recent.n, round(base.value * base.n / 100), base.n):
        return []  # within what chance gives samples this size
    ratio = recent.value / base.value if base.value > 0 else float(MAX_LEVEL * 4)
    return [Finding(
        "negative_comments", "", level_for(ratio / limits.negative_ratio),
        f"{intel.talent_name}: negative comments up",
        f"{recent.value:.0f}% of {recent.n} scored comments on posts of the last {WARNING_RECENT_DAYS} days are "
        f"negative, against {base.value:.0f}% of {base.n} on posts of the {WARNING_BASELINE_DAYS} days before "
        f"(rule: ≥ {limits.negative_ratio:g}× and ≥ {WARNING_MARGIN_POINTS:.0f} points above, and significantly).",
        {"recent_share": round(recent.value, 2), "recent_n": recent.n, "baseline_share": round(base.value, 2),
         "baseline_n": base.n, "ratio_threshold": limits.negative_ratio})]


def follower_drop(intel: SocialIntelligence, limits: RuleThresholds) -> list[Finding]:
    """A platform lost at least the threshold's percent of its followers over the window."""
    found: list[Finding] = []
    for platform, overview in sorted(intel.overview.platforms.items()):
        growth = next((g for g in overview.growth if g.days == limits.follower_drop_days), None)
        if growth is None or growth.percent.value is None or growth.absolute.value is None:
            continue
        drop = -growth.percent.value
        if drop < limits.follower_drop_pct:
            continue
        found.append(Finding(
            "follower_drop", platform, level_for(drop / limits.follower_drop_pct),
            f"{intel.talent_name}: {platform_label(platform)} followers down {drop:.1f}%",
            f"{platform_label(platform)} lost {-growth.absolute.value:,.0f} followers ({drop:.1f}%) in "
            f"{growth.days} days (n = {growth.percent.n} daily snapshots; rule: a drop of "
            f"≥ {limits.follower_drop_pct:g}%).",
            {"platform": platform, "days": growth.days, "lost": -growth.absolute.value, "percent": round(drop, 2),
             "snapshots": growth.percent.n, "threshold_pct": limits.follower_drop_pct}))
    return found


def stale_data(intel: SocialIntelligence) -> list[Finding]:
    """The snapshots or a connected profile's sync are older than the freshness thresholds."""
    fresh = intel.freshness
    if not intel.has_data or not fresh.is_stale:
        return []
    stale = [p for p in fresh.profiles if p.stale]
    names = ", ".join(platform_label(p.platform) for p in stale) or "snapshots"
    return [Finding(
        "stale_data", "", 1, f"{intel.talent_name}: data is stale",
        f"Newest snapshot {fresh.newest_snapshot_on or 'none'}; stale: {names} (thresholds: snapshots "
        f"{fresh.thresholds_hours.snapshot} h, syncs {fresh.thresholds_hours.sync} h).",
        {"newest_snapshot_on": fresh.newest_snapshot_on, "stale_profiles": [p.platform for p in stale],
         "snapshot_stale": fresh.snapshot_stale, "sync_stale": fresh.sync_stale})]


def intelligence_findings(intel: SocialIntelligence, limits: RuleThresholds) -> list[Finding]:
    """Every rule over the intelligence value."""
    return [*negative_comments(intel, limits), *follower_drop(intel, limits), *stale_data(intel)]
