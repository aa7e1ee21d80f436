"""The smart TTL rule on built intelligence values, and on the real Redis key when it is switched on."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import redis

from intel.analytics.assemble import compute_intelligence
from intel.analytics.demo_facts import demo_facts
from intel.analytics.result import SocialIntelligence
from intel.cache.entries import IntelCache, cache_key
from intel.cache.store import MemoryStore
from intel.cache.ttl import FREQUENT_POSTS_PER_WEEK, smart_ttl
from tests.factories import make_talent

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
BASE, FLOOR, DEMO = 43_200, 7_200, 21_600


@pytest.fixture(scope="module")
def built() -> SocialIntelligence:
    """A fully built value (demo facts, so no database), as real data: ~1.5 posts a week, newest post 2 days old."""
    intel = compute_intelligence(demo_facts(5, "Quiet Talent", NOW), NOW)
    return replace(intel, is_demo=False)


def posting(intel: SocialIntelligence, platform: str, per_week: float | None) -> SocialIntelligence:
    """The same value with one platform's posts-per-week figure changed."""
    platforms = dict(intel.overview.platforms)
    rate = replace(platforms[platform].posts_per_week, value=per_week)
    platforms[platform] = replace(platforms[platform], posts_per_week=rate)
    return replace(intel, overview=replace(intel.overview, platforms=platforms))


def newest_post(intel: SocialIntelligence, hours_before: float | None) -> SocialIntelligence:
    """The same value with its newest post `hours_before` its computation (None: no post at all)."""
    when = None if hours_before is None else (NOW - timedelta(hours=hours_before)).isoformat()
    return replace(intel, freshness=replace(intel.freshness, newest_post_at=when))


def test_the_built_value_is_quiet_so_it_keeps_the_full_ttl(built):
    rates = [p.posts_per_week.value for p in built.overview.platforms.values()]
    assert max(rates) < FREQUENT_POSTS_PER_WEEK
    assert NOW - datetime.fromisoformat(built.freshness.newest_post_at) > timedelta(hours=24)
    assert smart_ttl(built, BASE, FLOOR) == BASE


@pytest.mark.parametrize(("per_week", "expected"), [(7.0, BASE // 2), (25.0, BASE // 2), (6.99, BASE)])
def test_frequent_posting_on_any_one_platform_halves_the_ttl(built, per_week, expected):
    assert smart_ttl(posting(built, "tiktok", per_week), BASE, FLOOR) == expected


def test_a_platform_without_a_posting_rate_does_not_count_as_frequent(built):
    assert smart_ttl(posting(built, "instagram", None), BASE, FLOOR) == BASE


@pytest.mark.parametrize(("hours", "expected"), [(0.5, BASE // 2), (23.9, BASE // 2), (24.1, BASE), (None, BASE)])
def test_a_change_in_the_last_24_hours_halves_the_ttl(built, hours, expected):
    assert smart_ttl(newest_post(built, hours), BASE, FLOOR) == expected


def test_frequent_and_recent_halve_twice(built):
    busy = newest_post(posting(built, "instagram", 14.0), 2)
    assert smart_ttl(busy, BASE, FLOOR) == BASE // 4


def test_the_floor_is_respected(built):
    busy = newest_post(posting(built, "instagram", 14.0), 2)
    assert smart_ttl(busy, BASE, 14_400) == 14_400  # a quarter (10,800) would be below the floor
    assert smart_ttl(busy, 14_400, FLOOR) == FLOOR  # 3,600 from a 4 h base, raised to the 2 h floor
    assert smart_ttl(built, BASE, 14_400) == BASE  # the floor never shortens anything


def test_demo_data_keeps_the_demo_ttl_whatever_the_rule_says(built):
    cache = IntelCache(MemoryStore(), ttl_real=BASE, ttl_demo=DEMO, smart_ttl_floor=FLOOR)
    busy = newest_post(posting(built, "instagram", 14.0), 2)
    assert cache.ttl_for(replace(busy, is_demo=True)) == DEMO
    assert cache.ttl_for(replace(built, is_demo=True)) == DEMO
    assert cache.ttl_for(busy) == BASE // 4  # the same figures as real data follow the rule


def test_without_the_smart_rule_real_data_keeps_the_fixed_ttl(built):
    cache = IntelCache(MemoryStore(), ttl_real=BASE, ttl_demo=DEMO)
    assert cache.ttl_for(newest_post(posting(built, "instagram", 14.0), 2)) == BASE


def test_the_smart_ttl_is_written_on_the_real_redis_key(engine, database_url, redis_url, key_prefix, make_runtime):
    client = redis.Redis.from_url(redis_url, socket_timeout=2)

    def ttl_of(rt, talent: int) -> int:
        served = rt.provider.get(talent)
        assert served.store == "redis"
        return int(client.ttl(cache_key(talent, rt.settings.cache_prefix)))

    try:
        recent = make_talent(engine, posts=6)  # newest post 1 h old, < 1 post a week: recent only
        busy = make_talent(engine, posts=100)  # one post a day: 7 a week over 90 days, and recent
        quiet = make_talent(engine, connected=False, is_demo=True)  # a demo talent without accounts: demo data
        smart = make_runtime(database_url, redis_url, cache_prefix=key_prefix + "smart:", smart_ttl_floor=FLOOR,
                             cache_ttl_demo=5_000)
        assert BASE // 2 - 60 <= ttl_of(smart, recent) <= BASE // 2
        rates = [p.posts_per_week.value for p in smart.provider.get(busy).intel.overview.platforms.values()]
        assert max(rates) >= FREQUENT_POSTS_PER_WEEK
        assert BASE // 4 - 60 <= ttl_of(smart, busy) <= BASE // 4
        assert 5_000 - 60 <= ttl_of(smart, quiet) <= 5_000

        floored = make_runtime(database_url, redis_url, cache_prefix=key_prefix + "floor:", smart_ttl_floor=30_000)
        assert 30_000 - 60 <= ttl_of(floored, busy) <= 30_000

        fixed = make_runtime(database_url, redis_url, cache_prefix=key_prefix + "fixed:")
        assert fixed.settings.smart_ttl_floor is None
        assert BASE - 60 <= ttl_of(fixed, busy) <= BASE
    finally:
        client.close()
