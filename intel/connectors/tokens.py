"""Token lifetimes after the authorisation: Instagram's short → long-lived exchange and its refresh before the
60-day expiry, TikTok's refresh (access token 24 h, refresh token 365 d) and revocation, and `ensure_fresh`,
which the sync calls before it opens a connector.

Tokens are sealed (`crypto.TokenBox`) before they touch a row, and never appear in a log line or a message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.orm import Session

from intel.config import ConnectorSettings
from intel.connectors import http, instagram
from intel.connectors.base import ConnectorError, TokenInvalid
from intel.connectors.crypto import TokenBox
from intel.db.connections import PlatformConnection

log = logging.getLogger(__name__)
# Instagram: refresh a long-lived token this long before it expires (it must be at least 24 h old).
INSTAGRAM_REFRESH_WINDOW = timedelta(days=7)
# TikTok: access tokens live 24 h; refresh when less than this is left, so a sync never starts on a dying one.
TIKTOK_REFRESH_WINDOW = timedelta(minutes=30)


@dataclass(frozen=True)
class TokenGrant:
    """What a token endpoint granted, in clear text (seal before storing; never log)."""

    access_token: str
    expires_at: datetime | None
    refresh_token: str | None = None
    refresh_expires_at: datetime | None = None
    scopes: str = ""
    account_id: str | None = None  # TikTok's open_id / Instagram's user_id when the endpoint returns it

    def __repr__(self) -> str:  # a grant in a traceback or a log must not carry the tokens
        return f"TokenGrant(expires_at={self.expires_at!r}, scopes={self.scopes!r})"


def grant_from(body: dict[str, Any], now: datetime) -> TokenGrant:
    """A grant from a token endpoint's JSON (expires_in / refresh_expires_in in seconds)."""
    def at(key: str) -> datetime | None:
        return now + timedelta(seconds=int(body[key])) if body.get(key) is not None else None

    account = body.get("open_id") or body.get("user_id")
    return TokenGrant(access_token=str(body["access_token"]), expires_at=at("expires_in"),
                      refresh_token=body.get("refresh_token"), refresh_expires_at=at("refresh_expires_in"),
                      scopes=str(body.get("scope") or body.get("permissions") or ""),
                      account_id=str(account) if account is not None else None)


# ---------------------------------------------------------------- Instagram

def instagram_long_lived(client: httpx.Client, settings: ConnectorSettings, short_token: str, now: datetime,
                         policy: http.RetryPolicy = http.DEFAULT_RETRY) -> TokenGrant:
    """Exchange a short-lived (1 h) Instagram user token for a long-lived (60 d) one."""
    params = {"grant_type": "ig_exchange_token", "client_secret": settings.instagram_client_secret or "",
              "access_token": short_token}
    return _instagram_token(client, settings, "access_token", params, now, policy)


def instagram_refresh(client: httpx.Client, settings: ConnectorSettings, token: str, now: datetime) -> TokenGrant:
    """A long-lived Instagram token valid for 60 days from now, for one at least 24 h old."""
    params = {"grant_type": "ig_refresh_token", "access_token": token}
    return _instagram_token(client, settings, "refresh_access_token", params, now, http.DEFAULT_RETRY)


def _instagram_token(client: httpx.Client, settings: ConnectorSettings, path: str, params: dict[str, str],
                     now: datetime, policy: http.RetryPolicy) -> TokenGrant:
    url = f"{settings.instagram_api_url.rstrip('/')}/{path}"
    response = http.send(client, "GET", url, platform="instagram", params=params, throttled=instagram.throttled,
                         policy=policy)
    body = instagram.checked(response)
    if "access_token" not in body:
        raise ConnectorError("Instagram's token endpoint answered without a token.")
    return grant_from(body, now)


# ---------------------------------------------------------------- TikTok

def tiktok_refresh(client: httpx.Client, settings: ConnectorSettings, refresh_token: str,
                   now: datetime) -> TokenGrant:
    """New TikTok access (and possibly refresh) tokens from a refresh token."""
    form = {"client_key": settings.tiktok_client_key or "", "client_secret": settings.tiktok_client_secret or "",
            "grant_type": "refresh_token", "refresh_token": refresh_token}
    body = _tiktok_form(client, settings, "/v2/oauth/token/", form)
    if "access_token" not in body:
        raise ConnectorError("TikTok's token endpoint answered without a token.")
    grant = grant_from(body, now)
    if grant.refresh_token is None:  # TikTok may keep the refresh token: the old one stays valid
        grant = TokenGrant(grant.access_token, grant.expires_at, refresh_token, None, grant.scopes, grant.account_id)
    return grant


def tiktok_revoke(client: httpx.Client, settings: ConnectorSettings, access_token: str,
                  policy: http.RetryPolicy = http.DEFAULT_RETRY) -> None:
    """Revoke a TikTok user's authorisation of our app (the token and its refresh token stop working)."""
    form = {"client_key": settings.tiktok_client_key or "", "client_secret": settings.tiktok_client_secret or "",
            "token": access_token}
    _tiktok_form(client, settings, "/v2/oauth/revoke/", form, policy)


