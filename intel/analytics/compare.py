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


def compare_frame(intels: list[SocialIntelligence], roster: list[RosterRow]) -> pd.DataFrame:
    """One row per talent: KPIs, engagement per platform (never mixed) and roster percentiles."""
    members = [r for r in roster if r.has_data]
    populations = {k: [getattr(r, k) for r in members if getattr(r, k) is not None] for k in RANKED}
    rows = []
    for intel in intels:
        summary = summarize(intel)
        row: dict[str, object] = {"Talent": intel.talent_name, "Data": "Demo" if intel.is_demo else "Real"}
        for key, column in RANKED.items():
            value = summary[key] if intel.has_data else None
            row[column] = value
            row[f"{column} percentile"] = percentile_rank(value, populations[key])
        for platform in PLATFORMS:
            overview = intel.overview.platforms.get(platform)
            row[engagement_column(platform)] = None if overview is None else overview.engagement_rate.value
        row["Computed at"] = intel.computed_at
        rows.append(row)
    return pd.DataFrame(rows)

