"""Which profiles are due a sync, and asking for one.

A request first writes `sync_states.next_sync_at = now` (durable: if the queue is unreachable, the next
scheduler pass of any worker queues it), then queues the sync job — at most one queued message per profile
(`intel.jobs.broker`'s pending key), so the scheduler of several workers and repeated webhooks never pile up
duplicates. Without Redis the sync runs in a background thread of this process (one per profile at a time;
a request arriving while it runs makes it run once more), so `make serve` without a worker still syncs
after a Connect or a webhook; periodic syncs then need `python -m intel worker`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

import redis
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intel.db.base import utcnow
from intel.db.connections import PlatformConnection, SyncState
from intel.db.models import SocialProfile
from intel.jobs import broker
from intel.jobs.sync_jobs import SYNC_JOB, run_sync
from intel.runtime import Runtime, get_runtime

log = logging.getLogger(__name__)


def due_profiles(session: Session, now: datetime) -> list[int]:
    """Profiles with a "connected" connection whose next sync time has come, or that never synced; most
    overdue first. A needs-reconnect profile is never due: it waits for someone to connect it again."""
    query = (select(PlatformConnection.profile_id)
             .outerjoin(SyncState, SyncState.profile_id == PlatformConnection.profile_id)
             .where(PlatformConnection.status == "connected",
                    or_(SyncState.profile_id.is_(None), SyncState.next_sync_at <= now))
             .order_by(SyncState.next_sync_at.is_not(None), SyncState.next_sync_at, PlatformConnection.profile_id))
    return list(session.scalars(query))


def mark_due(session: Session, profile_id: int, now: datetime) -> None:
    """Set the profile's next sync to `now` (creating its sync state), inside the caller's transaction."""
    done = session.execute(update(SyncState).where(SyncState.profile_id == profile_id).values(next_sync_at=now))
    if getattr(done, "rowcount", 0):
        return
    try:
        with session.begin_nested():
            session.add(SyncState(profile_id=profile_id, next_sync_at=now, consecutive_failures=0))
    except IntegrityError:  # another request created it meanwhile
        session.execute(update(SyncState).where(SyncState.profile_id == profile_id).values(next_sync_at=now))


def request_sync(profile_id: int, *, reason: str, rt: Runtime | None = None,
                 now: Callable[[], datetime] = utcnow) -> str:
    """Make the profile due now and start its sync: "queued", "already_queued", "scheduled" (queue
    unreachable: a worker's scheduler queues it), in-process "started" / "rerun_requested", or
    "unknown_profile" (nothing written)."""
    rt = rt or get_runtime()
    with rt.sessions.begin() as session:
        if session.get(SocialProfile, profile_id) is None:
            return "unknown_profile"
        mark_due(session, profile_id, now())
    outcome = dispatch(rt, profile_id)
    log.info("sync requested profile=%s reason=%s: %s", profile_id, reason, outcome)
    return outcome


def dispatch(rt: Runtime, profile_id: int) -> str:
    """Queue the profile's sync job (with Redis) or run it in a background thread here (without)."""
    if not rt.settings.redis_url:
        return BACKGROUND.start(profile_id, lambda: run_sync(rt, profile_id))
    try:
        return "queued" if broker.send(rt.settings, SYNC_JOB, profile_id) else "already_queued"
    except redis.RedisError as exc:
        log.warning("sync of profile %s not queued (the scheduler will): %s", profile_id, exc)
        return "scheduled"


def enqueue_due(now: datetime | None = None, *, rt: Runtime | None = None) -> int:
    """The scheduler step: queue a sync of every due profile (each at most once); how many were queued.

    Its messages run only if the profile is still due when a worker takes them: a sync that started between
    this pass's query and its queueing has already moved the next run (`hold_next_run`).
    """
    rt = rt or get_runtime()
    with rt.sessions() as session:
        due = due_profiles(session, now or utcnow())
    return sum(broker.send(rt.settings, SYNC_JOB, profile_id, True) for profile_id in due)


def run_due_here(now: datetime | None = None, *, rt: Runtime | None = None) -> int:
    """Without Redis: run every due sync in this process, one after another; how many ran (their outcomes,
    errors included, are in sync_states)."""
    rt = rt or get_runtime()
    with rt.sessions() as session:
        due = due_profiles(session, now or utcnow())
    for profile_id in due:
        try:
            run_sync(rt, profile_id)
        except Exception as exc:  # recorded by run_sync; the next due profile still runs
            log.debug("in-process sync of profile %s: %s", profile_id, exc)
    return len(due)


class BackgroundSyncs:
    """At most one sync thread per profile in this process; a request during a run makes it run once more."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._again: dict[int, bool] = {}  # profile id -> requested again while running

    def start(self, profile_id: int, run: Callable[[], object]) -> str:
        """Start the profile's sync thread, or ask the running one for another run."""
        with self._lock:
            if profile_id in self._again:
                self._again[profile_id] = True
                return "rerun_requested"
            self._again[profile_id] = False
        threading.Thread(target=self._loop, args=(profile_id, run), name=f"sync-{profile_id}", daemon=True).start()
        return "started"

    def running(self) -> set[int]:
        """Profiles whose sync thread is alive."""
        with self._lock:
            return set(self._again)

    def _loop(self, profile_id: int, run: Callable[[], object]) -> None:
        while True:
            try:
                run()
            except Exception:  # run_sync logged and recorded it; a thread has nobody to raise to
                log.debug("background sync of profile %s ended with an error", profile_id)
            with self._lock:
                if not self._again.get(profile_id):
                    self._again.pop(profile_id, None)
                    return
                self._again[profile_id] = False


BACKGROUND = BackgroundSyncs()
