"""Connecting Instagram and TikTok end to end on both databases with real Redis: `start_connect` → the local
authorisation page → Approve/Deny → `GET /oauth/{platform}/callback` (Starlette TestClient over `routes()`
behind the sign-in middleware, with a real sign-in session) → tokens sealed in the database, first sync due."""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bench.platforms.server import Reply
from intel.accounts import auth
from intel.accounts.auth import Identity
from intel.connectors.base import NotConfigured
from intel.connectors.oauth import STATE_TTL, OAuthRefused
from intel.db.base import utcnow
from intel.db.connections import OAuthState, PlatformConnection, SyncState
from intel.db.models import AdminActivity, SocialPost, SocialProfile, Talent
from intel.errors import PermissionDenied, TalentNotFound
from intel.service import connections
from intel.web.api import COOKIE
from intel.web.routes import SignInRedirect, routes
from tests import platforms
from tests.factories import make_talent

# The platform stand-ins' fixtures (tests/platforms.py), shared with the other connector and web tests.
connector_settings = platforms.connector_settings
instagram_server = platforms.instagram_server
tiktok_server = platforms.tiktok_server


ORIGIN = "http://testserver"
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Person:
    identity: Identity
    token: str  # sign-in session token (the cookie)


@dataclass(frozen=True)
class World:
    rt: object
    talent_id: int
    agent: Person
    other_agent: Person
    manager: Person


def person(rt, email: str, role: str) -> Person:
    user_id = auth.create_user(email, email.split("@")[0], role, PASSWORD, sessions=rt.sessions, actor="test")
    identity = Identity(user_id, email, email.split("@")[0], role)
    return Person(identity, auth.start_session(identity, sessions=rt.sessions, hours=8))


@pytest.fixture
def world(engine, database_url, redis_url, key_prefix, make_runtime, installed_runtime, connector_settings):
    rt = installed_runtime(make_runtime(database_url, redis_url, cache_prefix=key_prefix,
                                        connectors=connector_settings))
    agent, other, manager = (person(rt, e, r) for e, r in (("ann@agency.example", "agent"),
                                                           ("bob@agency.example", "agent"),
                                                           ("meg@agency.example", "manager")))
    talent_id = make_talent(engine, posts=2)
    with rt.sessions.begin() as s:
        s.execute(update(Talent).where(Talent.id == talent_id).values(agent_id=agent.identity.user_id))
    return World(rt, talent_id, agent, other, manager)


def web(token: str | None) -> TestClient:
    client = TestClient(SignInRedirect(Starlette(routes=routes())), base_url=ORIGIN, follow_redirects=False)
    if token:
        client.cookies.set(COOKIE, token)
    return client


def consent(url: str, decision: str = "approve") -> str:
    """Open the platform's authorisation page, press a button; the callback path+query it redirects to."""
    with httpx.Client(follow_redirects=False) as client:
        page = client.get(url)
        assert page.status_code == 200, page.text
        assert ">Approve<" in page.text and ">Deny<" in page.text
        action = re.search(r"<form method=post action='([^']+)'", page.text).group(1)
        fields = dict(re.findall(r"<input type=hidden name='([^']+)' value='([^']*)'>", page.text))
        answer = client.post(str(httpx.URL(url).join(action)), data={**fields, "decision": decision})
    assert answer.status_code == 302
    target = httpx.URL(answer.headers["location"])
    assert str(target).startswith(f"{ORIGIN}/oauth/")
    return target.raw_path.decode()  # path and query; the "#_" fragment Instagram appends stays behind


def stored(rt, talent_id: int) -> list[PlatformConnection]:
    with rt.sessions() as s:
        return list(s.scalars(select(PlatformConnection).join(SocialProfile,
                                                              SocialProfile.id == PlatformConnection.profile_id)
                              .where(SocialProfile.talent_id == talent_id)))


def actions(rt) -> list[str]:
    with rt.sessions() as s:
        return list(s.scalars(select(AdminActivity.action).order_by(AdminActivity.id)))


def start(world: World, platform: str, who: Person | None = None) -> str:
    who = who or world.agent
    return connections.start_connect(who.identity, world.talent_id, platform, session_token=who.token, origin=ORIGIN)


