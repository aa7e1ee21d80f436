"""Audience quality from the database (both): the tier peers read from talent_summaries, and a computed
talent whose snapshots hold a jump no post explains."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from intel.analytics.compute import compute_for_talent
from intel.analytics.facts import load_facts
from intel.db.models import FollowerSnapshot, SocialPost, SocialProfile, Talent, TalentSummary

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def talent(session, name: str, tier: str = "macro", *, is_demo: bool = False,
           summary: tuple[str, float | None] | None = None) -> Talent:
    """A talent of `tier`, with a stored summary (engagement platform, rate) when given."""
    row = Talent(name=name, primary_handle=f"@{name}", tier=tier, is_demo=is_demo)
    session.add(row)
    session.flush()
    if summary is not None:
        session.add(TalentSummary(talent_id=row.id, computed_at=NOW, is_demo=is_demo, engagement_platform=summary[0],
                                  engagement_rate=summary[1]))
    session.flush()
    return row


def test_the_tier_peers_are_the_other_talents_of_the_tier_with_a_stored_rate_never_mixing_demo(session):
    me = talent(session, "me", summary=("instagram", 9.9))
    talent(session, "peer-a", summary=("instagram", 3.0))
    talent(session, "peer-b", summary=("tiktok", 5.0))
    talent(session, "no-rate", summary=("instagram", None))
    talent(session, "never-computed")
    talent(session, "other-tier", tier="micro", summary=("instagram", 1.0))
    talent(session, "demo-peer", is_demo=True, summary=("instagram", 7.0))
    peers = load_facts(session, me.id, NOW).peers
    assert peers is not None and peers.tier == "macro"
    assert sorted(peers.rates) == [("instagram", 3.0), ("tiktok", 5.0)]


def test_a_computed_talent_flags_a_jump_without_a_post_and_not_the_one_after_its_viral_post(session):
    me = talent(session, "jumpy", tier="micro")
    profile = SocialProfile(talent=me, platform="instagram", handle="jumpy", account_id="ig-jumpy",
                            last_synced_at=NOW)
    session.add(profile)
    session.flush()
    start, followers = date(2025, 11, 1), 50_000
    bought, viral = date(2026, 1, 20), date(2026, 2, 10)
    day = start
    while day <= NOW.date():
        followers += 5_000 if day in (bought, viral + timedelta(days=1)) else 40 + (day.toordinal() % 3) * 10
        session.add(FollowerSnapshot(profile_id=profile.id, captured_on=day, followers=followers,
                                     captured_at=datetime(day.year, day.month, day.day, 0, 30, tzinfo=UTC)))
        day += timedelta(days=1)
    for k in range(12):  # ordinary posts, one every nine days, and the viral one
        posted = datetime(2025, 11, 3, 18, tzinfo=UTC) + timedelta(days=9 * k)
        session.add(SocialPost(profile_id=profile.id, platform="instagram", platform_post_id=f"j{k}", posted_at=posted,
                               likes=500, comments=20, shares=5, saves=5))
    session.add(SocialPost(profile_id=profile.id, platform="instagram", platform_post_id="viral",
                           posted_at=datetime(viral.year, viral.month, viral.day, 19, tzinfo=UTC), likes=9_000,
                           comments=400, shares=300, saves=300))
    session.flush()
    audience = compute_for_talent(session, me.id, NOW).audience
    assert [(e.day, e.kind, e.change) for e in audience.events] == [("2026-01-20", "spike", 5_000)]
    assert audience.level == "some signs"
    status = {c.name: c.status for c in audience.components}
    assert status["engagement_vs_tier"] == "unavailable"  # no other micro talent has a stored rate
    assert status["comment_quality"] == "unavailable"  # no comments fetched
