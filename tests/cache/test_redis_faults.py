"""The dashboard keeps serving live data, fast, when Redis is refused, killed, hung or restarted.

Each test first measures the no-Redis compute time (an embedded-only runtime, cache bypassed) on
the same database, then asserts every call under the failure returns the right talent's data
within a loose bound of it. The precise figures belong to the benchmark; these bounds only catch
a call that blocks for seconds (redis-py retries, a missing timeout, a breaker that never opens).
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis

from intel.cache.entries import cache_key
from intel.cache.provider import Served
from tests.factories import make_talent
from tests.redis_procs import HungRedis, RedisServer, processes_on_port, redis_server_available
from tests.services import free_port, require

SLACK_S = 1.0  # per call, on top of the no-Redis compute time
BATCH_PER_CALL_S = 0.5  # a batch of N calls must take well under N × this
HANG_LIMIT_S = 15.0  # a call still running after this is reported as hung instead of hanging the suite
FOLLOWERS = 10_000  # tests.factories: today's snapshot


@pytest.fixture
def redis_servers() -> Iterator[Callable[[], RedisServer]]:
    """Start throwaway redis-server processes; all are SIGKILLed at teardown and checked gone."""
    require(redis_server_available(), "the redis-server binary")
    started: list[RedisServer] = []

    def start() -> RedisServer:
        server = RedisServer()
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.kill()
    for server in started:
        assert processes_on_port(server.port) == [], f"redis-server left behind on port {server.port}"


@pytest.fixture
def hung_redis() -> Iterator[HungRedis]:
    """A socket server that accepts connections and never answers; closed (thread joined) at teardown."""
    server = HungRedis()
    yield server
    server.close()
    assert not server.thread.is_alive(), "hung-redis thread left behind"


@pytest.fixture
def talent(engine) -> int:
    return make_talent(engine)


@pytest.fixture
def baseline_s(database_url, talent, make_runtime) -> float:
    """The no-Redis compute time: an embedded-only runtime, cache bypassed (median of 3 after a warm-up)."""
    provider = make_runtime(database_url, None).provider
    provider.get(talent, bypass_cache=True)
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        provider.get(talent, bypass_cache=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


@pytest.fixture
def prefix() -> str:
    return f"faults:{uuid.uuid4().hex[:8]}:"


def call_timed(call: Callable[[], Served]) -> tuple[Served, float]:
    """Run one call and measure it, in a daemon thread: a call blocking on a socket fails the test
    after HANG_LIMIT_S instead of hanging the suite."""
    box: dict[str, object] = {}

    def run() -> None:
        started = time.perf_counter()
        try:
            box["served"] = call()
        except BaseException as exc:  # re-raised in the test's thread
            box["error"] = exc
        box["seconds"] = time.perf_counter() - started

    worker = threading.Thread(target=run, name="timed-call", daemon=True)
    worker.start()
    worker.join(HANG_LIMIT_S)
    if worker.is_alive():
        pytest.fail(f"a call was still blocked after {HANG_LIMIT_S}s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["served"], box["seconds"]  # type: ignore[return-value]


def timed(call: Callable[[], Served], n: int, pause_s: float = 0.0) -> list[tuple[Served, float]]:
    """Run `call` n times, pausing `pause_s` between calls; each result with its duration in seconds."""
    results = []
    for i in range(n):
        if i and pause_s:
            time.sleep(pause_s)
        results.append(call_timed(call))
    return results


def assert_live_and_fast(results: list[tuple[Served, float]], talent: int, baseline_s: float) -> None:
    """Every call served this talent's real figures, none blocked, and the batch was quick."""
    for served, seconds in results:
        assert served.intel.talent_id == talent
        assert served.intel.is_demo is False
        assert served.intel.overview.total_followers.value == FOLLOWERS
        assert seconds < baseline_s + SLACK_S, f"one call took {seconds:.3f}s (baseline {baseline_s:.3f}s)"
    total = sum(seconds for _, seconds in results)
    assert total < len(results) * BATCH_PER_CALL_S, f"{len(results)} calls took {total:.3f}s"


def redis_has(url: str, key: str) -> bool:
    client = redis.Redis.from_url(url, socket_timeout=2)
    try:
        return bool(client.exists(key))
    finally:
        client.close()


def test_with_nothing_listening_on_the_redis_port_pages_get_live_data_fast(database_url, talent, baseline_s,
                                                                           make_runtime, prefix):
    rt = make_runtime(database_url, f"redis://127.0.0.1:{free_port()}/0", redis_cooldown_s=30, cache_prefix=prefix)
    results = timed(lambda: rt.provider.get(talent), 10)
    results += timed(lambda: rt.provider.get(talent, bypass_cache=True), 3)
    assert_live_and_fast(results, talent, baseline_s)
    assert [s.source for s, _ in results[:2]] == ["computed", "cache"]
    assert {s.store for s, _ in results} == {"embedded"}
    assert rt.breaker.state == "open"
    assert rt.breaker.failures == 1  # one refused connection, then the breaker skips Redis


def test_redis_py_does_not_block_on_a_refused_port_even_when_every_call_reaches_it(database_url, talent,
                                                                                   make_runtime, prefix):
    # cooldown 0: the breaker is always half-open, so every store operation goes to redis-py
    rt = make_runtime(database_url, f"redis://127.0.0.1:{free_port()}/0", redis_cooldown_s=0, cache_prefix=prefix)
    started = time.perf_counter()
    served = [rt.provider.get(talent) for _ in range(20)]
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"20 calls with Redis refused took {elapsed:.3f}s"
    assert rt.breaker.failures >= 20  # redis-py really was asked, and refused, at least once per call
    assert {s.intel.talent_id for s in served} == {talent}

    started = time.perf_counter()
    for _ in range(20):
        with pytest.raises(redis.ConnectionError):
            rt.store.inner.get("k")  # redis-py alone, no breaker: no retries, no backoff
    assert time.perf_counter() - started < 2.0


