"""Sign-in in a real browser: the HttpOnly cookie survives reloads and deep links; sign-out ends it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from intel import runtime
from intel.accounts.auth import SYSTEM
from intel.config import get_settings
from intel.db.engine import make_engine
from intel.db.migrate import upgrade
from intel.service import accounts
from tests.browser.conftest import StreamlitServer, assert_no_exception, screenshot_path, wait_for_app
from tests.factories import make_talent

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a real server and Chromium per module
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def signin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """server.py (sign-in routes) on a fresh SQLite database with one agent and one assigned talent."""
    url = f"sqlite:///{tmp_path_factory.mktemp('auth-db') / 'auth.db'}"
    engine = make_engine(url)
    upgrade(engine)
    runtime.configure(get_settings({"DATABASE_URL": url}))
    try:
        talent = make_talent(engine, name="Ada Lovelace")
        accounts.create_user(SYSTEM, "agent@agency.test", "Agent Smith", "agent", PASSWORD)
        accounts.assign_talents(SYSTEM, "agent@agency.test", [talent])
    finally:
        runtime.configure(get_settings({}))
        engine.dispose()
    env = {"DATABASE_URL": url, "REDIS_URL": None, "INTEL_DEMO": "0"}
    with StreamlitServer(tmp_path_factory.mktemp("auth") / "server.log", env=env, app="server.py") as server:
        yield server.url, talent


def sign_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_survives_reload_and_deep_links_and_sign_out_ends_it(browser: Browser, signin_server) -> None:
    base, talent = signin_server
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    deep_link = f"{base}/talent?talent={talent}"
    page.goto(deep_link)  # not signed in: the server sends the browser to the sign-in form
    page.wait_for_url(re.compile(r"/auth/login\?next="))
    sign_in(page, "agent@agency.test", PASSWORD)
    # Back on the deep link, signed in.
    page.wait_for_url(re.compile(r"/talent\?talent="))
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    cookie = next(c for c in context.cookies() if c["name"] == "intel_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("intel_session") == -1  # not readable by scripts
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    expect(page.get_by_text("Signed in as Agent Smith (agent)")).to_be_visible()
    page.screenshot(path=str(screenshot_path("signed_in.png")), full_page=True)
    assert_no_exception(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("Please sign in to see your talents.")).to_be_visible()
    page.goto(deep_link)
    page.wait_for_url(re.compile(r"/auth/login\?next="))
    expect(page.get_by_role("heading", name="Ada Lovelace")).to_have_count(0)
    context.close()


def test_after_sign_out_sign_in_opens_in_the_same_tab(browser: Browser, signin_server) -> None:
    base, talent = signin_server
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/talent?talent={talent}")
    page.wait_for_url(re.compile(r"/auth/login\?next="))
    sign_in(page, "agent@agency.test", PASSWORD)
    page.wait_for_url(re.compile(r"/talent\?talent="))
    wait_for_app(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("Please sign in to see your talents.")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    page.wait_for_url(re.compile(r"/auth/login\?next=%2Ftalent"))
    assert context.pages == [page]  # no second tab
    sign_in(page, "agent@agency.test", PASSWORD)  # the form works in that tab and returns to the talent
    page.wait_for_url(re.compile(r"/talent\?talent="))
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    context.close()


def test_a_cross_site_sign_in_form_is_refused_in_the_browser(browser: Browser, signin_server) -> None:
    base, _ = signin_server
    context = browser.new_context()
    page = context.new_page()
    # Another site's page that auto-posts the attacker's credentials to our sign-in (login CSRF).
    page.route("http://evil.example/**", lambda route: route.fulfill(content_type="text/html", body=(
        f"<form id=f method=post action='{base}/auth/login'><input name=email value='agent@agency.test'>"
        f"<input name=password value='{PASSWORD}'></form><script>f.submit()</script>")))
    with page.expect_response(f"{base}/auth/login") as answer:
        page.goto("http://evil.example/trap.html")
    assert answer.value.status == 403
    assert not [c for c in context.cookies() if c["name"] == "intel_session"]
    context.close()


def test_a_wrong_password_shows_a_plain_message_and_no_session(browser: Browser, signin_server) -> None:
    base, _ = signin_server
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/auth/login")
    sign_in(page, "agent@agency.test", "wrong password here")
    expect(page.get_by_role("alert")).to_have_text("Email or password is incorrect, or the account is deactivated.")
    assert not [c for c in context.cookies() if c["name"] == "intel_session"]
    context.close()


def test_the_login_form_never_redirects_to_another_site(browser: Browser, signin_server) -> None:
    base, _ = signin_server
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/auth/login?next=//evil.example/x")
    sign_in(page, "agent@agency.test", PASSWORD)
    page.wait_for_load_state()
    assert page.url.startswith(base)
    context.close()
