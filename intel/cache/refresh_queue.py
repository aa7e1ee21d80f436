"""The refresh queue's store mechanics (the shared store: Redis when configured, else the embedded store).

Per talent: a marker saying when the queued refresh runs (when the limiter's window opens) and with which
role's interval, the set of queuers, and a claim (`SET NX`) so exactly one process runs it when due,
whoever notices first. Per queuer: an inbox of outcomes, popped (once) by their next page run.

Ordering, so no queuer is lost: a queuer adds themself to the set before the marker; the runner deletes the
marker after its run, then pops the set. A queuer arriving after the pop makes a new marker, whose run finds
the limiter's new window and is rescheduled to it.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from intel.cache.store import Store

# A queued refresh nobody ran within this long after its time (no worker, nobody opened the talent) is dropped.
GRACE_S = 24 * 3600
CLAIM_TTL_MS = 60_000  # far above one refresh; a runner that died frees the claim after this
INBOX_TTL_S = 7 * 24 * 3600


@dataclass(frozen=True)
class Queued:
    """A queued refresh of one talent: when it runs (epoch seconds) and the role whose interval it takes."""

    talent_id: int
    runs_at: float
    role: str | None


@dataclass(frozen=True)
class Claim:
    """The right to run one talent's queued refresh, held by one process."""

    queued: Queued
    token: bytes


class RefreshQueue:
    """Queue, inspect, claim and finish queued refreshes; deliver and pop outcomes per queuer."""

    def __init__(self, store: Store, prefix: str = "", clock: Callable[[], float] = time.time) -> None:
        self.store, self.prefix, self.clock = store, prefix, clock

    def _key(self, talent_id: int, part: str = "") -> str:
        return f"{self.prefix}refresh_queue:{talent_id}{part}"

    def _inbox(self, queuer: str) -> str:
        return f"{self.prefix}refresh_queue:inbox:{queuer}"

    def enqueue(self, talent_id: int, queuer: str, runs_at: float, role: str | None) -> Queued:
        """Add `queuer` to the talent's queued refresh (made now if none is queued); the refresh as queued."""
        ttl = max(1, int(runs_at - self.clock()) + GRACE_S)
        self.store.add_member(self._key(talent_id, ":queuers"), queuer.encode(), ttl)
        self.store.set_if_absent(self._key(talent_id), _encode(runs_at, role), ttl * 1000)
        return self.state(talent_id) or Queued(talent_id, runs_at, role)  # run and gone meanwhile: as asked

    def state(self, talent_id: int) -> Queued | None:
        """The talent's queued refresh, or None."""
        return _decode(talent_id, self.store.get(self._key(talent_id)))

    def due(self, talent_ids: list[int]) -> list[int]:
        """Those of `talent_ids` whose queued refresh is due (one MGET)."""
        if not talent_ids:
            return []
        raw = self.store.get_many(*(self._key(t) for t in talent_ids))
        now = self.clock()
        return [t for t, value in zip(talent_ids, raw, strict=True)
                if (q := _decode(t, value)) is not None and q.runs_at <= now]

    def claim_due(self, talent_id: int) -> Claim | None:
        """The claim on the talent's queued refresh when it is due and nobody else holds it; else None."""
        queued = self.state(talent_id)
        if queued is None or queued.runs_at > self.clock():
            return None
        token = secrets.token_hex(16).encode()
        if not self.store.set_if_absent(self._key(talent_id, ":claim"), token, CLAIM_TTL_MS):
            return None
        queued = self.state(talent_id)  # a runner that finished just before our claim deleted it
        if queued is None:
            self.release(Claim(Queued(talent_id, 0.0, None), token))
            return None
        return Claim(queued, token)

    def reschedule(self, claim: Claim, runs_at: float) -> None:
        """The limiter refused the due run (its window moved on): run at `runs_at` instead, same queuers."""
        queued = claim.queued
        ttl = max(1, int(runs_at - self.clock()) + GRACE_S)
        self.store.set(self._key(queued.talent_id), _encode(runs_at, queued.role), ttl)
        self.release(claim)

    def finish(self, claim: Claim) -> list[str]:
        """The run is over: drop the marker and take the queuers (each is taken by exactly one run)."""
        talent_id = claim.queued.talent_id
        self.store.delete(self._key(talent_id))
        return sorted(m.decode() for m in self.store.pop_members(self._key(talent_id, ":queuers")))

    def release(self, claim: Claim) -> None:
        """Give the claim back (only the holder's token deletes it)."""
        self.store.delete_if_equals(self._key(claim.queued.talent_id, ":claim"), claim.token)

    def deliver(self, queuers: list[str], outcome: dict[str, Any]) -> None:
        """Put the outcome of a queued run in each queuer's inbox."""
        payload = json.dumps(outcome, sort_keys=True).encode()
        for queuer in queuers:
            self.store.add_member(self._inbox(queuer), payload, INBOX_TTL_S)

    def pop_outcomes(self, queuer: str) -> list[dict[str, Any]]:
        """The outcomes waiting for `queuer`, oldest first, removed (shown once)."""
        outcomes = [json.loads(m) for m in self.store.pop_members(self._inbox(queuer))]
        return sorted(outcomes, key=lambda o: (o.get("at", 0), o.get("talent_id", 0)))


def _encode(runs_at: float, role: str | None) -> bytes:
    return json.dumps({"runs_at": runs_at, "role": role}).encode()


def _decode(talent_id: int, value: bytes | None) -> Queued | None:
    if value is None:
        return None
    data = json.loads(value)
    return Queued(talent_id, float(data["runs_at"]), data.get("role"))