def test_a_redis_killed_mid_session_falls_back_to_the_embedded_store(database_url, talent, baseline_s,
                                                                     make_runtime, redis_servers, prefix):
    server = redis_servers()
    rt = make_runtime(database_url, server.url, redis_cooldown_s=30, cache_prefix=prefix)
    warm = timed(lambda: rt.provider.get(talent), 2)
    assert [(s.source, s.store) for s, _ in warm] == [("computed", "redis"), ("cache", "redis")]
    assert redis_has(server.url, cache_key(talent, prefix))

    server.kill()
    results = timed(lambda: rt.provider.get(talent), 10)
    assert_live_and_fast(results, talent, baseline_s)
    assert [(s.source, s.store) for s, _ in results[:2]] == [("computed", "embedded"), ("cache", "embedded")]
    assert {s.store for s, _ in results} == {"embedded"}
    assert rt.breaker.state == "open"
    assert rt.breaker.failures == 1


@pytest.mark.slow
def test_a_hung_redis_that_never_answers_costs_at_most_one_timeout_per_cooldown(database_url, talent, baseline_s,
                                                                                make_runtime, hung_redis, prefix):
    cooldown_s = 0.3
    rt = make_runtime(database_url, hung_redis.url, redis_cooldown_s=cooldown_s, cache_prefix=prefix)
    started = time.perf_counter()
    results = timed(lambda: rt.provider.get(talent), 12, pause_s=0.1)  # spans several cooldowns
    elapsed = time.perf_counter() - started
    assert_live_and_fast(results, talent, baseline_s)
    assert {s.store for s, _ in results} == {"embedded"}
    assert len(hung_redis.accepted) >= 2, "the breaker did not probe the hung server again after its cooldown"
    assert 2 <= rt.breaker.failures <= elapsed / cooldown_s + 1


@pytest.mark.slow
def test_a_redis_frozen_mid_session_is_skipped_and_used_again_once_it_answers(database_url, talent, baseline_s,
                                                                              make_runtime, redis_servers, prefix):
    cooldown_s = 0.3
    server = redis_servers()
    rt = make_runtime(database_url, server.url, redis_cooldown_s=cooldown_s, cache_prefix=prefix)
    warm = timed(lambda: rt.provider.get(talent), 2)
    assert [(s.source, s.store) for s, _ in warm] == [("computed", "redis"), ("cache", "redis")]

    server.freeze()  # SIGSTOP: the pooled connection stays open, replies never come
    try:
        frozen = timed(lambda: rt.provider.get(talent), 8, pause_s=0.1)
    finally:
        server.thaw()
    assert {s.store for s, _ in frozen} == {"embedded"}
    assert rt.breaker.failures >= 2  # probed again after the cooldown, and timed out again

    during: list[tuple[Served, float]] = []
    deadline = time.monotonic() + cooldown_s + 5.0
    while time.monotonic() < deadline and (not during or during[-1][0].store != "redis"):
        during += timed(lambda: rt.provider.get(talent), 1)
        time.sleep(0.05)
    assert (during[-1][0].source, during[-1][0].store) == ("cache", "redis")  # the entry survived the freeze
    assert rt.breaker.state == "closed"
    assert_live_and_fast(warm + frozen + during, talent, baseline_s)


def test_after_a_restart_caching_in_redis_resumes_by_itself(database_url, talent, baseline_s, make_runtime,
                                                            redis_servers, prefix):
    cooldown_s = 0.5
    server = redis_servers()
    rt = make_runtime(database_url, server.url, redis_cooldown_s=cooldown_s, cache_prefix=prefix)
    assert rt.provider.get(talent).store == "redis"

    server.kill()
    down = timed(lambda: rt.provider.get(talent), 3)
    assert {s.store for s, _ in down} == {"embedded"}
    assert rt.breaker.state == "open"

    server.restart()  # same port, empty: nothing was persisted
    assert not redis_has(server.url, cache_key(talent, prefix))
    during: list[tuple[Served, float]] = []
    deadline = time.monotonic() + cooldown_s + 5.0
    while time.monotonic() < deadline:
        during += timed(lambda: rt.provider.get(talent), 1)
        if during[-1][0].store == "redis":
            break
        time.sleep(0.05)
    assert during[-1][0].store == "redis", "caching in Redis did not resume after the cooldown"
    assert during[-1][0].source == "computed"  # the restarted Redis was empty: computed and written there
    assert rt.breaker.state == "closed"
    assert redis_has(server.url, cache_key(talent, prefix))  # a fresh key in the restarted server
    after = timed(lambda: rt.provider.get(talent), 2)
    assert [(s.source, s.store) for s, _ in after] == [("cache", "redis"), ("cache", "redis")]
    assert_live_and_fast(down + during + after, talent, baseline_s)


def test_with_redis_down_the_refresh_limiter_limits_per_process(database_url, talent, make_runtime, prefix):
    rt = make_runtime(database_url, f"redis://127.0.0.1:{free_port()}/0", cache_prefix=prefix)
    first = rt.limiter.acquire(talent)
    second = rt.limiter.acquire(talent)
    assert (first.allowed, first.store) == (True, "embedded")
    assert (second.allowed, second.store) == (False, "embedded")
    interval = rt.settings.refresh_interval
    assert interval - 5 < second.retry_after_s <= interval
    assert rt.limiter.acquire(talent + 1_000_000).allowed  # per talent, not global (no lookup involved)
