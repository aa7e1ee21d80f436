"""OAuth 2.0 authorisation-code flow for Instagram and TikTok, through Authlib's httpx client.

`begin` stores a pending authorisation (`OAuthState`: the SHA-256 of a 32-byte random `state`, the user, the
SHA-256 of their sign-in session token, the talent, the platform, the sealed PKCE verifier, a 10-minute
expiry) and returns the platform's authorisation URL. `claim` checks the callback's `state` against it and
deletes it: a state works once, for the session that started it, within its ten minutes. `exchange` trades
the code for tokens and `identify` reads who authorised.

PKCE (S256) for TikTok, which supports it. Instagram's Business Login documents no PKCE parameters, so its
flow relies on `state` alone (and the app secret at the token endpoint). TikTok calls the client id
`client_key`, in the authorisation URL and in the token request; a registered client-auth method sends it.
"""

from __future__ import annotations

import logging
import secrets
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from sqlalchemy import delete
from sqlalchemy.orm import Session

from intel.accounts.auth import token_hash
from intel.config import ConnectorSettings
from intel.connectors import http, tokens
from intel.connectors.base import Account, ConnectorError, NotConfigured
from intel.connectors.crypto import TokenBox
from intel.connectors.http import display_name
from intel.connectors.instagram import InstagramConnector
from intel.connectors.tiktok import TikTokConnector
from intel.connectors.tokens import TokenGrant
from intel.db.connections import OAuthState
from intel.errors import IntelError

with warnings.catch_warnings():
    # Authlib 1.9 warns that it will prefer the `httpx2` fork; httpx is what this project pins and tests.
    # Its `deprecate` module installs an "always" filter when imported, so import it first, then ignore.
    import authlib.deprecate
    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client, OAuthError

log = logging.getLogger(__name__)
OAUTH_PLATFORMS: tuple[str, ...] = ("instagram", "tiktok")
STATE_TTL = timedelta(minutes=10)
# What the connectors read: the account's profile and media (and, for Instagram, insights and comments).
SCOPES = {
    "instagram": "instagram_business_basic,instagram_business_manage_insights,instagram_business_manage_comments",
    "tiktok": "user.info.basic,user.info.profile,user.info.stats,video.list",
}
AGAIN = "Start again with Connect on the talent page."


class OAuthRefused(IntelError):
    """A callback that cannot complete a connection (unknown, used, expired, other session, denied)."""


@dataclass(frozen=True)
class Provider:
    """One platform's OAuth client registration and endpoints."""

    platform: str
    client_id: str
    client_secret: str
    authorize_url: str
    token_url: str
    scope: str
    pkce: bool
    client_id_name: str  # "client_id", or TikTok's "client_key"

    def __repr__(self) -> str:  # never the secret
        return f"Provider({self.platform!r}, client_id={self.client_id!r})"


@dataclass(frozen=True)
class Pending:
    """A claimed authorisation: who started it, for which talent, and its PKCE verifier (clear text)."""

    platform: str
    talent_id: int
    user_id: int
    code_verifier: str | None


def missing(platform: str, settings: ConnectorSettings) -> str | None:
    """Why `platform` cannot be connected with these settings (the setting to set), or None."""
    names = {"instagram": (("INTEL_INSTAGRAM_CLIENT_ID", settings.instagram_client_id),
                           ("INTEL_INSTAGRAM_CLIENT_SECRET", settings.instagram_client_secret)),
             "tiktok": (("INTEL_TIKTOK_CLIENT_KEY", settings.tiktok_client_key),
                        ("INTEL_TIKTOK_CLIENT_SECRET", settings.tiktok_client_secret))}
    if platform not in names:
        return f"{platform} accounts are not connected through OAuth"
    for name, value in (*names[platform], ("INTEL_SECRET_KEY", ",".join(settings.secret_keys))):
        if not value:
            return f"{name} is not set"
    return None


