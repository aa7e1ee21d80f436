"""Talent entry points the pages, the CLI and the API call: each takes the acting `Identity`, checks it, and
returns plain values or raises an `intel.errors` type.

`serve_social_intelligence`, `get_social_intelligence`, `refresh_social_intelligence` and `invalidate` check
no identity: they are for trusted in-process callers (the façades here, the benchmark, tests) — entry
layers call `serve_for` / `serve_window_for` (a period's figures) / `refresh_for` / `queue_refresh_for`.
The refresh itself (limit, join, queue) is `intel.service.refresh`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.accounts import audit
from intel.accounts.access import check_talent, require, visible_talent_ids
from intel.accounts.auth import Identity
from intel.analytics.compare import MAX_TALENTS, MIN_TALENTS, compare_frame
from intel.analytics.result import SocialIntelligence
from intel.analytics.roster import RosterRow, load_roster
from intel.analytics.window import Window
from intel.cache.provider import Served
from intel.config import canonical_timezone
from intel.db.models import Talent
from intel.errors import DatabaseUnavailable, IntelError
from intel.runtime import get_runtime
from intel.service import refresh
from intel.service.boundary import database_boundary, database_errors
from intel.service.refresh import QueueState, RefreshOutcome, refresh_social_intelligence

log = logging.getLogger(__name__)
T = TypeVar("T")


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
    """The talent's intelligence for a page, after the access check (running its queued refresh when due)."""
    authorize_talent(identity, talent_id)
    refresh.run_due_refresh(talent_id)  # so a queued refresh runs without a worker too
    return serve_social_intelligence(talent_id)


@database_boundary
def serve_window_for(identity: Identity | None, talent_id: int, window: Window) -> Served:
    """The talent's intelligence for a period (a report's), after the access check; cached per window and data.

    IntelError when the window ends after today (the runtime's clock).
    """
    authorize_talent(identity, talent_id)
    provider = get_runtime().provider
    window.check_not_future(provider.clock().date())
    return provider.get_window(talent_id, window)


@database_boundary
def refresh_for(identity: Identity | None, talent_id: int) -> RefreshOutcome:
    """The refresh button: capability and talent checks, then the rate-limited refresh (or joining one running)."""
    identity = require(identity, "refresh")
    authorize_talent(identity, talent_id)
    return refresh_social_intelligence(talent_id, actor=identity.email, role=identity.role)


@database_boundary
def queue_refresh_for(identity: Identity | None, talent_id: int) -> RefreshOutcome:
    """"Refresh when allowed": the checks of `refresh_for`, then refreshed now, joined, or queued."""
    identity = require(identity, "refresh")
    authorize_talent(identity, talent_id)
    return refresh.queue_refresh(talent_id, actor=identity.email, role=identity.role)


@database_boundary
def queued_refresh_for(identity: Identity | None, talent_id: int) -> QueueState | None:
    """The talent's queued refresh (when it runs), for everyone who may see the talent."""
    authorize_talent(identity, talent_id)
    return refresh.queued_refresh(talent_id)


def refresh_outcomes_for(identity: Identity | None) -> list[tuple[str, str]]:
    """(message, status) of the identity's queued refreshes that ran since its last page run (shown once)."""
    return refresh.pop_outcomes(require(identity, "view").email)


@database_boundary
def serve_social_intelligence(talent_id: int, *, bypass_cache: bool = False) -> Served:
    """The talent's intelligence with how it was served (cache, computed, stale)."""
    return get_runtime().provider.get(talent_id, bypass_cache=bypass_cache)


@database_boundary
def get_social_intelligence(talent_id: int, *, bypass_cache: bool = False) -> SocialIntelligence:
    """The talent's SocialIntelligence, from the cache when present (bypass recomputes and rewrites)."""
    return serve_social_intelligence(talent_id, bypass_cache=bypass_cache).intel


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
