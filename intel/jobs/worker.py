"""`python -m intel worker`: the background service beside Streamlit.

With REDIS_URL: Dramatiq worker threads run queued sync jobs (`INTEL_SYNC_WORKER_THREADS`) in the same process
as the pass loop, which every `INTEL_WORKER_INTERVAL_S` queues the due syncs (the scheduler step; several
workers may run it, the pending keys keep one message per profile), renews YouTube's push subscriptions
every two days, sends the alert outbox (`alert_jobs`), and then warms the cache (`intel.cache.worker.run_pass`).
Several worker processes share one queue (and one outbox: each delivery is claimed by one of them).

Without REDIS_URL: each pass runs the due syncs here, one after another, sends the outbox, and skips cache
warming (an embedded cache is private to each process, so warming it here helps nobody).

SIGTERM / SIGINT stop cleanly: the pass loop ends, Dramatiq's threads finish their current job (up to
`STOP_TIMEOUT_MS`); a job still running then stays unacknowledged and another worker runs it again.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Any

import dramatiq
import redis
from sqlalchemy.exc import SQLAlchemyError

from intel.cache.store import StoreUnavailable
from intel.cache.worker import pieces, run_pass
from intel.errors import IntelError
from intel.jobs import alert_jobs, broker, push, schedule
from intel.runtime import Runtime

log = logging.getLogger(__name__)

STOP_TIMEOUT_MS = 30_000
NO_SHARED_CACHE = "the worker needs REDIS_URL: the embedded cache is private to each process"
_OUTAGES = (IntelError, StoreUnavailable, SQLAlchemyError, redis.RedisError)


def step(rt: Runtime, **pass_extras: Any) -> bool:
    """One pass: the scheduler (or, without Redis, the due syncs themselves), then cache warming; True when
    every part ran (an outage is logged and costs only this pass)."""
    ok = True
    try:
        if rt.settings.redis_url:
            queued = schedule.enqueue_due(rt=rt)
            log.info("scheduler: %s syncs queued", queued)
        else:
            ran = schedule.run_due_here(rt=rt)
            log.info("syncs run in this process: %s", ran)
        push.renew_subscriptions(rt)
    except _OUTAGES as exc:
        ok = False
        log.error("sync scheduling failed (will retry): %s", exc)
    try:
        alert_jobs.alert_pass(rt)
    except _OUTAGES as exc:
        ok = False
        log.error("alert delivery failed (will retry): %s", exc)
    if not rt.settings.redis_url:
        return ok
    try:
        report = run_pass(**pieces(rt), **pass_extras)
        ok = ok and not report.failed
    except _OUTAGES as exc:
        ok = False
        log.error("worker pass failed (will retry): %s", exc)
    return ok


def start_job_threads(rt: Runtime) -> dramatiq.Worker:
    """Dramatiq worker threads on this process's broker, consuming every declared queue (the sync job is
    declared: `schedule` imports it)."""
    threads = rt.settings.connectors.sync_worker_threads
    worker = dramatiq.Worker(broker.broker_for(rt.settings), worker_threads=threads)
    # A sync takes seconds to minutes: fetch only what the threads can start now (Dramatiq's default is twice
    # that), so a busy worker never sits on syncs an idle one could run. Read by start() for its consumers.
    worker.queue_prefetch = threads
    worker.start()
    return worker


def main(rt: Runtime, *, once: bool = False, **pass_extras: Any) -> int:
    """CLI entry (the CLI hands in the process runtime): 0, or 1 when a `--once` pass hit an outage."""
    if not rt.settings.redis_url:
        log.warning("cache warming skipped: %s; due syncs run in this process", NO_SHARED_CACHE)
    if once:
        return 0 if step(rt, **pass_extras) else 1
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    jobs = start_job_threads(rt) if rt.settings.redis_url else None
    log.info("worker started: pass every %ss, refresh-ahead %ss, %s sync threads", rt.settings.worker_interval_s,
             rt.settings.refresh_ahead_s, rt.settings.connectors.sync_worker_threads if jobs else "no")
    try:
        while not stop.is_set():
            started = time.monotonic()
            step(rt, **pass_extras)
            stop.wait(max(0.0, rt.settings.worker_interval_s - (time.monotonic() - started)))
    finally:
        if jobs is not None:
            jobs.stop(timeout=STOP_TIMEOUT_MS)
        broker.close_all()
        log.info("worker stopped")
    return 0
