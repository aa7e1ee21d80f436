"""The alert inbox in a real browser: `streamlit run server.py` on SQLite (no Redis). An agent with two alerts
signs in through the real form, opens Alerts, acknowledges one: the sidebar's "Alerts (2)" becomes "Alerts (1)"
and the row shows it acknowledged, with the change stored and audited."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from intel.db.alerts import Alert, InboxItem
from intel.db.engine import make_engine, transaction
from intel.db.models import AdminActivity, User
from tests.browser.conftest import (
    AGENT_EMAIL,
    StreamlitServer,
    agent_database,
    assert_no_exception,
    sign_in,
    toast,
    wait_for_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a real server and Chromium per module


@dataclass(frozen=True)
class Inbox:
    url: str
    database_url: str
    items: tuple[int, int]  # (newer, older) inbox item ids of the agent


@pytest.fixture
def inbox(tmp_path: Path) -> Iterator[Inbox]:
    """server.py on a fresh database: the agent's talent with two alerts in the agent's inbox."""
    url, talent = agent_database(tmp_path, "Sofia Marques")
    engine = make_engine(url)
    raised = datetime.now(UTC) - timedelta(hours=2)
    try:
        with transaction(engine) as s:
            agent = s.scalars(select(User.id).where(User.email == AGENT_EMAIL)).one()
            items = []
            for minutes, rule, title in ((5, "spam_surge", "Sofia Marques: spam comments surging"),
                                         (0, "follower_drop", "Sofia Marques: Instagram followers down 2.1%")):
                alert = Alert(talent_id=talent, rule=rule, scope="", dedup_key=rule, title=title,
                              message="Figures with their sample sizes.", raised_at=raised + timedelta(minutes=minutes))
                s.add(alert)
                s.flush()
                item = InboxItem(alert_id=alert.id, user_id=agent, created_at=raised)
                s.add(item)
                s.flush()
                items.append(item.id)
    finally:
        engine.dispose()
    env = {"DATABASE_URL": url, "REDIS_URL": None, "INTEL_DEMO": "0", "INTEL_PUBLIC_URL": None}
    with StreamlitServer(tmp_path / "server.log", env=env) as server:
        yield Inbox(server.url, url, (items[0], items[1]))


def alerts_link(page: Page) -> Locator:
    """The Alerts entry of the sidebar navigation (its title carries the unread count)."""
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(r"^Alerts"))


def row(page: Page, item_id: int) -> Locator:
    """One inbox row: the bordered container keyed by its item (re-resolved on every use, so reruns are harmless)."""
    return page.locator(f".st-key-alert_{item_id}")


def click_when_ready(button: Locator) -> None:
    """Click once the app is idle and the button is visible and enabled (a rerun may replace the element)."""
    wait_for_app(button.page)
    expect(button).to_be_visible()
    expect(button).to_be_enabled()
    button.click()


def test_acknowledging_from_the_inbox_lowers_the_badge_and_marks_the_row(page: Page, inbox: Inbox) -> None:
    newer, older = inbox.items
    page.goto(f"{inbox.url}/alerts")
    sign_in(page)
    page.wait_for_url(re.compile(r"/alerts"))
    wait_for_app(page)

    expect(alerts_link(page)).to_have_text(re.compile(r"Alerts \(2\)"))
    expect(page.get_by_text("2 unread · newest first")).to_be_visible()
    expect(row(page, newer)).to_contain_text("spam comments surging")
    expect(row(page, newer)).to_contain_text("New")
    expect(row(page, older)).to_contain_text("Instagram followers down 2.1%")
    # The rows' talent link goes to the talent page.
    expect(row(page, newer).get_by_role("link", name=re.compile("Open the talent"))).to_have_attribute(
        "href", re.compile(r"^/?talent\?talent=\d+$"))

    click_when_ready(row(page, newer).get_by_role("button", name="Acknowledge"))

    expect(toast(page, "Alert acknowledged")).to_be_visible()
    expect(alerts_link(page)).to_have_text(re.compile(r"Alerts \(1\)"))
    expect(row(page, newer)).to_contain_text("Acknowledged")
    expect(row(page, newer).get_by_role("button", name="Acknowledge")).to_be_disabled()
    expect(row(page, older)).to_contain_text("New")
    expect(page.get_by_text("1 unread · newest first")).to_be_visible()
    assert_no_exception(page)

    engine = make_engine(inbox.database_url)
    try:
        with transaction(engine) as s:
            assert s.get_one(InboxItem, newer).acknowledged_at is not None
            assert s.get_one(InboxItem, older).acknowledged_at is None
            assert s.scalars(select(AdminActivity.action).where(AdminActivity.actor == AGENT_EMAIL,
                                                                AdminActivity.action.like("alert_%"))).all() == [
                "alert_acknowledged"]
    finally:
        engine.dispose()
