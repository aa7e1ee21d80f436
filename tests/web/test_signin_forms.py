"""The sign-in, setup and sign-out forms refuse cross-site POSTs (login CSRF), on a real `streamlit run server.py`."""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import select

from intel import runtime
from intel.accounts.auth import SYSTEM
from intel.config import get_settings
from intel.db.engine import make_engine
from intel.db.migrate import upgrade
from intel.db.models import AdminActivity
from intel.service import accounts
from tests.browser.conftest import StreamlitServer

pytestmark = pytest.mark.slow  # AppTest runs or real servers: seconds each

PASSWORD = "correct horse battery staple"
EVIL = "http://evil.example"
PUBLIC = "https://intel.agency.example"


@dataclass
class Reply:
    """One HTTP answer: status, headers, body, and the cookies it sets (name -> full Set-Cookie line)."""

    status: int
    headers: http.client.HTTPMessage
    body: str
    cookies: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Site:
    """A running server and its database."""

    url: str
    db_url: str

    @property
    def origin(self) -> str:
        return self.url

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        """Send one request without following redirects."""
        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        body = urlencode(form).encode() if form is not None else None
        sent = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
        conn.request(method, path, body=body, headers={**sent, **(headers or {})})
        response = conn.getresponse()
        reply = Reply(response.status, response.headers, response.read().decode())
        for line in response.headers.get_all("set-cookie") or []:
            reply.cookies[line.split("=", 1)[0]] = line
        conn.close()
        return reply

    def form(self, path: str = "/auth/login", cookie: str = "intel_csrf") -> tuple[str, str]:
        """GET a form: (the CSRF cookie value it set, the hidden field's token)."""
        reply = self.request("GET", path)
        assert reply.status == 200, reply.body
        cookie_value = reply.cookies[cookie].split(";", 1)[0].split("=", 1)[1]
        match = re.search(r"name=csrf_token value='([^']+)'", reply.body)
        assert match, reply.body
        return cookie_value, match.group(1)


def _database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('signin-db') / 'signin.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    rt = runtime.build_runtime(get_settings({"DATABASE_URL": url}))
    with runtime.use(rt):
        for name in ("ann", "bob"):
            accounts.create_user(SYSTEM, f"{name}@agency.test", name.title(), "agent", PASSWORD)
    runtime.close(rt)
    return url


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """server.py without INTEL_PUBLIC_URL (same-origin = its own Host), behind a trusted proxy at 127.0.0.1."""
    url = _database(tmp_path_factory)
    # FORWARDED_ALLOW_IPS="": uvicorn itself trusts no proxy, so INTEL_TRUSTED_PROXIES alone decides.
    env = {"DATABASE_URL": url, "REDIS_URL": None, "INTEL_DEMO": "0", "INTEL_PUBLIC_URL": None,
           "INTEL_TRUSTED_PROXIES": "127.0.0.1", "FORWARDED_ALLOW_IPS": ""}
    with StreamlitServer(tmp_path_factory.mktemp("signin") / "server.log", env=env, app="server.py") as server:
        yield Site(server.url, url)


@pytest.fixture(scope="module")
def public_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """server.py with INTEL_PUBLIC_URL=https://… (as behind the TLS proxy)."""
    url = _database(tmp_path_factory)
    env = {"DATABASE_URL": url, "REDIS_URL": None, "INTEL_DEMO": "0", "INTEL_PUBLIC_URL": PUBLIC}
    with StreamlitServer(tmp_path_factory.mktemp("public") / "server.log", env=env, app="server.py") as server:
        yield Site(server.url, url)


def sign_in_form(token: str | None, email: str = "ann@agency.test", password: str = PASSWORD) -> dict[str, str]:
    form = {"email": email, "password": password, "next": "/"}
    return form if token is None else {**form, "csrf_token": token}


def test_the_form_sets_a_strict_httponly_token_cookie_and_carries_the_same_token(site):
    reply = site.request("GET", "/auth/login")
    line = reply.cookies["intel_csrf"]
    assert "HttpOnly" in line and "SameSite=strict" in line and "Secure" not in line
    cookie, token = site.form()
    assert cookie == token and len(token) >= 40


def test_a_same_origin_post_with_the_token_signs_in(site):
    cookie, token = site.form()
    reply = site.request("POST", "/auth/login", sign_in_form(token),
                         {"Origin": site.origin, "Cookie": f"intel_csrf={cookie}"})
    assert reply.status == 303 and reply.headers["location"] == "/"
    assert "HttpOnly" in reply.cookies["intel_session"] and "SameSite=lax" in reply.cookies["intel_session"]


@pytest.mark.parametrize("case", ["evil origin", "no origin nor referer", "evil referer", "missing token",
                                  "token mismatch", "no token cookie"])
