"""One contract, two real backends: every Store test runs on the embedded store and on real Redis.

The cache, the single-flight lock, the refresh limiter and the counters rely on these semantics,
so both stores must agree on them — including under 50 racing threads. The last tests cover the
circuit breaker in front of a Redis that cannot be reached.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
import redis

from intel.cache.breaker import CircuitBreaker, GuardedStore
from intel.cache.store import MemoryStore, RedisStore, StoreUnavailable
from tests.services import free_port

THREADS = 50


@pytest.fixture(params=["embedded", "redis"])
def backend(request: pytest.FixtureRequest) -> Iterator[tuple[MemoryStore | RedisStore, str]]:
    """(store, key prefix): a fresh MemoryStore, or a RedisStore on the real Redis under a unique prefix."""
    if request.param == "embedded":
        yield MemoryStore(), "contract:"
        return
    # A generous timeout: these tests are about semantics; test_redis_faults covers the short one.
    store = RedisStore(request.getfixturevalue("redis_url"), timeout_s=5.0)
    yield store, request.getfixturevalue("key_prefix")
    store.client.close()


@pytest.fixture
def store(backend: tuple[MemoryStore | RedisStore, str]) -> MemoryStore | RedisStore:
    return backend[0]


@pytest.fixture
def key(backend: tuple[MemoryStore | RedisStore, str]) -> Callable[[str], str]:
    """Name a key inside the test's namespace."""
    prefix = backend[1]
    return lambda name: f"{prefix}{name}"


