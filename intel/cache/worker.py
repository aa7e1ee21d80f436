"""Cache warming worker (`python -m intel worker`): refresh-ahead before expiry, and recompute talents
whose entry is missing (new, or invalidated by an import, demo load or rescore).

It runs beside Streamlit as a second service against the same Redis. Each recomputation takes the
talent's single-flight lock, so replicas, pages and other workers never compute one talent at once.
Outages of Redis or the database are logged and the next pass tries again.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from intel.cache.entries import cache_key
from intel.cache.store import StoreUnavailable
from intel.db.models import Talent
from intel.errors import IntelError
from intel.runtime import Runtime, get_runtime

log = logging.getLogger(__name__)
# Spread refreshes: each talent's refresh-ahead window is stretched by up to this share, at random.
JITTER = 0.2


@dataclass(frozen=True)
class PassReport:
    """What one pass did."""

    checked: int
    recomputed: int
    busy: int
    failed: int


def due(ttl_left: float | None, ahead_s: float, rng: random.Random) -> bool:
    """True when an entry is missing or expires within the (jittered) refresh-ahead window."""
    return ttl_left is None or ttl_left <= ahead_s * (1 + JITTER * rng.random())


def run_pass(rt: Runtime | None = None, rng: random.Random | None = None) -> PassReport:
    """Check every talent once; recompute those that are due."""
    rt = rt or get_runtime()
    rng = rng or random.Random()
    with rt.sessions() as session:
        ids = list(session.scalars(select(Talent.id).order_by(Talent.id)))
    recomputed = busy = failed = 0
    for talent_id in ids:
        try:
            left = rt.store.ttl(cache_key(talent_id, rt.settings.cache_prefix))
            if not due(left, rt.settings.refresh_ahead_s, rng):
                continue
            if rt.provider.recompute_if_free(talent_id):
                recomputed += 1
            else:
                busy += 1
        except (IntelError, StoreUnavailable, SQLAlchemyError) as exc:
            failed += 1
            log.warning("worker: talent %s not refreshed: %s", talent_id, exc)
    report = PassReport(len(ids), recomputed, busy, failed)
    log.info("worker pass: %s", report)
    return report


def run_forever(stop: threading.Event, rt: Runtime | None = None) -> None:
    """Pass after pass until `stop` is set; an outage only costs the pass it happens in."""
    while not stop.is_set():
        started = time.monotonic()
        try:
            run_pass(rt)
        except (IntelError, StoreUnavailable, SQLAlchemyError) as exc:
            log.error("worker pass failed (will retry): %s", exc)
        interval = (rt or get_runtime()).settings.worker_interval_s
        stop.wait(max(0.0, interval - (time.monotonic() - started)))


def main(once: bool = False) -> int:
    """CLI entry: refuse without a shared store (an embedded cache lives in another process)."""
    rt = get_runtime()
    if not rt.settings.redis_url:
        log.error("the worker needs REDIS_URL: the embedded cache is private to each process")
        return 2
    if once:
        try:
            report = run_pass(rt)
        except (IntelError, StoreUnavailable, SQLAlchemyError) as exc:
            log.error("worker pass failed: %s", exc)
            return 1
        return 1 if report.failed else 0
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    log.info("worker started: pass every %ss, refresh-ahead %ss", rt.settings.worker_interval_s,
             rt.settings.refresh_ahead_s)
    run_forever(stop, rt)
    return 0
