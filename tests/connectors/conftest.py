"""Fixtures of the connector tests: a local YouTube API server, settings pointing at it, a linked channel."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import Engine

from bench.platforms.youtube import YouTubeServer
from intel.config import Settings, get_settings
from intel.connectors import youtube
from intel.connectors.http import RetryPolicy, make_client
from intel.connectors.profiles import link_profile
from intel.db.engine import session_factory
from intel.db.models import Talent
from tests import platforms

# The Instagram and TikTok stand-ins' fixtures (tests/platforms.py), shared with the web tests.
connector_settings = platforms.connector_settings
instagram_server = platforms.instagram_server
policy = platforms.policy
tiktok_server = platforms.tiktok_server
waits = platforms.waits

START = datetime(2026, 11, 10, 12, tzinfo=UTC)  # the fake clock's first reading: after every generated post


class Clock:
    """A fake clock the sync reads (`now=clock`); tests move it forward."""

    def __init__(self, start: datetime = START) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries back off by milliseconds instead of seconds (the backoff itself is not what is tested)."""
    monkeypatch.setattr(youtube, "RETRY", RetryPolicy(base_s=0.001, cap_s=0.01))


@pytest.fixture
def server() -> Iterator[YouTubeServer]:
    """A local YouTube Data API with 12 uploads and 400 comments, stopped afterwards."""
    with YouTubeServer(videos=12, comments=400, seed=3) as api:
        yield api


def settings_for(api: YouTubeServer, **changes: object) -> Settings:
    """Settings whose YouTube API is the local server."""
    base = get_settings({"DATABASE_URL": "sqlite://", "REDIS_URL": ""})
    values: dict[str, object] = {"youtube_api_key": api.key, "youtube_api_url": api.url, **changes}
    return base.replace(connectors=base.connectors.replace(**values))


@pytest.fixture
def linked(engine: Engine, server: YouTubeServer) -> Callable[..., int]:
    """Link the server's channel to a new talent; the profile id."""

    def link(api: YouTubeServer = server, name: str = "Channel Talent") -> int:
        sessions = session_factory(engine)
        with sessions.begin() as session:
            talent = Talent(name=name, primary_handle=f"@{name.lower().replace(' ', '')}")
            session.add(talent)
            session.flush()
            profile = link_profile(session, talent_id=talent.id, platform="youtube", account_id=api.channel_id,
                                   handle=api.handle, connected_by=None)
            return profile.id

    return link


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    """The connectors' shared HTTP client settings, closed afterwards."""
    with make_client() as c:
        yield c
