"""Token lifetimes on both databases: Instagram's refresh before the 60-day expiry, TikTok's refresh of its
24-hour token, and the connection marked "needs_reconnect" when a platform refuses (fake clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from intel.connectors import tokens
from intel.connectors.base import Account, ConnectorError, NotConfigured, TokenInvalid
from intel.connectors.crypto import TokenBox, new_key
from intel.connectors.http import make_client
from intel.connectors.openers import open_instagram, open_tiktok
from intel.connectors.profiles import link_profile
from intel.db.connections import PlatformConnection
from intel.db.engine import session_factory
from intel.db.models import SocialProfile, Talent

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def connection(session, box, platform, account_id, token, expires, refresh=None) -> PlatformConnection:
    talent = Talent(name=f"T {account_id}", primary_handle="@t")
    session.add(talent)
    session.flush()
    profile = link_profile(session, talent_id=talent.id, platform=platform, account_id=account_id, handle="t",
                           connected_by=None, access_token=token, refresh_token=refresh, token_expires_at=expires,
                           box=box)
    return session.scalars(select(PlatformConnection).where(PlatformConnection.profile_id == profile.id)).one()


@pytest.fixture
def box(connector_settings) -> TokenBox:
    return TokenBox(connector_settings.secret_keys)


def test_instagram_token_is_refreshed_within_seven_days_of_expiry(session, box, instagram_server,
                                                                  connector_settings):
    account = instagram_server.add_account("ig")
    old = instagram_server.issue_token(account.user_id)
    row = connection(session, box, "instagram", account.user_id, old, NOW + timedelta(days=6))
    with make_client() as client:
        assert tokens.ensure_fresh(session, row, connector_settings, box, NOW, client=client) is True
    assert instagram_server.refreshed == 1
    assert row.token_expires_at == NOW + timedelta(days=60)
    new = box.open(row.access_token)
    assert new != old and new in instagram_server.tokens and old not in row.access_token


def test_instagram_token_far_from_expiry_is_left_alone(session, box, instagram_server, connector_settings):
    account = instagram_server.add_account("ig")
    row = connection(session, box, "instagram", account.user_id, instagram_server.issue_token(account.user_id),
                     NOW + timedelta(days=30))
    assert tokens.ensure_fresh(session, row, connector_settings, box, NOW) is False
    assert instagram_server.total_calls() == 0


def test_the_same_connection_is_refreshed_once_the_clock_reaches_the_window(session, box, instagram_server,
                                                                            connector_settings):
    account = instagram_server.add_account("ig")
    row = connection(session, box, "instagram", account.user_id, instagram_server.issue_token(account.user_id),
                     NOW + timedelta(days=60))
    for day in (0, 20, 52):  # 60, 40, 8 days left: not yet
        assert tokens.ensure_fresh(session, row, connector_settings, box, NOW + timedelta(days=day)) is False
    assert tokens.ensure_fresh(session, row, connector_settings, box, NOW + timedelta(days=54)) is True
    assert row.token_expires_at == NOW + timedelta(days=114)


def test_expired_instagram_token_needs_reconnecting(session, box, instagram_server, connector_settings):
    account = instagram_server.add_account("ig")
    row = connection(session, box, "instagram", account.user_id, instagram_server.issue_token(account.user_id),
                     NOW - timedelta(minutes=1))
    with pytest.raises(TokenInvalid, match="expired"):
        tokens.ensure_fresh(session, row, connector_settings, box, NOW)
    assert row.status == "needs_reconnect" and "Connect the account again" in (row.status_reason or "")
    assert instagram_server.total_calls() == 0


def test_instagram_refusing_the_refresh_needs_reconnecting(session, box, instagram_server, connector_settings):
    account = instagram_server.add_account("ig")
    row = connection(session, box, "instagram", account.user_id, instagram_server.issue_token(account.user_id),
                     NOW + timedelta(days=2))
    instagram_server.revoke_all(account.user_id)  # e.g. the user removed the app
    with pytest.raises(TokenInvalid):
        tokens.ensure_fresh(session, row, connector_settings, box, NOW)
    assert row.status == "needs_reconnect"


def test_tiktok_access_token_is_refreshed_before_its_24_hours_end(session, box, tiktok_server, connector_settings):
    user = tiktok_server.add_user("tt")
    access, refresh = tiktok_server.issue_tokens(user.open_id)
    row = connection(session, box, "tiktok", user.open_id, access, NOW + timedelta(minutes=10), refresh=refresh)
    assert tokens.ensure_fresh(session, row, connector_settings, box, NOW) is True
    assert row.token_expires_at == NOW + timedelta(hours=24)
    assert row.refresh_expires_at == NOW + timedelta(days=365)
    assert box.open(row.access_token) in tiktok_server.tokens
    assert tiktok_server.calls["/v2/oauth/token/"] == 1


def test_tiktok_refused_refresh_token_needs_reconnecting(session, box, tiktok_server, connector_settings):
    user = tiktok_server.add_user("tt")
    access, _ = tiktok_server.issue_tokens(user.open_id)
    row = connection(session, box, "tiktok", user.open_id, access, NOW - timedelta(hours=1), refresh="rft.unknown")
    with pytest.raises(TokenInvalid, match="invalid_grant"):
        tokens.ensure_fresh(session, row, connector_settings, box, NOW)
    assert row.status == "needs_reconnect"


def test_tokens_in_the_row_are_ciphertext(session, box, tiktok_server):
    user = tiktok_server.add_user("tt")
    access, refresh = tiktok_server.issue_tokens(user.open_id)
    row = connection(session, box, "tiktok", user.open_id, access, NOW, refresh=refresh)
    stored = " ".join(str(v) for v in vars(row).values())
    assert access not in stored and refresh not in stored
    assert box.open(row.access_token) == access and box.open(row.refresh_token) == refresh


def test_opener_refreshes_a_dying_tiktok_token_commits_it_and_reads_with_it(engine, tiktok_server,
                                                                            connector_settings):
    box = TokenBox(connector_settings.secret_keys)
    user = tiktok_server.add_user("tt", videos=3)
    access, refresh = tiktok_server.issue_tokens(user.open_id)
    sessions = session_factory(engine)
    with sessions.begin() as s:
        row = connection(s, box, "tiktok", user.open_id, access, datetime.now(UTC) + timedelta(minutes=5),
                         refresh=refresh)
        profile_id, connection_id = row.profile_id, row.id
    tiktok_server.expire(user.open_id)  # the old access token stops working: only a refreshed one reads
    with sessions() as s:
        profile, row = s.get(SocialProfile, profile_id), s.get(PlatformConnection, connection_id)
        reader = open_tiktok(s, profile, row, connector_settings, box, None)
    assert len([p for page in reader.posts(None) for p in page]) == 3
    with sessions() as s:  # the new tokens were committed
        stored = s.get(PlatformConnection, connection_id)
        assert box.open(stored.access_token) in tiktok_server.tokens
        assert stored.token_expires_at > datetime.now(UTC) + timedelta(hours=23)


def test_opener_without_intel_secret_key_says_why(session, box, tiktok_server, connector_settings):
    row = connection(session, box, "instagram", "ig-1", "token", NOW)
    with pytest.raises(NotConfigured, match="INTEL_SECRET_KEY is not set"):
        open_instagram(session, session.get(SocialProfile, row.profile_id), row, connector_settings, None, None)


def test_opener_with_a_rotated_out_key_fails_the_sync_without_needing_a_reconnect(session, box, connector_settings):
    row = connection(session, box, "instagram", "ig-2", "token", NOW + timedelta(days=30))
    other = TokenBox((new_key(),))
    with pytest.raises(ConnectorError, match="cannot be decrypted"):
        open_instagram(session, session.get(SocialProfile, row.profile_id), row, connector_settings, other, None)
    assert row.status == "connected"


def test_an_account_never_shows_its_token():
    assert "secret-token" not in repr(Account("tiktok", "id", "h", "secret-token"))
