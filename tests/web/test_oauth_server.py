"""The OAuth callback on the deployed entry point: a real `streamlit run server.py` serves
`/oauth/tiktok/callback` (not Streamlit's page), completes the connection for a session signed in through the
real sign-in form, and answers a callback without a session with the "sign in and connect again" page."""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from sqlalchemy import select, update

from bench.platforms.tiktok import TikTokServer
from intel import runtime
from intel.accounts.auth import SYSTEM
from intel.config import get_settings
from intel.connectors.crypto import new_key
from intel.db.connections import PlatformConnection
from intel.db.engine import make_engine
from intel.db.migrate import upgrade
from intel.db.models import Talent
from intel.service import accounts, connections
from tests.browser.conftest import StreamlitServer
from tests.factories import make_talent

pytestmark = pytest.mark.slow  # a real server: seconds to start
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Site:
    url: str
    env: dict[str, str]
    tiktok: TikTokServer
    talent_id: int


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """server.py on a fresh SQLite database, connected to a local TikTok stand-in."""
    tiktok = TikTokServer().start()
    db = f"sqlite:///{tmp_path_factory.mktemp('oauth-db') / 'oauth.db'}"
    engine = make_engine(db)
    upgrade(engine)
    env = {"DATABASE_URL": db, "INTEL_SECRET_KEY": new_key(), "INTEL_TIKTOK_CLIENT_KEY": tiktok.client_key,
           "INTEL_TIKTOK_CLIENT_SECRET": tiktok.client_secret, "INTEL_TIKTOK_API_URL": tiktok.url,
           "INTEL_TIKTOK_AUTH_URL": f"{tiktok.url}/v2/auth/authorize/", "REDIS_URL": "", "INTEL_DEMO": "0"}
    rt = runtime.build_runtime(get_settings(env))
    with runtime.use(rt):
        agent = accounts.create_user(SYSTEM, "ann@agency.test", "Ann", "agent", PASSWORD)
    talent_id = make_talent(engine, posts=1)
    with rt.sessions.begin() as s:
        s.execute(update(Talent).where(Talent.id == talent_id).values(agent_id=agent))
    runtime.close(rt)
    engine.dispose()
    server_env: dict[str, str | None] = {**env, "REDIS_URL": None, "INTEL_PUBLIC_URL": None}
    try:
        with StreamlitServer(tmp_path_factory.mktemp("oauth") / "server.log", env=server_env) as server:
            yield Site(server.url, env, tiktok, talent_id)
    finally:
        tiktok.stop()


def request(site: Site, path: str, *, form: dict[str, str] | None = None, headers: dict[str, str] | None = None
            ) -> http.client.HTTPResponse:
    parts = urlsplit(site.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    body = urlencode(form).encode() if form is not None else None
    sent = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
    conn.request("POST" if form is not None else "GET", path, body=body, headers={**sent, **(headers or {})})
    response = conn.getresponse()
    response.read_body = response.read().decode()  # type: ignore[attr-defined]
    conn.close()
    return response


def sign_in(site: Site) -> str:
    """Sign in through the real form; the session cookie's value."""
    page = request(site, "/auth/login")
    csrf = re.search(r"intel_csrf=([^;]+)", page.headers["set-cookie"]).group(1)
    reply = request(site, "/auth/login", form={"email": "ann@agency.test", "password": PASSWORD, "next": "/",
                                               "csrf_token": csrf},
                    headers={"Origin": site.url, "Cookie": f"intel_csrf={csrf}"})
    assert reply.status == 303, reply.read_body  # type: ignore[attr-defined]
    return re.search(r"intel_session=([^;]+)", reply.headers["set-cookie"]).group(1)


def approve(url: str) -> str:
    """Approve on the stand-in's page; the callback path and query."""
    with httpx.Client() as client:
        page = client.get(url).text
        fields = dict(re.findall(r"<input type=hidden name='([^']+)' value='([^']*)'>", page))
        answer = client.post(str(httpx.URL(url).join("/v2/auth/decide/")), data={**fields, "decision": "approve"})
    return httpx.URL(answer.headers["location"]).raw_path.decode()


def start(site: Site, token: str) -> str:
    rt = runtime.build_runtime(get_settings(site.env))
    try:
        with runtime.use(rt):
            identity = accounts.identity_for_session(token)
            return connections.start_connect(identity, site.talent_id, "tiktok", session_token=token, origin=site.url)
    finally:
        runtime.close(rt)


def test_the_servers_callback_connects_and_returns_to_the_talent_page(site):
    site.tiktok.add_user("ann.talent")
    token = sign_in(site)
    reply = request(site, approve(start(site, token)), headers={"Cookie": f"intel_session={token}",
                                                                 "Accept": "text/html"})
    assert reply.status == 303
    assert reply.headers["location"] == f"/talent?talent={site.talent_id}&connected=tiktok"
    engine = make_engine(site.env["DATABASE_URL"])
    with engine.connect() as conn:
        assert conn.execute(select(PlatformConnection.status)).scalar_one() == "connected"
    engine.dispose()
    page = request(site, reply.headers["location"], headers={"Cookie": f"intel_session={token}",
                                                             "Accept": "text/html"})
    assert page.status == 200  # the talent page (Streamlit's shell) for the signed-in agent


def test_a_callback_without_a_session_is_not_sent_to_sign_in_but_told_to_connect_again(site):
    token = sign_in(site)
    callback = approve(start(site, token))
    reply = request(site, callback, headers={"Accept": "text/html"})
    body = reply.read_body  # type: ignore[attr-defined]
    assert reply.status == 400 and "not signed in" in body and "Connect" in body
