"""Compare percentiles rank a talent only against talents that have data; a talent without data has none."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from intel.analytics.assemble import compute_intelligence
from intel.analytics.compare import compare_frame, percentile_rank
from intel.analytics.demo_facts import demo_facts
from intel.analytics.facts import TalentFacts
from intel.analytics.roster import RosterRow

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def row(talent_id: int, followers: int | None, *, has_data: bool = True) -> RosterRow:
    return RosterRow(talent_id, f"T{talent_id}", f"@t{talent_id}", "music", "micro", (), False,
                     total_followers=followers, computed_at=NOW, newest_data_at=NOW if has_data else None)


def empty_intel(talent_id: int):
    """A real talent's intelligence without any connected profile or data."""
    facts = demo_facts(talent_id, "Nobody Yet", NOW)
    empty = TalentFacts(talent_id, "Nobody Yet", False, facts.profiles.iloc[0:0], facts.snapshots.iloc[0:0],
                        facts.posts.iloc[0:0], facts.comment_days.iloc[0:0], [])
    return compute_intelligence(empty, NOW)


def test_a_talent_without_data_is_no_member_of_the_population():
    roster = [row(1, 100), row(2, 300), row(3, 0, has_data=False)]  # a no-data row never counts, even as 0
    frame = compare_frame([compute_intelligence(demo_facts(9, "Demo", NOW), NOW), empty_intel(3)], roster)
    demo_followers = frame.iloc[0]["Followers"]
    assert frame.iloc[0]["Followers percentile"] == percentile_rank(demo_followers, [100, 300])
    assert empty_intel(3).has_data is False
    nothing = frame.iloc[1]
    assert all(pd.isna(nothing[c]) for c in ("Followers", "Followers percentile", "Health", "Health percentile",
                                             "Sentiment percentile", "30-day growth % percentile"))
