"""Talent entry points the pages, the CLI and the API call: each takes the acting `Identity`, checks it, and
returns plain values or raises an `intel.errors` type.

`serve_social_intelligence`, `get_social_intelligence`, `refresh_social_intelligence` and `invalidate` check
no identity: they are for trusted in-process callers (the façades here, the benchmark, tests) — entry
layers call `serve_for` / `refresh_for`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, TypeVar

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.accounts import audit
from intel.accounts.access import check_talent, require, visible_talent_ids
from intel.accounts.auth import Identity
from intel.analytics.compare import MAX_TALENTS, MIN_TALENTS, compare_frame
from intel.analytics.result import SocialIntelligence
from intel.analytics.roster import RosterRow, load_roster
from intel.cache.provider import Served
from intel.config import canonical_timezone
from intel.db.models import Talent
from intel.errors import DatabaseUnavailable, IntelError
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary, database_errors

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class RefreshOutcome:
    """What a refresh did: `refreshed` (with fresh data), `rate_limited` (with seconds left) or `failed`."""

    status: Literal["refreshed", "rate_limited", "failed"]
    message: str
    served: Served | None = None
    retry_after_s: float = 0.0
    duration_ms: float = 0.0


@contextmanager
def read_session() -> Iterator[Session]:
    """A read session; a database that cannot be reached becomes DatabaseUnavailable."""
    with database_errors(), get_runtime().sessions() as session:
        yield session


@database_boundary
def roster(identity: Identity | None) -> list[RosterRow]:
    """The roster of the talents `identity` may see, with headline figures."""
    with read_session() as session:
        return load_roster(session, visible_talent_ids(session, identity))


@database_boundary
def authorize_talent(identity: Identity | None, talent_id: int) -> None:
    """TalentNotFound unless the identity may see the talent (PermissionDenied when it may see nothing).

    With the database down, managers, admins and the demo viewer may still read a cached copy
    (they may see every talent); an agent's assignment cannot be checked, so agents get the outage.
    """
    identity = require(identity, "view")
    try:
        with read_session() as session:
            check_talent(session, identity, talent_id)
    except DatabaseUnavailable:
        if identity.role == "agent":
            raise


@database_boundary
def serve_for(identity: Identity | None, talent_id: int) -> Served:
    """The talent's intelligence for a page, after the access check."""
    authorize_talent(identity, talent_id)
    return serve_social_intelligence(talent_id)


@database_boundary
def refresh_for(identity: Identity | None, talent_id: int) -> RefreshOutcome:
    """The refresh button: capability and talent checks, then the rate-limited refresh."""
    identity = require(identity, "refresh")
    authorize_talent(identity, talent_id)
    return refresh_social_intelligence(talent_id, actor=identity.email, role=identity.role)


@database_boundary
def serve_social_intelligence(talent_id: int, *, bypass_cache: bool = False) -> Served:
    """The talent's intelligence with how it was served (cache, computed, stale)."""
    return get_runtime().provider.get(talent_id, bypass_cache=bypass_cache)


@database_boundary
def get_social_intelligence(talent_id: int, *, bypass_cache: bool = False) -> SocialIntelligence:
    """The talent's SocialIntelligence, from the cache when present (bypass recomputes and rewrites)."""
    return serve_social_intelligence(talent_id, bypass_cache=bypass_cache).intel


@database_boundary
def refresh_social_intelligence(talent_id: int, *, actor: str, role: str | None = None) -> RefreshOutcome:
    """Recompute now if the talent's refresh slot is free; audited whatever the outcome."""
    runtime = get_runtime()
    started = time.perf_counter()
    decision = runtime.limiter.acquire(talent_id, role)
    if not decision.allowed:
        outcome = RefreshOutcome("rate_limited", _limited_message(runtime.limiter.interval_for(role),
                                 decision.retry_after_s), retry_after_s=decision.retry_after_s)
    else:
        outcome = _run_refresh(talent_id)
        if outcome.status == "failed":
            runtime.limiter.release(talent_id)
    outcome = RefreshOutcome(outcome.status, outcome.message, outcome.served, outcome.retry_after_s,
                             (time.perf_counter() - started) * 1000)
    runtime.stats.incr(f"refresh_{outcome.status}")
    log.info("refresh talent=%s actor=%s outcome=%s in %.1f ms", talent_id, actor, outcome.status,
             outcome.duration_ms)
    audit.record(runtime.sessions, actor, "refresh", f"talent:{talent_id}", outcome=outcome.status,
                 duration_ms=round(outcome.duration_ms, 1), retry_after_s=round(outcome.retry_after_s),
                 limiter=decision.store)
    return outcome


