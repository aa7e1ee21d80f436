"""Measurements in a fresh spawned process, whose peak resident memory is then its own (not the bench's).

`run_child(target, *args, timeout_s=…)` starts `target(*args, results)` under the "spawn" start method, waits
for the one dict it puts on `results`, and joins (or kills) the process. The target reports a failure as
`{"error": repr(exc)}`, which the caller turns into its own error after cleaning up. `peak_rss_mb()` is the
figure such a target reports for itself.
"""

from __future__ import annotations

import multiprocessing
import resource
from collections.abc import Callable
from pathlib import Path
from typing import Any

JOIN_TIMEOUT_S = 30


def run_child(target: Callable[..., None], *args: Any, timeout_s: float) -> dict[str, Any]:
    """Run `target(*args, results)` in a spawned process; the dict it put on `results` (within `timeout_s`)."""
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, results))
    proc.start()
    try:
        outcome: dict[str, Any] = results.get(timeout=timeout_s)
    finally:
        proc.join(timeout=JOIN_TIMEOUT_S)
        if proc.is_alive():
            proc.kill()
    return outcome


def peak_rss_mb() -> float:
    """VmHWM of this process (Linux), else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
