"""Manual refreshes: rate-limited, joined when one is already computing, queued for when the window opens.

No identity is checked here: `intel.service.talents` checks it (`refresh_for`, `queue_refresh_for`, …) and
calls these; the worker and trusted in-process callers call them directly.

- A refresh refused by the limiter while the talent's refresh (or any computation of it) is in flight waits
  for it and answers "joined" with its result, never "rate_limited".
- "Refresh when allowed" queues the talent's refresh in the shared store; it runs once when the limiter's
  window opens, whoever and however many queued it, in whichever process notices first (the worker's pass, or
  any serve of that talent), and each queuer finds the outcome in their inbox on their next page run.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from intel.accounts import audit
from intel.cache.provider import Served
from intel.cache.ratelimit import RUNNING_S, Decision
from intel.cache.refresh_queue import RefreshQueue
from intel.cache.store import StoreUnavailable
from intel.errors import IntelError
from intel.runtime import Runtime, get_runtime
from intel.service.boundary import database_boundary

log = logging.getLogger(__name__)
QUEUE_ACTOR = "system:refresh-queue"  # the actor of a queued refresh's run (its queuers are in the details)
POLL_S = 0.02
Status = Literal["refreshed", "joined", "rate_limited", "queued", "failed"]
REFRESHED = "Analytics refreshed and recalculated"
JOINED = "Joined the refresh already running: analytics refreshed and recalculated"


@dataclass(frozen=True)
class RefreshOutcome:
    """What a refresh did: `refreshed` or `joined` (with fresh data), `rate_limited` (with seconds left),
    `queued` (with when it runs) or `failed`."""

    status: Status
    message: str
    served: Served | None = None
    retry_after_s: float = 0.0
    duration_ms: float = 0.0
    runs_at: datetime | None = None


@dataclass(frozen=True)
class QueueState:
    """A talent's queued refresh as everyone viewing it sees it."""

    runs_at: datetime
    runs_in_s: float

    @property
    def label(self) -> str:
        """"Refresh queued · runs in N min" (or "runs now" once due)."""
        if self.runs_in_s <= 0:
            return "Refresh queued · runs now"
        return f"Refresh queued · runs in {max(1, math.ceil(self.runs_in_s / 60))} min"


@database_boundary
def refresh_social_intelligence(talent_id: int, *, actor: str, role: str | None = None) -> RefreshOutcome:
    """Recompute now if the talent's refresh slot is free, or join the one in flight; audited whatever the outcome."""
    runtime = get_runtime()
    started = time.perf_counter()
    outcome, decision = _attempt(runtime, talent_id, role)
    outcome = replace(outcome, duration_ms=(time.perf_counter() - started) * 1000)
    _count(runtime, talent_id, actor, outcome)
    audit.record(runtime.sessions, actor, "refresh", f"talent:{talent_id}", outcome=outcome.status,
                 duration_ms=round(outcome.duration_ms, 1), retry_after_s=round(outcome.retry_after_s),
                 limiter=decision.store)
    return outcome


@database_boundary
def queue_refresh(talent_id: int, *, actor: str, role: str | None = None) -> RefreshOutcome:
    """Refresh when allowed: now if the slot is free, joined if one is running, else queued (audited)."""
    runtime = get_runtime()
    outcome, decision = _attempt(runtime, talent_id, role)
    if outcome.status != "rate_limited":
        _count(runtime, talent_id, actor, outcome)
        audit.record(runtime.sessions, actor, "refresh", f"talent:{talent_id}", outcome=outcome.status,
                     retry_after_s=0, limiter=decision.store, when="allowed")
        return outcome
    try:
        queued = _queue(runtime).enqueue(talent_id, actor, time.time() + decision.retry_after_s, role)
    except StoreUnavailable:
        log.warning("refresh of talent %s not queued for %s: the shared store is unavailable", talent_id, actor)
        return RefreshOutcome("failed", "The refresh could not be queued right now. Try again in a minute.")
    state = _state(queued.runs_at)
    runtime.stats.incr("refresh_queued")
    log.info("refresh talent=%s queued by %s, runs at %s", talent_id, actor, state.runs_at.isoformat())
    audit.record(runtime.sessions, actor, "refresh_queued", f"talent:{talent_id}",
                 runs_at=state.runs_at.isoformat(timespec="seconds"))
    return RefreshOutcome("queued", state.label, retry_after_s=state.runs_in_s, runs_at=state.runs_at)


def queued_refresh(talent_id: int) -> QueueState | None:
    """The talent's queued refresh, if any (None too when the shared store cannot be read)."""
    try:
        queued = _queue(get_runtime()).state(talent_id)
    except StoreUnavailable:
        return None
    return None if queued is None else _state(queued.runs_at)


