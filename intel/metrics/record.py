"""Recording into the metric families: one small function per event, called where the event happens (the cache
counts through `intel.cache.stats.Stats`, which calls `cache_event` and `compute` here)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from intel.metrics import families as f

# intel.cache.stats.COUNTERS name -> the child it moves ("computed" is the compute histogram's count).
_CACHE_EVENTS: dict[str, Any] = {
    "hit": f.CACHE_HITS, "miss": f.CACHE_MISSES, "error": f.CACHE_ERRORS, "stale_served": f.CACHE_STALE,
    **{f"refresh_{outcome}": f.REFRESHES.labels(outcome=outcome) for outcome in f.REFRESH_OUTCOMES},
}
CACHE_EVENTS: frozenset[str] = frozenset({*_CACHE_EVENTS, "computed"})


def cache_event(name: str) -> None:
    """Count one cache or refresh event, named as `intel.cache.stats` names it."""
    counter = _CACHE_EVENTS.get(name)
    if counter is not None:
        counter.inc()


def compute(seconds: float) -> None:
    """Record one intelligence computation's duration."""
    f.COMPUTE_SECONDS.observe(seconds)


def observe_page_run(page: str, seconds: float, outcome: str = "ok") -> None:
    """Record one Streamlit script run of `page` (a slug: roster, talent, compare, …)."""
    f.PAGE_RUN_SECONDS.labels(page=page, outcome=outcome if outcome in f.PAGE_OUTCOMES else "error").observe(seconds)


def _error(_exc: BaseException) -> str:
    return "error"


@contextmanager
def page_run(page: str, outcome_of: Callable[[BaseException], str] = _error,
             started: float | None = None) -> Iterator[None]:
    """Time the block as one run of `page` (from `started`, a `time.perf_counter()` reading, when the run began
    earlier); an exception leaving it (Streamlit's stop and rerun are exceptions) is recorded as
    `outcome_of(exception)` and raised on."""
    started = time.perf_counter() if started is None else started
    f.PAGE_RUNS_IN_PROGRESS.inc()
    try:
        yield
    except BaseException as exc:
        observe_page_run(page, time.perf_counter() - started, outcome_of(exc))
        raise
    else:
        observe_page_run(page, time.perf_counter() - started)
    finally:
        f.PAGE_RUNS_IN_PROGRESS.dec()


def observe_job(job: str, outcome: str, seconds: float | None = None) -> None:
    """Count one job (`worker_pass`, `import`, …) by outcome, with its duration when known."""
    f.JOBS.labels(job=job, outcome=outcome).inc()
    if seconds is not None:
        f.JOB_SECONDS.labels(job=job).observe(seconds)


def worker_talents(*, recomputed: int, busy: int, failed: int) -> None:
    """Count what one worker pass did to talents."""
    for result, n in (("recomputed", recomputed), ("busy", busy), ("failed", failed)):
        f.WORKER_TALENTS.labels(result=result).inc(n)


def import_rows(kind: str, **counts: int) -> None:
    """Count an import's rows by result (inserted=…, updated=…, unchanged=…, refused=…, duplicate=…)."""
    for result, n in counts.items():
        f.IMPORT_ROWS.labels(kind=kind, result=result).inc(n)
