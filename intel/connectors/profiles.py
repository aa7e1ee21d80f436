"""Linking a platform account to a talent: the profile row, its connection (sealed tokens) and its sync state.

(Minimal version written on the OAuth branch for its tests; the YouTube branch owns this module and its
fuller version replaces this one at merge — same signature.)
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.connectors.crypto import TokenBox
from intel.connectors.http import display_name
from intel.db.base import utcnow
from intel.db.connections import PlatformConnection, SyncState
from intel.db.models import SocialProfile
from intel.errors import IntelError


def link_profile(session: Session, *, talent_id: int, platform: str, account_id: str, handle: str,
                 connected_by: int | None, access_token: str | None = None, refresh_token: str | None = None,
                 token_expires_at: datetime | None = None, scopes: str = "", box: TokenBox | None = None
                 ) -> SocialProfile:
    """Create or reuse the talent's profile for this account, (re)connect it and make its sync due now."""
    if (access_token or refresh_token) and box is None:
        raise ValueError("tokens are only stored sealed: pass the TokenBox")
    now = utcnow()
    profile = session.scalars(select(SocialProfile).where(SocialProfile.platform == platform,
                                                          SocialProfile.account_id == account_id)).first()
    if profile is not None and profile.talent_id != talent_id:
        raise IntelError(f"This {display_name(platform)} account is already linked to another talent.")
    if profile is None:
        profile = SocialProfile(talent_id=talent_id, platform=platform, account_id=account_id,
                                handle=handle or account_id)
        session.add(profile)
        session.flush()
    profile.connected, profile.handle = True, handle or profile.handle
    connection = session.scalars(select(PlatformConnection).where(PlatformConnection.profile_id == profile.id)).first()
    if connection is None:
        connection = PlatformConnection(profile_id=profile.id, platform=platform)
        session.add(connection)
    connection.status, connection.status_reason = "connected", None
    connection.access_token = box.seal(access_token) if box and access_token else None
    connection.refresh_token = box.seal(refresh_token) if box and refresh_token else None
    connection.token_expires_at, connection.scopes = token_expires_at, scopes[:500]
    connection.connected_by, connection.connected_at, connection.updated_at = connected_by, now, now
    state = session.get(SyncState, profile.id)
    if state is None:
        state = SyncState(profile_id=profile.id)
        session.add(state)
    state.next_sync_at = now
    session.flush()
    return profile