@pytest.mark.parametrize("platform", ["instagram", "tiktok"])
def test_approve_connects_the_account_with_sealed_tokens_and_a_first_sync_due(world, platform, instagram_server,
                                                                              tiktok_server, caplog):
    caplog.set_level(logging.DEBUG)
    server = instagram_server if platform == "instagram" else tiktok_server
    account = (instagram_server.add_account("ann.talent") if platform == "instagram"
               else tiktok_server.add_user("ann.talent"))
    server.redirect_uris.add(f"{ORIGIN}/oauth/{platform}/callback")
    url = start(world, platform)
    if platform == "tiktok":
        assert "client_key=tt-client" in url and "code_challenge_method=S256" in url and "client_id=" not in url
    else:
        assert "client_id=ig-client" in url and "code_challenge" not in url
    reply = web(world.agent.token).get(consent(url))
    assert reply.status_code == 303, reply.text
    assert reply.headers["location"] == f"/talent?talent={world.talent_id}&connected={platform}"
    [row] = stored(world.rt, world.talent_id)
    assert row.status == "connected" and row.token_expires_at is not None
    plain = list(server.tokens) + list(getattr(server, "refresh_tokens", {}))
    columns = " ".join(str(v) for v in vars(row).values())
    assert plain and not any(token in columns for token in plain)  # only ciphertext in the row
    secrets = [*plain, server.client_secret]
    assert not any(secret in caplog.text for secret in secrets)  # nor in any log line, at any level
    with world.rt.sessions() as s:
        profile = s.get(SocialProfile, row.profile_id)
        assert (profile.handle, profile.account_id) == ("ann.talent", getattr(account, "user_id", None)
                                                        or account.open_id)
        assert s.get(SyncState, row.profile_id).next_sync_at <= utcnow()
        assert s.scalar(select(OAuthState.state_hash)) is None  # the state was used up
    assert actions(world.rt)[-2:] == ["connect_start", "connect"]
    [view] = [v for v in connections.list_connections(world.agent.identity, world.talent_id)
              if v.platform == platform]
    assert view.status == "connected" and view.has_comment_text is (platform == "instagram")
    if platform == "instagram":  # the 1-hour token from the code was traded for a 60-day one
        assert (row.token_expires_at - utcnow()).days >= 59


def test_a_reused_state_is_refused_and_nothing_more_is_stored(world, instagram_server):
    instagram_server.add_account("ann.talent")
    callback = consent(start(world, "instagram"))
    assert web(world.agent.token).get(callback).status_code == 303
    again = web(world.agent.token).get(callback)
    assert again.status_code == 400 and "already used" in again.text
    assert len(stored(world.rt, world.talent_id)) == 1
    assert actions(world.rt)[-1] == "connect_failed"


def test_an_expired_state_is_refused(world, instagram_server):
    instagram_server.add_account("ann.talent")
    callback = httpx.URL(consent(start(world, "instagram")))
    later = utcnow() + STATE_TTL + timedelta(seconds=1)
    with pytest.raises(OAuthRefused, match="expired"):
        connections.complete_connect("instagram", code=callback.params["code"], state=callback.params["state"],
                                     session_token=world.agent.token, origin=ORIGIN, now=later)
    assert stored(world.rt, world.talent_id) == []
    with world.rt.sessions() as s:
        assert s.scalar(select(OAuthState.state_hash)) is None  # an expired state is spent too


def test_a_callback_in_another_session_is_refused(world, instagram_server):
    instagram_server.add_account("ann.talent")
    callback = consent(start(world, "instagram"))
    second = auth.start_session(world.agent.identity, sessions=world.rt.sessions, hours=8)
    for token in (second, world.other_agent.token):
        reply = web(token).get(callback)
        assert reply.status_code == 400 and "another sign-in session" in reply.text
    assert stored(world.rt, world.talent_id) == []
    assert web(world.agent.token).get(callback).status_code == 303  # its own session still completes it


