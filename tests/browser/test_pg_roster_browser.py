"""The roster on PostgreSQL + Redis in a real browser: the 14 demo talents, and a row opens the talent."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    DemoDatabase,
    StreamlitServer,
    assert_no_exception,
    click_row_checkbox,
    dataframe_column,
    dataframe_row_count,
    full_page_screenshot,
    open_app,
    wait_for_app,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a real server and Chromium per module


def test_the_roster_lists_the_14_demo_talents_and_selecting_a_row_opens_that_talent(
    page: Page, pg_demo_server: StreamlitServer, pg_demo_database: DemoDatabase
) -> None:
    open_app(page, pg_demo_server.url)  # the roster is the default page: it lives at the root URL

    roster = page.get_by_test_id("stDataFrame")
    expect(roster).to_have_count(1)
    expect(roster.get_by_test_id("data-grid-canvas")).to_be_visible()
    main = page.get_by_test_id("stMain")  # the sidebar has its own caption ("Demo viewer · read-only")
    expect(main.get_by_test_id("stCaptionContainer").filter(has_text="talents")).to_contain_text("14 of 14 talents")
    assert dataframe_row_count(roster) == 14
    names = dataframe_column(roster, "Talent")  # the rows in view, in roster order (by name)
    expect(names.first).to_have_text(sorted(pg_demo_database.talent_ids)[0])
    assert set(names.all_text_contents()) <= set(pg_demo_database.talent_ids)
    assert_no_exception(page)
    full_page_screenshot(page, "roster.png")

    second = names.nth(1).text_content()
    assert second
    click_row_checkbox(roster, 1)
    page.wait_for_url(re.compile(rf"/talent\?talent={pg_demo_database.talent_ids[second]}$"))
    wait_for_app(page)
    expect(page.get_by_test_id("stHeading").first).to_have_text(second)
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Talent")).to_have_attribute(
        "aria-current", "page")
    assert_no_exception(page)
