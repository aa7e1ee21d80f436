"""The roster names the platforms whose connector lost its token (both databases)."""

from __future__ import annotations

from sqlalchemy import select

from intel.analytics.roster import load_roster
from intel.db.connections import PlatformConnection
from intel.db.engine import transaction
from intel.db.models import SocialProfile
from tests.factories import make_talent


def _connect(engine, talent_id: int, status: str) -> None:
    with transaction(engine) as s:
        profile = s.scalars(select(SocialProfile).where(SocialProfile.talent_id == talent_id)).one()
        s.add(PlatformConnection(profile_id=profile.id, platform=profile.platform, status=status,
                                 access_token="sealed", status_reason="Error validating access token"))


def test_only_a_connection_that_needs_reconnecting_is_flagged(engine, session):
    broken, fine, imported = (make_talent(engine) for _ in range(3))
    _connect(engine, broken, "needs_reconnect")
    _connect(engine, fine, "connected")
    rows = {r.talent_id: r for r in load_roster(session, [broken, fine, imported])}
    assert rows[broken].needs_reconnect == ("instagram",)
    assert rows[fine].needs_reconnect == ()
    assert rows[imported].needs_reconnect == ()
    assert rows[broken].platforms == ("instagram",)  # still a connected platform: its data stays
