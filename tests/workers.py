"""Functions run in separate processes by the cross-process concurrency tests (spawn-safe)."""

from __future__ import annotations

import threading
from typing import Any


def _install(env: dict[str, str], overrides: dict[str, Any]) -> None:
    from intel import runtime
    from intel.config import get_settings

    runtime.configure(get_settings(env).replace(**overrides))


def cold_requests(env: dict[str, str], overrides: dict[str, Any], talent_id: int, threads: int,
                  barrier: Any) -> list[str]:
    """Issue `threads` concurrent get_social_intelligence calls after a cross-process barrier."""
    from intel.service import talents as service

    _install(env, overrides)
    return _run_threads(threads, barrier, lambda: service.serve_social_intelligence(talent_id).source)


def refreshes(env: dict[str, str], overrides: dict[str, Any], talent_id: int, threads: int,
              barrier: Any) -> list[str]:
    """Issue `threads` concurrent refresh calls after a cross-process barrier."""
    from intel.service import talents as service

    _install(env, overrides)
    return _run_threads(
        threads, barrier, lambda: service.refresh_social_intelligence(talent_id, actor="race@test").status)


def refresh_computed_at(env: dict[str, str], overrides: dict[str, Any], talent_id: int, threads: int,
                        barrier: Any) -> list[tuple[str, str | None]]:
    """Like `refreshes`, answering (outcome, computed_at of the data it returned) per call."""
    from intel.service import talents as service

    _install(env, overrides)

    def call() -> tuple[str, str | None]:
        outcome = service.refresh_social_intelligence(talent_id, actor="race@test")
        return outcome.status, outcome.served.intel.computed_at if outcome.served else None

    return _run_threads(threads, barrier, call)


def queuers(env: dict[str, str], overrides: dict[str, Any], talent_id: int, names: list[str],
            barriers: Any) -> dict[str, Any]:
    """Once the test took the refresh slot, queue a refresh for each of `names`; wait until it is due, then have
    one thread per name try to run the due queued refreshes (as workers and page runs would) and pop its
    queuer's outcomes."""
    import time

    from intel.service import refresh

    _install(env, overrides)
    ready, go, queued, run, done = barriers
    ready.wait()  # every process is up; the test now takes the refresh slot
    go.wait()
    statuses, runs_at = [], 0.0
    for name in names:
        outcome = refresh.queue_refresh(talent_id, actor=name)
        statuses.append(outcome.status)
        runs_at = max(runs_at, outcome.runs_at.timestamp() if outcome.runs_at else 0.0)
    queued.wait()  # every queuer of every process has queued
    while time.time() < runs_at:
        time.sleep(0.01)
    ran = _run_threads(len(names), run, lambda: refresh.run_due_refreshes([talent_id]))
    done.wait()  # every process has tried to run it
    return {"statuses": statuses, "ran": sum(ran), "outcomes": {n: refresh.pop_outcomes(n) for n in names},
            "again": {n: refresh.pop_outcomes(n) for n in names}}


def _run_threads(count: int, barrier: Any, call: Any) -> list[str]:
    local = threading.Barrier(count)
    results: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        local.wait()
        value = call()
        with lock:
            results.append(value)

    workers = [threading.Thread(target=run) for _ in range(count)]
    barrier.wait()  # every process is ready; now release all threads together
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return results
