"""What `/metrics` serves: the registry a scrape reads (every process of the host in multiprocess mode) in the
text format the scraper asks for, and the constant-time bearer-token check in front of it."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

from intel.metrics.families import multiproc_dir


def collecting_registry(path: Path | None = None) -> CollectorRegistry:
    """Every process's samples under `path` (default: PROMETHEUS_MULTIPROC_DIR) or, without one, this process's."""
    path = path or multiproc_dir()
    if path is None:
        return REGISTRY
    # A fresh registry per scrape, as prometheus_client documents: the collector reads the files each time.
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(path))
    return registry


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