def race(count: int, fn: Callable[[int], object]) -> list[object]:
    """Run fn(0..count-1) in `count` threads released together at one barrier; all results."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = fn(i)
        except BaseException as exc:  # surfaced below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a racing thread did not finish"
    assert not errors, errors
    return results


def test_a_value_set_is_read_back_and_its_ttl_is_reported(store, key):
    store.set(key("a"), b"value", 60)
    assert store.get(key("a")) == b"value"
    assert 59.0 <= store.ttl(key("a")) <= 60.0


def test_a_missing_key_reads_as_none(store, key):
    assert store.get(key("missing")) is None


def test_set_replaces_the_value_and_the_ttl(store, key):
    store.set(key("a"), b"old", 60)
    store.set(key("a"), b"new", 600)
    assert store.get(key("a")) == b"new"
    assert 599.0 <= store.ttl(key("a")) <= 600.0


def test_set_if_absent_stores_only_the_first_value(store, key):
    assert store.set_if_absent(key("lock"), b"first", 10_000) is True
    assert store.set_if_absent(key("lock"), b"second", 10_000) is False
    assert store.get(key("lock")) == b"first"
    assert 9.0 <= store.ttl(key("lock")) <= 10.0


def test_of_fifty_threads_racing_on_set_if_absent_exactly_one_wins(store, key):
    won = race(THREADS, lambda i: store.set_if_absent(key("lock"), f"token-{i}".encode(), 10_000))
    assert won.count(True) == 1
    assert won.count(False) == THREADS - 1
    assert store.get(key("lock")) == f"token-{won.index(True)}".encode()


def test_get_many_reads_several_keys_in_order_with_none_for_the_missing(store, key):
    store.set(key("a"), b"1", 60)
    store.set(key("c"), b"3", 60)
    assert store.get_many(key("a"), key("b"), key("c")) == [b"1", None, b"3"]


def test_set_max_only_ever_raises_the_value_even_with_fifty_threads_racing(store, key):
    assert store.set_max(key("gen"), 3, 60) == 3
    assert store.set_max(key("gen"), 2, 60) == 3
    race(THREADS, lambda i: store.set_max(key("gen"), i, 60))
    assert store.get(key("gen")) == str(THREADS - 1).encode()
    assert 55 <= (store.ttl(key("gen")) or 0) <= 60


def test_delete_if_equals_deletes_only_with_the_right_token(store, key):
    store.set_if_absent(key("lock"), b"mine", 10_000)
    assert store.delete_if_equals(key("lock"), b"someone-else") is False
    assert store.get(key("lock")) == b"mine"
    assert store.delete_if_equals(key("lock"), b"mine") is True
    assert store.get(key("lock")) is None
    assert store.delete_if_equals(key("lock"), b"mine") is False


def test_a_short_ttl_really_expires(store, key):
    assert store.set_if_absent(key("brief"), b"x", 150) is True
    assert store.get(key("brief")) == b"x"
    time.sleep(0.4)
    assert store.get(key("brief")) is None
    assert store.ttl(key("brief")) is None
    assert store.set_if_absent(key("brief"), b"y", 150) is True  # an expired lock can be taken again


def test_an_expired_key_is_not_counted_as_deleted(store, key):
    store.set_if_absent(key("brief"), b"x", 100)
    store.set(key("kept"), b"y", 60)
    time.sleep(0.3)
    assert store.delete(key("brief"), key("kept"), key("never")) == 1


def test_delete_reports_how_many_keys_existed(store, key):
    store.set(key("a"), b"1", 60)
    store.set(key("b"), b"2", 60)
    assert store.delete(key("a"), key("b"), key("c")) == 2
    assert store.delete() == 0
    assert store.get(key("a")) is None


def test_delete_matching_deletes_exactly_the_keys_under_a_prefix_even_with_glob_characters(store, key):
    if not hasattr(store, "delete_matching"):
        pytest.skip("this version of the store has no delete_matching")
    doomed = [key("ns[1]*?:a"), key("ns[1]*?:b"), key("ns[1]*?:")]
    kept = [key("ns1x:a"), key("ns[1]:a"), key("other")]
    for k in doomed + kept:
        store.set(k, b"v", 60)
    assert store.delete_matching(key("ns[1]*?:")) == len(doomed)
    assert [store.get(k) for k in doomed] == [None] * len(doomed)
    assert [store.get(k) for k in kept] == [b"v"] * len(kept)


def test_the_embedded_store_expires_by_its_clock():
    now = [1_000.0]
    store = MemoryStore(clock=lambda: now[0])
    store.set("k", b"v", 10)
    store.set_if_absent("lock", b"t", 500)
    now[0] += 0.499
    assert store.get("lock") == b"t"
    assert store.ttl("k") == pytest.approx(9.501)
    now[0] += 0.001
    assert store.get("lock") is None
    now[0] += 9.5
    assert store.get("k") is None
    assert store.ttl("k") is None


def test_incr_is_atomic_under_fifty_threads(store, key):
    returned = race(THREADS, lambda i: store.incr(key("counter")))
    assert sorted(returned) == list(range(1, THREADS + 1))  # every caller saw its own increment
    assert store.incr(key("counter"), 0) == THREADS
    assert int(store.get(key("counter"))) == THREADS


def test_incr_counts_by_the_given_amount(store, key):
    assert store.incr(key("counter"), 5) == 5
    assert store.incr(key("counter")) == 6


def test_push_sample_keeps_only_the_last_keep(store, key):
    for value in range(1, 11):
        store.push_sample(key("samples"), value + 0.5, keep=3)
    assert store.samples(key("samples")) == [8.5, 9.5, 10.5]


def test_samples_of_an_absent_key_are_empty(store, key):
    assert store.samples(key("none")) == []


def test_ttl_is_none_for_an_absent_key_and_for_a_key_without_expiry(store, key):
    assert store.ttl(key("absent")) is None
    store.incr(key("counter"))
    assert store.ttl(key("counter")) is None


def test_ping_answers(store):
    assert store.ping() is True


# --- the circuit breaker in front of Redis -------------------------------------------------------


class CountingStore:
    """Delegates to a store and counts the calls that actually reach it."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", "store")
        self.calls = 0
        self._lock = threading.Lock()

    def __getattr__(self, attr: str) -> Callable[..., object]:
        method = getattr(self.inner, attr)

        def counted(*args: object, **kwargs: object) -> object:
            with self._lock:
                self.calls += 1
            return method(*args, **kwargs)

        return counted


@pytest.fixture
def dead_redis() -> Iterator[CountingStore]:
    """A RedisStore (production timeouts) on a port where nothing listens, wrapped to count calls."""
    inner = RedisStore(f"redis://127.0.0.1:{free_port()}/0")
    yield CountingStore(inner)
    inner.client.close()


def test_a_guarded_store_on_a_dead_port_fails_fast_and_opens_its_breaker(dead_redis):
    guarded = GuardedStore(dead_redis, CircuitBreaker(cooldown_s=60))
    started = time.perf_counter()
    with pytest.raises(StoreUnavailable):
        guarded.get("k")
    assert time.perf_counter() - started < 0.5
    assert guarded.breaker.state == "open"
    assert guarded.breaker.failures == 1

    started = time.perf_counter()
    for _ in range(100):
        with pytest.raises(StoreUnavailable, match="circuit open"):
            guarded.set_if_absent("k", b"v", 1000)
    assert time.perf_counter() - started < 0.5
    assert dead_redis.calls == 1  # while open, Redis is not touched at all


