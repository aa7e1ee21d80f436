"""Bench measurements beyond one talent's compute and cache path (driven by `bench.runner`).

- Cross-process runs: spawned processes released together at one barrier (stampede, refresh race).
- The roster of 1,000 small talents through `intel.service.roster`, and the warm talent page as a
  server-side AppTest run, each with the process runtime installed on the bench database.
- Import throughput and peak RSS through `bench.ingest.bench_import` (another module; optional).
- A simulated day of page views on ~50 talents over an embedded store with a fake clock, with and
  without the worker's refresh-ahead pass; every computation reads the real bench database.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import queue
import random
import subprocess
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from intel.cache.entries import cache_key
from intel.cache.provider import IntelligenceProvider
from intel.cache.stats import Stats
from intel.cache.store import MemoryStore
from intel.config import PROJECT_ROOT, Settings, get_settings
from intel.runtime import Runtime, build_runtime, close

log = logging.getLogger(__name__)

ACTOR = "bench@intel.local"
WORKER_TIMEOUT_S = 180
ROSTER_TALENTS, DAY_TALENTS, DAY_VIEWS = 1_000, 50, 2_000
IMPORT_ROWS = {"small": 20_000, "medium": 100_000, "large": 1_000_000}
IMPORT_POSTS = {"small": 400, "medium": 2_000, "large": 2_000}
# Page views per hour of the day, relative: business hours heaviest, nights quiet.
HOUR_WEIGHTS = (0.2,) * 7 + (1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 2.5, 2) + (1.5,) * 3 + (0.6, 0.3)
# Imports during the day (minute of the day, talents touched): each invalidates those talents' entries.
IMPORTS = ((8 * 60, 5), (13 * 60, 5), (17 * 60 + 30, 5))
RUNTIME_ENV = ("DATABASE_URL", "REDIS_URL", "INTEL_DEMO", "INTEL_DEMO_DATABASE_URL", "INTEL_CACHE_PREFIX")


# --- across processes -----------------------------------------------------------------------------------------

def in_processes(kind: str, settings: Settings, talent_id: int, threads: list[int]) -> list[dict[str, Any]]:
    """Run `kind` in spawned processes released together at one Barrier; each process's result."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(threads)), ctx.Queue()
    env = {"DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url or ""}
    procs = [ctx.Process(target=_worker, args=(kind, env, settings.cache_prefix, talent_id, n, barrier, results))
             for n in threads]
    with main_module_kept():
        sys.modules["__main__"] = types.ModuleType("__main__")  # nothing for the children to re-import
        for proc in procs:
            proc.start()
    try:
        collected = [results.get(timeout=WORKER_TIMEOUT_S) for _ in procs]
    except queue.Empty:
        raise RuntimeError(f"{kind} workers did not report within {WORKER_TIMEOUT_S}s") from None
    finally:
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
    errors = [r["error"] for r in collected if "error" in r]
    if errors:
        raise RuntimeError(f"{kind} worker failed: {errors[0]}")
    return collected


def _worker(kind: str, env: dict[str, str], prefix: str, talent_id: int, threads: int, barrier: Any,
            results: Any) -> None:
    """Process body: build this process's runtime, wait at the barrier, fire `threads` calls together."""
    from intel import runtime
    from intel.service import talents as service

    try:
        settings = get_settings(env).replace(cache_prefix=prefix)
        rt = runtime.configure(settings) if kind == "refresh" else build_runtime(settings)

        def call() -> str:
            if kind == "refresh":
                return service.refresh_social_intelligence(talent_id, actor=ACTOR).status
            return rt.provider.get(talent_id).source

        calls = _fire(call, threads, barrier)
        results.put({"calls": calls, "computed": rt.stats.snapshot()["process"]["computed"]})
        close(rt)
    except Exception as exc:  # reported to the parent, which raises
        barrier.abort()
        results.put({"error": repr(exc)})


def _fire(call: Callable[[], str], threads: int, barrier: Any) -> list[tuple[str, float]]:
    go, lock, out = threading.Event(), threading.Lock(), []

    def run() -> None:
        go.wait()
        started = time.perf_counter()
        value = call()
        with lock:
            out.append((value, (time.perf_counter() - started) * 1000))

    workers = [threading.Thread(target=run, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    try:
        barrier.wait(timeout=WORKER_TIMEOUT_S)  # a broken barrier raises; the threads still finish
    finally:
        go.set()
    for worker in workers:
        worker.join()
    return out


@contextmanager
def main_module_kept() -> Iterator[None]:
    """Put this process's `__main__` back afterwards. A Streamlit script run (AppTest) replaces it with the
    page script, and a spawned process re-imports `__main__`: it would run the page before its own work."""
    saved = sys.modules.get("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


# --- the process runtime: roster and talent page ---------------------------------------------------------------

@contextmanager
def installed(env: dict[str, str]) -> Iterator[Runtime]:
    """The process runtime (what `intel.service` and the pages use) built from `env` over the environment;
    the previous runtime and environment are put back afterwards."""
    from intel import runtime

    saved = {k: os.environ.get(k) for k in RUNTIME_ENV}
    os.environ.update({k: env.get(k, "") for k in RUNTIME_ENV})
    try:
        rt = build_runtime(get_settings())
        with runtime._lock:
            previous, runtime._current = runtime._current, rt
        try:
            yield rt
        finally:
            with runtime._lock:
                runtime._current = previous
            close(rt)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def roster_samples(db_url: str, n: int) -> tuple[list[float], dict[str, Any]]:
    """ms of `n` roster reads by a manager (after one warm-up), and the number of talents listed."""
    from intel.accounts.auth import Identity
    from intel.service import talents as service

    manager = Identity(None, "bench@x", "Bench", "manager")
    with installed({"DATABASE_URL": db_url}):
        listed = len(service.roster(manager))
        samples = []
        for _ in range(n):
            started = time.perf_counter()
            service.roster(manager)
            samples.append((time.perf_counter() - started) * 1000)
    return samples, {"talents_listed": listed}


def page_samples(db_url: str, redis_url: str | None, prefix: str, talent_id: int, n: int
                 ) -> tuple[list[float], dict[str, Any]]:
    """ms of `n` warm server-side runs of the talent page, timed by bench/page_timing.py (AppTest) in a
    subprocess, so this package never imports streamlit. Also the cache store used."""
    command = [sys.executable, "-m", "bench.page_timing", db_url, redis_url or "", prefix, str(talent_id), str(n)]
    # Our own interpreter and module; arguments are values from this process, not user input.
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"page timing failed: {done.stderr.strip().splitlines()[-1:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return [float(x) for x in result["samples_ms"]], {"cache_store": result["cache_store"], "talent_id": talent_id}


def import_figures(engine: Engine, scale: str) -> dict[str, Any]:
    """rows/s and peak RSS of importing IMPORT_ROWS[scale] comments (bench.ingest.bench_import)."""
    from bench.ingest import bench_import

    return bench_import(engine, rows=IMPORT_ROWS[scale], posts=IMPORT_POSTS[scale])


# --- a simulated day ----------------------------------------------------------------------------------------------

@dataclass
class DayPlan:
    """One day of traffic, the same for both runs: views per minute, imports, and each entry's TTL left at 00:00."""

    start: datetime
    views: dict[int, list[int]]
    imports: dict[int, list[int]]
    ttl_left: dict[int, float]
    entries: dict[int, bytes] = field(default_factory=dict)


class SimClock:
    """Simulated seconds since 00:00; the store reads it, the provider reads it as a datetime."""

    def __init__(self, start: datetime) -> None:
        self.start, self.now = start, 0.0

    def seconds(self) -> float:
        return self.now

    def datetime(self) -> datetime:
        return self.start + timedelta(seconds=self.now)


def plan_day(ids: list[int], ttl_s: int, *, views: int = DAY_VIEWS, seed: int = 5) -> DayPlan:
    """Views spread by hour of day, over talents of Zipf-like popularity; entries at uneven ages at 00:00."""
    rng = random.Random(seed)
    popularity = [1 / (rank + 1) ** 0.8 for rank in range(len(ids))]
    rng.shuffle(popularity)
    minutes = rng.choices(range(1440), weights=[HOUR_WEIGHTS[m // 60] for m in range(1440)], k=views)
    by_minute: dict[int, list[int]] = {}
    for minute, talent in zip(minutes, rng.choices(ids, weights=popularity, k=views), strict=True):
        by_minute.setdefault(minute, []).append(talent)
    imports = {minute: rng.sample(ids, min(size, len(ids))) for minute, size in IMPORTS}
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return DayPlan(start, by_minute, imports, {t: rng.uniform(60, ttl_s) for t in ids})


def _provider(sessions: sessionmaker[Session], settings: Settings, clock: SimClock) -> IntelligenceProvider:
    store = MemoryStore(clock=clock.seconds)
    return IntelligenceProvider(sessions, store, store, Stats(), ttl_real=settings.cache_ttl_real,
                                ttl_demo=settings.cache_ttl_demo, clock=clock.datetime, timezone=settings.timezone)


def seed_entries(sessions: sessionmaker[Session], settings: Settings, plan: DayPlan) -> None:
    """Compute each talent once (real database) for the entries the day starts with."""
    clock = SimClock(plan.start - timedelta(hours=6))
    provider = _provider(sessions, settings, clock)
    for talent in plan.ttl_left:
        provider.get(talent)
        plan.entries[talent] = provider.primary.store.get(cache_key(talent)) or b""


def simulate_day(sessions: sessionmaker[Session], settings: Settings, plan: DayPlan, *, worker: bool
                 ) -> dict[str, Any]:
    """Run the day minute by minute: imports invalidate, pages view, and (with `worker`) a refresh-ahead pass
    as `intel.worker.run_pass` does (due() + recompute_if_free) every worker interval. Per-view ms and counts."""
    from intel.cache.worker import due

    clock = SimClock(plan.start)
    provider = _provider(sessions, settings, clock)
    store = provider.primary.store
    for talent, raw in plan.entries.items():
        store.set(cache_key(talent), raw, round(plan.ttl_left[talent]))
    every = max(1, round(settings.worker_interval_s / 60))
    rng, ids = random.Random(11), list(plan.ttl_left)
    samples: list[float] = []
    hits = passes = 0
    for minute in range(1440):
        clock.now = minute * 60.0
        for talent in plan.imports.get(minute, ()):
            provider.invalidate(talent)
        clock.now += 20
        for talent in plan.views.get(minute, ()):
            started = time.perf_counter()
            hits += provider.get(talent).source == "cache"
            samples.append((time.perf_counter() - started) * 1000)
        if worker and minute % every == every - 1:
            clock.now += 30
            passes += 1
            for talent in ids:
                if due(store.ttl(cache_key(talent)), settings.refresh_ahead_s, rng):
                    provider.recompute_if_free(talent)
    counts = provider.stats.snapshot()["process"]
    return {"samples": samples, "views": len(samples), "hits": hits, "computed": counts["computed"],
            "hit_rate_pct": round(100 * hits / len(samples), 2) if samples else None, "worker_passes": passes,
            "talents": len(ids), "imports": sum(len(v) for v in plan.imports.values())}
