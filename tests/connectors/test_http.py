"""The shared request helper: bounded retries of 5xx and dropped connections, Retry-After, full jitter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from bench.platforms.server import PlatformServer, Reply
from intel.connectors.base import ConnectorError, RateLimited
from intel.connectors.http import RetryPolicy, make_client, retry_after_s, send
from tests import platforms
from tests.services import free_port

# The platform stand-ins' fixtures (tests/platforms.py), shared with the other connector and web tests.
policy = platforms.policy
waits = platforms.waits


class Echo(PlatformServer):
    def route(self, request):
        return Reply(200, {"ok": True})


@pytest.fixture
def echo():
    server = Echo().start()
    yield server
    server.stop()


def test_5xx_is_retried_then_answered(echo, policy, waits):
    echo.fail("/x", Reply(503, {}), times=2)
    with make_client() as client:
        assert send(client, "GET", f"{echo.url}/x", platform="instagram", policy=policy).json() == {"ok": True}
    assert echo.calls["/x"] == 3 and waits.seconds == [1.0, 2.0]


def test_5xx_that_lasts_is_a_connector_error_not_a_rate_limit(echo, policy):
    echo.fail("/x", Reply(500, {}), times=99)
    with make_client() as client, pytest.raises(ConnectorError, match="HTTP 500 5 times") as info:
        send(client, "GET", f"{echo.url}/x", platform="tiktok", policy=policy)
    assert not isinstance(info.value, RateLimited)


def test_unreachable_platform_is_retried_then_a_plain_message(policy, waits):
    with make_client() as client, pytest.raises(ConnectorError, match="TikTok cannot be reached"):
        send(client, "GET", f"http://127.0.0.1:{free_port()}/x", platform="tiktok", policy=policy)
    assert len(waits.seconds) == 4


def test_full_jitter_stays_within_the_capped_exponential():
    draws = iter([0.0, 0.5, 1.0, 1.0])
    policy = RetryPolicy(base_s=1.0, cap_s=5.0, random=lambda: next(draws))
    assert [policy.backoff(a) for a in range(4)] == [0.0, 1.0, 4.0, 5.0]


def test_retry_after_as_an_http_date():
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    response = httpx.Response(429, headers={"Retry-After": format_datetime(now + timedelta(seconds=30), usegmt=True)})
    assert retry_after_s(response, now) == 30.0
    assert retry_after_s(httpx.Response(429, headers={"Retry-After": "soon"})) is None
