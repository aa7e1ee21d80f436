"""Serve intelligence: cache-aside with one computation per cold talent, and graceful degradation.

- Hit: decode the entry, no database access.
- Miss: a `SET NX PX` lock with a random token lets one caller compute and write; the others poll
  the cache briefly, then compute without writing if the value does not come.
- Shared store down (circuit open): the embedded store of this process takes over with a short TTL,
  so pages stay fast; caching in Redis resumes when the breaker's probe succeeds.
- Database down: any cached entry is served, marked possibly stale; otherwise DatabaseUnavailable.
- Invalidation wins: every change of a talent's data bumps its generation in the database
  (intel.db.generations). A computation reads the generation before the facts, its entry carries
  it, and a write is dropped when the generation moved on meanwhile. A hit checks the entry's
  generation against the one mirrored in Redis (same MGET); the embedded store, which other
  processes cannot reach, checks against the database. A bump Redis missed (it was down) stays
  marked in the database and is delivered when Redis answers again, or by the periodic resync.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from intel.analytics.compute import compute_for_talent
from intel.analytics.result import SocialIntelligence
from intel.analytics.summary import save_summary
from intel.analytics.window import Window, compute_for_window
from intel.cache.entries import CachedEntry, IntelCache, lock_key, window_key
from intel.cache.stats import Stats
from intel.cache.store import MemoryStore, Store, StoreUnavailable
from intel.db.generations import bump_generations, current_generation, mark_delivered, undelivered_generations
from intel.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

# Far above a cold computation (~0.1 s) yet short, so a lock orphaned by a lost reply frees itself soon.
LOCK_TTL_MS = 10_000
WAIT_S, POLL_S = 3.0, 0.02
# While Redis is down, entries live in this process only; keep them short-lived because
# invalidations from other processes cannot reach them.
FALLBACK_TTL_S = 300
# How often a process looks in the database for generation bumps Redis missed (a single indexed query
# that usually finds nothing): the bound on serving an entry whose invalidation an outage swallowed
# in another process. This process delivers its own missed bumps on its first read once Redis answers.
RESYNC_S = 5.0

Source = Literal["cache", "computed", "stale"]
Compute = Callable[[Session, int, datetime], SocialIntelligence]
OnComputed = Callable[[SocialIntelligence, datetime], object]  # must not raise (the alerts' evaluation)


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


@dataclass(frozen=True)
class _Hit:
    entry: CachedEntry
    store: str
    verified: bool  # False: the database could not confirm the entry's generation

    def served(self) -> Served:
        return Served(self.entry.intel, "cache" if self.verified else "stale", self.store,
                      self.entry.compute_ms, self.entry.written_at)


class IntelligenceProvider:
    """Cache-aside serving of SocialIntelligence over a shared store with an embedded fallback."""

    def __init__(self, sessions: sessionmaker[Session], primary: Store, local: MemoryStore, stats: Stats, *,
                 ttl_real: int, ttl_demo: int, prefix: str = "", smart_ttl_floor: int | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 compute: Compute | None = None, resync_s: float = RESYNC_S, timezone: str = "UTC",
                 on_computed: OnComputed | None = None) -> None:
        self.sessions, self.stats, self.clock, self.prefix = sessions, stats, clock, prefix
        # Called with each fresh full computation (page, refresh, worker, import, sync): the alerts' evaluation.
        self.on_computed = on_computed
        self.timezone = timezone  # INTEL_TIMEZONE: the best-time zone of talents without their own
        self.compute, self.resync_s = compute, resync_s  # compute None: compute_for_talent, looked up per call
        self.primary = IntelCache(primary, ttl_real=ttl_real, ttl_demo=ttl_demo, prefix=prefix,
                                  smart_ttl_floor=smart_ttl_floor)
        self.local = self.primary if primary is local else IntelCache(
            local, ttl_real=FALLBACK_TTL_S, ttl_demo=FALLBACK_TTL_S, prefix=prefix)
        # Only a store shared by every process hears every invalidation, so only its mirror is trusted.
        self.shared = primary is not local
        self._next_resync = 0.0  # monotonic time; 0: resync on the next read that reaches the store
        self._resync_lock = threading.Lock()

    def get(self, talent_id: int, *, bypass_cache: bool = False) -> Served:
        """The talent's intelligence from the cache, or computed (and cached) on a miss or bypass."""
        if not bypass_cache:
            hit = self._read(talent_id)
            if hit is not None:
                self.stats.incr("hit" if hit.verified else "stale_served")
                log.debug("cache hit talent=%s store=%s", talent_id, hit.store)
                return hit.served()
            self.stats.incr("miss")
            log.info("cache miss talent=%s", talent_id)
            return self._single_flight(talent_id)
        # A bypass (refresh) takes the same lock: if someone is computing right now, their result,
        # written after this call started, is as fresh as ours would be.
        return self._single_flight(talent_id, fresher_than=time.time())

    def get_window(self, talent_id: int, window: Window) -> Served:
        """The talent's intelligence for `window`: cached per (talent, window, data generation), else computed.

        The entry is checked against the talent's generation like the all-time one, so an import or an
        invalidation voids every window of the talent. Without single-flight (a report asks for a window, not
        every page view) and without touching the roster summary, which holds all-time figures.
        """
        key = window_key(talent_id, window.label(), self.prefix)
        hit = self._read(talent_id, key)
        if hit is not None:
            self.stats.incr("hit" if hit.verified else "stale_served")
            return hit.served()
        self.stats.incr("miss")
        log.info("cache miss talent=%s window=%s", talent_id, window.label())
        started = time.perf_counter()
        try:
            with self.sessions() as session:
                generation = current_generation(session, talent_id)  # before the facts, as in `_compute`
                intel = compute_for_window(session, talent_id, window, now=self.clock(),
                                           default_timezone=self.timezone)
        except (OperationalError, DatabaseUnavailable) as exc:
            return self._stale_or_raise(talent_id, exc, key)
        ms = (time.perf_counter() - started) * 1000
        self.stats.incr("computed")
        store = "none" if self._superseded(talent_id, generation) else self._write(intel, ms, generation, key)
        log.info("computed talent=%s window=%s (generation %s) in %.1f ms, written to %s", talent_id,
                 window.label(), generation, ms, store)
        return Served(intel, "computed", store, ms, None)

    def invalidate(self, *talent_ids: int) -> None:
        """Bump the talents' data generations and delete their cached entries (after demo load, import, rescore)."""
        try:
            generations = bump_generations(self.sessions, talent_ids)
        except SQLAlchemyError as exc:
            generations = {}
            log.error("generation bump of %s failed (database unavailable), entries only deleted: %s",
                      list(talent_ids), exc)
        # Without a shared store nothing is delivered: a process that has one (say, the pages, when this
        # is a CLI run without REDIS_URL) delivers the bumps at its next resync.
        if self._deliver(generations, talent_ids) and generations and self.shared:
            with contextlib.suppress(SQLAlchemyError):  # else the resync delivers them again: harmless
                mark_delivered(self.sessions, generations)
        log.info("cache invalidated talents=%s generations=%s", list(talent_ids), generations)

    def _deliver(self, generations: dict[int, int], talent_ids: tuple[int, ...]) -> bool:
        """Raise the mirrored generations and delete the entries in both stores; True when the primary has them."""
        delivered = True
        for cache in {id(self.primary): self.primary, id(self.local): self.local}.values():
            try:
                for talent_id, generation in generations.items():
                    cache.raise_generation(talent_id, generation)
                cache.delete(*talent_ids)
            except StoreUnavailable:
                log.error("cache invalidation of %s not delivered to %s (unavailable); the database keeps it "
                          "and it is delivered once the store answers", talent_ids, cache.store.name)
                if cache is self.primary:
                    delivered, self._next_resync = False, 0.0
        return delivered

    def _read(self, talent_id: int, key: str | None = None) -> _Hit | None:
        """A hit whose generation is current; None on a miss (`key`: a window's entry, else the all-time one)."""
        if self.shared:
            try:
                entry, mirrored = self.primary.read_with_generation(talent_id, key)
                if talent_id in self._resync_if_due():
                    entry = None  # just invalidated: the entry read above is void
                return self._checked(self.primary, talent_id, entry, mirrored)
            except StoreUnavailable:
                self.stats.incr("error")
                self._next_resync = 0.0  # bumps made meanwhile may not have reached it
        # The embedded store misses other processes' invalidations: the database has the generation.
        return self._checked(self.local, talent_id, self.local.read(talent_id, key), None)

    def _checked(self, cache: IntelCache, talent_id: int, entry: CachedEntry | None,
                 mirrored: int | None) -> _Hit | None:
        if entry is None:
            return None
        current = mirrored
        if current is None:
            try:
                with self.sessions() as session:
                    current = current_generation(session, talent_id)
            except (OperationalError, DatabaseUnavailable) as exc:
                log.warning("database unavailable checking talent=%s's generation: %s", talent_id, exc)
                return _Hit(entry, cache.store.name, verified=False)
            if cache is self.primary and self.shared:
                cache.raise_generation(talent_id, current)  # the mirror had expired: restore it
        if entry.generation != current:
            log.info("cache entry of talent=%s is of generation %s, its data of %s: a miss",
                     talent_id, entry.generation, current)
            return None
        return _Hit(entry, cache.store.name, verified=True)

    def _resync_if_due(self) -> set[int]:
        """Deliver bumps the shared store missed, at most every `resync_s`; the talents delivered."""
        if time.monotonic() < self._next_resync or not self._resync_lock.acquire(blocking=False):
            return set()
        try:
            self._next_resync = time.monotonic() + self.resync_s
            try:
                missed = undelivered_generations(self.sessions)
            except SQLAlchemyError as exc:
                log.warning("resync of generations skipped (database unavailable): %s", exc)
                return set()
            if not missed:
                return set()
            for talent_id, generation in missed.items():
                self.primary.raise_generation(talent_id, generation)
            self.primary.delete(*missed)
            with contextlib.suppress(SQLAlchemyError):
                mark_delivered(self.sessions, missed)
            log.info("resync delivered missed invalidations talents=%s", sorted(missed))
            return set(missed)
        finally:
            self._resync_lock.release()

    def _read_any(self, talent_id: int, key: str | None = None) -> tuple[CachedEntry, str] | None:
        """Any entry whatever its generation (the database is down: the best there is)."""
        for cache in (self.primary, self.local):
            try:
                entry = cache.read(talent_id, key)
            except StoreUnavailable:
                continue
            if entry is not None:
                return entry, cache.store.name
        return None

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

    def computing(self, talent_id: int) -> bool:
        """True while some process holds the talent's single-flight lock (a computation is in flight)."""
        key = lock_key(talent_id, self.prefix)
        for cache in (self.primary, self.local):
            try:
                if cache.store.get(key) is not None:
                    return True
            except StoreUnavailable:
                continue
        return False

    def _wait_for_value(self, talent_id: int, fresher_than: float | None = None) -> Served | None:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            time.sleep(POLL_S)
            hit = self._read(talent_id)
            if hit is not None and (fresher_than is None or hit.entry.written_at >= fresher_than):
                self.stats.incr("hit")
                return hit.served()
        return None

    def _compute_and_write(self, talent_id: int) -> Served:
        return self._compute(talent_id, write=True)

    def _compute(self, talent_id: int, *, write: bool) -> Served:
        started = time.perf_counter()
        try:
            with self.sessions() as session:
                # Before the facts, in the same session: whatever changed after this read bumps it again.
                generation = current_generation(session, talent_id)
                intel = self._run_compute(session, talent_id)
        except (OperationalError, DatabaseUnavailable) as exc:
            return self._stale_or_raise(talent_id, exc)
        ms = (time.perf_counter() - started) * 1000
        self.stats.incr("computed")
        self.stats.observe_compute(ms)
        if self._superseded(talent_id, generation):
            return Served(intel, "computed", "none", ms, None)
        save_summary(self.sessions, intel, generation)
        if self.on_computed is not None:
            self.on_computed(intel, self.clock())
        store = self._write(intel, ms, generation) if write else "none"
        log.info("computed talent=%s (generation %s) in %.1f ms, written to %s", talent_id, generation, ms, store)
        return Served(intel, "computed", store, ms, None)

    def _run_compute(self, session: Session, talent_id: int) -> SocialIntelligence:
        if self.compute is not None:
            return self.compute(session, talent_id, self.clock())
        return compute_for_talent(session, talent_id, self.clock(), default_timezone=self.timezone)

    def _superseded(self, talent_id: int, generation: int) -> bool:
        """True when the talent's data changed since the computation read it: its result is not written."""
        try:
            with self.sessions() as session:
                current = current_generation(session, talent_id)
        except SQLAlchemyError:
            return False  # cannot tell; a hit still compares the entry with the mirrored generation
        if current != generation:
            log.info("computed talent=%s from generation %s but its data is at %s: result not written",
                     talent_id, generation, current)
        return current != generation

    def _write(self, intel: SocialIntelligence, ms: float, generation: int, key: str | None = None) -> str:
        try:
            cache = self.primary
            written = cache.write(intel, ms, generation, key=key)
        except StoreUnavailable:
            self.stats.incr("error")
            self._next_resync = 0.0
            cache = self.local
            written = cache.write(intel, ms, generation, key=key)
        if not written:
            log.info("entry of talent=%s (generation %s) dropped: %s has a newer generation",
                     intel.talent_id, generation, cache.store.name)
            return "none"
        return cache.store.name

    def _stale_or_raise(self, talent_id: int, exc: Exception, key: str | None = None) -> Served:
        log.error("database unavailable computing talent=%s: %s", talent_id, exc)
        found = self._read_any(talent_id, key)
        if found is None:
            raise DatabaseUnavailable(
                "The database cannot be reached right now, and no saved copy of this talent's analytics exists."
            ) from exc
        self.stats.incr("stale_served")
        entry, store = found
        return Served(entry.intel, "stale", store, entry.compute_ms, entry.written_at)
