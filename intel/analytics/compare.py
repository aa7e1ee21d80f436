"""Side-by-side comparison of 2–6 talents, with each figure's percentile within the roster."""

from __future__ import annotations

from typing import Literal

import pandas as pd

from intel.analytics.result import SocialIntelligence, platform_label
from intel.analytics.roster import RosterRow
from intel.analytics.summary import summarize
from intel.db.models import PLATFORMS

MIN_TALENTS, MAX_TALENTS = 2, 6
# Roster figure → comparison column; percentiles are computed against every talent of the roster that has
# data (a talent without connected accounts or imported data is no member of the population).
RankedKey = Literal["total_followers", "growth_30d_pct", "sentiment", "health"]
RANKED: dict[RankedKey, str] = {"total_followers": "Followers", "growth_30d_pct": "30-day growth %",
                                "sentiment": "Sentiment", "health": "Health"}


def percentile_rank(value: float | None, population: list[float]) -> float | None:
    """Share of the population at or below `value`, in % (None when either is missing)."""
    if value is None or not population:
        return None
    return round(sum(v <= value for v in population) / len(population) * 100, 1)


def engagement_column(platform: str) -> str:
    """The comparison column of one platform's engagement rate ("Engagement % · TikTok")."""
    return f"Engagement % · {platform_label(platform)}"


def growth_column(days: int = 30) -> str:
    """The comparison column of follower growth over `days` (a period's length; 30 on the compare page)."""
    return f"{days}-day growth %"


def ranked_values(intel: SocialIntelligence, growth_days: int = 30) -> dict[RankedKey, float | None]:
    """The ranked figures of one talent (all None without data); growth is over `growth_days` (a window's)."""
    if not intel.has_data:
        return dict.fromkeys(RANKED)
    summary = summarize(intel)
    values: dict[RankedKey, float | None] = {k: summary[k] for k in RANKED}
    if growth_days != 30:
        growth = next((g for g in intel.overview.total_growth if g.days == growth_days), None)
        values["growth_30d_pct"] = None if growth is None else growth.percent.value
    return values


def roster_populations(roster: list[RosterRow]) -> dict[RankedKey, list[float]]:
    """Each ranked figure of the roster's talents with data (a talent without data is no member)."""
    members = [r for r in roster if r.has_data]
    return {k: [getattr(r, k) for r in members if getattr(r, k) is not None] for k in RANKED}


def compare_frame(intels: list[SocialIntelligence], roster: list[RosterRow], *, growth_days: int = 30,
                  populations: dict[RankedKey, list[float]] | None = None) -> pd.DataFrame:
    """One row per talent: KPIs, engagement per platform (never mixed) and percentiles within `populations`
    (default: the roster's talents with data)."""
    populations = roster_populations(roster) if populations is None else populations
    rows = []
    for intel in intels:
        values = ranked_values(intel, growth_days)
        row: dict[str, object] = {"Talent": intel.talent_name, "Data": "Demo" if intel.is_demo else "Real"}
        for key, column in RANKED.items():
            column = growth_column(growth_days) if key == "growth_30d_pct" else column
            row[column] = values[key]
            row[f"{column} percentile"] = percentile_rank(values[key], populations[key])
        for platform in PLATFORMS:
            overview = intel.overview.platforms.get(platform)
            row[engagement_column(platform)] = None if overview is None else overview.engagement_rate.value
        row["Computed at"] = intel.computed_at
        rows.append(row)
    return pd.DataFrame(rows)
