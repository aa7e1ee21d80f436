"""Which connector reads a profile: one opener per platform, chosen by the profile's platform.

An opener gets the profile, its connection (tokens sealed), the connector settings, the token box (None when
INTEL_SECRET_KEY is unset: openers that need a token raise NotConfigured) and the quota meter to charge.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from intel.config import ConnectorSettings
from intel.connectors import openers
from intel.connectors.base import Account, Connector, NotConfigured
from intel.connectors.crypto import TokenBox
from intel.connectors.quota import QuotaMeter
from intel.db.connections import PlatformConnection
from intel.db.models import SocialProfile

Opener = Callable[[Session, SocialProfile, PlatformConnection, ConnectorSettings, TokenBox | None, QuotaMeter],
                  Connector]


def _youtube(session: Session, profile: SocialProfile, connection: PlatformConnection, settings: ConnectorSettings,
             box: TokenBox | None, meter: QuotaMeter) -> Connector:
    from intel.connectors.youtube import YouTubeConnector  # the Google client loads only where YouTube is synced

    return YouTubeConnector(settings, meter, Account("youtube", profile.account_id, profile.handle))


OPENERS: dict[str, Opener] = {
    "youtube": _youtube,
    "instagram": openers.open_instagram,  # token opened with `box`, refreshed first when close to expiry
    "tiktok": openers.open_tiktok,
}


def open_connector(session: Session, profile: SocialProfile, connection: PlatformConnection,
                   settings: ConnectorSettings, box: TokenBox | None, meter: QuotaMeter) -> Connector:
    """The connector that reads `profile`; NotConfigured when its platform has none (or lacks a setting)."""
    opener = OPENERS.get(profile.platform)
    if opener is None:
        raise NotConfigured(f"No connector reads {profile.platform} profiles yet.")
    return opener(session, profile, connection, settings, box, meter)
