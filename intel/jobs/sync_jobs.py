"""The sync job: one profile's sync (`intel.connectors.sync`), then, when it wrote anything, the talent's cached
intelligence invalidated and recomputed through the provider (the worker's path), so pages serve the new data.

The sync's own outcomes (synced, paused, needs_reconnect, failed, skipped) are final for the message: the sync
already recorded them in sync_states and chose the next run. Only an unexpected exception leaves the job: it
is written to sync_states (Ops shows it; the scheduler waits a backoff) and raised, so Dramatiq's Retries
middleware runs the message again later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from intel.cache.provider import IntelligenceProvider
from intel.cache.store import StoreUnavailable
from intel.campaigns.attribute import attribute_written
from intel.config import Settings
from intel.connectors import sync as sync_engine
from intel.db.base import utcnow
from intel.db.connections import SyncState
from intel.errors import IntelError
from intel.jobs.broker import job, send
from intel.metrics import record
from intel.runtime import Runtime, get_runtime

log = logging.getLogger(__name__)

SYNC_JOB = "sync_profile"
AFTER_RUNNING_MS = 60_000  # a requested sync that found another running asks again this much later
FAILURE_BACKOFF_S = 60  # after an unexpected error: 1, 2, 4 … minutes, at most the sync interval
Sync = Callable[..., Any]  # sync_profile's signature; a SyncReport comes back


def run_sync(rt: Runtime, profile_id: int, *, sync: Sync | None = None) -> Any:
    """Sync one profile and refresh its talent's cache when the sync changed it; the SyncReport."""
    started = time.perf_counter()
    sync = sync or sync_engine.sync_profile  # looked up per call: the engine module is replaced at merge
    hold_next_run(rt.sessions, profile_id, interval_s=rt.settings.connectors.sync_interval_s)
    try:
        report = sync(rt.engine, profile_id, rt.settings)
    except Exception as exc:
        record.observe_job("sync", "error", time.perf_counter() - started)
        note_failure(rt.sessions, profile_id, exc, interval_s=rt.settings.connectors.sync_interval_s)
        raise
    record.observe_job("sync", report.status, time.perf_counter() - started)
    log.info("sync profile=%s talent=%s: %s, %s posts, %s comments, %s calls, %s units — %s", profile_id,
             report.talent_id, report.status, report.posts_written, report.comments_written, report.api_calls,
             report.quota_units, report.message)
    if report.changed:
        attribute_written(rt.sessions, [report.talent_id], zone=rt.settings.timezone)
        refresh_talent(rt.provider, report.talent_id)
    return report


def refresh_talent(provider: IntelligenceProvider, talent_id: int) -> None:
    """Drop the talent's cached intelligence and compute it again (unless someone else is computing it now)."""
    provider.invalidate(talent_id)
    try:
        provider.recompute_if_free(talent_id)
    except (IntelError, StoreUnavailable, SQLAlchemyError) as exc:  # the worker's next pass recomputes it
        log.warning("talent %s not recomputed after its sync: %s", talent_id, exc)


def hold_next_run(sessions: sessionmaker[Session], profile_id: int, *, interval_s: int,
                  now: Callable[[], datetime] = utcnow) -> None:
    """While a sync runs, its next run is provisionally a full interval away, so no scheduler queues it again
    meanwhile; the sync then sets the real one (a request during the run still sets it to now)."""
    moment = now()
    later = moment + timedelta(seconds=interval_s)
    try:
        with sessions.begin() as session:
            state = session.get(SyncState, profile_id)
            if state is None:
                session.add(SyncState(profile_id=profile_id, next_sync_at=later, consecutive_failures=0))
            elif state.next_sync_at is None or state.next_sync_at <= moment:
                state.next_sync_at = later
    except SQLAlchemyError as exc:  # a request created the row meanwhile, or the database is away: sync anyway
        log.warning("next sync of profile %s not held back: %s", profile_id, exc)


def note_failure(sessions: sessionmaker[Session], profile_id: int, exc: BaseException, *, interval_s: int,
                 now: Callable[[], datetime] = utcnow) -> None:
    """Record an unexpected sync error in sync_states, next run after a growing backoff."""
    moment = now()
    try:
        with sessions.begin() as session:
            state = session.get(SyncState, profile_id)
            if state is None:
                state = SyncState(profile_id=profile_id, consecutive_failures=0)
                session.add(state)
            failures = (state.consecutive_failures or 0) + 1
            state.consecutive_failures = failures
            state.last_status = "failed"
            state.last_message = f"{type(exc).__name__}: {exc}"[:500]
            state.last_finished_at = moment
            state.next_sync_at = moment + timedelta(seconds=min(interval_s, FAILURE_BACKOFF_S * 2 ** min(failures, 16)))
    except SQLAlchemyError as db_exc:
        log.error("sync failure of profile %s not recorded: %s", profile_id, db_exc)
    log.error("sync of profile %s failed: %s", profile_id, exc, exc_info=exc)


def still_due(sessions: sessionmaker[Session], profile_id: int, now: datetime) -> bool:
    """Whether the profile's next sync time has come (or it never synced), as `schedule.due_profiles` says."""
    with sessions() as session:
        state = session.get(SyncState, profile_id)
    return state is None or (state.next_sync_at is not None and state.next_sync_at <= now)


def _profile(profile_id: int, *_rest: Any) -> str:
    return str(profile_id)


@job(SYNC_JOB, pending=_profile)
def sync_profile_job(profile_id: int, only_if_due: bool = False) -> str:
    """Dramatiq actor body: sync one profile in this worker process; its final status. A scheduler's message
    (`only_if_due`) whose profile another run already took care of is dropped: "not_due", no API call."""
    rt = get_runtime()
    if only_if_due and not still_due(rt.sessions, profile_id, utcnow()):
        log.info("sync of profile %s dropped: no longer due", profile_id)
        return "not_due"
    report = run_sync(rt, profile_id)
    if report.status == "skipped" and not only_if_due:
        after_running_sync(rt.settings, profile_id)
    return str(report.status)


def after_running_sync(settings: Settings, profile_id: int) -> bool:
    """A requested sync (webhook, Sync now) found another one of the profile running (its lease): ask again a
    minute later, so what it was asked for (a new post) is fetched after that run, not at the next periodic
    one; False when a sync of the profile is queued already."""
    return send(settings, SYNC_JOB, profile_id, delay_ms=AFTER_RUNNING_MS)
