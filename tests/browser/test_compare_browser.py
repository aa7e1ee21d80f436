"""The compare page in a real browser: two demo talents side by side, and the CSV download."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    StreamlitServer,
    assert_no_exception,
    dataframe_column,
    dataframe_header,
    full_page_screenshot,
    open_app,
    wait_for_charts,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a real server and Chromium per module

PICKED = ("Diego Alvarez", "Priya Nair")


def pick(page: Page, name: str) -> None:
    """Choose `name` in the talents multiselect (type to filter, then click the option)."""
    field = page.locator(".st-key-compare_talents input")
    field.click()
    field.fill(name)
    page.get_by_role("option", name=name, exact=True).click()
    expect(page.locator(".st-key-compare_talents")).to_contain_text(name)


def test_two_talents_compare_in_a_table_three_charts_and_a_csv_download(
    page: Page, pg_demo_server: StreamlitServer
) -> None:
    open_app(page, pg_demo_server.url, "compare")
    expect(page.get_by_test_id("stAlert").filter(has_text="Choose at least two talents")).to_be_visible()

    for name in PICKED:
        pick(page, name)
    page.keyboard.press("Escape")  # close the dropdown so it does not cover the page

    table = page.get_by_test_id("stDataFrame")
    expect(table).to_have_count(1)
    expect(dataframe_column(table, "Talent")).to_have_text(list(PICKED))
    assert dataframe_header(table)[:2] == ["Talent", "Data"]
    expect(page.get_by_test_id("stAlert").filter(has_text="Demo Data — Not Real Analytics")).to_be_visible()
    charts = wait_for_charts(page, minimum=3)
    expect(charts).to_have_count(3)

    with page.expect_download() as download_info:
        page.get_by_test_id("stDownloadButton").get_by_role("button", name="Download comparison (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "talent-comparison.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows, "the CSV is empty"
    assert "Talent" in rows[0]
    assert [row["Talent"] for row in rows] == list(PICKED)
    assert all(row["Data"] == "Demo" for row in rows)
    assert_no_exception(page)

    full_page_screenshot(page, "compare.png")
