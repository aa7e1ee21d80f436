"""Slack-compatible incoming webhooks: one JSON POST per message, with a timeout and no redirects.

Slack answers 200 `ok`; 400/403/404/410 mean the hook is wrong or was removed (retrying cannot help); 429
says when to come back (`Retry-After`); 5xx and network errors are retried with the outbox's backoff.
"""

from __future__ import annotations

from typing import Any

import httpx

from intel.alerts.failures import SendFailed

TIMEOUT_S = 10.0
GONE = frozenset({400, 403, 404, 410})


def post(url: str, body: dict[str, Any], *, transport: httpx.BaseTransport | None = None) -> None:
    """POST the body; SendFailed unless the endpoint answered 2xx."""
    try:
        with httpx.Client(timeout=TIMEOUT_S, follow_redirects=False, transport=transport) as client:
            response = client.post(url, json=body)
    except httpx.HTTPError as exc:
        raise SendFailed(f"webhook unreachable: {type(exc).__name__}") from None
    if response.is_success:
        return
    reason = response.text.strip()[:200] or response.reason_phrase
    if response.status_code == 429:
        raise SendFailed(f"webhook rate-limited: {reason}", retry_after_s=_seconds(response.headers.get("Retry-After")))
    raise SendFailed(f"webhook answered {response.status_code}: {reason}", permanent=response.status_code in GONE)


def _seconds(raw: str | None) -> float | None:
    try:
        return max(0.0, float(raw)) if raw else None
    except ValueError:
        return None
