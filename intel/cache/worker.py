"""Cache warming worker (`python -m intel worker`): compute talents without roster figures (no summary row:
new, or imported beyond what the import computed itself) first, then refresh-ahead before expiry and
recompute talents whose entry is missing (invalidated by an import, demo load or rescore). Each pass first runs
the queued refreshes that are due (`due_refreshes`, handed in by the CLI: the refresh is a service concern).

`intel.jobs.worker` runs these passes beside the sync jobs, as a second service against the same Redis.
Each recomputation takes the talent's single-flight lock, so replicas, pages and other workers never
compute one talent at once. Outages of Redis or the database are logged and the next pass tries again.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from intel.cache.entries import cache_key
from intel.cache.provider import IntelligenceProvider
from intel.cache.store import Store, StoreUnavailable
from intel.db.models import Talent, TalentSummary
from intel.errors import IntelError
from intel.metrics import record

if TYPE_CHECKING:
    from intel.runtime import Runtime

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
    queued_run: int = 0  # queued refreshes this pass ran


def due(ttl_left: float | None, ahead_s: float, rng: random.Random) -> bool:
    """True when an entry is missing or expires within the (jittered) refresh-ahead window."""
    return ttl_left is None or ttl_left <= ahead_s * (1 + JITTER * rng.random())


def pieces(rt: Runtime) -> dict[str, Any]:
    """The keyword arguments `run_pass` takes, from a runtime."""
    return {"sessions": rt.sessions, "store": rt.store, "provider": rt.provider, "prefix": rt.settings.cache_prefix,
            "ahead_s": rt.settings.refresh_ahead_s}


DueRefreshes = Callable[[list[int]], int]


def run_pass(*, sessions: sessionmaker[Session], store: Store, provider: IntelligenceProvider, prefix: str = "",
             ahead_s: float, rng: random.Random | None = None, due_refreshes: DueRefreshes | None = None
             ) -> PassReport:
    """Check every talent once: run due queued refreshes (`due_refreshes(ids)`), then recompute those without a
    summary (first), and those whose entry is missing or expires within `ahead_s`. Counted in
    `intel_jobs_total{job="worker_pass"}` (failed: it raised)."""
    started = time.perf_counter()
    try:
        report = _pass(sessions, store, provider, prefix, ahead_s, rng or random.Random(), due_refreshes)
    except Exception:
        record.observe_job("worker_pass", "failed", time.perf_counter() - started)
        raise
    record.observe_job("worker_pass", "completed", time.perf_counter() - started)
    record.worker_talents(recomputed=report.recomputed, busy=report.busy, failed=report.failed)
    log.info("worker pass: %s", report)
    return report


def _pass(sessions: sessionmaker[Session], store: Store, provider: IntelligenceProvider, prefix: str,
          ahead_s: float, rng: random.Random, due_refreshes: DueRefreshes | None) -> PassReport:
    with sessions() as session:
        unsummarised = talents_without_summary(session)
        pending = set(unsummarised)
        ids = unsummarised + [t for t in session.scalars(select(Talent.id).order_by(Talent.id)) if t not in pending]
    queued_run = _run_due(due_refreshes, ids)
    recomputed = busy = failed = 0
    for talent_id in ids:
        try:
            if talent_id not in pending and not due(store.ttl(cache_key(talent_id, prefix)), ahead_s, rng):
                continue
            if provider.recompute_if_free(talent_id):
                recomputed += 1
            else:
                busy += 1
        except (IntelError, StoreUnavailable, SQLAlchemyError) as exc:
            failed += 1
            log.warning("worker: talent %s not refreshed: %s", talent_id, exc)
    return PassReport(len(ids), recomputed, busy, failed, queued_run)


def _run_due(due_refreshes: DueRefreshes | None, ids: list[int]) -> int:
    if due_refreshes is None:
        return 0
    try:
        return due_refreshes(ids)
    except (IntelError, StoreUnavailable, SQLAlchemyError) as exc:  # the refresh-ahead part still runs
        log.warning("worker: queued refreshes not run: %s", exc)
        return 0


def talents_without_summary(session: Session) -> list[int]:
    """Ids of the talents whose roster figures were never computed (no TalentSummary row), in id order."""
    query = (select(Talent.id).outerjoin(TalentSummary, TalentSummary.talent_id == Talent.id)
             .where(TalentSummary.talent_id.is_(None)).order_by(Talent.id))
    return list(session.scalars(query))


def run_forever(stop: threading.Event, *, interval_s: float, clock: Callable[[], float] = time.monotonic,
                **pass_pieces: Any) -> None:
    """Pass after pass (`run_pass(**pass_pieces)`) every `interval_s` of `clock` until `stop` is set;
    an outage only costs the pass it happens in."""
    while not stop.is_set():
        started = clock()
        try:
            run_pass(**pass_pieces)
        except (IntelError, StoreUnavailable, SQLAlchemyError) as exc:
            log.error("worker pass failed (will retry): %s", exc)
        stop.wait(max(0.0, interval_s - (clock() - started)))
