"""The webhooks in the deployed entry point (`streamlit run server.py`) without Redis or a worker, as `make
serve` runs it: Meta's verification, and a signed notification whose sync runs in the server process."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request

import pytest

from tests.browser.conftest import StreamlitServer
from tests.jobs.factories import connected_profile, sync_state
from tests.jobs.procs import wait_for

pytestmark = pytest.mark.slow

APP_SECRET = "meta-app-secret-for-server-tests"
VERIFY_TOKEN = "verify-token-for-server-tests"


def _call(url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_make_serve_without_a_worker_syncs_after_a_signed_notification(engine, database_url, tmp_path):
    _, profile = connected_profile(engine, platform="instagram", account_id="17841400000000077")
    env = {"DATABASE_URL": database_url, "REDIS_URL": None, "INTEL_DEMO": None, "INTEL_CACHE_PREFIX": None,
           "INTEL_INSTAGRAM_CLIENT_SECRET": APP_SECRET, "INTEL_INSTAGRAM_VERIFY_TOKEN": VERIFY_TOKEN}
    body = json.dumps({"object": "instagram", "entry": [{"id": "17841400000000077", "time": 1764590000,
                                                          "changes": [{"field": "comments", "value": {}}]}]}).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()

    with StreamlitServer(tmp_path / "server.log", env=env, app="server.py") as server:
        verify = f"{server.url}/webhooks/instagram?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=42"
        assert _call(verify) == (200, "42")
        assert _call(f"{server.url}/webhooks/instagram", body, {"X-Hub-Signature-256": "sha256=00"})[0] == 403
        assert sync_state(engine, profile) is None

        assert _call(f"{server.url}/webhooks/instagram", body, {"X-Hub-Signature-256": signature}) == (200, "ok")

        # no Redis, no worker: the server process ran the sync itself and recorded how it went
        assert wait_for(lambda: (state := sync_state(engine, profile)) is not None
                        and state.last_finished_at is not None, 60), server.log_path.read_text()
