"""Connecting a talent's platform accounts: the entry points of the talent page's Connect buttons and of the
OAuth callback route. Connecting and disconnecting need the "connect" capability (agents for their own
talents, admins, the command line); every action, refused or done, is audited; tokens are never logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from intel.accounts import audit
from intel.accounts.access import check_talent, require
from intel.accounts.auth import Identity, identity_for_session
from intel.connectors import http, oauth, tokens
from intel.connectors.base import ConnectorError, NotConfigured
from intel.connectors.crypto import TokenBox
from intel.connectors.http import display_name
from intel.connectors.oauth import OAUTH_PLATFORMS, OAuthRefused
from intel.connectors.profiles import link_profile
from intel.connectors.quota import QuotaMeter
from intel.db.base import utcnow
from intel.db.connections import PlatformConnection, SyncState
from intel.db.models import SocialProfile
from intel.errors import IntelError, TalentNotFound
from intel.jobs import push, schedule
from intel.runtime import Runtime, get_runtime
from intel.service.boundary import database_boundary

log = logging.getLogger(__name__)
# The platforms whose Display/Graph API gives no comment text (the page says so instead of showing 0).
NO_COMMENT_TEXT = frozenset({"tiktok"})
DENIED = "The connection was not approved on {platform}, so nothing was connected."


@dataclass(frozen=True)
class ConnectionView:
    """One connected profile of a talent, as the talent page shows it."""

    profile_id: int
    platform: str
    handle: str
    status: str  # "connected" | "needs_reconnect"
    status_reason: str | None  # why it needs reconnecting, in the platform's words
    connected_at: datetime | None
    last_synced_at: datetime | None
    last_status: str | None  # of the last sync: synced / paused / needs_reconnect / failed / running
    last_message: str | None
    next_sync_at: datetime | None
    has_comment_text: bool  # False for TikTok: "comment sentiment unavailable for TikTok accounts synced by API"


def _view(profile: SocialProfile, connection: PlatformConnection, state: SyncState | None) -> ConnectionView:
    return ConnectionView(
        profile_id=profile.id, platform=profile.platform, handle=profile.handle, status=connection.status,
        status_reason=connection.status_reason, connected_at=connection.connected_at,
        last_synced_at=profile.last_synced_at or (state.last_finished_at if state else None),
        last_status=state.last_status if state else None, last_message=state.last_message if state else None,
        next_sync_at=state.next_sync_at if state else None, has_comment_text=profile.platform not in NO_COMMENT_TEXT)


def _views(session: Session, talent_id: int, profile_id: int | None = None) -> list[ConnectionView]:
    query = (select(SocialProfile, PlatformConnection, SyncState)
             .join(PlatformConnection, PlatformConnection.profile_id == SocialProfile.id)
             .outerjoin(SyncState, SyncState.profile_id == SocialProfile.id)
             .where(SocialProfile.talent_id == talent_id).order_by(SocialProfile.platform, SocialProfile.id))
    if profile_id is not None:
        query = query.where(SocialProfile.id == profile_id)
    return [_view(p, c, s) for p, c, s in session.execute(query)]


@database_boundary
def list_connections(identity: Identity | None, talent_id: int) -> list[ConnectionView]:
    """The talent's connected profiles (those with a platform connection), by platform."""
    identity = require(identity, "view")
    with get_runtime().sessions() as session:
        check_talent(session, identity, talent_id)
        return _views(session, talent_id)


def configured_platforms() -> dict[str, str | None]:
    """Platform → None when it can be connected here, else the reason it cannot (the setting to set)."""
    settings = get_runtime().settings.connectors
    found: dict[str, str | None] = {p: oauth.missing(p, settings) for p in OAUTH_PLATFORMS}
    found["youtube"] = None if settings.youtube_api_key else "INTEL_YOUTUBE_API_KEY is not set"
    return found


def _origin(rt: Runtime, origin: str | None) -> str:
    """The public origin of the callback: INTEL_PUBLIC_URL when set, else the one the request came to."""
    chosen = rt.settings.public_url or origin
    if not chosen:
        raise IntelError("The app's public address is unknown: set INTEL_PUBLIC_URL.")
    return chosen


