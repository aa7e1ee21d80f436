"""The audience-quality rules on hand-made series: what is flagged, what a viral post explains, what is unavailable.

The series are built so the expected outcome follows from the rules by hand: a steady profile gains
100 ± 10 followers a day on 100,000 (MAD 10, so the robust scale is ~15 followers), and one day is changed.
"""

from __future__ import annotations

import random

import pandas as pd
import pytest

from intel.analytics import audience
from intel.analytics.audience import audience_quality, comment_component, engagement_component, scan_followers
from intel.analytics.facts import TierPeers
from intel.analytics.result import (
    AUDIENCE_ESTIMATE_NOTE,
    Community,
    Health,
    HealthComponent,
    HealthComponents,
    Metric,
    Overview,
    PlatformOverview,
    metric,
)

START = pd.Timestamp("2026-01-01")
DAYS = 120
EVENT_DAY = 100  # the changed day: START + 100 days, with 99 changes before it (the baseline needs 30)


def day(i: int) -> pd.Timestamp:
    return START + pd.Timedelta(days=i)


def changes(event: dict[int, int] | None = None, days: int = DAYS) -> list[int]:
    """Net change of each day 1 … days − 1 (index = day; day 0 has none): +90, +100, +110 in turn (median 100,
    MAD 10), with `event` overriding some days."""
    base = [(90, 100, 110)[i % 3] for i in range(days)]
    for i, value in (event or {}).items():
        base[i] = value
    return base


def snapshots(deltas: list[int], *, start: int = 100_000, skip: frozenset[int] = frozenset(),
              platform: str = "instagram", profile_id: int = 1) -> pd.DataFrame:
    """One snapshot a day (day 0 = `start` followers) with the given daily changes; `skip`: days without one."""
    followers, rows = start, [{"profile_id": profile_id, "platform": platform, "day": START, "followers": start}]
    for i, change in enumerate(deltas[1:], start=1):
        followers += change
        if i not in skip:
            rows.append({"profile_id": profile_id, "platform": platform, "day": day(i), "followers": followers})
    return pd.DataFrame(rows)


def posts(*items: tuple[int, float], profile_id: int = 1, ordinary: int = 10) -> pd.DataFrame:
    """`ordinary` posts of 1,000 interactions (days 1, 8, 15 …) plus (day, interactions) items, at 18:00 UTC."""
    rows = [(1 + 7 * k, 1000.0) for k in range(ordinary)] + list(items)
    return pd.DataFrame({
        "profile_id": profile_id,
        "posted_at": pd.to_datetime([day(d) + pd.Timedelta(hours=18) for d, _ in rows], utc=True),
        "interactions": [v for _, v in rows],
        "views": [None] * len(rows),
    })


def kinds(scan) -> list[tuple[str, str]]:
    return [(e.day, e.kind) for e in scan.events]


# ---------------------------------------------------------------- spikes


def test_a_jump_without_a_post_is_flagged_with_its_size_and_z():
    scan = scan_followers(snapshots(changes({EVENT_DAY: 8_000})), posts())
    (event,) = scan.events
    assert (event.day, event.platform, event.kind, event.change) == ("2026-04-11", "instagram", "spike", 8_000)
    assert event.percent == pytest.approx(8_000 / 109_900 * 100, abs=0.01)  # of 100,000 + 99 days × 100
    assert event.z == pytest.approx((8_000 - 100) / (1.4826 * 10), abs=0.1)
    assert scan.assessed == DAYS - 1 - audience.MIN_BASELINE_DAYS  # days 31 … 119


@pytest.mark.parametrize("post_day", [EVENT_DAY, EVENT_DAY - 1])
def test_a_jump_on_the_day_of_a_viral_post_or_the_day_after_is_explained(post_day):
    viral = (post_day, 1000.0 * audience.VIRAL_FACTOR)  # exactly 3 × the median: viral
    scan = scan_followers(snapshots(changes({EVENT_DAY: 8_000})), posts(viral))
    assert scan.events == () and scan.explained == 1


def test_an_ordinary_post_that_day_explains_nothing():
    ordinary = (EVENT_DAY, 2_000.0)  # twice the median: not viral
    assert kinds(scan_followers(snapshots(changes({EVENT_DAY: 8_000})), posts(ordinary))) == [("2026-04-11", "spike")]


def test_a_viral_post_two_days_before_a_lone_jump_explains_nothing():
    viral = (EVENT_DAY - 2, 5_000.0)
    assert len(scan_followers(snapshots(changes({EVENT_DAY: 8_000})), posts(viral)).events) == 1


def test_one_viral_post_explains_a_run_of_consecutive_jump_days():
    run = {EVENT_DAY: 5_000, EVENT_DAY + 1: 6_000, EVENT_DAY + 2: 4_000}
    scan = scan_followers(snapshots(changes(run)), posts((EVENT_DAY, 9_000.0)))
    assert scan.events == () and scan.explained == 1


def test_a_viral_view_count_explains_a_jump_too():
    frame = posts((EVENT_DAY, 1_000.0))
    frame["views"] = [10_000.0] * (len(frame) - 1) + [50_000.0]
    assert scan_followers(snapshots(changes({EVENT_DAY: 8_000})), frame).events == ()