def test_a_cross_site_sign_in_is_refused_with_403_and_sets_no_cookie(site, case):
    cookie, token = site.form()
    headers = {"Origin": site.origin, "Cookie": f"intel_csrf={cookie}"}
    form = sign_in_form(token)
    if case == "evil origin":
        headers["Origin"] = EVIL
    elif case == "no origin nor referer":
        del headers["Origin"]
    elif case == "evil referer":
        del headers["Origin"]
        headers["Referer"] = f"{EVIL}/trap.html"
    elif case == "missing token":
        form = sign_in_form(None)
    elif case == "token mismatch":
        form = sign_in_form(site.form()[1])  # a real token, but not the one in this browser's cookie
    else:
        del headers["Cookie"]
    reply = site.request("POST", "/auth/login", form, headers)
    assert reply.status == 403 and reply.cookies == {}
    assert "refused" in reply.body.lower() or "expired" in reply.body.lower()


def test_the_referer_stands_in_for_a_missing_origin(site):
    cookie, token = site.form()
    reply = site.request("POST", "/auth/login", sign_in_form(token),
                         {"Referer": f"{site.url}/auth/login?next=/", "Cookie": f"intel_csrf={cookie}"})
    assert reply.status == 303 and "intel_session" in reply.cookies


def test_a_cross_site_first_admin_setup_is_refused_before_anything_else(site):
    cookie, token = site.form()
    form = {"email": "mallory@evil.example", "name": "M", "password": PASSWORD, "confirm": PASSWORD,
            "csrf_token": token}
    refused = site.request("POST", "/auth/setup", form, {"Origin": EVIL, "Cookie": f"intel_csrf={cookie}"})
    assert refused.status == 403 and refused.cookies == {}
    # Same origin with the token passes the CSRF checks and meets the real rule: accounts exist already.
    allowed = site.request("POST", "/auth/setup", form, {"Origin": site.origin, "Cookie": f"intel_csrf={cookie}"})
    assert allowed.status == 400 and "already exists" in allowed.body and allowed.cookies == {}


def _session(site: Site) -> str:
    cookie, token = site.form()
    reply = site.request("POST", "/auth/login", sign_in_form(token, "bob@agency.test"),
                         {"Origin": site.origin, "Cookie": f"intel_csrf={cookie}"})
    return reply.cookies["intel_session"].split(";", 1)[0].split("=", 1)[1]


def _signed_in(site: Site, session: str) -> bool:
    reply = site.request("GET", "/api/admin/talent/1/social-intelligence",
                         headers={"Cookie": f"intel_session={session}"})
    return reply.status != 401  # 404 (no such talent) once the session is accepted


def test_sign_out_needs_a_same_origin_post_with_the_token(site):
    session = _session(site)
    confirm = site.request("GET", "/auth/logout", headers={"Cookie": f"intel_session={session}"})
    assert confirm.status == 200 and "method=post action='/auth/logout'" in confirm.body
    assert _signed_in(site, session)  # a GET (a link or an <img> on another site) never signs out
    cookie, token = site.form("/auth/logout")
    both = f"intel_session={session}; intel_csrf={cookie}"
    refused = site.request("POST", "/auth/logout", {"csrf_token": token}, {"Origin": EVIL, "Cookie": both})
    assert refused.status == 403 and _signed_in(site, session)
    done = site.request("POST", "/auth/logout", {"csrf_token": token}, {"Origin": site.origin, "Cookie": both})
    assert done.status == 303 and done.headers["location"] == "/auth/login"
    assert not _signed_in(site, session)


def test_x_forwarded_for_from_the_trusted_proxy_names_the_client_and_a_forged_hop_is_ignored(site):
    cookie, token = site.form()
    reply = site.request("POST", "/auth/login", sign_in_form(token, password="not the password"),
                         {"Origin": site.origin, "Cookie": f"intel_csrf={cookie}",
                          "X-Forwarded-For": "6.6.6.6, 198.51.100.7"})
    assert reply.status == 401
    engine = make_engine(site.db_url)
    with engine.connect() as conn:
        details = conn.execute(select(AdminActivity.details).where(AdminActivity.action == "sign_in_failed")
                               .order_by(AdminActivity.id.desc())).first()[0]
    engine.dispose()
    assert details["client"] == "198.51.100.7"


def test_with_an_https_public_url_only_that_origin_may_sign_in_and_cookies_are_secure(public_site):
    reply = public_site.request("GET", "/auth/login")
    line = reply.cookies["__Host-intel_csrf"]
    assert "Secure" in line and "SameSite=strict" in line and "Path=/" in line
    cookie, token = public_site.form(cookie="__Host-intel_csrf")
    headers = {"Cookie": f"__Host-intel_csrf={cookie}"}
    own_host = public_site.request("POST", "/auth/login", sign_in_form(token),
                                   {**headers, "Origin": public_site.origin})
    assert own_host.status == 403 and own_host.cookies == {}  # the configured URL wins over the Host header
    ok = public_site.request("POST", "/auth/login", sign_in_form(token), {**headers, "Origin": PUBLIC})
    assert ok.status == 303 and "Secure" in ok.cookies["intel_session"]
