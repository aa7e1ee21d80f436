"""Serve intelligence: cache-aside with one computation per cold talent, and graceful degradation.

- Hit: decode the entry, no database access.
- Miss: a `SET NX PX` lock with a random token lets one caller compute and write; the others poll
  the cache briefly, then compute without writing if the value does not come.
- Shared store down (circuit open): the embedded store of this process takes over with a short TTL,
  so pages stay fast; caching in Redis resumes when the breaker's probe succeeds.
- Database down: any cached entry is served, marked possibly stale; otherwise DatabaseUnavailable.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from intel.analytics.compute import compute_for_talent
from intel.analytics.result import SocialIntelligence
from intel.analytics.summary import save_summary
from intel.cache.entries import CachedEntry, IntelCache, lock_key
from intel.cache.stats import Stats
from intel.cache.store import MemoryStore, Store, StoreUnavailable
from intel.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

# Far above a cold computation (~0.1 s) yet short, so a lock orphaned by a lost reply frees itself soon.
LOCK_TTL_MS = 10_000
WAIT_S, POLL_S = 3.0, 0.02
# While Redis is down, entries live in this process only; keep them short-lived because
# invalidations from other processes cannot reach them.
FALLBACK_TTL_S = 300

Source = Literal["cache", "computed", "stale"]


@dataclass(frozen=True)
class Served:
    """An intelligence value and how it was served."""

    intel: SocialIntelligence
    source: Source
    store: str
    compute_ms: float
    cached_at: float | None

    @property
    def possibly_stale(self) -> bool:
        """True when the database could not be reached and a cached value stands in."""
        return self.source == "stale"


class IntelligenceProvider:
    """Cache-aside serving of SocialIntelligence over a shared store with an embedded fallback."""

    def __init__(self, sessions: sessionmaker[Session], primary: Store, local: MemoryStore, stats: Stats, *,
                 ttl_real: int, ttl_demo: int, prefix: str = "", smart_ttl_floor: int | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.sessions, self.stats, self.clock, self.prefix = sessions, stats, clock, prefix
        self.primary = IntelCache(primary, ttl_real=ttl_real, ttl_demo=ttl_demo, prefix=prefix,
                                  smart_ttl_floor=smart_ttl_floor)
        self.local = self.primary if primary is local else IntelCache(
            local, ttl_real=FALLBACK_TTL_S, ttl_demo=FALLBACK_TTL_S, prefix=prefix)

    def get(self, talent_id: int, *, bypass_cache: bool = False) -> Served:
        """The talent's intelligence from the cache, or computed (and cached) on a miss or bypass."""
        if not bypass_cache:
            hit = self._read(talent_id)
            if hit is not None:
                self.stats.incr("hit")
                log.debug("cache hit talent=%s store=%s", talent_id, hit[1])
                return Served(hit[0].intel, "cache", hit[1], hit[0].compute_ms, hit[0].written_at)
            self.stats.incr("miss")
            log.info("cache miss talent=%s", talent_id)
            return self._single_flight(talent_id)
        # A bypass (refresh) takes the same lock: if someone is computing right now, their result,
        # written after this call started, is as fresh as ours would be.
        return self._single_flight(talent_id, fresher_than=time.time())

    def invalidate(self, *talent_ids: int) -> None:
        """Delete cached entries (after demo load, import, rescore)."""
        for cache in {id(self.primary): self.primary, id(self.local): self.local}.values():
            try:
                cache.delete(*talent_ids)
            except StoreUnavailable:
                log.error("cache invalidation of %s not delivered to %s (unavailable)", talent_ids, cache.store.name)
        log.info("cache invalidated talents=%s", list(talent_ids))

    def _read(self, talent_id: int) -> tuple[CachedEntry, str] | None:
        try:
            entry = self.primary.read(talent_id)
            return None if entry is None else (entry, self.primary.store.name)
        except StoreUnavailable:
            self.stats.incr("error")
        if self.local is self.primary:
            return None
        entry = self.local.read(talent_id)
        return None if entry is None else (entry, self.local.store.name)

    def _single_flight(self, talent_id: int, fresher_than: float | None = None) -> Served:
        token = secrets.token_hex(16).encode()
        key = lock_key(talent_id, self.prefix)
        owner = self._acquire(key, token)
        if owner is not None:
            try:
                return self._compute_and_write(talent_id)
            finally:
                self._release(owner, key, token)
        waited = self._wait_for_value(talent_id, fresher_than)
        if waited is not None:
            return waited
        log.info("single-flight wait expired talent=%s; computing without writing", talent_id)
        return self._compute(talent_id, write=False)

    def _acquire(self, key: str, token: bytes) -> Store | None:
        """Take the lock in the shared store, or in this process's store when the shared one is down."""
        for cache in (self.primary, self.local):
            try:
                return cache.store if cache.store.set_if_absent(key, token, LOCK_TTL_MS) else None
            except StoreUnavailable:
                continue
        return None

    @staticmethod
    def _release(store: Store, key: str, token: bytes) -> None:
        with contextlib.suppress(StoreUnavailable):  # else the lock expires by itself after LOCK_TTL_MS
            store.delete_if_equals(key, token)

    def recompute_if_free(self, talent_id: int) -> bool:
        """Recompute and rewrite unless another process holds the talent's lock (the worker's path)."""
        token = secrets.token_hex(16).encode()
        key = lock_key(talent_id, self.prefix)
        owner = self._acquire(key, token)
        if owner is None:
            return False
        try:
            served = self._compute_and_write(talent_id)
        finally:
            self._release(owner, key, token)
        return not served.possibly_stale  # a stale copy stood in: nothing was rewritten

    def _wait_for_value(self, talent_id: int, fresher_than: float | None = None) -> Served | None:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            time.sleep(POLL_S)
            hit = self._read(talent_id)
            if hit is not None and (fresher_than is None or hit[0].written_at >= fresher_than):
                self.stats.incr("hit")
                return Served(hit[0].intel, "cache", hit[1], hit[0].compute_ms, hit[0].written_at)
        return None

    def _compute_and_write(self, talent_id: int) -> Served:
        return self._compute(talent_id, write=True)

    def _compute(self, talent_id: int, *, write: bool) -> Served:
        started = time.perf_counter()
        try:
            with self.sessions() as session:
                intel = compute_for_talent(session, talent_id, self.clock())
        except (OperationalError, DatabaseUnavailable) as exc:
            return self._stale_or_raise(talent_id, exc)
        ms = (time.perf_counter() - started) * 1000
        self.stats.incr("computed")
        self.stats.observe_compute(ms)
        save_summary(self.sessions, intel)
        store = self._write(intel, ms) if write else "none"
        log.info("computed talent=%s in %.1f ms, written to %s", talent_id, ms, store)
        return Served(intel, "computed", store, ms, None)

    def _write(self, intel: SocialIntelligence, ms: float) -> str:
        try:
            self.primary.write(intel, ms)
            return self.primary.store.name
        except StoreUnavailable:
            self.stats.incr("error")
        self.local.write(intel, ms)
        return self.local.store.name

    def _stale_or_raise(self, talent_id: int, exc: Exception) -> Served:
        log.error("database unavailable computing talent=%s: %s", talent_id, exc)
        hit = self._read(talent_id)
        if hit is None:
            raise DatabaseUnavailable(
                "The database cannot be reached right now, and no saved copy of this talent's analytics exists."
            ) from exc
        self.stats.incr("stale_served")
        return Served(hit[0].intel, "stale", hit[1], hit[0].compute_ms, hit[0].written_at)
