"""The HTTP side every platform client shares: one httpx.Client factory (timeouts, User-Agent) and `send`,
which retries 429s, 5xx answers, throttling bodies and dropped connections with exponential backoff and full
jitter, honours Retry-After, and turns what is left into the connector errors of `base`.

Nothing here logs a URL's query string or a header: tokens travel in both.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import httpx

from intel.connectors.base import ConnectorError, RateLimited

log = logging.getLogger(__name__)
# httpx logs every request's full URL at INFO, query string included, and Instagram's Graph API takes the
# access token (and the token exchange the app secret) as query parameters: keep those lines out of the logs.
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)
USER_AGENT = "talent-social-intelligence/1.0 (+https://github.com/; connectors)"
TIMEOUT = httpx.Timeout(20.0, connect=5.0)
Params = Mapping[str, str | int]
NAMES = {"instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube"}


class Meter(Protocol):
    """Counts (and, where the platform has a quota, charges) each API call before it is sent."""

    def charge(self, method: str) -> None:
        """Count one call of `method`; may raise QuotaExhausted."""
        ...


def display_name(platform: str) -> str:
    """The platform's name as people write it ("TikTok", not "Tiktok")."""
    return NAMES.get(platform, platform.title())


_shared: httpx.Client | None = None
_shared_lock = threading.Lock()


def shared_client() -> httpx.Client:
    """The process's client for platform calls (httpx clients are thread-safe and pool connections).

    Built on first use, so a worker process that forks gets its own.
    """
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = make_client()
    return _shared


def make_client(*, timeout: httpx.Timeout = TIMEOUT, **kwargs: Any) -> httpx.Client:
    """An httpx.Client with our timeouts and User-Agent (no redirects followed: an API never needs them)."""
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **kwargs.pop("headers", {})}
    return httpx.Client(timeout=timeout, headers=headers, follow_redirects=False, **kwargs)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long `send` waits before it gives up (sleep and random are injectable for tests)."""

    attempts: int = 5
    base_s: float = 1.0
    cap_s: float = 30.0
    max_retry_after_s: float = 60.0  # a longer Retry-After is handed to the scheduler instead of slept through
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    random: Callable[[], float] = field(default=random.random, repr=False)

    def backoff(self, attempt: int) -> float:
        """Full jitter: a uniform wait in [0, min(cap, base·2^attempt)] (AWS architecture blog, 2015)."""
        return self.random() * min(self.cap_s, self.base_s * 2 ** attempt)


DEFAULT_RETRY = RetryPolicy()
# While someone waits on a page (the OAuth callback, Disconnect): a few seconds at most, then a plain error.
INTERACTIVE_RETRY = RetryPolicy(attempts=3, base_s=0.5, cap_s=2.0, max_retry_after_s=2.0)


def retry_after_s(response: httpx.Response, now: datetime | None = None) -> float | None:
    """The wait a Retry-After header asks for (seconds or an HTTP date), or None."""
    raw = response.headers.get("retry-after", "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _never(response: httpx.Response) -> bool:
    return False


def send(client: httpx.Client, method: str, url: str, *, platform: str, params: Params | None = None,
         data: Mapping[str, str] | None = None, json: Any = None, headers: Mapping[str, str] | None = None,
         throttled: Callable[[httpx.Response], bool] = _never, policy: RetryPolicy = DEFAULT_RETRY
         ) -> httpx.Response:
    """One API call with bounded retries; the final answer (any status) for the caller to read.

    Retried: connection failures, 429, 5xx and answers `throttled` recognises (Graph's error codes 4/17/32
    come as 400/403). When the retries run out: RateLimited for throttling, ConnectorError otherwise.
    """
    path = httpx.URL(url).path  # what the logs may show
    for attempt in range(policy.attempts):
        last = attempt == policy.attempts - 1
        try:
            response = client.request(method, url, params=params, data=data, json=json, headers=headers)
        except httpx.TransportError as exc:
            if last:
                raise ConnectorError(f"{display_name(platform)} cannot be reached ({type(exc).__name__}); the sync "
                                     "will try again later.") from None
            _wait(policy, policy.backoff(attempt), platform, path, type(exc).__name__)
            continue
        limited = response.status_code == 429 or throttled(response)
        if not limited and response.status_code < 500:
            return response
        asked = retry_after_s(response)
        if asked is not None and asked > policy.max_retry_after_s:
            raise RateLimited(f"{display_name(platform)} asked us to wait {asked:.0f} s before calling again.", asked)
        if last:
            break
        _wait(policy, asked if asked is not None else policy.backoff(attempt), platform, path,
              f"HTTP {response.status_code}")
    wait = retry_after_s(response) or policy.cap_s
    if limited:
        raise RateLimited(f"{display_name(platform)} is rate-limiting our calls; the sync will try again later.", wait)
    raise ConnectorError(f"{display_name(platform)} answered HTTP {response.status_code} {policy.attempts} times in a "
                         "row; the sync will try again later.")


def _wait(policy: RetryPolicy, seconds: float, platform: str, path: str, why: str) -> None:
    log.info("%s %s: %s, retrying in %.2f s", platform, path, why, seconds)
    policy.sleep(seconds)


def json_body(response: httpx.Response, platform: str) -> dict[str, Any]:
    """The JSON object of an answer, or ConnectorError saying the platform answered something else."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ConnectorError(f"{display_name(platform)} answered HTTP {response.status_code} without a JSON object.")
    return body
