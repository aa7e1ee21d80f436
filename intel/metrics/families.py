"""The metric families, defined once per process (prometheus_client picks its multiprocess storage when it is
first imported, from `PROMETHEUS_MULTIPROC_DIR`).

Names follow Prometheus conventions: `_total` counters, `_seconds` histograms, base units. Label values are
small fixed sets (page slugs, outcomes, import kinds), never user input.
"""

from __future__ import annotations

import atexit
import logging
import os
from pathlib import Path

from prometheus_client import Counter, Gauge, Histogram, multiprocess

from intel.errors import ConfigError

log = logging.getLogger(__name__)
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def multiproc_dir() -> Path | None:
    """The shared directory of multiprocess mode, or None (this process only)."""
    raw = os.environ.get(MULTIPROC_ENV, "").strip()
    return Path(raw) if raw else None


def _prepare_multiproc_dir() -> None:
    """Create the directory when missing (each sample file is opened in it as the families are defined), and
    drop this process's live gauges when it exits, as prometheus_client asks of every multiprocess setup."""
    path = multiproc_dir()
    if path is None:
        return
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{MULTIPROC_ENV} {str(path)!r} is not a directory this process can create: "
                          f"{exc.strerror or exc}") from None
    # Where a process cannot get here (SIGKILL; uvicorn re-raises SIGTERM), the reader drops its live gauges
    # (exposition.mark_dead_processes). Counters and histograms of exited processes stay summed, on purpose.
    atexit.register(lambda: multiprocess.mark_process_dead(os.getpid(), str(path)))


_prepare_multiproc_dir()

# Seconds; the 0.15 s bound is the cold-compute goal (issue 13), so its share is read straight off.
COMPUTE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Seconds of one Streamlit script run: a warm page goal is 0.15 s, a cold one a few seconds.
PAGE_RUN_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
JOB_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)

# ---------------------------------------------------------------- cache (intel.cache.stats counts these)
CACHE_HITS = Counter("intel_cache_hits_total", "Intelligence served from the cache (generation verified).")
CACHE_MISSES = Counter("intel_cache_misses_total", "Intelligence not in the cache (or of an old generation).")
CACHE_ERRORS = Counter("intel_cache_errors_total", "Shared store (Redis) calls that failed; the embedded store served.")
CACHE_STALE = Counter("intel_cache_stale_served_total",
                      "Cached intelligence served unverified because the database could not be reached.")
COMPUTE_SECONDS = Histogram("intel_compute_seconds", "Duration of one intelligence computation.",
                            buckets=COMPUTE_BUCKETS)
REFRESHES = Counter("intel_refresh_total", "Manual refreshes by outcome.", ["outcome"])
REFRESH_OUTCOMES = ("refreshed", "joined", "rate_limited", "queued", "failed")

# ---------------------------------------------------------------- pages (recorded by the Streamlit side)
PAGE_RUN_SECONDS = Histogram("intel_page_run_seconds", "Duration of one Streamlit script run, by page and by how "
                             "it ended (ok, stopped by st.stop, rerun, error).", ["page", "outcome"],
                             buckets=PAGE_RUN_BUCKETS)
PAGE_OUTCOMES = ("ok", "stopped", "rerun", "error")
PAGE_RUNS_IN_PROGRESS = Gauge("intel_page_runs_in_progress", "Streamlit script runs executing right now.",
                              multiprocess_mode="livesum")

# ---------------------------------------------------------------- jobs: the worker's passes, imports, …
# One family for every background or batch job, so a later job (profile syncs, scheduled imports) adds a
# `job` label value and its own row counter below, not a new dashboard.
JOBS = Counter("intel_jobs_total", "Jobs run, by job and outcome.", ["job", "outcome"])
JOB_SECONDS = Histogram("intel_job_seconds", "Duration of one job.", ["job"], buckets=JOB_BUCKETS)
WORKER_TALENTS = Counter("intel_worker_talents_total", "Talents the refresh-ahead worker handled, by result "
                         "(recomputed, busy = another process held the lock, failed).", ["result"])
IMPORT_ROWS = Counter("intel_import_rows_total", "Rows of import files, by kind and result "
                      "(inserted, updated, unchanged, refused, duplicate).", ["kind", "result"])
# Later issues: sync counters go here, e.g.
#   SYNC_ROWS = Counter("intel_sync_rows_total", "…", ["platform", "result"])
# recorded through a function in `record` next to `observe_job`, and listed in summary.COUNTERS.
