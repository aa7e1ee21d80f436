"""Linking a platform account to a talent: its social profile, its connection (tokens sealed) and its sync state.

The OAuth callback and the "add a YouTube channel" form call `link_profile`; it writes in the caller's session
(the caller commits, and audits who linked what).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.connectors.base import NotConfigured
from intel.connectors.crypto import TokenBox
from intel.db.base import utcnow
from intel.db.connections import PlatformConnection, SyncState
from intel.db.models import PLATFORMS, SocialProfile, Talent
from intel.errors import IntelError

PLATFORM_NAMES = {"youtube": "YouTube", "instagram": "Instagram", "tiktok": "TikTok"}


def link_profile(session: Session, *, talent_id: int, platform: str, account_id: str, handle: str,
                 connected_by: int | None, access_token: str | None = None, refresh_token: str | None = None,
                 token_expires_at: datetime | None = None, scopes: str = "",
                 box: TokenBox | None = None) -> SocialProfile:
    """The talent's profile for (platform, account_id), connected and due for a sync now (see module docstring).

    IntelError when the account belongs to another talent or to the demo roster, or the talent is unknown or
    demo; NotConfigured when a token is given without a box to seal it.
    """
    name = PLATFORM_NAMES.get(platform, platform)
    if platform not in PLATFORMS:
        raise IntelError(f"Unknown platform {platform!r}")
    talent = session.get(Talent, talent_id)
    if talent is None or talent.is_demo:
        raise IntelError("That talent does not exist" if talent is None else
                         "Demo talents cannot be connected to real accounts")
    if (access_token or refresh_token) and box is None:
        raise NotConfigured("INTEL_SECRET_KEY is not set: platform tokens are stored encrypted, so accounts cannot "
                            "be connected until it is.")
    profile = session.scalar(select(SocialProfile).where(SocialProfile.platform == platform,
                                                         SocialProfile.account_id == account_id))
    if profile is not None and (profile.is_demo or profile.talent_id != talent_id):
        raise IntelError(f"This {name} account is already linked to "
                         f"{'the demo roster' if profile.is_demo else 'another talent'}; unlink it there first")
    now = utcnow()
    if profile is None:
        profile = SocialProfile(talent_id=talent_id, platform=platform, account_id=account_id, handle=handle[:100])
        session.add(profile)
    profile.handle, profile.connected = handle[:100] or profile.handle, True
    session.flush()
    _connection(session, profile, box, access_token, refresh_token, token_expires_at, scopes, connected_by, now)
    state = session.get(SyncState, profile.id)
    if state is None:
        session.add(SyncState(profile_id=profile.id, next_sync_at=now, consecutive_failures=0))
    else:
        state.next_sync_at, state.consecutive_failures = now, 0
    session.flush()
    return profile


def _connection(session: Session, profile: SocialProfile, box: TokenBox | None, access_token: str | None,
                refresh_token: str | None, expires_at: datetime | None, scopes: str, connected_by: int | None,
                now: datetime) -> None:
    """Create or replace the profile's connection, its tokens sealed (the old ones are overwritten)."""
    connection = session.scalar(select(PlatformConnection).where(PlatformConnection.profile_id == profile.id))
    if connection is None:
        connection = PlatformConnection(profile_id=profile.id, platform=profile.platform)
        session.add(connection)
    connection.status, connection.status_reason = "connected", None
    connection.access_token = box.seal(access_token) if box and access_token else None
    connection.refresh_token = box.seal(refresh_token) if box and refresh_token else None
    connection.token_expires_at, connection.scopes = expires_at, scopes[:500]
    connection.connected_by, connection.connected_at, connection.updated_at = connected_by, now, now
