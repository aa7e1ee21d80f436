"""The cache-warming worker on real Redis: refresh-ahead, recompute after invalidation, single flight
against other workers and page traffic, outages of Redis and the database, and the CLI without Redis."""

from __future__ import annotations

import itertools
import logging
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import delete

from intel.cache import provider as provider_module
from intel.cache.entries import cache_key
from intel.cache.worker import PassReport, pieces, run_forever, talents_without_summary
from intel.cache.worker import run_pass as worker_pass
from intel.db.models import TalentSummary
from tests.factories import empty_tables, make_talent
from tests.redis_procs import RedisServer, processes_on_port, redis_server_available
from tests.services import free_port, require


def run_pass(rt, rng: random.Random | None = None) -> PassReport:
    """One worker pass over the runtime's pieces (what `python -m intel worker --once` does)."""
    return worker_pass(**pieces(rt), rng=rng)


ROOT = Path(__file__).resolve().parents[2]
TTL_REAL = 43_200


@pytest.fixture
def client(redis_url) -> Iterator[redis.Redis]:
    """A plain redis-py client on the suite's Redis, to look at keys as an operator would."""
    conn = redis.Redis.from_url(redis_url, socket_timeout=2)
    yield conn
    conn.close()


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A throwaway redis-server this test may kill and restart; killed and checked gone at teardown."""
    require(redis_server_available(), "the redis-server binary")
    server = RedisServer().start()
    yield server
    server.kill()
    assert processes_on_port(server.port) == [], f"redis-server left behind on port {server.port}"


def computed_at(rt, talent: int) -> str:
    entry = rt.provider.primary.read(talent)
    assert entry is not None, f"no entry for talent {talent}"
    return entry.computed_at


def test_an_entry_close_to_expiry_is_recomputed_before_it_expires(engine, database_url, redis_url, key_prefix,
                                                                 make_runtime, client):
    rt = make_runtime(database_url, redis_url, cache_prefix=key_prefix, refresh_ahead_s=60)
    expiring, lasting = make_talent(engine), make_talent(engine)
    rt.provider.get(expiring)
    rt.provider.get(lasting)
    before = {t: computed_at(rt, t) for t in (expiring, lasting)}
    client.expire(cache_key(expiring, key_prefix), 20)  # 20 s left, inside the 60 s refresh-ahead window

    report = run_pass(rt, random.Random(0))

    assert report == PassReport(checked=2, recomputed=1, busy=0, failed=0)
    assert computed_at(rt, expiring) > before[expiring]
    assert TTL_REAL - 60 <= client.ttl(cache_key(expiring, key_prefix)) <= TTL_REAL
    # An entry with a long TTL is left alone.
    assert computed_at(rt, lasting) == before[lasting]
    assert client.ttl(cache_key(lasting, key_prefix)) > TTL_REAL - 600


def test_an_entry_with_a_long_ttl_is_left_alone_pass_after_pass(engine, database_url, redis_url, key_prefix,
                                                               make_runtime):
    rt = make_runtime(database_url, redis_url, cache_prefix=key_prefix)  # refresh-ahead 1,800 s of 43,200
    talent = make_talent(engine)
    rt.provider.get(talent)
    first = computed_at(rt, talent)
    reports = [run_pass(rt, random.Random(seed)) for seed in range(3)]
    assert [r.recomputed for r in reports] == [0, 0, 0]
    assert computed_at(rt, talent) == first


def test_an_import_invalidation_makes_the_next_pass_recompute_the_talent(engine, database_url, redis_url,
                                                                        key_prefix, make_runtime, client):
    rt = make_runtime(database_url, redis_url, cache_prefix=key_prefix)
    talent, other = make_talent(engine), make_talent(engine)
    rt.provider.get(talent)
    rt.provider.get(other)
    key = cache_key(talent, key_prefix)

    rt.provider.invalidate(talent)  # what an import, a demo load or a rescore does
    assert client.exists(key) == 0

    report = run_pass(rt)
    assert (report.checked, report.recomputed, report.failed) == (2, 1, 0)
    assert client.exists(key) == 1
    assert TTL_REAL - 60 <= client.ttl(key) <= TTL_REAL
    assert rt.provider.get(talent).source == "cache"


def test_a_new_talent_is_computed_by_the_next_pass(engine, database_url, redis_url, key_prefix, make_runtime,
                                                   client):
    rt = make_runtime(database_url, redis_url, cache_prefix=key_prefix)
    assert run_pass(rt).checked == 0
    talent = make_talent(engine)
    assert run_pass(rt).recomputed == 1
    assert client.exists(cache_key(talent, key_prefix)) == 1


def test_a_talent_without_roster_figures_is_computed_first_even_with_a_cache_entry(engine, database_url, redis_url,
                                                                                  key_prefix, make_runtime):
    rt = make_runtime(database_url, redis_url, cache_prefix=key_prefix)
    cached, unsummarised = make_talent(engine), make_talent(engine)
    rt.provider.get(cached)
    rt.provider.get(unsummarised)
    with engine.begin() as conn:  # e.g. a summary write that failed: the entry is fresh, the roster row empty
        conn.execute(delete(TalentSummary).where(TalentSummary.talent_id == unsummarised))
    with rt.sessions() as session:
        assert talents_without_summary(session) == [unsummarised]

    report = run_pass(rt, random.Random(0))

    assert (report.checked, report.recomputed, report.failed) == (2, 1, 0)
    with rt.sessions() as session:
        assert talents_without_summary(session) == []
        assert session.get(TalentSummary, unsummarised).total_followers == 10_000


class ComputeRecorder:
    """Wraps compute_for_talent: records each computation's (start, end) per talent and makes it slower."""

    def __init__(self, real: Callable, pause_s: float) -> None:
        self.real, self.pause_s = real, pause_s
        self.lock = threading.Lock()
        self.intervals: dict[int, list[tuple[float, float]]] = {}

    def __call__(self, session, talent_id, now, **options):
        started = time.monotonic()
        try:
            time.sleep(self.pause_s)
            return self.real(session, talent_id, now, **options)
        finally:
            ended = time.monotonic()
            with self.lock:
                self.intervals.setdefault(talent_id, []).append((started, ended))

    def overlaps(self) -> dict[int, list[tuple[float, float]]]:
        """Talents with two computations whose time intervals overlap."""
        found = {}
        for talent, spans in self.intervals.items():
            spans = sorted(spans)
            if any(later[0] < earlier[1] for earlier, later in itertools.pairwise(spans)):
                found[talent] = spans
        return found

    @property
    def count(self) -> int:
        return sum(len(spans) for spans in self.intervals.values())


