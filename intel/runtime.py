"""The process-wide runtime: settings, database, stores, cache and limiter, built once, lazily.

One Redis client (and connection pool) per process; tests and the CLI may `configure()` another.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from intel.cache.breaker import CircuitBreaker, GuardedStore
from intel.cache.provider import IntelligenceProvider
from intel.cache.ratelimit import RefreshLimiter
from intel.cache.stats import Stats
from intel.cache.store import MemoryStore, RedisStore, Store
from intel.config import Settings, get_settings
from intel.db.engine import make_engine, session_factory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Runtime:
    """What every entry point needs: configuration, database, stores, provider and limiter."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    store: Store
    local: MemoryStore
    stats: Stats
    provider: IntelligenceProvider
    limiter: RefreshLimiter

    @property
    def breaker(self) -> CircuitBreaker | None:
        """The Redis circuit breaker, when Redis is configured."""
        return getattr(self.store, "breaker", None)


_lock = threading.Lock()
_current: Runtime | None = None


def get_runtime() -> Runtime:
    """The runtime of this process, built from the environment on first use."""
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                _current = build_runtime(get_settings())
    return _current


def configure(settings: Settings | None = None) -> Runtime:
    """Replace the runtime (tests, CLI options); disposes the previous engine and Redis pool."""
    global _current
    with _lock:
        previous, _current = _current, build_runtime(settings or get_settings())
    if previous is not None:
        close(previous)
    return _current


def close(runtime: Runtime) -> None:
    """Release the database pool and the Redis connections of a runtime."""
    runtime.engine.dispose()
    inner = getattr(runtime.store, "inner", None)
    if isinstance(inner, RedisStore):
        inner.client.close()


def build_runtime(settings: Settings) -> Runtime:
    """Assemble a runtime from settings (no global state touched)."""
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    local = MemoryStore()
    store: Store = local
    if settings.redis_url:
        redis_store = RedisStore(settings.redis_url, timeout_s=settings.redis_timeout_ms / 1000)
        store = GuardedStore(redis_store, CircuitBreaker(cooldown_s=settings.redis_cooldown_s))  # type: ignore[assignment]
    stats = Stats(store if settings.redis_url else None, prefix=settings.cache_prefix)
    provider = IntelligenceProvider(sessions, store, local, stats, ttl_real=settings.cache_ttl_real,
                                    ttl_demo=settings.cache_ttl_demo, prefix=settings.cache_prefix,
                                    smart_ttl_floor=settings.smart_ttl_floor)
    limiter = RefreshLimiter(store, local, default_interval=settings.refresh_interval,
                             role_intervals=settings.refresh_role_intervals, prefix=settings.cache_prefix)
    log.info("runtime: database %s, cache %s", engine.url.render_as_string(hide_password=True), store.name)
    return Runtime(settings, engine, sessions, store, local, stats, provider, limiter)
