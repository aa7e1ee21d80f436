"""The cache on real Redis and on the embedded store: TTLs, bypass, corrupt entries, single flight."""

from __future__ import annotations

import threading

import pytest
import redis

from intel.analytics.result import SCHEMA_VERSION
from intel.cache.entries import cache_key
from tests.factories import make_talent


@pytest.fixture(params=["redis", "embedded"])
def backend_runtime(request, engine, database_url, make_runtime):
    """A runtime on the test database with real Redis (unique prefix) or the embedded store."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        return make_runtime(database_url, url, cache_prefix=request.getfixturevalue("key_prefix"))
    return make_runtime(database_url, None)


def test_real_and_demo_entries_get_their_own_ttl_on_the_real_redis_key(engine, database_url, redis_url,
                                                                         key_prefix, make_runtime):
    rt = make_runtime(database_url, redis_url, cache_prefix=key_prefix)
    real, demo = make_talent(engine), make_talent(engine, is_demo=True)
    rt.provider.get(real)
    rt.provider.get(demo)
    client = redis.Redis.from_url(redis_url)
    assert 43_190 <= client.ttl(f"{key_prefix}social_intel:v{SCHEMA_VERSION}:{real}") <= 43_200
    assert 21_590 <= client.ttl(f"{key_prefix}social_intel:v{SCHEMA_VERSION}:{demo}") <= 21_600


def test_a_second_read_is_a_hit_with_the_same_value(backend_runtime, engine):
    talent = make_talent(engine)
    first = backend_runtime.provider.get(talent)
    second = backend_runtime.provider.get(talent)
    assert (first.source, second.source) == ("computed", "cache")
    assert second.intel == first.intel
    counts = backend_runtime.stats.snapshot()["process"]
    assert (counts["hit"], counts["miss"], counts["computed"]) == (1, 1, 1)


def test_bypass_recomputes_and_rewrites(backend_runtime, engine):
    talent = make_talent(engine)
    first = backend_runtime.provider.get(talent)
    bypassed = backend_runtime.provider.get(talent, bypass_cache=True)
    assert bypassed.source == "computed"
    assert bypassed.intel.computed_at > first.intel.computed_at
    assert backend_runtime.provider.get(talent).intel.computed_at == bypassed.intel.computed_at


@pytest.mark.parametrize("garbage", [b"not json", b'{"meta": {}}', b"\xff\xfe", b'{"meta": {"schema_version": 1}}'])
def test_a_corrupt_entry_is_a_miss_deleted_and_recomputed(backend_runtime, engine, garbage):
    talent = make_talent(engine)
    key = cache_key(talent, backend_runtime.settings.cache_prefix)
    backend_runtime.store.set(key, garbage, 60)
    served = backend_runtime.provider.get(talent)
    assert served.source == "computed"
    assert backend_runtime.provider.get(talent).source == "cache"


def test_an_entry_of_another_schema_version_is_a_miss(backend_runtime, engine):
    talent = make_talent(engine)
    backend_runtime.provider.get(talent)
    key = cache_key(talent, backend_runtime.settings.cache_prefix)
    current = f'"schema_version":{SCHEMA_VERSION}'.encode()
    raw = backend_runtime.store.get(key).replace(current, b'"schema_version":1')
    assert raw.count(b'"schema_version":1') == 2  # meta and payload both say 1 now
    backend_runtime.store.set(key, raw, 60)
    assert backend_runtime.provider.get(talent).source == "computed"


def test_invalidation_deletes_the_entry(backend_runtime, engine):
    talent = make_talent(engine)
    backend_runtime.provider.get(talent)
    backend_runtime.provider.invalidate(talent)
    assert backend_runtime.store.get(cache_key(talent, backend_runtime.settings.cache_prefix)) is None


def test_twenty_concurrent_cold_requests_in_one_process_compute_once(backend_runtime, engine):
    talent = make_talent(engine, posts=30, comments_per_post=20)
    barrier = threading.Barrier(20)
    results = []

    def request():
        barrier.wait()
        results.append(backend_runtime.provider.get(talent))

    threads = [threading.Thread(target=request) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 20
    assert backend_runtime.stats.snapshot()["process"]["computed"] == 1
    assert len({r.intel.computed_at for r in results}) == 1


def test_an_unknown_talent_is_not_cached(backend_runtime):
    from intel.errors import TalentNotFound

    with pytest.raises(TalentNotFound):
        backend_runtime.provider.get(999_999)