@pytest.mark.slow
def test_two_workers_plus_page_traffic_never_compute_one_talent_concurrently(engine, database_url, redis_url,
                                                                            key_prefix, make_runtime, monkeypatch,
                                                                            client):
    recorder = ComputeRecorder(provider_module.compute_for_talent, pause_s=0.05)
    monkeypatch.setattr(provider_module, "compute_for_talent", recorder)
    talents = [make_talent(engine, posts=3, comments_per_post=1) for _ in range(4)]
    workers = [make_runtime(database_url, redis_url, cache_prefix=key_prefix) for _ in range(2)]
    pages = make_runtime(database_url, redis_url, cache_prefix=key_prefix)
    page_threads, rounds = 4, 3
    barrier = threading.Barrier(len(workers) + page_threads)
    errors: list[BaseException] = []
    reports: list[PassReport] = []
    sources: list[str] = []

    def guarded(body: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                barrier.wait(timeout=30)
                body()
            except BaseException as exc:
                errors.append(exc)
        return run

    def worker(rt) -> Callable[[], None]:
        return guarded(lambda: reports.extend(run_pass(rt) for _ in range(rounds)))

    def page(seed: int) -> Callable[[], None]:
        order = random.Random(seed)
        return guarded(lambda: sources.extend(pages.provider.get(t).source
                                              for _ in range(rounds) for t in order.sample(talents, len(talents))))

    threads = [threading.Thread(target=worker(rt), daemon=True) for rt in workers]
    threads += [threading.Thread(target=page(i), daemon=True) for i in range(page_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker or page thread did not finish"
    assert errors == []

    assert recorder.overlaps() == {}
    assert set(recorder.intervals) == set(talents)  # every talent was computed, by someone
    shared = int(client.get(f"{key_prefix}social_intel:stats:computed") or 0)
    assert shared == recorder.count  # the shared counter saw every computation, of every process
    assert len(sources) == page_threads * rounds * len(talents) and "stale" not in sources
    assert sum(r.failed for r in reports) == 0
    assert all(client.exists(cache_key(t, key_prefix)) for t in talents)


@pytest.mark.slow
def test_the_worker_survives_a_redis_outage_and_writes_to_redis_again_after_a_restart(engine, database_url,
                                                                                     make_runtime, own_redis):
    prefix = "worker-outage:"
    rt = make_runtime(database_url, own_redis.url, cache_prefix=prefix, redis_cooldown_s=1)
    talents = [make_talent(engine), make_talent(engine)]
    assert run_pass(rt).recomputed == 2
    probe = redis.Redis.from_url(own_redis.url, socket_timeout=2)
    try:
        assert all(probe.exists(cache_key(t, prefix)) for t in talents)

        own_redis.kill()
        down = run_pass(rt)  # must not raise
        assert (down.checked, down.recomputed, down.failed) == (2, 0, 2)
        assert rt.breaker.state == "open"

        own_redis.restart()  # same port, empty
        assert not any(probe.exists(cache_key(t, prefix)) for t in talents)
        deadline = time.monotonic() + 15
        resumed = run_pass(rt)
        while resumed.recomputed < 2 and time.monotonic() < deadline:
            time.sleep(0.2)  # the breaker probes Redis again once its 1 s cooldown is over
            resumed = run_pass(rt)
        assert resumed.recomputed == 2 and resumed.failed == 0
        assert all(probe.exists(cache_key(t, prefix)) for t in talents)
        assert rt.breaker.state == "closed"
    finally:
        probe.close()


def test_the_worker_loop_survives_a_database_it_cannot_reach_and_logs_it(redis_url, key_prefix, make_runtime,
                                                                        caplog):
    dead = f"postgresql+psycopg2://postgres@127.0.0.1:{free_port()}/nothing_here"
    rt = make_runtime(dead, redis_url, cache_prefix=key_prefix)
    stop = threading.Event()
    crashed: list[BaseException] = []

    def loop() -> None:
        try:
            run_forever(stop, interval_s=0.2, **pieces(rt))
        except BaseException as exc:
            crashed.append(exc)

    def failures() -> list[logging.LogRecord]:
        return [r for r in list(caplog.records) if r.name == "intel.cache.worker" and r.levelno == logging.ERROR]

    caplog.set_level(logging.INFO, logger="intel.cache.worker")
    thread = threading.Thread(target=loop, name="worker-loop", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while len(failures()) < 2 and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)  # two passes: one at once, one after the 0.2 s interval
    assert thread.is_alive(), f"run_forever returned or raised: {crashed}"
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive(), "run_forever did not stop when asked"
    assert crashed == []
    assert len(failures()) >= 2, [r.getMessage() for r in caplog.records]
    assert all("worker pass failed (will retry)" in r.getMessage() for r in failures())


def _cli_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"REDIS_URL", "INTEL_DEMO", "INTEL_CACHE_PREFIX", "DATABASE_URL"}}
    return {**env, "INTEL_LOG_LEVEL": "INFO", **values}


@pytest.mark.slow
def test_worker_once_without_redis_url_runs_due_syncs_here_and_skips_cache_warming(sqlite_url):
    from intel.db.engine import make_engine
    from tests.jobs.factories import connected_profile, sync_state

    engine = make_engine(sqlite_url)
    try:
        _, profile = connected_profile(engine)  # never synced: due
        result = subprocess.run([sys.executable, "-m", "intel", "worker", "--once"], cwd=ROOT, capture_output=True,
                                text=True, timeout=120, env=_cli_env(DATABASE_URL=sqlite_url))
        assert result.returncode == 0, result.stderr
        lines = result.stderr.splitlines()
        assert ("WARNING intel.jobs.worker: cache warming skipped: the worker needs REDIS_URL: the embedded cache is "
                "private to each process; due syncs run in this process") in lines
        assert "INFO intel.jobs.worker: syncs run in this process: 1" in lines
        assert sync_state(engine, profile).last_finished_at is not None
    finally:
        empty_tables(engine)
        engine.dispose()


@pytest.mark.slow
def test_worker_once_with_the_database_down_exits_1_with_a_log_line_not_a_traceback(redis_url, key_prefix):
    dead = f"postgresql+psycopg2://postgres@127.0.0.1:{free_port()}/nothing_here"
    result = subprocess.run([sys.executable, "-m", "intel", "worker", "--once"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120,
                            env=_cli_env(DATABASE_URL=dead, REDIS_URL=redis_url, INTEL_CACHE_PREFIX=key_prefix))
    assert result.returncode == 1, result.stderr
    assert any(line.startswith("ERROR intel.jobs.worker: worker pass failed") for line in result.stderr.splitlines())
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_worker_once_with_redis_url_computes_missing_talents_and_exits_0(sqlite_url, redis_url, key_prefix,
                                                                        client):
    from intel.db.engine import make_engine

    engine = make_engine(sqlite_url)
    try:
        talent = make_talent(engine)
        result = subprocess.run([sys.executable, "-m", "intel", "worker", "--once"], cwd=ROOT, capture_output=True,
                                text=True, timeout=120,
                                env=_cli_env(DATABASE_URL=sqlite_url, REDIS_URL=redis_url,
                                             INTEL_CACHE_PREFIX=key_prefix))
        assert result.returncode == 0, result.stderr
        assert "checked=1, recomputed=1, busy=0, failed=0" in result.stderr
        assert client.exists(cache_key(talent, key_prefix)) == 1
    finally:
        empty_tables(engine)
        engine.dispose()


@pytest.mark.slow
def test_worker_once_runs_a_due_queued_refresh_and_its_queuer_finds_the_outcome(engine, database_url, redis_url,
                                                                                key_prefix, make_runtime,
                                                                                installed_runtime):
    from sqlalchemy import select

    from intel.db.models import AdminActivity
    from intel.service import refresh

    installed_runtime(make_runtime(database_url, redis_url, cache_prefix=key_prefix, refresh_interval=1))
    talent = make_talent(engine, name="Worker Queued")
    assert refresh.refresh_social_intelligence(talent, actor="ann@agency.test").status == "refreshed"
    queued = refresh.queue_refresh(talent, actor="q@agency.test")
    assert queued.status == "queued" and queued.runs_at is not None
    while time.time() < queued.runs_at.timestamp():
        time.sleep(0.05)
    result = subprocess.run([sys.executable, "-m", "intel", "worker", "--once"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120,
                            env=_cli_env(DATABASE_URL=database_url, REDIS_URL=redis_url,
                                         INTEL_CACHE_PREFIX=key_prefix, INTEL_REFRESH_INTERVAL="1"))
    assert result.returncode == 0, result.stderr
    assert "queued_run=1" in result.stderr
    assert refresh.queued_refresh(talent) is None
    assert refresh.pop_outcomes("q@agency.test") == [
        ("Queued refresh of Worker Queued: Analytics refreshed and recalculated", "refreshed")]
    with engine.connect() as conn:
        runs = conn.execute(select(AdminActivity.details).where(AdminActivity.action == "refresh_queue_run")).all()
    assert [(d["outcome"], d["queuers"]) for (d,) in runs] == [("refreshed", 1)]