def test_a_callback_without_a_session_says_to_sign_in_and_connect_again(world, instagram_server):
    instagram_server.add_account("ann.talent")
    callback = consent(start(world, "instagram"))
    reply = web(None).get(callback, headers={"accept": "text/html"})
    assert reply.status_code == 400 and "Sign in" in reply.text and "Connect" in reply.text
    assert stored(world.rt, world.talent_id) == []


def test_denied_consent_is_refused_and_nothing_is_stored(world, tiktok_server):
    tiktok_server.add_user("ann.talent")
    callback = consent(start(world, "tiktok"), decision="deny")
    assert "error=access_denied" in callback
    reply = web(world.agent.token).get(callback)
    assert reply.status_code == 400 and "not approved on TikTok" in reply.text
    assert stored(world.rt, world.talent_id) == [] and tiktok_server.calls["/v2/oauth/token/"] == 0
    with world.rt.sessions() as s:
        assert s.scalar(select(OAuthState.state_hash)) is None


def test_a_code_the_platform_refuses_is_a_plain_error(world, tiktok_server):
    tiktok_server.add_user("ann.talent")
    callback = consent(start(world, "tiktok"))
    tiktok_server.codes.clear()  # the code expired at the platform
    reply = web(world.agent.token).get(callback)
    assert reply.status_code == 400 and "refused the authorisation code" in reply.text
    assert "Traceback" not in reply.text and stored(world.rt, world.talent_id) == []


def test_error_page_escapes_what_it_shows(world):
    reply = web(world.agent.token).get("/oauth/<script>/callback?state=x")
    assert reply.status_code == 400 and "<script>" not in reply.text


def test_configured_platforms_name_the_missing_setting(world, connector_settings, installed_runtime):
    assert connections.configured_platforms()["instagram"] is None
    bare = world.rt.settings.replace(connectors=connector_settings.replace(tiktok_client_key=None))
    installed_runtime(dataclasses.replace(world.rt, settings=bare))
    assert connections.configured_platforms()["tiktok"] == "INTEL_TIKTOK_CLIENT_KEY is not set"
    with pytest.raises(NotConfigured, match="INTEL_TIKTOK_CLIENT_KEY is not set"):
        start(world, "tiktok")


def test_without_intel_secret_key_connecting_refuses_in_plain_words(world, connector_settings, installed_runtime):
    bare = world.rt.settings.replace(connectors=connector_settings.replace(secret_keys=()))
    installed_runtime(dataclasses.replace(world.rt, settings=bare))
    assert connections.configured_platforms() == {"instagram": "INTEL_SECRET_KEY is not set",
                                                  "tiktok": "INTEL_SECRET_KEY is not set",
                                                  "youtube": "INTEL_YOUTUBE_API_KEY is not set"}
    with pytest.raises(NotConfigured, match="INTEL_SECRET_KEY is not set"):
        start(world, "tiktok")
    with world.rt.sessions() as s:
        assert s.scalar(select(OAuthState.state_hash)) is None


def test_disconnect_revokes_at_tiktok_deletes_the_tokens_and_keeps_the_posts(world, tiktok_server):
    tiktok_server.add_user("ann.talent")
    assert web(world.agent.token).get(consent(start(world, "tiktok"))).status_code == 303
    [row] = stored(world.rt, world.talent_id)
    with world.rt.sessions.begin() as s:
        s.add(SocialPost(profile_id=row.profile_id, platform="tiktok", platform_post_id="v1", posted_at=utcnow(),
                         likes=1, comments=0))
    assert connections.disconnect(world.agent.identity, row.profile_id) is True
    assert len(tiktok_server.revoked) == 1 and tiktok_server.tokens == {}
    assert stored(world.rt, world.talent_id) == []
    with world.rt.sessions() as s:
        assert s.get(SyncState, row.profile_id) is None
        assert s.scalar(select(SocialPost.platform_post_id).where(SocialPost.profile_id == row.profile_id)) == "v1"
        assert s.get(SocialProfile, row.profile_id).connected is False
    assert actions(world.rt)[-1] == "disconnect"


