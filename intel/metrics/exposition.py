"""What `/metrics` serves: the registry a scrape reads (every process of the host in multiprocess mode) in the
text format the scraper asks for, and the constant-time bearer-token check in front of it."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry, multiprocess
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

from intel.metrics.families import multiproc_dir

log = logging.getLogger(__name__)


def collecting_registry(path: Path | None = None) -> CollectorRegistry:
    """Every process's samples under `path` (default: PROMETHEUS_MULTIPROC_DIR) or, without one, this process's."""
    path = path or multiproc_dir()
    if path is None:
        return REGISTRY
    mark_dead_processes(path)
    # A fresh registry per scrape, as prometheus_client documents: the collector reads the files each time.
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(path))
    return registry


def mark_dead_processes(path: Path) -> list[int]:
    """Drop the live-gauge files of processes that no longer run (prometheus_client's `mark_process_dead`); the
    pids dropped.

    The library leaves this to whoever sees a process end. Each process also does it at exit, but the dashboard
    never gets there: uvicorn re-raises SIGTERM after its graceful shutdown, and SIGKILL runs nothing. So the
    reader checks, which is right because every process writing to one directory runs on this host (README).
    """
    dead = sorted({pid for pid in map(_pid_of, path.glob("gauge_live*_*.db")) if pid is not None and not _alive(pid)})
    for pid in dead:
        with contextlib.suppress(FileNotFoundError):  # a concurrent scrape removed it first
            multiprocess.mark_process_dead(pid, str(path))
    if dead:
        log.info("metrics: live gauges of exited processes %s dropped", dead)
    return dead


def _pid_of(file: Path) -> int | None:
    tail = file.stem.rpartition("_")[2]
    return int(tail) if tail.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, under another user
    return True


def render(accept: str | None) -> tuple[bytes, str]:
    """The exposition body and its content type (OpenMetrics when the Accept header asks for it)."""
    encoder, content_type = choose_encoder(accept or "")
    return encoder(collecting_registry()), content_type


def bearer_matches(authorization: str | None, token: str) -> bool:
    """True when the Authorization header is `Bearer <token>`, compared in constant time.

    Both sides are hashed first so that not even the token's length leaks through the comparison's timing.
    """
    scheme, _, presented = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        return False
    return hmac.compare_digest(hashlib.sha256(presented.strip().encode()).digest(),
                               hashlib.sha256(token.encode()).digest())