def provider(platform: str, settings: ConnectorSettings) -> Provider:
    """The OAuth registration of `platform`; NotConfigured naming the missing setting."""
    reason = missing(platform, settings)
    if reason is not None:
        raise NotConfigured(f"{display_name(platform)} cannot be connected: {reason}.")
    if platform == "instagram":
        return Provider("instagram", settings.instagram_client_id or "", settings.instagram_client_secret or "",
                        settings.instagram_auth_url, settings.instagram_token_url, SCOPES["instagram"], False,
                        "client_id")
    return Provider("tiktok", settings.tiktok_client_key or "", settings.tiktok_client_secret or "",
                    settings.tiktok_auth_url, f"{settings.tiktok_api_url.rstrip('/')}/v2/oauth/token/",
                    SCOPES["tiktok"], True, "client_key")


def redirect_uri(origin: str, platform: str) -> str:
    """The callback URL registered at the platform: `{origin}/oauth/{platform}/callback`."""
    return f"{origin.rstrip('/')}/oauth/{platform}/callback"


def _client_key_post(client: Any, method: str, uri: str, headers: Any, body: bytes | str
                     ) -> tuple[str, Any, bytes]:
    """Authlib client auth for TikTok: `client_key` and `client_secret` in the form body."""
    text = body.decode() if isinstance(body, bytes) else body
    form = [*parse_qsl(text, keep_blank_values=True), ("client_key", client.client_id),
            ("client_secret", client.client_secret or "")]
    encoded = urlencode(form).encode()
    headers["Content-Length"] = str(len(encoded))
    return uri, headers, encoded


def _unwrap_instagram(response: httpx.Response) -> httpx.Response:
    """Instagram's Business Login answers `{"data": [{access_token, user_id, permissions}]}`: flatten it."""
    try:
        body = response.json()
    except ValueError:
        return response
    if isinstance(body, dict) and isinstance(body.get("data"), list) and body["data"]:
        return httpx.Response(response.status_code, json=body["data"][0], request=response.request)
    if isinstance(body, dict) and "error_message" in body and "error" not in body:  # its error shape
        body = {"error": str(body.get("error_type") or "invalid_request"), "error_description": body["error_message"]}
        return httpx.Response(response.status_code, json=body, request=response.request)
    return response


def oauth_client(p: Provider, redirect: str) -> OAuth2Client:
    """An Authlib client for `p` (our timeouts and User-Agent)."""
    method = "client_key_post" if p.client_id_name == "client_key" else "client_secret_post"
    client = OAuth2Client(client_id=p.client_id, client_secret=p.client_secret, scope=p.scope,
                          redirect_uri=redirect, token_endpoint_auth_method=method,
                          code_challenge_method="S256" if p.pkce else None, timeout=http.TIMEOUT,
                          headers={"User-Agent": http.USER_AGENT, "Accept": "application/json"})
    if p.client_id_name == "client_key":
        client.register_client_auth_method(("client_key_post", _client_key_post))
    if p.platform == "instagram":
        client.register_compliance_hook("access_token_response", _unwrap_instagram)
    return client


def begin(session: Session, box: TokenBox, p: Provider, *, talent_id: int, user_id: int, session_token: str,
          redirect: str, now: datetime) -> str:
    """Store a pending authorisation (flushed; the caller commits) and return the authorisation URL."""
    # Housekeeping: authorisations abandoned on the platform's page (never called back) expire here.
    session.execute(delete(OAuthState).where(OAuthState.expires_at < now))
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64) if p.pkce else None  # 86 characters: RFC 7636 allows 43–128
    session.add(OAuthState(state_hash=token_hash(state), platform=p.platform, talent_id=talent_id, user_id=user_id,
                           session_hash=token_hash(session_token),
                           code_verifier=box.seal(verifier) if verifier else None, created_at=now,
                           expires_at=now + STATE_TTL))
    session.flush()
    with oauth_client(p, redirect) as client:
        url, _ = client.create_authorization_url(p.authorize_url, state=state, code_verifier=verifier)
    return _rename_param(str(url), "client_id", p.client_id_name)


