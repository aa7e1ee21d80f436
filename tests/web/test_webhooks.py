"""Platform webhooks through the Starlette routes, on both databases and real Redis: Meta's verification and
signed notifications, YouTube's hub verification and signed Atom pushes, replays processed once, XXE refused,
and the hub subscription request against a local hub."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs

import pytest
from sqlalchemy import func, select, update
from starlette.applications import Starlette
from starlette.testclient import TestClient

from intel.config import get_settings
from intel.db.connections import SyncState, WebhookEvent
from intel.db.engine import transaction
from intel.jobs import broker, push
from intel.jobs.sync_jobs import SYNC_JOB
from intel.web.routes import SignInRedirect, routes
from tests.jobs.factories import connected_profile, sync_state
from tests.services import free_port

APP_SECRET = "meta-app-secret-for-tests"
VERIFY_TOKEN = "verify-token-for-tests"
HUB_SECRET = "hub-secret-for-tests"
LATER = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture
def rt(engine, database_url, redis_url, key_prefix, make_runtime, installed_runtime):
    """The process runtime on the test database and Redis, with the webhook secrets configured."""
    connectors = get_settings({}).connectors.replace(
        instagram_client_secret=APP_SECRET, instagram_verify_token=VERIFY_TOKEN, youtube_webhook_secret=HUB_SECRET)
    runtime = installed_runtime(make_runtime(database_url, redis_url, cache_prefix=key_prefix,
                                             connectors=connectors))
    yield runtime
    broker.close_all()


@pytest.fixture
def client(rt) -> Iterator[TestClient]:
    """A test client over the routes `server.py` mounts, behind the sign-in redirect."""
    with TestClient(SignInRedirect(Starlette(routes=routes()))) as c:
        yield c


def _sign(body: bytes, secret: str, algorithm: str) -> str:
    return f"{algorithm}=" + hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()


def _instagram(*account_ids: str, time: int = 1_764_590_000) -> bytes:
    entries = [{"id": a, "time": time, "changes": [{"field": "comments", "value": {"id": "c1", "text": "hi"}}]}
               for a in account_ids]
    return json.dumps({"object": "instagram", "entry": entries}).encode()


def _post(client: TestClient, path: str, body: bytes, headers: dict[str, str]) -> int:
    return client.post(path, content=body, headers={"content-type": "application/json", **headers}).status_code


def _events(engine) -> int:
    with transaction(engine) as s:
        return int(s.scalar(select(func.count()).select_from(WebhookEvent)) or 0)


def _atom(channel_id: str, video_id: str = "vid123") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" '
            f'xmlns="http://www.w3.org/2005/Atom"><link rel="hub" href="https://pubsubhubbub.appspot.com"/>'
            f"<title>YouTube video feed</title><entry><id>yt:video:{video_id}</id><yt:videoId>{video_id}</yt:videoId>"
            f"<yt:channelId>{channel_id}</yt:channelId><title>New video</title>"
            f'<link rel="alternate" href="https://www.youtube.com/watch?v={video_id}"/>'
            f"<published>2026-12-01T10:00:00+00:00</published><updated>2026-12-01T10:00:05+00:00</updated>"
            f"</entry></feed>").encode()


# ---------------------------------------------------------------- Instagram

def test_meta_verification_echoes_the_challenge_only_for_our_token(client):
    ok = client.get("/webhooks/instagram", params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
                                                  "hub.challenge": "1158201444"})
    assert (ok.status_code, ok.text) == (200, "1158201444")
    assert ok.headers["content-type"].startswith("text/plain")
    wrong = client.get("/webhooks/instagram", params={"hub.mode": "subscribe", "hub.verify_token": "guess",
                                                     "hub.challenge": "1158201444"})
    assert wrong.status_code == 403 and "1158201444" not in wrong.text
    assert client.get("/webhooks/instagram", params={"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN,
                                                    "hub.challenge": "1"}).status_code == 403


def test_a_signed_instagram_notification_schedules_a_sync_of_the_connected_account(client, rt, engine):
    _, profile = connected_profile(engine, platform="instagram", account_id="17841400000000001",
                                   next_sync_at=LATER)
    body = _instagram("17841400000000001")

    assert _post(client, "/webhooks/instagram", body, {"x-hub-signature-256": _sign(body, APP_SECRET, "sha256")}) == 200

    assert sync_state(engine, profile).next_sync_at < LATER  # due now
    assert broker.is_pending(rt.settings, SYNC_JOB, profile)  # and queued for a worker


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, "sha1=abc", _sign(b"other body", APP_SECRET,
                                                                                       "sha256")])
def test_a_bad_or_missing_signature_is_403_and_writes_nothing(client, rt, engine, signature):
    _, profile = connected_profile(engine, platform="instagram", account_id="17841400000000002")
    headers = {"x-hub-signature-256": signature} if signature else {}

    assert _post(client, "/webhooks/instagram", _instagram("17841400000000002"), headers) == 403

    assert _events(engine) == 0
    assert sync_state(engine, profile) is None
    assert broker.queue_length(rt.settings) == 0


def test_a_replayed_notification_is_answered_200_and_processed_once(client, rt, engine):
    _, profile = connected_profile(engine, platform="instagram", account_id="17841400000000003")
    body = _instagram("17841400000000003")
    headers = {"x-hub-signature-256": _sign(body, APP_SECRET, "sha256")}
    assert _post(client, "/webhooks/instagram", body, headers) == 200
    # the sync ran meanwhile: its message was taken and it set the next run hours ahead
    broker.broker_for(rt.settings).flush_all()
    broker.broker_for(rt.settings).client.delete(f"{broker.namespace(rt.settings)}:pending:{SYNC_JOB}:{profile}")
    with transaction(engine) as s:
        s.execute(update(SyncState).values(next_sync_at=LATER))

    assert _post(client, "/webhooks/instagram", body, headers) == 200  # Meta redelivers

    assert _events(engine) == 1
    assert sync_state(engine, profile).next_sync_at == LATER
    assert broker.queue_length(rt.settings) == 0


def test_entries_of_unknown_or_disconnected_accounts_are_recorded_and_ignored(client, rt, engine):
    _, stale = connected_profile(engine, platform="instagram", account_id="17841400000000004",
                                 status="needs_reconnect")
    body = _instagram("17841400000000004", "17841499999999999")

    assert _post(client, "/webhooks/instagram", body, {"x-hub-signature-256": _sign(body, APP_SECRET, "sha256")}) == 200

    assert _events(engine) == 2
    assert sync_state(engine, stale) is None
    assert broker.queue_length(rt.settings) == 0


def test_webhook_outcomes_are_counted_in_the_jobs_metric(client, engine):
    from intel.metrics import summary

    connected_profile(engine, platform="instagram", account_id="17841400000000005")
    body = _instagram("17841400000000005", "17841499999999998")
    before = summary.read()
    _post(client, "/webhooks/instagram", body, {"x-hub-signature-256": "sha256=" + "1" * 64})
    for _ in range(2):
        _post(client, "/webhooks/instagram", body, {"x-hub-signature-256": _sign(body, APP_SECRET, "sha256")})
    after = summary.read()

    def moved(outcome: str) -> float:
        return (after.total("intel_jobs_total", job="webhook_instagram", outcome=outcome)
                - before.total("intel_jobs_total", job="webhook_instagram", outcome=outcome))

    assert {o: moved(o) for o in ("refused", "scheduled", "ignored", "duplicate")} == {
        "refused": 1, "scheduled": 1, "ignored": 1, "duplicate": 2}


def test_a_body_over_a_megabyte_is_413_and_writes_nothing(client, engine):
    body = b'{"object":"instagram","entry":[]}' + b" " * (1024 * 1024)
    assert _post(client, "/webhooks/instagram", body, {"x-hub-signature-256": _sign(body, APP_SECRET, "sha256")}) == 413
    assert _events(engine) == 0


def test_webhooks_pass_the_sign_in_redirect(client):
    response = client.get("/webhooks/youtube", params={"hub.challenge": "x"}, headers={"accept": "text/html"},
                          follow_redirects=False)
    assert response.status_code == 404  # answered by the route, not sent to the sign-in page


# ---------------------------------------------------------------- YouTube

def test_the_hub_verification_is_confirmed_for_connected_channels_only(client, engine):
    connected_profile(engine, platform="youtube", account_id="UCconnected00000000000001")

    def verify(mode: str, channel: str) -> tuple[int, str]:
        r = client.get("/webhooks/youtube", params={"hub.mode": mode, "hub.topic": push.topic_of(channel),
                                                   "hub.challenge": "challenge-42", "hub.lease_seconds": "432000"})
        return r.status_code, r.text

    assert verify("subscribe", "UCconnected00000000000001") == (200, "challenge-42")
    assert verify("subscribe", "UCsomebodyelse0000000000")[0] == 404
    assert verify("unsubscribe", "UCconnected00000000000001")[0] == 404  # nobody unsubscribes a connected one
    assert verify("unsubscribe", "UCgone000000000000000000") == (200, "challenge-42")


def test_a_signed_atom_push_schedules_the_channels_profile(client, rt, engine):
    _, profile = connected_profile(engine, platform="youtube", account_id="UCconnected00000000000002",
                                   next_sync_at=LATER)
    body = _atom("UCconnected00000000000002")
    headers = {"x-hub-signature": _sign(body, HUB_SECRET, "sha1"), "content-type": "application/atom+xml"}

    assert client.post("/webhooks/youtube", content=body, headers=headers).status_code == 200
    assert client.post("/webhooks/youtube", content=body, headers=headers).status_code == 200  # the hub retries

    assert sync_state(engine, profile).next_sync_at < LATER
    assert broker.is_pending(rt.settings, SYNC_JOB, profile)
    assert _events(engine) == 1


def test_an_atom_push_with_a_bad_signature_is_403_and_an_unknown_channel_200_ignored(client, rt, engine):
    body = _atom("UCnobody000000000000000")
    assert client.post("/webhooks/youtube", content=body,
                       headers={"x-hub-signature": _sign(body, "not-the-secret", "sha1")}).status_code == 403
    assert client.post("/webhooks/youtube", content=body).status_code == 403
    assert _events(engine) == 0
    assert client.post("/webhooks/youtube", content=body,
                       headers={"x-hub-signature": _sign(body, HUB_SECRET, "sha1")}).status_code == 200
    assert broker.queue_length(rt.settings) == 0


def test_an_xxe_payload_is_refused_even_when_signed(client, rt, engine, tmp_path):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("UCconnected00000000000003")
    connected_profile(engine, platform="youtube", account_id="UCconnected00000000000003")
    body = (f'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'
            '<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns="http://www.w3.org/2005/Atom">'
            "<entry><yt:channelId>&xxe;</yt:channelId></entry></feed>").encode()

    response = client.post("/webhooks/youtube", content=body, headers={"x-hub-signature": _sign(body, HUB_SECRET,
                                                                                                   "sha1")})

    assert response.status_code == 400
    assert _events(engine) == 0
    assert broker.queue_length(rt.settings) == 0


# ---------------------------------------------------------------- the subscription request

class _Hub(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, list[str]]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        type(self).received.append(parse_qs(self.rfile.read(length).decode()))
        self.send_response(202)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def hub() -> Iterator[str]:
    """A local hub that accepts every (un)subscription request (202) and keeps its form; its URL."""
    _Hub.received.clear()
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/subscribe"
    server.shutdown()
    server.server_close()


def test_subscribe_youtube_asks_the_hub_for_an_async_verified_signed_subscription(hub):
    settings = get_settings({}).replace(connectors=get_settings({}).connectors.replace(
        youtube_hub_url=hub, youtube_webhook_secret=HUB_SECRET))

    assert push.subscribe_youtube("UCabc", "https://intel.example/webhooks/youtube", settings) == 202

    form = {k: v[0] for k, v in _Hub.received[-1].items()}
    assert form == {"hub.callback": "https://intel.example/webhooks/youtube", "hub.mode": "subscribe",
                    "hub.topic": "https://www.youtube.com/xml/feeds/videos.xml?channel_id=UCabc",
                    "hub.secret": HUB_SECRET, "hub.verify": "async", "hub.lease_seconds": str(push.LEASE_S)}


def test_the_workers_renew_the_push_subscriptions_of_connected_channels_once_per_period(hub, engine, database_url,
                                                                                       redis_url, key_prefix,
                                                                                       make_runtime):
    connectors = get_settings({}).connectors.replace(youtube_hub_url=hub, youtube_webhook_secret=HUB_SECRET)
    workers = [make_runtime(database_url, redis_url, cache_prefix=key_prefix, connectors=connectors,
                            public_url="https://intel.example") for _ in range(2)]
    connected_profile(engine, platform="youtube", account_id="UCrenew0000000000000001")
    connected_profile(engine, platform="youtube", account_id="UCrenew0000000000000002")
    connected_profile(engine, platform="youtube", account_id="UCrenew0000000000000003", status="needs_reconnect")
    connected_profile(engine, platform="instagram", account_id="17841400000000009")
    try:
        assert [push.renew_subscriptions(rt) for rt in workers] == [2, 0]  # the second worker's pass: not due
    finally:
        broker.close_all()
    topics = sorted(form["hub.topic"][0] for form in _Hub.received)
    assert topics == [push.topic_of("UCrenew0000000000000001"), push.topic_of("UCrenew0000000000000002")]
    assert {form["hub.callback"][0] for form in _Hub.received} == {"https://intel.example/webhooks/youtube"}
