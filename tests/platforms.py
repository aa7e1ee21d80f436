"""Fixtures shared by the connector and web tests: the local platform stand-ins (bench.platforms), connector
settings pointing at them, and a retry policy that records its waits instead of sleeping."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from bench.platforms.instagram import InstagramServer
from bench.platforms.tiktok import TikTokServer
from intel.config import ConnectorSettings
from intel.connectors.crypto import new_key
from intel.connectors.http import RetryPolicy


@pytest.fixture
def instagram_server() -> Iterator[InstagramServer]:
    """A started Instagram stand-in (stopped afterwards)."""
    server = InstagramServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def tiktok_server() -> Iterator[TikTokServer]:
    """A started TikTok stand-in (stopped afterwards)."""
    server = TikTokServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def connector_settings(instagram_server: InstagramServer, tiktok_server: TikTokServer) -> ConnectorSettings:
    """Connector settings with both stand-ins' URLs and credentials and a fresh INTEL_SECRET_KEY."""
    return ConnectorSettings(
        secret_keys=(new_key(),),
        instagram_client_id=instagram_server.client_id, instagram_client_secret=instagram_server.client_secret,
        instagram_api_url=instagram_server.url, instagram_auth_url=f"{instagram_server.url}/oauth/authorize",
        instagram_token_url=f"{instagram_server.url}/oauth/access_token",
        tiktok_client_key=tiktok_server.client_key, tiktok_client_secret=tiktok_server.client_secret,
        tiktok_api_url=tiktok_server.url, tiktok_auth_url=f"{tiktok_server.url}/v2/auth/authorize/")


@dataclass
class Waits:
    """The waits a RetryPolicy asked for, in order."""

    seconds: list[float] = field(default_factory=list)

    def __call__(self, s: float) -> None:
        self.seconds.append(s)


@pytest.fixture
def waits() -> Waits:
    """Records the retry waits instead of sleeping."""
    return Waits()


@pytest.fixture
def policy(waits: Waits) -> RetryPolicy:
    """Five attempts, waits recorded (random fixed at 1.0: the upper bound of full jitter)."""
    return RetryPolicy(attempts=5, base_s=1.0, cap_s=30.0, sleep=waits, random=lambda: 1.0)