def test_with_fewer_than_five_posts_any_post_may_explain_a_jump():
    few = posts((EVENT_DAY, 900.0), ordinary=2)
    assert scan_followers(snapshots(changes({EVENT_DAY: 8_000})), few).events == ()


def test_a_small_unusual_gain_is_no_spike():
    # z ≈ 60 on this steady profile, but +1,000 is ~1 % of the followers: under SPIKE_MIN_PCT.
    assert scan_followers(snapshots(changes({EVENT_DAY: 1_000})), posts()).events == ()


def test_a_large_gain_on_a_profile_that_always_moves_that_much_is_no_spike():
    rng = random.Random(1)
    noisy = [round(rng.gauss(100, 3_000)) for _ in range(DAYS)]  # σ 3,000: ±4 % is an ordinary day here
    noisy[EVENT_DAY] = 4_100
    assert scan_followers(snapshots(noisy), posts()).events == ()


# ---------------------------------------------------------------- purges


def test_a_one_day_loss_is_a_purge():
    (event,) = scan_followers(snapshots(changes({EVENT_DAY: -5_500})), posts()).events
    assert (event.kind, event.change) == ("purge", -5_500) and event.z < -audience.PURGE_Z
    assert event.percent == pytest.approx(-5_500 / 109_900 * 100, abs=0.01)


def test_a_loss_spread_over_days_is_no_purge():
    # −5 % over five days, −1 % a day: unusual (z ≈ −70 each day) but no one-day loss of 3 %.
    spread = {EVENT_DAY + k: -1_050 for k in range(5)}
    assert scan_followers(snapshots(changes(spread)), posts()).events == ()


def test_a_viral_post_does_not_explain_a_purge():
    scan = scan_followers(snapshots(changes({EVENT_DAY: -5_500})), posts((EVENT_DAY, 9_000.0)))
    assert kinds(scan) == [("2026-04-11", "purge")]


# ---------------------------------------------------------------- baselines and gaps


def test_too_few_days_leave_the_follower_rules_unavailable_not_zero():
    short = snapshots(changes({20: 8_000}, days=audience.MIN_BASELINE_DAYS))
    result = audience_quality(short, posts(), overview(), community(), None)
    spikes, purges = result.components[:2]
    assert spikes.status == purges.status == "unavailable"
    assert spikes.value is None and purges.value is None and spikes.n == 0
    assert result.events == ()


def test_a_day_needs_thirty_changes_before_it():
    scan = scan_followers(snapshots(changes({audience.MIN_BASELINE_DAYS: 8_000, 31: 8_000})), posts())
    assert kinds(scan) == [("2026-02-01", "spike")]  # day 31: the first day with 30 changes before it


def test_a_change_across_a_gap_is_skipped_not_spread():
    # Days 99 and 100 missing: the +8,000 of day 100 lands in the day-101 snapshot, two days after the last
    # one. That change is neither flagged (its day is unknown) nor part of any baseline.
    gappy = snapshots(changes({EVENT_DAY: 8_000}), skip=frozenset({99, 100}))
    scan = scan_followers(gappy, posts())
    assert scan.events == () and scan.skipped == 1
    assert scan.assessed == DAYS - 1 - audience.MIN_BASELINE_DAYS - 3  # days 99, 100 and 101 have no change
    later = snapshots(changes({EVENT_DAY: 8_000}), skip=frozenset({50}))
    assert kinds(scan_followers(later, posts())) == [("2026-04-11", "spike")]
    assert "1 change(s) across snapshot gaps skipped" in audience_quality(gappy, posts(), overview(), community(),
                                                                      None).components[0].basis


def test_a_perfectly_steady_series_still_has_a_scale():
    flat = [100] * DAYS
    flat[EVENT_DAY] = 8_100
    (event,) = scan_followers(snapshots(flat), posts()).events
    assert event.kind == "spike" and event.z > 0


def test_a_day_after_zero_followers_is_not_assessed_and_breaks_nothing():
    start = snapshots(changes(), start=0)  # day 0 has no followers: day 1's change is no share of anything
    scan = scan_followers(start, posts())
    assert scan.events == () and scan.assessed == DAYS - 1 - audience.MIN_BASELINE_DAYS


def test_each_profile_has_its_own_baseline_and_platform():
    both = pd.concat([snapshots(changes({EVENT_DAY: 8_000})),
                      snapshots(changes({EVENT_DAY: -6_000}), platform="tiktok", profile_id=2)])
    scan = scan_followers(both, pd.concat([posts(), posts(profile_id=2)]))
    assert [(e.platform, e.kind) for e in scan.events] == [("instagram", "spike"), ("tiktok", "purge")]


# ---------------------------------------------------------------- engagement and comments


def overview(rates: dict[str, tuple[float | None, float]] | None = None) -> Overview:
    """Platforms with (engagement rate, followers)."""
    platforms = {}
    for platform, (rate, followers) in (rates or {}).items():
        m = metric(rate, 12, "median of last 12 posts")
        platforms[platform] = PlatformOverview(
            followers=metric(followers, 1, "latest"), growth=(), engagement_rate=m, engagement_rate_by_views=None,
            avg_likes=m, avg_comments=m, avg_views=None, posts_per_week=m)
    return Overview(total_followers=metric(None, 0, "sum"), total_growth=(), platforms=platforms)