@database_boundary
def run_due_refresh(talent_id: int) -> RefreshOutcome | None:
    """Run the talent's queued refresh if it is due and no other process runs it; its outcome, else None."""
    runtime = get_runtime()
    queue = _queue(runtime)
    try:
        claim = queue.claim_due(talent_id)
    except StoreUnavailable:
        return None
    if claim is None:
        return None
    try:
        started = time.perf_counter()
        outcome, decision = _attempt(runtime, talent_id, claim.queued.role)
        if outcome.status == "rate_limited":  # someone refreshed as the window opened: the next window, then
            queue.reschedule(claim, time.time() + decision.retry_after_s)
            log.info("queued refresh of talent %s rescheduled by %.0f s", talent_id, decision.retry_after_s)
            return None
        queuers = queue.finish(claim)
        queue.deliver(queuers, _inbox_entry(talent_id, outcome))
    except StoreUnavailable:
        log.warning("queued refresh of talent %s: the shared store became unavailable", talent_id)
        return None
    finally:
        with contextlib.suppress(StoreUnavailable):  # else the claim expires by itself
            queue.release(claim)
    outcome = replace(outcome, duration_ms=(time.perf_counter() - started) * 1000)
    _count(runtime, talent_id, QUEUE_ACTOR, outcome)
    audit.record(runtime.sessions, QUEUE_ACTOR, "refresh_queue_run", f"talent:{talent_id}", outcome=outcome.status,
                 queuers=len(queuers), duration_ms=round(outcome.duration_ms, 1))
    return outcome


def run_due_refreshes(talent_ids: list[int]) -> int:
    """Run the due queued refreshes among `talent_ids` (the worker's step); how many this process ran."""
    try:
        due = _queue(get_runtime()).due(talent_ids)
    except StoreUnavailable:
        return 0
    return sum(run_due_refresh(t) is not None for t in due)


def pop_outcomes(queuer: str) -> list[tuple[str, str]]:
    """(message, status) of the queued refreshes that ran for `queuer` since their last page run, once."""
    try:
        return [(str(o["message"]), str(o["status"])) for o in _queue(get_runtime()).pop_outcomes(queuer)]
    except StoreUnavailable:
        return []  # still there: the next run shows them


def _attempt(runtime: Runtime, talent_id: int, role: str | None) -> tuple[RefreshOutcome, Decision]:
    """Take the slot and refresh; or join the computation in flight; or the limited answer."""
    decision = runtime.limiter.acquire(talent_id, role)
    if decision.allowed:
        return _run_refresh(runtime, talent_id), decision
    if not (decision.running or runtime.provider.computing(talent_id)):
        return _limited(runtime, role, decision), decision
    _wait_while_running(runtime, talent_id)
    again = runtime.limiter.acquire(talent_id, role)
    if again.allowed:  # the refresh we joined failed and gave its slot back: ours, then
        return _run_refresh(runtime, talent_id), again
    if again.running:  # a new one began meanwhile: its result is as good
        _wait_while_running(runtime, talent_id)
    return _joined(runtime, talent_id), again


def _wait_while_running(runtime: Runtime, talent_id: int) -> None:
    """Wait (at most RUNNING_S) while the talent's refresh or computation is in flight."""
    deadline = time.monotonic() + RUNNING_S
    while time.monotonic() < deadline and (runtime.limiter.running(talent_id)
                                           or runtime.provider.computing(talent_id)):
        time.sleep(POLL_S)


def _run_refresh(runtime: Runtime, talent_id: int) -> RefreshOutcome:
    outcome = _served_outcome(runtime, talent_id, bypass=True)
    if outcome.status == "failed":
        runtime.limiter.release(talent_id)  # the user may try again
    else:
        runtime.limiter.finish(talent_id)
    return outcome


def _joined(runtime: Runtime, talent_id: int) -> RefreshOutcome:
    return _served_outcome(runtime, talent_id, bypass=False)


def _served_outcome(runtime: Runtime, talent_id: int, *, bypass: bool) -> RefreshOutcome:
    try:
        served = runtime.provider.get(talent_id, bypass_cache=bypass)
    except IntelError as exc:
        return RefreshOutcome("failed", f"Refresh failed: {exc}")
    if served.possibly_stale:
        return RefreshOutcome("failed", "Refresh failed: the database cannot be reached right now.", served)
    return RefreshOutcome("refreshed", REFRESHED, served) if bypass else RefreshOutcome("joined", JOINED, served)


def _limited(runtime: Runtime, role: str | None, decision: Decision) -> RefreshOutcome:
    interval_s, retry_after_s = runtime.limiter.interval_for(role), decision.retry_after_s
    every = "once per hour" if interval_s == 3600 else f"once every {max(1, round(interval_s / 60))} min"
    minutes = max(1, math.ceil(retry_after_s / 60))
    return RefreshOutcome("rate_limited", f"Analytics refresh limited to {every}. Try again in {minutes} min.",
                          retry_after_s=retry_after_s)


def _count(runtime: Runtime, talent_id: int, actor: str, outcome: RefreshOutcome) -> None:
    runtime.stats.incr(f"refresh_{outcome.status}")
    log.info("refresh talent=%s actor=%s outcome=%s in %.1f ms", talent_id, actor, outcome.status,
             outcome.duration_ms)


def _queue(runtime: Runtime) -> RefreshQueue:
    return RefreshQueue(runtime.store, runtime.settings.cache_prefix)


def _state(runs_at: float) -> QueueState:
    return QueueState(datetime.fromtimestamp(runs_at, UTC), runs_at - time.time())


def _inbox_entry(talent_id: int, outcome: RefreshOutcome) -> dict[str, Any]:
    name = outcome.served.intel.talent_name if outcome.served else f"talent {talent_id}"
    return {"talent_id": talent_id, "status": outcome.status, "at": time.time(),
            "message": f"Queued refresh of {name}: {outcome.message}"}
