"""Counters and compute-time samples, per process and (best effort) shared in the store; each event is also
recorded into the Prometheus families (`intel.metrics`), here, so both count the same events."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import Counter, deque
from typing import Any

from intel.cache.store import Store, StoreUnavailable
from intel.metrics import record

log = logging.getLogger(__name__)

COUNTERS: tuple[str, ...] = (
    "hit", "miss", "error", "computed", "stale_served",
    "refresh_refreshed", "refresh_joined", "refresh_rate_limited", "refresh_queued", "refresh_failed",
)
KEEP_SAMPLES = 1000


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0–100) by linear interpolation, None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


class Stats:
    """Hit/miss/error/refresh counters and a compute-time distribution."""

    def __init__(self, shared: Store | None = None, prefix: str = "") -> None:
        self.shared = shared
        self.prefix = f"{prefix}social_intel:stats:"
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._compute_ms: deque[float] = deque(maxlen=KEEP_SAMPLES)

    def incr(self, name: str) -> None:
        """Count one event here and in the shared store if it is reachable."""
        with self._lock:
            self._counts[name] += 1
        record.cache_event(name)
        self._shared(lambda s: s.incr(self.prefix + name))

    def observe_compute(self, ms: float) -> None:
        """Record one computation's duration."""
        with self._lock:
            self._compute_ms.append(ms)
        record.compute(ms / 1000)
        self._shared(lambda s: s.push_sample(self.prefix + "compute_ms", round(ms, 3), KEEP_SAMPLES))

    def _shared(self, op: Any) -> None:
        if self.shared is None:
            return
        with contextlib.suppress(StoreUnavailable):  # best effort; the breaker already logged the outage
            op(self.shared)

    def snapshot(self) -> dict[str, Any]:
        """This process's counters and compute-time percentiles, plus the shared ones when reachable."""
        with self._lock:
            local = {n: self._counts[n] for n in COUNTERS}
            samples = list(self._compute_ms)
        result: dict[str, Any] = {"process": {**local, **_summary(samples)}}
        if self.shared is not None:
            try:
                shared = {n: int(self.shared.get(self.prefix + n) or 0) for n in COUNTERS}
                result["shared"] = {**shared, **_summary(self.shared.samples(self.prefix + "compute_ms"))}
            except StoreUnavailable:
                result["shared"] = None
        return result


def _summary(samples: list[float]) -> dict[str, Any]:
    return {"compute_n": len(samples), "compute_p50_ms": percentile(samples, 50),
            "compute_p95_ms": percentile(samples, 95)}
