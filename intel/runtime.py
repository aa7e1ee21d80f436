"""The composition root: settings, database, stores, cache and limiter, built once per process, lazily.

Only the entry layers (`intel.service`, `intel.cli`, `intel.web`, `intel.jobs`, `pages/_wiring.py`) call
`get_runtime()`; everything below them receives what it uses as arguments. One Redis client (and connection
pool) per process; the CLI may `configure()` another, tests `install()` or `use()` one they built.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from intel.alerts.evaluate import evaluate_computed
from intel.alerts.queue import queue_alert
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
    owns_store: bool = True  # False when the stores were handed in (shared with another runtime)

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


def install(runtime: Runtime | None) -> Runtime | None:
    """Make `runtime` the process runtime (None: build from the environment on next use); the previous one.

    Nothing is closed: the caller owns both runtimes (tests restore the previous one afterwards).
    """
    global _current
    with _lock:
        previous, _current = _current, runtime
    return previous


@contextmanager
def use(runtime: Runtime) -> Iterator[Runtime]:
    """Run a block with `runtime` as the process runtime, then put the previous one back."""
    previous = install(runtime)
    try:
        yield runtime
    finally:
        install(previous)


def close(runtime: Runtime) -> None:
    """Release the database pool and the Redis connections (when it owns them) of a runtime."""
    runtime.engine.dispose()
    inner = getattr(runtime.store, "inner", None)
    if runtime.owns_store and isinstance(inner, RedisStore):
        inner.client.close()


def build_runtime(settings: Settings, *, store: Store | None = None, local: MemoryStore | None = None) -> Runtime:
    """Assemble a runtime from settings (no global state touched).

    `store`/`local` reuse existing stores (e.g. a runtime on a dead database sharing a live runtime's cache,
    or an embedded store on a test clock); without them the stores are built from the settings.
    """
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    if store is not None or local is not None:
        local = local or MemoryStore()
        return _assemble(settings, engine, sessions, store or local, local, owns_store=False)
    local = MemoryStore()
    store = local
    if settings.redis_url:
        redis_store = RedisStore(settings.redis_url, timeout_s=settings.redis_timeout_ms / 1000)
        # GuardedStore forwards every Store method through __getattr__, which a Protocol check cannot see.
        store = GuardedStore(redis_store, CircuitBreaker(cooldown_s=settings.redis_cooldown_s))  # type: ignore[assignment]
    return _assemble(settings, engine, sessions, store, local, owns_store=True)


def _assemble(settings: Settings, engine: Engine, sessions: sessionmaker[Session], store: Store, local: MemoryStore,
              *, owns_store: bool) -> Runtime:
    shared = store is not local
    stats = Stats(store if shared else None, prefix=settings.cache_prefix)
    provider = IntelligenceProvider(sessions, store, local, stats, ttl_real=settings.cache_ttl_real,
                                    ttl_demo=settings.cache_ttl_demo, prefix=settings.cache_prefix,
                                    smart_ttl_floor=settings.smart_ttl_floor, timezone=settings.timezone,
                                    on_computed=partial(evaluate_computed, sessions, settings,
                                                        notify=partial(queue_alert, settings)))
    limiter = RefreshLimiter(store, local, default_interval=settings.refresh_interval,
                             role_intervals=settings.refresh_role_intervals, prefix=settings.cache_prefix)
    log.info("runtime: database %s, cache %s", engine.url.render_as_string(hide_password=True), store.name)
    return Runtime(settings, engine, sessions, store, local, stats, provider, limiter, owns_store)
