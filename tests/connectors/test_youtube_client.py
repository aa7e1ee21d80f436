"""The YouTube client itself: resolving channels, linking profiles, the quota ledger."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from intel.connectors.base import ConnectorError, QuotaExhausted
from intel.connectors.profiles import link_profile
from intel.connectors.quota import QuotaMeter, next_reset, quota_day, usage
from intel.connectors.youtube import resolve_channel
from intel.db.engine import session_factory
from intel.db.models import Talent
from intel.errors import IntelError
from tests.connectors.conftest import settings_for


def test_resolve_channel_by_id_handle_and_link(engine, server):
    meter = QuotaMeter(session_factory(engine), "youtube", 100)
    settings = settings_for(server).connectors
    expected = (server.channel_id, server.handle)
    assert resolve_channel(settings, meter, server.channel_id) == expected
    assert resolve_channel(settings, meter, server.handle.upper()) == expected
    assert resolve_channel(settings, meter, f"https://www.youtube.com/channel/{server.channel_id}") == expected
    with pytest.raises(ConnectorError, match="No YouTube channel has the handle @nobody"):
        resolve_channel(settings, meter, "@nobody")
    assert meter.units == meter.calls == server.calls["channels"] == 4


def test_the_quota_ledger_refuses_a_call_past_the_daily_limit(engine):
    moment = datetime(2026, 7, 1, 6, 59, tzinfo=UTC)  # 23:59 Pacific (daylight time) on June 30
    meter = QuotaMeter(session_factory(engine), "youtube", 3, now=lambda: moment)
    for _ in range(3):
        meter.charge("videos.list")
    with pytest.raises(QuotaExhausted) as refused:
        meter.charge("channels.list")
    assert refused.value.resume_at == datetime(2026, 7, 1, 7, tzinfo=UTC) == next_reset(moment)
    with session_factory(engine)() as session:
        used = usage(session, "youtube", quota_day(moment))
    assert (used.day.isoformat(), used.units, used.calls) == ("2026-06-30", 3, 3)


def test_link_profile_refuses_an_account_of_another_talent(engine, server):
    with session_factory(engine).begin() as session:
        a, b = Talent(name="A", primary_handle="@a"), Talent(name="B", primary_handle="@b")
        session.add_all([a, b])
        session.flush()
        first = link_profile(session, talent_id=a.id, platform="youtube", account_id=server.channel_id,
                             handle=server.handle, connected_by=None)
        again = link_profile(session, talent_id=a.id, platform="youtube", account_id=server.channel_id,
                             handle=server.handle, connected_by=None)
        assert again.id == first.id
        with pytest.raises(IntelError, match="already linked to another talent"):
            link_profile(session, talent_id=b.id, platform="youtube", account_id=server.channel_id,
                         handle=server.handle, connected_by=None)


def test_the_client_uses_the_shipped_discovery_document_and_the_configured_root(server):
    from intel.connectors.youtube import build_service

    service = build_service(settings_for(server).connectors)  # no network here: a discovery fetch would fail
    request = service.channels().list(part="id", id=server.channel_id)
    assert request.uri.startswith(f"{server.url}youtube/v3/channels?")
    assert sum(server.calls.values()) == 0