def _limited_message(interval_s: int, retry_after_s: float) -> str:
    every = "once per hour" if interval_s == 3600 else f"once every {max(1, round(interval_s / 60))} min"
    minutes = max(1, math.ceil(retry_after_s / 60))
    return f"Analytics refresh limited to {every}. Try again in {minutes} min."


def _run_refresh(talent_id: int) -> RefreshOutcome:
    try:
        served = get_runtime().provider.get(talent_id, bypass_cache=True)
    except IntelError as exc:
        return RefreshOutcome("failed", f"Refresh failed: {exc}")
    if served.possibly_stale:
        return RefreshOutcome("failed", "Refresh failed: the database cannot be reached right now.", served)
    return RefreshOutcome("refreshed", "Analytics refreshed and recalculated", served)


@database_boundary
def invalidate(*talent_ids: int) -> None:
    """Drop cached intelligence of these talents (their data changed)."""
    get_runtime().provider.invalidate(*talent_ids)


@dataclass(frozen=True)
class TimezoneSetting:
    """A talent's best-time zone: its own (None: none set) and the configured default (INTEL_TIMEZONE)."""

    own: str | None
    default: str

    @property
    def effective(self) -> str:
        """The zone the best-time table is shown in."""
        return self.own or self.default


@database_boundary
def timezone_setting(identity: Identity | None, talent_id: int) -> TimezoneSetting:
    """The talent's own time zone and the default, for the page's picker."""
    identity = require(identity, "view")
    with read_session() as session:
        check_talent(session, identity, talent_id)
        own = session.scalar(select(Talent.timezone).where(Talent.id == talent_id))
    return TimezoneSetting(canonical_timezone(own) if own else None, get_runtime().settings.timezone)


@database_boundary
def set_timezone(identity: Identity | None, talent_id: int, timezone: str | None) -> TimezoneSetting:
    """Set the talent's time zone (None or "": back to the default); audited, and its cached result dropped."""
    identity = require(identity, "edit_talent")
    zone = canonical_timezone(timezone) if timezone and timezone.strip() else None
    if timezone and timezone.strip() and zone is None:
        raise IntelError(f"{timezone.strip()[:64]!r} is not a time zone: choose an IANA zone like Europe/Lisbon.")
    runtime = get_runtime()
    with database_errors(), runtime.sessions.begin() as session:
        check_talent(session, identity, talent_id)
        talent = session.get_one(Talent, talent_id)
        previous, talent.timezone = talent.timezone, zone
    if previous != zone:
        # The best-time table of the cached result is in the old zone: recompute it.
        runtime.provider.invalidate(talent_id)
        audit.record(runtime.sessions, identity.email, "talent_timezone_changed", f"talent:{talent_id}",
                     previous=previous, timezone=zone)
        log.info("talent %s time zone %s -> %s by %s", talent_id, previous, zone, identity.email)
    return TimezoneSetting(zone, runtime.settings.timezone)


@database_boundary
def talent_exists(identity: Identity | None, talent_id: int) -> bool:
    """True when a talent with that id exists (the API tells "not yours" from "no such talent")."""
    require(identity, "view")
    with read_session() as session:
        return session.get(Talent, talent_id) is not None


@database_boundary
def talent_choices(identity: Identity | None) -> list[tuple[int, str]]:
    """(id, name) of every talent the identity may see, by name, for pickers."""
    with read_session() as session:
        visible = visible_talent_ids(session, identity)
        query = select(Talent.id, Talent.name).order_by(Talent.name, Talent.id)
        if visible is not None:
            query = query.where(Talent.id.in_(visible))
        return [(int(i), str(n)) for i, n in session.execute(query)]


def parse_talent_id(raw: str | None) -> int | None:
    """A talent id from a query parameter; None when absent, IntelError when malformed."""
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise IntelError("That link has an invalid talent id. Pick a talent from the list instead.")
    return int(raw)


@database_boundary
def compare_talents(identity: Identity | None, talent_ids: list[int]) -> tuple[pd.DataFrame, list[SocialIntelligence]]:
    """The comparison table and each talent's intelligence (2–6 talents the identity may see)."""
    require(identity, "compare")
    if not MIN_TALENTS <= len(talent_ids) <= MAX_TALENTS:
        raise IntelError(f"Choose between {MIN_TALENTS} and {MAX_TALENTS} talents to compare.")
    intels = [serve_for(identity, t).intel for t in talent_ids]
    return compare_frame(intels, roster(identity)), intels
