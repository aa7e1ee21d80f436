"""The sync façades on both databases: who may press "Sync now", and what Ops sees of every connection, the
queue and today's quota use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from intel import runtime
from intel.accounts.auth import DEMO_VIEWER, SYSTEM
from intel.config import get_settings
from intel.db.connections import QuotaUsage, SyncState
from intel.db.engine import transaction
from intel.errors import DatabaseUnavailable, PermissionDenied, TalentNotFound
from intel.jobs import broker
from intel.service import syncs
from tests.jobs.factories import connected_profile
from tests.jobs.procs import wait_for


def test_sync_now_is_for_admins_and_the_talents_own_agent(people, engine):
    _, profile = connected_profile(engine, agent_id=people["agent"].user_id)

    assert syncs.request_sync_for(people["admin"], profile) in {"started", "rerun_requested"}
    assert syncs.request_sync_for(people["agent"], profile) in {"started", "rerun_requested"}
    assert syncs.request_sync_for(SYSTEM, profile) in {"started", "rerun_requested"}
    with pytest.raises(TalentNotFound):
        syncs.request_sync_for(people["other"], profile)  # not their talent: as if it did not exist
    for refused in (people["manager"], DEMO_VIEWER, None):
        with pytest.raises(PermissionDenied):
            syncs.request_sync_for(refused, profile)
    with pytest.raises(TalentNotFound):
        syncs.request_sync_for(people["admin"], 987_654)
    assert wait_for(lambda: profile not in syncs.schedule.BACKGROUND.running(), 30)


def test_the_overview_shows_each_connection_its_runs_and_todays_quota(people, engine):
    now = datetime.now(UTC)
    _, synced = connected_profile(engine, platform="youtube", next_sync_at=now + timedelta(hours=3))
    _, stale = connected_profile(engine, platform="instagram", status="needs_reconnect")
    with transaction(engine) as s:
        state = s.get(SyncState, synced)
        state.last_status, state.last_finished_at, state.consecutive_failures = "synced", now, 0
        s.add(SyncState(profile_id=stale, last_status="needs_reconnect", consecutive_failures=3,
                        last_message="token revoked"))
        s.add(QuotaUsage(platform="youtube", quota_day=syncs.quota_day("youtube", now), units=1234, calls=40))
        s.add(QuotaUsage(platform="youtube", quota_day=syncs.quota_day("youtube", now) - timedelta(days=1),
                         units=9999, calls=300))

    overview = syncs.sync_overview(people["admin"])

    rows = {r.profile_id: r for r in overview.connections}
    assert (rows[synced].status, rows[synced].last_status, rows[synced].failures) == ("connected", "synced", 0)
    assert rows[synced].next_sync_at is not None
    assert (rows[stale].status, rows[stale].failures, rows[stale].last_message) == ("needs_reconnect", 3,
                                                                                    "token revoked")
    assert overview.quota_today == {"youtube": (1234, 40)}  # yesterday's units are not today's
    # no queue to count: unavailable, not 0
    assert (overview.queue, overview.queued, overview.delayed, overview.dead) == ("in-process", None, None, None)
    for refused in (people["agent"], people["manager"], DEMO_VIEWER, None):
        with pytest.raises(PermissionDenied):
            syncs.sync_overview(refused)


def test_the_overview_counts_the_queued_syncs_on_redis(engine, database_url, redis_url, key_prefix, make_runtime,
                                                       installed_runtime):
    rt = installed_runtime(make_runtime(database_url, redis_url, cache_prefix=key_prefix))
    _, profile = connected_profile(engine)
    try:
        assert syncs.request_sync_for(SYSTEM, profile) == "queued"
        overview = syncs.sync_overview(SYSTEM)
        assert (overview.queue, overview.queued, overview.delayed, overview.dead) == ("redis", 1, 0, 0)
    finally:
        broker.broker_for(rt.settings).flush_all()
        broker.close_all()


def test_the_youtube_quota_day_is_the_pacific_date():
    late_utc = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 21:00 on 1 December in California
    assert syncs.quota_day("youtube", late_utc).isoformat() == "2026-12-01"
    assert syncs.quota_day("instagram", late_utc).isoformat() == "2026-12-02"


def test_the_sync_facades_turn_an_unreachable_database_into_database_unavailable(installed_runtime):
    dead = get_settings({"DATABASE_URL": "postgresql+psycopg2://nobody@127.0.0.1:1/none"})
    rt = installed_runtime(runtime.build_runtime(dead))
    try:
        for call in (lambda: syncs.request_sync_for(SYSTEM, 1), lambda: syncs.sync_overview(SYSTEM),
                     lambda: syncs.accept_notifications("instagram", "instagram", [syncs.Notice("d" * 64, "1")])):
            with pytest.raises(DatabaseUnavailable):
                call()
    finally:
        runtime.close(rt)
