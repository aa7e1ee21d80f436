"""Share links in a real browser on `streamlit run server.py`: an agent creates a link on the talent page; a fresh
browser context with no session opens it and sees the report, sets no cookie, and cannot reach the app from it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from intel.db.engine import make_engine
from intel.db.share_links import ShareLink
from tests.browser.conftest import StreamlitServer, agent_database, assert_no_exception, sign_in, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a real server and Chromium per module


@pytest.fixture(scope="module")
def share_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, str]]:
    """server.py on a fresh SQLite database with one agent and their talent "Sofia Marques"."""
    url, talent = agent_database(tmp_path_factory.mktemp("share-db"), "Sofia Marques")
    env = {"DATABASE_URL": url, "REDIS_URL": None, "INTEL_DEMO": "0", "INTEL_PUBLIC_URL": None}
    with StreamlitServer(tmp_path_factory.mktemp("share") / "server.log", env=env, app="server.py") as server:
        yield server.url, talent, url


def create_link_as_agent(page: Page, base: str, talent: int) -> str:
    """Sign in, open the talent page, create a 7-day link (default period: 90 days); the URL shown once."""
    page.goto(f"{base}/talent?talent={talent}")
    sign_in(page)
    page.wait_for_url(re.compile(r"/talent\?talent="))
    wait_for_app(page)
    page.get_by_text("Share links · 0 active").click()
    days = page.get_by_label("Valid for (days)")
    days.fill("7")
    days.press("Tab")
    page.get_by_role("button", name="Create share link").click()
    code = page.get_by_test_id("stCode").filter(has_text="/share/")
    expect(code).to_be_visible(timeout=60_000)
    expect(page.get_by_text("it will not be shown again")).to_be_visible()
    assert_no_exception(page)
    return code.inner_text().strip()


def test_a_share_link_opens_the_report_in_a_fresh_context_and_nothing_else(browser: Browser, share_server) -> None:
    base, talent, db_url = share_server
    agent = browser.new_context(viewport={"width": 1400, "height": 900})
    url = create_link_as_agent(agent.new_page(), base, talent)
    agent.close()
    assert url.startswith(f"{base}/share/{talent}/")
    engine = make_engine(db_url)
    with engine.connect() as conn:  # the 7 typed in the form
        created, expires = conn.execute(select(ShareLink.created_at, ShareLink.expires_at)).one()
    engine.dispose()
    assert expires - created == timedelta(days=7)

    brand = browser.new_context(viewport={"width": 1400, "height": 900})  # no cookies, no session
    page = brand.new_page()
    response = page.goto(url)
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", name="Sofia Marques")).to_be_visible()
    expect(page.get_by_text("Last 90 days", exact=False).first).to_be_visible()
    assert page.locator("a[href]").count() == 0 and page.locator("script").count() == 0
    assert brand.cookies() == []
    for path in ("/roster", "/"):
        page.goto(base + path)
        page.wait_for_url(re.compile(r"/auth/login\?next="))
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        expect(page.get_by_text("Sofia Marques")).to_have_count(0)
    bad = page.goto(url[:-3] + "AAA")
    assert bad is not None and bad.status == 404
    brand.close()