def test_after_a_small_cooldown_one_probe_goes_through_and_a_failed_probe_reopens(dead_redis):
    guarded = GuardedStore(dead_redis, CircuitBreaker(cooldown_s=0.2))
    with pytest.raises(StoreUnavailable):
        guarded.get("k")
    with pytest.raises(StoreUnavailable, match="circuit open"):
        guarded.get("k")
    assert dead_redis.calls == 1
    time.sleep(0.3)
    assert guarded.breaker.state == "half_open"
    with pytest.raises(StoreUnavailable) as probe:
        guarded.get("k")
    assert "circuit open" not in str(probe.value)  # this one was the probe, and it reached Redis
    assert dead_redis.calls == 2
    assert guarded.breaker.state == "open"
    with pytest.raises(StoreUnavailable, match="circuit open"):
        guarded.get("k")
    assert dead_redis.calls == 2


def test_of_fifty_threads_arriving_after_the_cooldown_exactly_one_probes(dead_redis):
    now = [0.0]
    guarded = GuardedStore(dead_redis, CircuitBreaker(cooldown_s=1.0, clock=lambda: now[0]))
    with pytest.raises(StoreUnavailable):
        guarded.get("k")
    now[0] += 1.0  # the cooldown has passed; the clock stands still while the threads race
    assert guarded.breaker.state == "half_open"

    def call(_: int) -> str:
        try:
            guarded.get("k")
        except StoreUnavailable as exc:
            return str(exc)
        return "no error"

    messages = race(THREADS, call)
    assert dead_redis.calls == 2  # the first failure and exactly one probe
    assert sum("circuit open" not in m for m in messages) == 1
    assert guarded.breaker.state == "open"


class FailingFirst:
    """A real RedisStore whose first `failures` calls raise a connection error."""

    def __init__(self, inner: RedisStore, failures: int) -> None:
        self.inner, self.name, self.failures = inner, inner.name, failures

    def __getattr__(self, attr: str) -> Callable[..., object]:
        method = getattr(self.inner, attr)

        def maybe_fail(*args: object, **kwargs: object) -> object:
            if self.failures > 0:
                self.failures -= 1
                raise redis.ConnectionError("simulated outage")
            return method(*args, **kwargs)

        return maybe_fail


def test_a_successful_probe_closes_the_breaker(redis_url, key_prefix):
    inner = RedisStore(redis_url)
    guarded = GuardedStore(FailingFirst(inner, failures=1), CircuitBreaker(cooldown_s=0.2))
    try:
        with pytest.raises(StoreUnavailable):
            guarded.set(f"{key_prefix}k", b"v", 60)
        time.sleep(0.3)
        guarded.set(f"{key_prefix}k", b"v", 60)  # the probe
        assert guarded.breaker.state == "closed"
        assert guarded.get(f"{key_prefix}k") == b"v"
    finally:
        inner.client.close()


def test_replace_changes_a_live_value_and_keeps_its_ttl_but_never_creates_one(store, key):
    store.set(key("slot"), b"running", 60)
    assert store.replace(key("slot"), b"done") is True
    assert store.get(key("slot")) == b"done"
    assert 55 <= store.ttl(key("slot")) <= 60
    assert store.replace(key("absent"), b"done") is False
    assert store.get(key("absent")) is None


def test_members_added_are_popped_once_as_a_whole(store, key):
    for member in (b"ann", b"bob", b"ann"):
        store.add_member(key("queuers"), member, 60)
    assert store.pop_members(key("queuers")) == {b"ann", b"bob"}
    assert store.pop_members(key("queuers")) == frozenset()


def test_of_fifty_threads_popping_one_set_exactly_one_gets_its_members(store, key):
    for i in range(20):
        store.add_member(key("queuers"), f"q{i}".encode(), 60)
    popped = race(THREADS, lambda _: store.pop_members(key("queuers")))
    assert sorted(len(p) for p in popped) == [0] * (THREADS - 1) + [20]


def test_a_set_expires_and_delete_removes_it(store, key):
    store.add_member(key("short"), b"x", 1)
    store.add_member(key("gone"), b"y", 60)
    assert store.delete(key("gone")) == 1
    assert store.pop_members(key("gone")) == frozenset()
    time.sleep(1.1)
    assert store.pop_members(key("short")) == frozenset()
