"""Connected profiles for the job tests: a talent, its profile, its connection and (optionally) its sync state."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime

from sqlalchemy import Engine

from intel.db.connections import PlatformConnection, SyncState
from intel.db.engine import transaction
from intel.db.models import SocialProfile, Talent

_ids = itertools.count(1)
NO_STATE = object()  # never synced: no sync_states row


def connected_profile(engine: Engine, *, platform: str = "instagram", account_id: str | None = None,
                      status: str = "connected", next_sync_at: datetime | object | None = NO_STATE,
                      agent_id: int | None = None) -> tuple[int, int]:
    """Commit a talent with one profile connected on `platform`; (talent id, profile id)."""
    n = next(_ids)
    with transaction(engine) as s:
        talent = Talent(name=f"Synced {n}", primary_handle=f"@s{n}", agent_id=agent_id)
        profile = SocialProfile(talent=talent, platform=platform, handle=f"s{n}",
                                account_id=account_id or f"{platform}-{uuid.uuid4().hex[:10]}")
        s.add_all([talent, profile])
        s.flush()
        s.add(PlatformConnection(profile_id=profile.id, platform=platform, status=status))
        if next_sync_at is not NO_STATE:
            s.add(SyncState(profile_id=profile.id, next_sync_at=next_sync_at, consecutive_failures=0))
        s.flush()
        return talent.id, profile.id


def sync_state(engine: Engine, profile_id: int) -> SyncState | None:
    """The profile's sync state as committed now (detached)."""
    with transaction(engine) as s:
        state = s.get(SyncState, profile_id)
        if state is not None:
            s.expunge(state)
        return state
