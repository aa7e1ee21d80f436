"""The roster page in a real browser: real streamlit server, real SQLite database, headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    SEEDED_TALENTS,
    assert_no_exception,
    dataframe_column,
    dataframe_header,
    dataframe_rows,
    open_app,
    screenshot_path,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a real server and Chromium per module


def test_roster_shows_every_talent_of_the_database(page: Page, app_server: str) -> None:
    open_app(page, app_server)

    roster = page.get_by_test_id("stDataFrame")
    expect(roster).to_have_count(1)
    # The grid itself is painted on a canvas: it must be on screen...
    expect(roster.get_by_test_id("data-grid-canvas")).to_be_visible()
    # ...and its cell text is read from the grid's accessibility table (see conftest, dataframe_*).
    expect(dataframe_column(roster, "Talent")).to_have_text(list(SEEDED_TALENTS))
    header = dataframe_header(roster)
    assert header[:7] == ["Talent", "Status", "Handle", "Tier", "Category", "Platforms", "Followers"]
    # Columns scrolled out of view are not in the accessibility table; AppTest checks those.
    rows = [dict(zip(header, row, strict=False)) for row in dataframe_rows(roster)]
    assert (rows[1]["Talent"], rows[1]["Platforms"], rows[1]["Followers"]) == ("Grace Hopper", "YouTube", "1250000")
    # Katherine's disconnected tiktok is neither listed nor counted.
    assert (rows[2]["Platforms"], rows[2]["Followers"]) == ("Instagram", "18200")
    expect(page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first).to_contain_text("3 of 3 talents")
    assert_no_exception(page)

    page.screenshot(path=str(screenshot_path("roster_seeded.png")), full_page=True)
