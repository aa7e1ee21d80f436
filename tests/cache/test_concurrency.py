"""Across processes on real Redis: one computation per cold talent, one refresh per talent per hour (those asked
while it computes join it), and one run of a refresh queued by many."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

import pytest
import redis
from sqlalchemy import select

from intel.db.models import AdminActivity
from tests import workers
from tests.factories import make_talent

PROCESSES = 4


def run_everywhere(fn, env, overrides, talent_id, per_process, processes=PROCESSES):
    """Run `fn` in `processes` spawned processes released together at one barrier; all results."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(processes)
        with ProcessPoolExecutor(processes, mp_context=ctx) as pool:
            futures = [pool.submit(fn, env, overrides, talent_id, per_process, barrier) for _ in range(processes)]
            return [r for f in futures for r in f.result(timeout=120)]


@pytest.fixture
def shared_env(postgres_url, redis_url, key_prefix):
    return {"DATABASE_URL": postgres_url, "REDIS_URL": redis_url}, {"cache_prefix": key_prefix}


@pytest.fixture
def pg_engine(postgres_url):
    from intel.db.engine import make_engine
    from tests.factories import empty_tables

    engine = make_engine(postgres_url)
    yield engine
    empty_tables(engine)
    engine.dispose()


@pytest.mark.slow  # four fresh interpreters
def test_twenty_cold_requests_from_four_processes_compute_exactly_once(pg_engine, shared_env, redis_url,
                                                                        key_prefix):
    talent = make_talent(pg_engine, posts=60, comments_per_post=30)
    sources = run_everywhere(workers.cold_requests, *shared_env, talent, 5)
    assert len(sources) == 20
    computed = redis.Redis.from_url(redis_url).get(f"{key_prefix}social_intel:stats:computed")
    assert int(computed) == 1
    assert sources.count("computed") == 1


@pytest.mark.slow  # four fresh interpreters
def test_fifty_concurrent_refreshes_from_four_processes_refresh_exactly_once(pg_engine, shared_env, redis_url,
                                                                             key_prefix):
    talent = make_talent(pg_engine)
    calls = run_everywhere(workers.refresh_computed_at, *shared_env, talent, 10, processes=5)
    assert len(calls) == 50
    outcomes = [status for status, _ in calls]
    assert outcomes.count("refreshed") == 1
    # Those asked while it computed joined it and got its data; any asked after it was done are limited.
    assert outcomes.count("joined") + outcomes.count("rate_limited") == len(outcomes) - 1
    fresh = next(at for status, at in calls if status == "refreshed")
    assert {at for status, at in calls if status == "joined"} <= {fresh}
    computed = redis.Redis.from_url(redis_url).get(f"{key_prefix}social_intel:stats:computed")
    assert int(computed) == 1
    with pg_engine.connect() as conn:
        rows = conn.execute(select(AdminActivity.details).where(AdminActivity.action == "refresh")).scalars().all()
    assert len(rows) == len(outcomes)
    assert sorted(r["outcome"] for r in rows).count("refreshed") == 1


@pytest.mark.slow  # five fresh interpreters
def test_a_refresh_queued_by_ten_people_in_five_processes_runs_once_and_each_gets_its_outcome_once(
        pg_engine, shared_env, redis_url, key_prefix):
    env, overrides = shared_env
    overrides = {**overrides, "refresh_interval": 3}  # the window opens within the test
    talent = make_talent(pg_engine, name="Queued Everywhere")
    names = [[f"q{p}-{i}@agency.test" for i in range(2)] for p in range(5)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager, runtime_on(env, overrides):
        from intel.service import refresh

        ready, go = manager.Barrier(6), manager.Barrier(6)  # the five processes and this test
        barriers = (ready, go, *(manager.Barrier(5) for _ in range(3)))
        with ProcessPoolExecutor(5, mp_context=ctx) as pool:
            futures = [pool.submit(workers.queuers, env, overrides, talent, n, barriers) for n in names]
            ready.wait(timeout=120)  # all started: the window begins now, so it is still closed when they queue
            assert refresh.refresh_social_intelligence(talent, actor="first@test").status == "refreshed"
            go.wait(timeout=10)
            results = [f.result(timeout=120) for f in futures]
    assert all(r["statuses"] == ["queued", "queued"] for r in results)
    assert sum(r["ran"] for r in results) == 1
    message = "Queued refresh of Queued Everywhere: Analytics refreshed and recalculated"
    for result in results:
        assert all(got == [(message, "refreshed")] for got in result["outcomes"].values())
        assert all(got == [] for got in result["again"].values())
    with pg_engine.connect() as conn:
        runs = conn.execute(select(AdminActivity.details)
                            .where(AdminActivity.action == "refresh_queue_run")).scalars().all()
        queued = conn.execute(select(AdminActivity.actor)
                              .where(AdminActivity.action == "refresh_queued")).scalars().all()
    assert [(r["outcome"], r["queuers"]) for r in runs] == [("refreshed", 10)]
    assert sorted(queued) == sorted(n for group in names for n in group)


@contextmanager
def runtime_on(env, overrides):
    """A process runtime of this test's own on `env` + `overrides`, closed afterwards."""
    from intel import runtime
    from intel.config import get_settings

    rt = runtime.build_runtime(get_settings(env).replace(**overrides))
    try:
        with runtime.use(rt):
            yield rt
    finally:
        runtime.close(rt)