@database_boundary
def start_connect(identity: Identity | None, talent_id: int, platform: str, *, session_token: str, origin: str,
                  now: datetime | None = None) -> str:
    """The platform's authorisation URL to send the browser to; the pending authorisation is stored."""
    identity = require(identity, "connect")
    rt, now = get_runtime(), now or utcnow()
    if platform not in OAUTH_PLATFORMS:
        raise IntelError(f"{platform!r} accounts are not connected through a platform sign-in.")
    if not identity.user_id:
        raise IntelError("Connecting an account needs a signed-in person (the platform asks them to approve).")
    settings = rt.settings.connectors
    provider = oauth.provider(platform, settings)  # NotConfigured (INTEL_SECRET_KEY too) in plain words
    box = TokenBox(settings.secret_keys)
    with rt.sessions.begin() as session:
        check_talent(session, identity, talent_id)
        url = oauth.begin(session, box, provider, talent_id=talent_id, user_id=identity.user_id,
                          session_token=session_token, redirect=oauth.redirect_uri(_origin(rt, origin), platform),
                          now=now)
    audit.record(rt.sessions, identity.email, "connect_start", f"talent:{talent_id}", platform=platform)
    return url


@database_boundary
def complete_connect(platform: str, *, code: str, state: str, session_token: str | None, error: str | None = None,
                     origin: str | None = None, now: datetime | None = None) -> int:
    """Finish an authorisation from the platform's callback; the talent id. OAuthRefused / IntelError in plain
    words for a bad, expired, reused or foreign state, a denied consent or a failed exchange — nothing stored."""
    rt, now = get_runtime(), now or utcnow()
    identity = identity_for_session(session_token, sessions=rt.sessions) if session_token else None
    actor = identity.email if identity else "anonymous"
    talent_id: int | None = None
    try:
        if platform not in OAUTH_PLATFORMS:
            raise OAuthRefused("This connection link names no platform we connect.")
        settings = rt.settings.connectors
        box = TokenBox(settings.secret_keys)
        with rt.sessions() as session:
            try:
                pending = oauth.claim(session, box, platform=platform, state=state, session_token=session_token,
                                      now=now)
            finally:
                session.commit()  # a claimed (or expired) state is spent even when the rest fails
        talent_id = pending.talent_id
        if error:  # the platform's own words are shown escaped, and cut short
            raise OAuthRefused(DENIED.format(platform=display_name(platform)) if error == "access_denied" else
                               f"{display_name(platform)} did not authorise the connection ({error[:60]}). "
                               f"{oauth.AGAIN}")
        if identity is None or identity.user_id != pending.user_id:
            raise OAuthRefused("Your sign-in session ended. Sign in, then start again with Connect.")
        profile_id, handle = _connect(rt, identity, pending, code=code, origin=origin, now=now)
    except IntelError as exc:
        audit.record(rt.sessions, actor, "connect_failed", f"talent:{talent_id}" if talent_id else "",
                     platform=platform, reason=str(exc)[:300])
        raise
    audit.record(rt.sessions, actor, "connect", f"talent:{pending.talent_id}", platform=platform,
                 profile_id=profile_id, handle=handle)
    _first_sync(rt, profile_id)
    return pending.talent_id


def _connect(rt: Runtime, identity: Identity, pending: oauth.Pending, *, code: str, origin: str | None,
             now: datetime) -> tuple[int, str]:
    """Exchange the code, find the account and link it to the talent; (profile id, handle)."""
    require(identity, "connect")
    with rt.sessions() as session:
        check_talent(session, identity, pending.talent_id)
    settings = rt.settings.connectors
    provider, box = oauth.provider(pending.platform, settings), TokenBox(settings.secret_keys)
    redirect = oauth.redirect_uri(_origin(rt, origin), pending.platform)
    grant = oauth.exchange(provider, code=code, redirect=redirect, code_verifier=pending.code_verifier, now=now)
    with http.make_client() as client:
        if pending.platform == "instagram":  # the code gives a 1-hour token: trade it for a 60-day one now
            grant = tokens.instagram_long_lived(client, settings, grant.access_token, now, http.INTERACTIVE_RETRY)
        account_id, handle = oauth.identify(pending.platform, settings, grant, client)
    with rt.sessions.begin() as session:
        profile = link_profile(session, talent_id=pending.talent_id, platform=pending.platform, account_id=account_id,
                               handle=handle, connected_by=identity.user_id, access_token=grant.access_token,
                               refresh_token=grant.refresh_token, token_expires_at=grant.expires_at,
                               scopes=grant.scopes, box=box)
        connection = session.scalars(select(PlatformConnection)
                                     .where(PlatformConnection.profile_id == profile.id)).one()
        connection.refresh_expires_at = grant.refresh_expires_at
        return profile.id, profile.handle


