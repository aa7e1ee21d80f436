"""Openers of the OAuth connectors for the registry (`registry.OPENERS["instagram"|"tiktok"]`): each refreshes
the profile's token when it is close to expiry (committed at once: TikTok may rotate its refresh token, and a
lost one cannot be recovered), opens it with the token box and builds the connector on the shared client.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from intel.config import ConnectorSettings
from intel.connectors import http, tokens
from intel.connectors.base import Account, Connector, ConnectorError, NotConfigured, TokenInvalid
from intel.connectors.crypto import TokenBox
from intel.connectors.instagram import InstagramConnector
from intel.connectors.tiktok import TikTokConnector
from intel.db.base import utcnow
from intel.db.connections import PlatformConnection
from intel.db.models import SocialProfile
from intel.errors import ConfigError


def open_instagram(session: Session, profile: SocialProfile, connection: PlatformConnection,
                   settings: ConnectorSettings, box: TokenBox | None, meter: http.Meter | None) -> Connector:
    """The Instagram connector of `profile`; `meter` counts its calls (Instagram has no unit quota)."""
    return InstagramConnector(account(session, profile, connection, settings, box), settings, http.shared_client(),
                              meter=meter)


def open_tiktok(session: Session, profile: SocialProfile, connection: PlatformConnection,
                settings: ConnectorSettings, box: TokenBox | None, meter: http.Meter | None) -> Connector:
    """The TikTok connector of `profile`; `meter` counts its calls (the Display API has no unit quota)."""
    return TikTokConnector(account(session, profile, connection, settings, box), settings, http.shared_client(),
                           meter=meter)


def account(session: Session, profile: SocialProfile, connection: PlatformConnection, settings: ConnectorSettings,
            box: TokenBox | None) -> Account:
    """The profile's account with a fresh, opened access token; the refresh is committed in `session`."""
    if box is None:
        raise NotConfigured("INTEL_SECRET_KEY is not set: the stored platform tokens cannot be opened, so "
                            f"{http.display_name(profile.platform)} profiles are not synced until it is.")
    row = session.get(PlatformConnection, connection.id) or connection
    try:
        tokens.ensure_fresh(session, row, settings, box, utcnow(), client=http.shared_client())
        if row.access_token is None:
            raise TokenInvalid(f"This {http.display_name(profile.platform)} profile has no access token. Connect "
                               "it again.")
        return Account(profile.platform, profile.account_id, profile.handle, box.open(row.access_token))
    except ConfigError as exc:  # INTEL_SECRET_KEY lost the key that sealed it: fixable, so not "reconnect"
        raise ConnectorError(str(exc)) from None
    finally:
        session.commit()  # a refreshed token, or the "needs_reconnect" mark, must survive this session