def test_disconnecting_instagram_deletes_without_a_revoke_call(world, instagram_server):
    instagram_server.add_account("ann.talent")
    assert web(world.agent.token).get(consent(start(world, "instagram"))).status_code == 303
    [row] = stored(world.rt, world.talent_id)
    assert connections.disconnect(world.agent.identity, row.profile_id) is False
    assert stored(world.rt, world.talent_id) == []


def test_an_agent_cannot_connect_or_disconnect_another_agents_talent(world, instagram_server):
    instagram_server.add_account("ann.talent")
    with pytest.raises(TalentNotFound):
        start(world, "instagram", who=world.other_agent)
    with pytest.raises(PermissionDenied):
        start(world, "instagram", who=world.manager)
    assert web(world.agent.token).get(consent(start(world, "instagram"))).status_code == 303
    [row] = stored(world.rt, world.talent_id)
    with pytest.raises(TalentNotFound):
        connections.disconnect(world.other_agent.identity, row.profile_id)
    with pytest.raises(TalentNotFound):
        connections.list_connections(world.other_agent.identity, world.talent_id)
    assert len(stored(world.rt, world.talent_id)) == 1


def test_callbacks_racing_with_one_state_connect_once(world, instagram_server):
    instagram_server.add_account("ann.talent")
    callback = httpx.URL(consent(start(world, "instagram")))
    barrier, outcomes = threading.Barrier(6), []

    def complete() -> None:
        barrier.wait()
        try:
            connections.complete_connect("instagram", code=callback.params["code"], state=callback.params["state"],
                                         session_token=world.agent.token, origin=ORIGIN)
            outcomes.append("connected")
        except OAuthRefused as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=complete) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("connected") == 1 and len(outcomes) == 6
    assert all("already used" in o for o in outcomes if o != "connected")
    assert len(stored(world.rt, world.talent_id)) == 1 and instagram_server.calls["/oauth/access_token"] == 1


def test_reconnecting_a_profile_that_needs_it_makes_it_connected_again(world, tiktok_server):
    tiktok_server.add_user("ann.talent")
    assert web(world.agent.token).get(consent(start(world, "tiktok"))).status_code == 303
    with world.rt.sessions.begin() as s:
        s.execute(update(PlatformConnection).values(status="needs_reconnect", status_reason="token revoked"))
    [view] = connections.list_connections(world.agent.identity, world.talent_id)
    assert (view.status, view.status_reason) == ("needs_reconnect", "token revoked")
    assert web(world.agent.token).get(consent(start(world, "tiktok"))).status_code == 303
    [view] = connections.list_connections(world.agent.identity, world.talent_id)
    assert (view.status, view.status_reason, view.has_comment_text) == ("connected", None, False)
    assert len(stored(world.rt, world.talent_id)) == 1


def test_another_platform_error_is_named(world, tiktok_server):
    tiktok_server.add_user("ann.talent")
    callback = httpx.URL(consent(start(world, "tiktok")))
    reply = web(world.agent.token).get(f"/oauth/tiktok/callback?state={callback.params['state']}&error=invalid_scope")
    assert reply.status_code == 400 and "did not authorise the connection (invalid_scope)" in reply.text


def test_disconnect_still_deletes_when_tiktok_cannot_revoke(world, tiktok_server):
    tiktok_server.add_user("ann.talent")
    assert web(world.agent.token).get(consent(start(world, "tiktok"))).status_code == 303
    [row] = stored(world.rt, world.talent_id)
    tiktok_server.fail("/v2/oauth/revoke/", Reply(503, {}), times=99)
    assert connections.disconnect(world.agent.identity, row.profile_id) is False
    assert stored(world.rt, world.talent_id) == [] and tiktok_server.revoked == []
    with world.rt.sessions() as s:
        details = s.scalars(select(AdminActivity.details).where(AdminActivity.action == "disconnect")).one()
    assert details["revoked"] is False


def test_abandoned_authorisations_are_cleared_by_the_next_start(world):
    start(world, "tiktok")  # never called back
    with world.rt.sessions.begin() as s:
        s.execute(update(OAuthState).values(expires_at=utcnow() - timedelta(minutes=1)))
    start(world, "tiktok")
    with world.rt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OAuthState)) == 1
