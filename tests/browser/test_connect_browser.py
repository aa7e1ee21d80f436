"""Connecting Instagram in a real browser: a real `streamlit run server.py` (SQLite, no Redis, so the first sync
runs in a background thread of the server) and a local Instagram stand-in. The talent's agent signs in through
the real form, connects through the stand-in's Approve page, and the talent page then shows the account and,
after the first sync, the stand-in's posts."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from bench.platforms.instagram import IgAccount, InstagramServer
from intel import runtime
from intel.accounts.auth import SYSTEM
from intel.config import get_settings
from intel.connectors.crypto import new_key
from intel.db.engine import make_engine, transaction
from intel.db.migrate import upgrade
from intel.db.models import Talent
from intel.service import accounts
from tests.browser.conftest import (
    StreamlitServer,
    assert_no_exception,
    dataframe_column,
    open_app,
    toast,
    wait_for_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a real server and Chromium
PASSWORD = "correct horse battery staple"
AGENT = "ann@agency.test"
CAPTIONS = ("Lisbon at golden hour", "Backstage at the shoot", "New season, new colours")
FOLLOWERS = 4321
SYNC_WAIT_S = 30.0


@dataclass(frozen=True)
class Site:
    url: str
    talent_id: int
    account: IgAccount


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """server.py on a fresh SQLite database with one agent and their talent (no data yet), Instagram set up
    against a started stand-in whose account has posts with comments."""
    instagram = InstagramServer().start()
    account = instagram.add_account("ada.lovelace", media=len(CAPTIONS), comments=2, followers=FOLLOWERS)
    for media, caption in zip(account.media, CAPTIONS, strict=True):
        media.caption = caption
    db = f"sqlite:///{tmp_path / 'connect.db'}"
    engine = make_engine(db)
    upgrade(engine)
    runtime.configure(get_settings({"DATABASE_URL": db}))
    try:
        with transaction(engine) as s:
            talent = Talent(name="Ada Lovelace", primary_handle="@ada", is_demo=False)
            s.add(talent)
            s.flush()
            talent_id = talent.id
        accounts.create_user(SYSTEM, AGENT, "Ann", "agent", PASSWORD)
        accounts.assign_talents(SYSTEM, AGENT, [talent_id])
    finally:
        runtime.configure(get_settings({}))
        engine.dispose()
    env: dict[str, str | None] = {
        "DATABASE_URL": db, "REDIS_URL": None, "INTEL_DEMO": "0", "INTEL_PUBLIC_URL": None,
        "INTEL_SECRET_KEY": new_key(),
        "INTEL_INSTAGRAM_CLIENT_ID": instagram.client_id, "INTEL_INSTAGRAM_CLIENT_SECRET": instagram.client_secret,
        "INTEL_INSTAGRAM_API_URL": instagram.url, "INTEL_INSTAGRAM_AUTH_URL": f"{instagram.url}/oauth/authorize",
        "INTEL_INSTAGRAM_TOKEN_URL": f"{instagram.url}/oauth/access_token",
        "INTEL_TIKTOK_CLIENT_KEY": None, "INTEL_YOUTUBE_API_KEY": None,
    }
    try:
        with StreamlitServer(tmp_path / "server.log", env=env) as server:
            yield Site(server.url, talent_id, account)
    finally:
        instagram.stop()


def section(page: Page) -> Locator:
    """The "Connected accounts" expander."""
    return page.get_by_test_id("stExpander").filter(has_text="Connected accounts")


def open_section(page: Page) -> Locator:
    """The section, opened if it is closed (it opens by itself only when something needs attention)."""
    box = section(page)
    expect(box).to_have_count(1)
    if box.locator("details").get_attribute("open") is None:
        box.locator("summary").click()
    expect(box.locator("details")).to_have_attribute("open", "")
    return box


def sign_in(page: Page, site: Site) -> None:
    """Open the talent page signed out, sign in through the real form, and come back to it."""
    page.goto(f"{site.url}/talent?talent={site.talent_id}")
    page.wait_for_url(re.compile(r"/auth/login\?next="))
    page.get_by_label("Email").fill(AGENT)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf"/talent\?talent={site.talent_id}$"))
    wait_for_app(page)


def test_an_agent_connects_instagram_and_the_first_sync_brings_its_posts(page: Page, site: Site) -> None:
    sign_in(page, site)
    expect(page.get_by_test_id("stHeading").first).to_have_text("Ada Lovelace")
    box = open_section(page)
    expect(box.locator("summary")).to_contain_text("Connected accounts · none")

    box.get_by_role("button", name="Connect Instagram").click()
    approve_link = box.get_by_role("link", name="Continue to Instagram to approve")
    expect(approve_link).to_be_visible()
    with page.expect_popup() as opened:  # st.link_button opens the platform in a new tab
        approve_link.click()
    tab = opened.value
    tab.wait_for_load_state()
    expect(tab.get_by_text("Signed in as ada.lovelace")).to_be_visible()
    tab.get_by_role("button", name="Approve").click()

    # The stand-in → /oauth/instagram/callback → 303 to the talent page with the one-off notice.
    tab.wait_for_url(re.compile(rf"/talent\?talent={site.talent_id}&connected=instagram"))
    wait_for_app(tab)
    expect(toast(tab, "Instagram connected: the first sync is scheduled.")).to_be_visible()
    expect(tab).not_to_have_url(re.compile("connected="))  # dropped: a reload shows no second notice
    box = open_section(tab)
    expect(box.locator("summary")).to_contain_text("Connected accounts · Instagram")
    expect(box.get_by_text("Instagram · ada.lovelace")).to_be_visible()
    expect(box.get_by_role("button", name="Sync now")).to_be_visible()

    synced = box.get_by_test_id("stCaptionContainer").filter(has_text=re.compile(r"last sync .* \(synced\)"))
    deadline = time.monotonic() + SYNC_WAIT_S
    while synced.count() == 0:  # the first sync runs in the server's background thread
        assert time.monotonic() < deadline, f"no finished sync within {SYNC_WAIT_S:.0f} s: {box.inner_text()}"
        tab.wait_for_timeout(1000)
        open_app(tab, site.url, f"talent?talent={site.talent_id}")
        box = open_section(tab)
        synced = box.get_by_test_id("stCaptionContainer").filter(has_text=re.compile(r"last sync .* \(synced\)"))
    expect(synced).to_contain_text("Connected · last sync just now (synced)")
    expect(toast(tab, "Instagram connected")).to_have_count(0)

    # The figures now come from the stand-in's account: its followers and its posts' captions.
    followers = tab.get_by_test_id("stMetric").filter(has_text="Total followers")
    expect(followers.get_by_test_id("stMetricValue")).to_have_text(f"{FOLLOWERS:,d}")
    caption_header = tab.locator("th[role=columnheader]", has_text=re.compile(r"^\s*Caption\s*$"))
    top_posts = tab.get_by_test_id("stDataFrame").filter(has=caption_header)
    expect(top_posts).to_have_count(1)
    captions = dataframe_column(top_posts, "Caption")
    expect(captions).to_have_count(len(CAPTIONS))
    assert sorted(captions.all_text_contents()) == sorted(CAPTIONS)  # in engagement order, each post once
    assert_no_exception(tab)
