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
