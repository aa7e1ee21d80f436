"""Campaigns in a real browser on `streamlit run server.py`: an agent creates a campaign for their talent,
attaches one of the talent's posts by its id, sees that post's lift against the organic baseline, and shares the
campaign's report: a fresh browser context opens it without signing in, and reaches no page of the app."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from intel.db.campaigns import CampaignPost
from intel.db.engine import make_engine
from intel.db.models import SocialPost, SocialProfile
from tests.browser.conftest import StreamlitServer, agent_database, assert_no_exception, sign_in, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def campaign_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """server.py on a fresh SQLite database with one agent and their talent (six posts over the last six days)."""
    url, talent = agent_database(tmp_path_factory.mktemp("campaign-db"), "Maya Chen")
    engine = make_engine(url)
    with engine.connect() as conn:  # the newest post: today, so inside a campaign starting today
        post = conn.scalar(select(SocialPost.platform_post_id).join(SocialProfile)
                           .where(SocialProfile.talent_id == talent).order_by(SocialPost.posted_at.desc()))
    engine.dispose()
    env = {"DATABASE_URL": url, "REDIS_URL": None, "INTEL_DEMO": "0", "INTEL_PUBLIC_URL": None}
    with StreamlitServer(tmp_path_factory.mktemp("campaign") / "server.log", env=env, app="server.py") as server:
        yield server.url, str(post), url


def test_an_agent_creates_a_campaign_attaches_a_post_and_sees_its_lift(browser: Browser, campaign_server) -> None:
    base, post_id, db_url = campaign_server
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{base}/campaigns")
    sign_in(page)
    page.wait_for_url(re.compile(r"/campaigns"))
    wait_for_app(page)
    expect(page.get_by_text("No campaigns yet.")).to_be_visible()

    page.get_by_text("New campaign").click()
    page.get_by_role("textbox", name="Brand").fill("Glow Lab")
    page.get_by_role("textbox", name="Campaign name").fill("Glass Skin")
    page.keyboard.press("Tab")  # commit the text before opening the dropdown: a rerun would close it under us
    wait_for_app(page)
    pick_option(page, "Talents", "Maya Chen")
    page.keyboard.press("Escape")
    wait_for_app(page)  # a widget change may rerun the page: clicking during a rerun hits a detached element
    page.get_by_role("button", name="Create campaign").click()
    expect(page.get_by_role("heading", name="Glow Lab — Glass Skin")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Lift unavailable", exact=False)).to_be_visible()
    wait_for_app(page)

    page.get_by_role("textbox", name="Include a post by its platform id").fill(post_id)
    page.keyboard.press("Tab")  # commit the text input (its rerun) before the button is clicked
    wait_for_app(page)
    page.get_by_role("button", name="Include post").click()
    # The posts table is a canvas grid: its cells are in the DOM for assistive technology, not visible.
    expect(page.locator("[data-testid^=glide-cell]", has_text="included by hand")).to_be_attached(timeout=30_000)
    wait_for_app(page)
    chart = page.get_by_test_id("stPlotlyChart").filter(has_text="Lift per post against the organic baseline")
    expect(chart).to_be_visible()
    expect(chart.get_by_text("Interactions lift")).to_be_visible()  # the legend: a bar was drawn
    expect(page.get_by_text("Lift unavailable", exact=False)).to_have_count(0)
    assert_no_exception(page)

    # Share the campaign's report with the brand: a fresh context, no session, sees it and nothing else.
    page.get_by_text("Share links · 0 active").click()
    create = page.get_by_role("button", name="Create share link")
    expect(create).to_be_visible()
    wait_for_app(page)
    create.click()
    code = page.get_by_test_id("stCode").filter(has_text="/share/c/")
    expect(code).to_be_visible(timeout=60_000)
    url = code.inner_text().strip()
    context.close()
    brand = browser.new_context(viewport={"width": 1400, "height": 900})
    shared = brand.new_page()
    response = shared.goto(url)
    assert response is not None and response.status == 200
    expect(shared.get_by_role("heading", name="Glow Lab — Glass Skin")).to_be_visible()
    assert shared.locator("a[href]").count() == 0 and shared.locator("script").count() == 0 and brand.cookies() == []
    shared.goto(base + "/campaigns")
    shared.wait_for_url(re.compile(r"/auth/login\?next="))
    expect(shared.get_by_text("Glow Lab")).to_have_count(0)
    brand.close()
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(select(CampaignPost.how, CampaignPost.excluded)).all() == [("manual", False)]
    engine.dispose()


def pick_option(page: Page, label: str, option: str, attempts: int = 3) -> None:
    """Open a multiselect and click one option; reopen it when a rerun replaced the list under the click."""
    for attempt in range(attempts):
        page.get_by_label(label).click()
        try:
            page.get_by_role("option", name=option).click(timeout=5_000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
            wait_for_app(page)