def _tiktok_form(client: httpx.Client, settings: ConnectorSettings, path: str, form: dict[str, str],
                 policy: http.RetryPolicy = http.DEFAULT_RETRY) -> dict[str, Any]:
    """POST a form to a TikTok OAuth endpoint; its JSON, or TokenInvalid / ConnectorError on an OAuth error."""
    response = http.send(client, "POST", f"{settings.tiktok_api_url.rstrip('/')}{path}", platform="tiktok",
                         data=form, policy=policy)
    body = http.json_body(response, "tiktok")
    error = body.get("error")
    if isinstance(error, str) and error:  # OAuth endpoints answer {"error", "error_description", "log_id"}
        description = str(body.get("error_description") or "")[:200]
        if error in {"invalid_grant", "invalid_request", "access_token_invalid"}:
            raise TokenInvalid(f"TikTok refused the token ({error}: {description}). Connect the account again.")
        raise ConnectorError(f"TikTok: {error}: {description}")
    if response.status_code >= 400:
        raise ConnectorError(f"TikTok answered HTTP {response.status_code}.")
    return body


# ---------------------------------------------------------------- before a sync

def mark_needs_reconnect(connection: PlatformConnection, reason: str, now: datetime) -> None:
    """Stop calling the platform for this profile until someone connects it again (shown on the pages)."""
    connection.status, connection.status_reason, connection.updated_at = "needs_reconnect", reason[:500], now


def store_grant(connection: PlatformConnection, grant: TokenGrant, box: TokenBox, now: datetime) -> None:
    """Seal a grant's tokens into the connection row."""
    connection.access_token = box.seal(grant.access_token)
    connection.token_expires_at = grant.expires_at
    if grant.refresh_token is not None:
        connection.refresh_token = box.seal(grant.refresh_token)
        connection.refresh_expires_at = grant.refresh_expires_at or connection.refresh_expires_at
    if grant.scopes:
        connection.scopes = grant.scopes[:500]
    connection.updated_at = now


def ensure_fresh(session: Session, connection: PlatformConnection, settings: ConnectorSettings, box: TokenBox,
                 now: datetime, *, client: httpx.Client | None = None) -> bool:
    """Refresh the connection's token when it is close to expiry; True when it was refreshed.

    An expired token, or a refresh the platform refuses, marks the connection "needs_reconnect" (flushed)
    and raises TokenInvalid. A refresh that fails otherwise (network, 5xx) while the token still works is
    logged and the sync goes on with the current token.
    """
    if connection.platform not in {"instagram", "tiktok"} or connection.access_token is None:
        return False
    due = _refresh_due(connection, now)
    if due is None:
        return False
    own = client is None
    client = client or http.make_client()
    try:
        grant = _refresh(connection, settings, box, client, now)
    except TokenInvalid as exc:
        mark_needs_reconnect(connection, str(exc), now)
        session.flush()
        raise
    except ConnectorError as exc:
        if due == "expired":
            mark_needs_reconnect(connection, str(exc), now)
            session.flush()
            raise TokenInvalid(str(exc)) from None
        log.warning("token refresh of connection=%s failed, the current token still works: %s", connection.id, exc)
        return False
    finally:
        if own:
            client.close()
    store_grant(connection, grant, box, now)
    session.flush()
    log.info("refreshed the %s token of connection=%s (valid until %s)", connection.platform, connection.id,
             grant.expires_at)
    return True


def _refresh_due(connection: PlatformConnection, now: datetime) -> str | None:
    """"soon", "expired" or None (not yet) for the connection's access token."""
    expires = connection.token_expires_at
    if expires is None:
        return None
    window = INSTAGRAM_REFRESH_WINDOW if connection.platform == "instagram" else TIKTOK_REFRESH_WINDOW
    if expires <= now:
        return "expired"
    return "soon" if expires - now <= window else None


def _refresh(connection: PlatformConnection, settings: ConnectorSettings, box: TokenBox, client: httpx.Client,
             now: datetime) -> TokenGrant:
    if connection.platform == "instagram":
        if connection.token_expires_at is not None and connection.token_expires_at <= now:
            raise TokenInvalid("The Instagram token expired (long-lived tokens last 60 days unless refreshed). "
                               "Connect the account again.")
        return instagram_refresh(client, settings, box.open(connection.access_token or ""), now)
    if connection.refresh_token is None or (connection.refresh_expires_at is not None
                                            and connection.refresh_expires_at <= now):
        raise TokenInvalid("The TikTok authorisation expired (refresh tokens last 365 days). Connect the account "
                           "again.")
    return tiktok_refresh(client, settings, box.open(connection.refresh_token), now)