@database_boundary
def disconnect(identity: Identity | None, profile_id: int) -> bool:
    """Revoke (TikTok; Instagram has no revocation endpoint) and delete a profile's tokens and connection.

    The imported posts and comments stay. True when the platform confirmed the revocation.
    """
    identity = require(identity, "connect")
    rt = get_runtime()
    with rt.sessions() as session:
        profile = session.get(SocialProfile, profile_id)
        if profile is None:
            raise TalentNotFound(f"Profile {profile_id} was not found, or you may not see it.")
        check_talent(session, identity, profile.talent_id)
        connection = session.scalars(select(PlatformConnection)
                                     .where(PlatformConnection.profile_id == profile_id)).first()
        if connection is None:
            raise IntelError("This profile is not connected.")
        platform, talent_id, sealed = profile.platform, profile.talent_id, connection.access_token
        account_id = profile.account_id
    revoked = _revoke(rt, platform, sealed, profile_id)
    with rt.sessions.begin() as session:
        for table in (PlatformConnection, SyncState):
            row = session.scalars(select(table).where(table.profile_id == profile_id)).first()
            if row is not None:
                session.delete(row)
        profile_row = session.get(SocialProfile, profile_id)
        if profile_row is not None:
            profile_row.connected = False
    audit.record(rt.sessions, identity.email, "disconnect", f"talent:{talent_id}", platform=platform,
                 profile_id=profile_id, revoked=revoked)
    if platform == "youtube":
        _youtube_push(rt, account_id, "unsubscribe")
    return revoked


def _first_sync(rt: Runtime, profile_id: int) -> None:
    """Start the new connection's first sync now (queued, or in a background thread without Redis), so the
    talent page shows its posts without waiting for the scheduler's next pass."""
    try:
        schedule.request_sync(profile_id, reason="connected", rt=rt)
    except (IntelError, SQLAlchemyError) as exc:  # the profile is due: the worker's next pass starts it
        log.warning("first sync of profile=%s not started now (the scheduler will): %s", profile_id, exc)


def _youtube_push(rt: Runtime, channel_id: str, mode: str) -> None:
    """(Un)subscribe the channel's upload notifications when webhooks are set up; a refusal only costs the push
    (the scheduled syncs still run, and the worker renews subscriptions)."""
    callback = push.callback_url(rt.settings)
    if callback is None or not rt.settings.connectors.youtube_webhook_secret:
        return
    try:
        push.subscribe_youtube(channel_id, callback, rt.settings, mode=mode)
    except IntelError as exc:
        log.warning("youtube push %s of channel %s failed: %s", mode, channel_id, exc)


def _revoke(rt: Runtime, platform: str, sealed: str | None, profile_id: int) -> bool:
    """Revoke at the platform where it can; False (logged) where it cannot or refuses."""
    if platform != "tiktok" or sealed is None:
        return False  # Instagram API with Instagram Login has no revoke call: people remove the app in Instagram
    settings = rt.settings.connectors
    try:
        token = TokenBox(settings.secret_keys).open(sealed)
        with http.make_client() as client:
            tokens.tiktok_revoke(client, settings, token, http.INTERACTIVE_RETRY)
    except (ConnectorError, IntelError) as exc:
        log.warning("TikTok revocation of profile=%s failed, deleting the token anyway: %s", profile_id, exc)
        return False
    return True


@database_boundary
def connect_youtube(identity: Identity | None, talent_id: int, ref: str, *, first_sync: bool = True) -> ConnectionView:
    """Link a YouTube channel ("UC…", "@handle" or a channel link), read with the agency's API key; its first
    sync starts now unless `first_sync` is False (the CLI: a short-lived process must not hold the sync's lease)."""
    identity = require(identity, "connect")
    rt = get_runtime()
    with rt.sessions() as session:
        check_talent(session, identity, talent_id)
    settings = rt.settings.connectors
    if not settings.youtube_api_key:
        raise NotConfigured("YouTube channels cannot be linked: INTEL_YOUTUBE_API_KEY is not set.")
    from intel.connectors.youtube import resolve_channel  # the Google client loads only when YouTube is used

    meter = QuotaMeter(rt.sessions, "youtube", settings.youtube_daily_quota)
    channel_id, handle = resolve_channel(settings, meter, ref)
    with rt.sessions.begin() as session:
        profile = link_profile(session, talent_id=talent_id, platform="youtube", account_id=str(channel_id),
                               handle=str(handle).lstrip("@") or str(channel_id),
                               connected_by=identity.user_id or None)
        profile_id = profile.id
    audit.record(rt.sessions, identity.email, "connect", f"talent:{talent_id}", platform="youtube",
                 profile_id=profile_id, channel=str(channel_id))
    if first_sync:
        _first_sync(rt, profile_id)
    _youtube_push(rt, str(channel_id), "subscribe")
    with rt.sessions() as session:
        return _views(session, talent_id, profile_id)[0]

