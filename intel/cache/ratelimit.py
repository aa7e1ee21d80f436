"""Manual refresh limit: one atomic `SET key 1 NX EX seconds` decides, never check-then-set.

When Redis is unreachable the embedded per-process store decides instead, so an outage limits
refreshes per process rather than allowing unlimited ones.

The slot's value says whether its refresh is still running (`running:<deadline>`, then `done`), so a refresh
refused while another is computing can join it instead of being told to wait an hour.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from intel.cache.store import MemoryStore, Store, StoreUnavailable

log = logging.getLogger(__name__)
# Longest a refresh is taken to be running (the provider's lock timeout plus its wait): a refresher that died
# mid-computation stops counting as running after this.
RUNNING_S = 15.0
DONE = b"done"


@dataclass(frozen=True)
class Decision:
    """Whether a refresh may run now, and if not, in how many seconds."""

    allowed: bool
    retry_after_s: float
    store: str
    running: bool = False  # refused while the slot's refresh is still computing


class RefreshLimiter:
    """At most one refresh per talent per interval (the interval may depend on the caller's role)."""

    def __init__(self, primary: Store, local: MemoryStore, *, default_interval: int,
                 role_intervals: dict[str, int] | None = None, prefix: str = "") -> None:
        self.primary, self.local = primary, local
        self.default_interval = default_interval
        self.role_intervals = role_intervals or {}
        self.prefix = prefix

    def key(self, talent_id: int) -> str:
        """The limiter key of one talent."""
        return f"{self.prefix}ratelimit:refresh:{talent_id}"

    def interval_for(self, role: str | None) -> int:
        """Seconds between refreshes for this role."""
        return self.role_intervals.get(role or "", self.default_interval)

    def acquire(self, talent_id: int, role: str | None = None) -> Decision:
        """Take the talent's refresh slot if free (atomic); otherwise say how long until it frees."""
        interval = self.interval_for(role)
        key = self.key(talent_id)
        try:
            return self._decide(self.primary, key, interval)
        except StoreUnavailable:
            log.warning("refresh limiter: shared store down, using the per-process limiter")
            return self._decide(self.local, key, interval)

    @staticmethod
    def _decide(store: Store, key: str, interval: int) -> Decision:
        if store.set_if_absent(key, f"running:{time.time() + RUNNING_S:.3f}".encode(), interval * 1000):
            return Decision(True, 0.0, store.name)
        value, left = store.get(key), store.ttl(key)
        return Decision(False, float(interval if left is None else left), store.name, _running(value))

    def running(self, talent_id: int) -> bool:
        """True while the refresh holding the talent's slot is computing."""
        key = self.key(talent_id)
        for store in (self.primary, self.local):
            try:
                return _running(store.get(key))
            except StoreUnavailable:
                continue
        return False

    def finish(self, talent_id: int) -> None:
        """The slot's refresh is done: the slot stays taken until its window ends, no longer running."""
        for store in (self.primary, self.local):
            try:
                store.replace(self.key(talent_id), DONE)
            except StoreUnavailable:
                continue

    def release(self, talent_id: int) -> None:
        """Give the slot back (the refresh failed, so the user may try again)."""
        for store in (self.primary, self.local):
            try:
                store.delete(self.key(talent_id))
            except StoreUnavailable:
                continue


def _running(value: bytes | None) -> bool:
    if value is None or not value.startswith(b"running:"):
        return False
    try:
        return time.time() < float(value[8:])
    except ValueError:
        return False
