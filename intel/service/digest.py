"""The weekly digest as a page: the signed-in person's digest of this week, built from the same code as the
Monday email (`intel.alerts.digest`). The demo viewer gets the demo roster's digest, labelled as demo data.

Building one computes each talent three times (now, a week ago, the week's posts): about 0.4 s per talent on
the demo roster. So a built digest is kept in this process for `KEEP_S` and the page says when it was built.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from intel.accounts.access import require
from intel.accounts.auth import Identity
from intel.alerts.digest import Digest, build_digest
from intel.db.base import utcnow
from intel.db.models import User
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary

KEEP_S = 15 * 60
_kept: dict[tuple[int, int | None, str], BuiltDigest] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class BuiltDigest:
    """A digest and when it was built."""

    digest: Digest | None
    built_at: datetime


@database_boundary
def weekly_digest(identity: Identity, *, now: datetime | None = None, fresh: bool = False) -> BuiltDigest:
    """This week's digest for the identity (None inside when they have no talents), kept for KEEP_S."""
    require(identity, "view")
    now = now or utcnow()
    key = (id(get_runtime()), identity.user_id, identity.role)  # a runtime is one database
    with _lock:
        kept = _kept.get(key)
    if kept is not None and not fresh and timedelta(0) <= now - kept.built_at < timedelta(seconds=KEEP_S):
        return kept
    built = BuiltDigest(_build(identity, now), now)
    with _lock:
        _kept[key] = built
    return built


def _build(identity: Identity, now: datetime) -> Digest | None:
    runtime = get_runtime()
    year, week, _ = now.astimezone(ZoneInfo(runtime.settings.timezone)).isocalendar()
    with runtime.sessions() as session:
        if identity.user_id is None:  # the demo viewer: a reader of the whole (demo) roster, never stored
            user = User(id=0, email=identity.email, display_name=identity.display_name, role="manager")
        else:
            found = session.get(User, identity.user_id)
            if found is None:
                return None
            user = found
        return build_digest(session, user, f"{year}-W{week:02d}", now, zone=runtime.settings.timezone)
