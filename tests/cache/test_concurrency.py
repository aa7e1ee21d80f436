"""Across processes on real Redis: one computation per cold talent, one refresh per talent per hour."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

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
def test_fifty_concurrent_refreshes_from_four_processes_refresh_exactly_once(pg_engine, shared_env, postgres_url):
    talent = make_talent(pg_engine)
    outcomes = run_everywhere(workers.refreshes, *shared_env, talent, 10, processes=5)
    assert len(outcomes) == 50
    assert outcomes.count("refreshed") == 1
    assert outcomes.count("rate_limited") == len(outcomes) - 1
    with pg_engine.connect() as conn:
        rows = conn.execute(select(AdminActivity.details).where(AdminActivity.action == "refresh")).scalars().all()
    assert len(rows) == len(outcomes)
    assert sorted(r["outcome"] for r in rows).count("refreshed") == 1