def community(spam: float | None = None, generic: float | None = None, n: int = 0) -> Community:
    absent = HealthComponent(value=None, weight=0.25, available=False)
    return Community(
        platforms={}, reply_rate=metric(None, n, "replies"), spam_share=metric(spam, n, "%"),
        emoji_only_share=metric(None, n, "%"), generic_share=metric(generic, n, "%"),
        health=Health(score=metric(None, 0, "components"),
                      components=HealthComponents(absent, absent, absent, absent)),
    )


def peers(*rates: tuple[str, float]) -> TierPeers:
    return TierPeers(tier="macro", rates=rates)


def test_engagement_far_below_the_tier_median_is_a_sign():
    found = engagement_component(overview({"instagram": (1.0, 600_000), "tiktok": (9.0, 100_000)}),
                                 peers(("instagram", 3.0), ("instagram", 4.0), ("instagram", 5.0), ("tiktok", 0.1)))
    assert (found.status, found.value, found.n) == ("flag", 25.0, 3)  # 1.0 ÷ median 4.0, Instagram peers only
    assert "3 other macro talents on Instagram" in found.basis


def test_engagement_above_a_third_of_the_tier_median_is_no_sign():
    found = engagement_component(overview({"instagram": (1.6, 600_000)}), peers(("instagram", 4.0), ("instagram", 5.0)))
    assert (found.status, found.value) == ("ok", 35.6)  # 1.6 ÷ 4.5, just above a third


@pytest.mark.parametrize(("rates", "tier"), [
    ({"instagram": (1.0, 600_000)}, peers(("instagram", 4.0))),  # one peer is no median
    ({"instagram": (1.0, 600_000)}, peers(("tiktok", 4.0), ("tiktok", 5.0))),  # peers on another platform
    ({"instagram": (None, 600_000)}, peers(("instagram", 4.0), ("instagram", 5.0))),  # no rate of its own
    ({"instagram": (1.0, 600_000)}, None),  # no tier read (demo facts)
    ({}, peers(("instagram", 4.0), ("instagram", 5.0))),
])
def test_engagement_without_a_tier_baseline_is_unavailable(rates, tier):
    found = engagement_component(overview(rates), tier)
    assert found.status == "unavailable" and found.value is None


def test_mostly_spam_and_generic_comments_are_a_sign_and_too_few_comments_unavailable():
    assert comment_component(community(25.0, 20.0, 400)).status == "flag"
    ok = comment_component(community(3.0, 5.0, 400))
    assert (ok.status, ok.value, ok.n) == ("ok", 8.0, 400)
    few = comment_component(community(90.0, 5.0, audience.MIN_AUDIENCE_COMMENTS - 1))
    assert few.status == "unavailable" and few.value is None
    assert comment_component(community()).status == "unavailable"


# ---------------------------------------------------------------- the combined indicator


def test_no_flag_is_no_signs_and_every_rule_is_listed_with_its_sample():
    result = audience_quality(snapshots(changes()), posts(), overview({"instagram": (4.0, 100_000)}),
                              community(3.0, 5.0, 400), peers(("instagram", 4.0), ("instagram", 4.5)))
    assert result.level == "no signs" and result.note == AUDIENCE_ESTIMATE_NOTE
    assert [c.name for c in result.components] == ["follower_spikes", "follower_purges", "engagement_vs_tier",
                                                   "comment_quality"]
    assert all(c.status == "ok" and c.n > 0 and c.basis and c.explanation for c in result.components)
    assert result.signs == Metric(value=0.0, n=4, basis=result.signs.basis, status="estimated")


def test_one_rule_flagging_is_some_signs_two_are_strong_signs():
    spike = snapshots(changes({EVENT_DAY: 8_000}))
    one = audience_quality(spike, posts(), overview(), community(3.0, 5.0, 400), None)
    assert (one.level, one.signs.value, one.signs.n) == ("some signs", 1.0, 3)
    both = snapshots(changes({EVENT_DAY: 8_000, EVENT_DAY + 10: -6_000}))
    two = audience_quality(both, posts(), overview(), community(3.0, 5.0, 400), None)
    assert (two.level, two.signs.value) == ("strong signs", 2.0)
    assert [e.kind for e in two.events] == ["spike", "purge"]


def test_without_any_data_the_indicator_is_unavailable_never_no_signs():
    empty = snapshots([])[0:0]
    result = audience_quality(empty, posts(ordinary=0), overview(), community(), None)
    assert result.level == "unavailable"
    assert result.signs.status == "unavailable" and result.signs.value is None
    assert all(c.status == "unavailable" and c.value is None for c in result.components)


def test_the_methodology_names_the_rules_and_says_estimate():
    text = audience.METHOD["audience_quality"]
    assert text.startswith("An estimate, not a measurement of fake followers")
    assert "1.4826 × MAD" in text and "viral" in text and "tier" in text

