"""Choosing and requesting syncs on both databases: due profiles (connected ones only), at most one queued
message per profile on real Redis, the in-process fallback without Redis, and the cache refresh after a sync
that changed a talent."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from intel.cache.entries import cache_key
from intel.connectors.sync import SyncReport
from intel.db.engine import transaction
from intel.db.models import FollowerSnapshot
from intel.jobs import broker, schedule
from intel.jobs.sync_jobs import SYNC_JOB, run_sync
from tests.factories import make_talent
from tests.jobs.factories import connected_profile, sync_state
from tests.jobs.procs import wait_for

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def queued(engine, database_url, redis_url, key_prefix, make_runtime):
    """A runtime with Redis (its own namespace); its brokers closed afterwards."""
    rt = make_runtime(database_url, redis_url, cache_prefix=key_prefix)
    yield rt
    broker.close_all()


def test_due_profiles_are_connected_ones_whose_time_has_come_or_that_never_synced(engine):
    _, overdue = connected_profile(engine, next_sync_at=NOW - timedelta(hours=2))
    _, just_due = connected_profile(engine, next_sync_at=NOW)
    _, never = connected_profile(engine)
    connected_profile(engine, next_sync_at=NOW + timedelta(minutes=1))
    connected_profile(engine, status="needs_reconnect", next_sync_at=NOW - timedelta(days=1))
    connected_profile(engine, status="needs_reconnect")

    with transaction(engine) as session:
        assert schedule.due_profiles(session, NOW) == [never, overdue, just_due]


def test_request_sync_makes_the_profile_due_and_queues_one_message_however_often_asked(queued, engine):
    _, profile = connected_profile(engine, next_sync_at=NOW + timedelta(hours=3))

    outcomes = [schedule.request_sync(profile, reason="test", rt=queued, now=lambda: NOW) for _ in range(3)]

    assert outcomes == ["queued", "already_queued", "already_queued"]
    assert sync_state(engine, profile).next_sync_at == NOW
    assert broker.queue_length(queued.settings) == 1
    assert broker.is_pending(queued.settings, SYNC_JOB, profile)


def test_the_scheduler_queues_each_due_profile_once_across_passes(queued, engine):
    _, a = connected_profile(engine, next_sync_at=NOW - timedelta(minutes=5))
    _, b = connected_profile(engine)
    connected_profile(engine, status="needs_reconnect", next_sync_at=NOW - timedelta(minutes=5))

    assert schedule.enqueue_due(NOW, rt=queued) == 2
    assert schedule.enqueue_due(NOW, rt=queued) == 0  # a second worker's pass, or the next one
    assert broker.queue_length(queued.settings) == 2
    assert broker.is_pending(queued.settings, SYNC_JOB, a) and broker.is_pending(queued.settings, SYNC_JOB, b)


def test_request_sync_for_a_missing_profile_writes_nothing(queued, engine):
    assert schedule.request_sync(987_654, reason="test", rt=queued, now=lambda: NOW) == "unknown_profile"
    assert sync_state(engine, 987_654) is None
    assert broker.queue_length(queued.settings) == 0


def test_without_redis_request_sync_runs_the_sync_in_a_thread_of_this_process(engine, database_url, make_runtime):
    rt = make_runtime(database_url)
    _, profile = connected_profile(engine, next_sync_at=NOW + timedelta(hours=3))

    assert schedule.request_sync(profile, reason="test", rt=rt) == "started"

    # the sync ran here (nothing else could: no Redis, no worker) and recorded how it went
    assert wait_for(lambda: (sync_state(engine, profile).last_finished_at is not None
                             and profile not in schedule.BACKGROUND.running()), 30)
    assert sync_state(engine, profile).last_status is not None


def test_background_syncs_run_one_thread_per_profile_and_once_more_when_asked_during_a_run():
    background = schedule.BackgroundSyncs()
    release = threading.Event()
    runs: list[str] = []

    def run() -> None:
        runs.append(threading.current_thread().name)
        release.wait(10)

    assert background.start(7, run) == "started"
    assert wait_for(lambda: len(runs) == 1, 10)
    assert [background.start(7, run) for _ in range(5)] == ["rerun_requested"] * 5
    release.set()
    assert wait_for(lambda: not background.running(), 10)
    assert runs == ["sync-7", "sync-7"]  # the five requests during the run cost one more run, not five


def _report(profile_id: int, talent_id: int, status: Any, snapshot: bool) -> SyncReport:
    return SyncReport(profile_id, talent_id, status, 0, 0, snapshot, 2, 2, NOW + timedelta(hours=3), "test")


def test_a_sync_that_changed_a_talent_refreshes_its_cached_intelligence(live, engine):
    talent = make_talent(engine)
    with transaction(engine) as s:
        from sqlalchemy import select

        from intel.db.models import SocialProfile

        profile = s.scalar(select(SocialProfile.id).where(SocialProfile.talent_id == talent))
    key = cache_key(talent, live.settings.cache_prefix)
    live.provider.get(talent)
    before = live.store.get(key)

    def writes_a_snapshot(_engine: Any, profile_id: int, _settings: Any) -> SyncReport:
        # stands in for the sync engine (another branch): writes what a sync writes, reports it
        with transaction(engine) as s:
            # the day after make_talent's newest snapshot (today), whatever today is
            tomorrow = datetime.now(UTC) + timedelta(days=1)
            s.add(FollowerSnapshot(profile_id=profile_id, captured_on=tomorrow.date(), followers=99_999,
                                   captured_at=tomorrow))
        return _report(profile_id, talent, "synced", snapshot=True)

    run_sync(live, profile, sync=writes_a_snapshot)

    after = live.store.get(key)
    assert after is not None and after != before  # recomputed from the new data, not just dropped


def test_a_sync_that_changed_nothing_leaves_the_cache_alone(live, engine):
    talent = make_talent(engine)
    key = cache_key(talent, live.settings.cache_prefix)
    live.provider.get(talent)
    before = live.store.get(key)

    run_sync(live, 1, sync=lambda _e, profile_id, _s: _report(profile_id, talent, "paused", snapshot=False))

    assert live.store.get(key) == before


def test_an_unexpected_sync_error_is_recorded_and_raised_for_the_queues_retry(engine, database_url, make_runtime):
    rt = make_runtime(database_url)
    _, profile = connected_profile(engine, next_sync_at=NOW)

    def broken(*_args: Any) -> SyncReport:
        raise RuntimeError("platform client bug")

    for _ in range(2):
        with pytest.raises(RuntimeError):
            run_sync(rt, profile, sync=broken)

    state = sync_state(engine, profile)
    assert state.last_status == "failed" and state.consecutive_failures == 2
    assert state.last_message == "RuntimeError: platform client bug"
    assert state.next_sync_at > datetime.now(UTC)  # the scheduler waits a backoff, not every pass


def test_a_running_sync_holds_its_next_run_so_no_scheduler_queues_it_meanwhile(queued, engine):
    from intel.jobs.sync_jobs import hold_next_run

    _, profile = connected_profile(engine, next_sync_at=NOW - timedelta(minutes=1))
    hold_next_run(queued.sessions, profile, interval_s=3600, now=lambda: NOW)

    assert schedule.enqueue_due(NOW + timedelta(minutes=5), rt=queued) == 0
    assert sync_state(engine, profile).next_sync_at == NOW + timedelta(hours=1)


def test_a_schedulers_message_for_a_profile_no_longer_due_is_dropped_without_a_sync(queued, engine,
                                                                                     installed_runtime):
    from intel.jobs.sync_jobs import sync_profile_job

    installed_runtime(queued)
    _, profile = connected_profile(engine, next_sync_at=datetime.now(UTC) + timedelta(hours=2))

    assert sync_profile_job(profile, True) == "not_due"  # the placeholder sync would have raised
    assert sync_state(engine, profile).last_status is None


def test_a_requested_sync_that_found_another_running_asks_again_a_minute_later(queued, engine):
    from intel.jobs.sync_jobs import after_running_sync

    _, profile = connected_profile(engine)

    assert after_running_sync(queued.settings, profile)
    assert not after_running_sync(queued.settings, profile)  # one deferred sync is enough

    assert (broker.queue_length(queued.settings), broker.delayed(queued.settings)) == (0, 1)
    assert broker.is_pending(queued.settings, SYNC_JOB, profile)


def test_demo_mode_and_other_apps_on_the_same_redis_have_their_own_queues():
    from intel.config import get_settings

    names = {broker.namespace(get_settings(env)) for env in (
        {}, {"INTEL_DEMO": "1"}, {"INTEL_CACHE_PREFIX": "other-app:"}, {"INTEL_CACHE_PREFIX": "other-app:",
                                                                        "INTEL_DEMO": "1"})}
    assert names == {"intel-jobs", "demo:intel-jobs", "other-app:intel-jobs", "other-app:demo:intel-jobs"}