def _rename_param(url: str, old: str, new: str) -> str:
    if old == new:
        return url
    parts = urlsplit(url)
    query = [(new if k == old else k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def claim(session: Session, box: TokenBox, *, platform: str, state: str, session_token: str | None,
          now: datetime) -> Pending:
    """The pending authorisation `state` names, deleted (single use); OAuthRefused when it cannot be used.

    The row is deleted before an expiry refusal too, so the caller commits in every case. A state presented
    by another session is left for its owner.
    """
    row = session.get(OAuthState, token_hash(state)) if state else None
    if row is None or row.platform != platform:
        raise OAuthRefused(f"This connection link is unknown or was already used. {AGAIN}")
    if session_token is None:
        raise OAuthRefused("You are not signed in here, so the connection cannot be completed. Sign in, then "
                           f"{AGAIN[0].lower()}{AGAIN[1:]}")
    if not secrets.compare_digest(row.session_hash, token_hash(session_token)):
        raise OAuthRefused(f"This connection was started in another sign-in session. {AGAIN}")
    # One atomic DELETE decides who uses the state: of two callbacks racing with it, one deletes the row and
    # the other (blocked on PostgreSQL until the first commits) deletes nothing and is refused.
    spent = session.execute(delete(OAuthState).where(OAuthState.state_hash == row.state_hash,
                                                     OAuthState.session_hash == row.session_hash))
    if spent.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of a DELETE
        raise OAuthRefused(f"This connection link is unknown or was already used. {AGAIN}")
    if row.expires_at <= now:
        raise OAuthRefused(f"This connection link expired (links last {STATE_TTL.seconds // 60} minutes). {AGAIN}")
    verifier = box.open(row.code_verifier) if row.code_verifier else None
    return Pending(row.platform, row.talent_id, row.user_id, verifier)


def exchange(p: Provider, *, code: str, redirect: str, code_verifier: str | None, now: datetime) -> TokenGrant:
    """Trade an authorisation code for tokens (Instagram: then for a 60-day token); ConnectorError if refused."""
    extra = {"code_verifier": code_verifier} if code_verifier else {}
    try:
        with oauth_client(p, redirect) as client:
            body = dict(client.fetch_token(p.token_url, code=code, grant_type="authorization_code", **extra))
    except (httpx.HTTPError, ValueError) as exc:
        raise ConnectorError(f"{display_name(p.platform)} could not be reached to finish the connection "
                             f"({type(exc).__name__}). {AGAIN}") from None
    except OAuthError as exc:  # the platform refused the code (used, expired, wrong verifier or redirect)
        description = exc.description or exc.error or type(exc).__name__
        raise ConnectorError(f"{display_name(p.platform)} refused the authorisation code ({str(description)[:200]}). "
                             f"{AGAIN}") from None
    if not body.get("access_token"):
        raise ConnectorError(f"{display_name(p.platform)} answered the code exchange without a token. {AGAIN}")
    body.pop("expires_at", None)  # Authlib's addition, in epoch seconds of this machine's clock
    return tokens.grant_from(body, now)


def identify(platform: str, settings: ConnectorSettings, grant: TokenGrant, client: httpx.Client) -> tuple[str, str]:
    """(account id, handle) of whoever authorised `grant` (someone waits: short retries)."""
    account = Account(platform, grant.account_id or "", "", grant.access_token)
    if platform == "instagram":
        return InstagramConnector(account, settings, client, policy=http.INTERACTIVE_RETRY).whoami()
    counts = TikTokConnector(account, settings, client, policy=http.INTERACTIVE_RETRY).profile()
    user_id = grant.account_id
    if not user_id:
        raise ConnectorError("TikTok's token answer named no open_id.")
    return user_id, counts.handle or ""
