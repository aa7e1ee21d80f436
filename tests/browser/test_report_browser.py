"""The talent page's Report panel in a real browser: choose HTML, build, download (PostgreSQL demo roster)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DemoDatabase, StreamlitServer, assert_no_exception, open_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a real server and Chromium per module


def test_the_talent_page_builds_an_html_report_and_offers_it(
    page: Page, pg_demo_server: StreamlitServer, pg_demo_database: DemoDatabase
) -> None:
    open_app(page, pg_demo_server.url, f"talent?talent={pg_demo_database.talent_ids['Sofia Marques']}")
    page.locator(".st-key-report_panel button").first.click()
    page.locator(".st-key-report_format").get_by_text("HTML", exact=True).click()
    page.locator(".st-key-report_build button").click()
    download_button = page.locator(".st-key-report_download button")
    expect(download_button).to_be_visible(timeout=60_000)
    with page.expect_download() as download_info:
        download_button.click()
    download = download_info.value
    assert download.suggested_filename.startswith("sofia-marques-all-data-")
    assert download.suggested_filename.endswith(".html")
    html = Path(download.path()).read_text(encoding="utf-8")
    assert "Sofia Marques" in html and "DEMO DATA — NOT REAL ANALYTICS" in html
    assert_no_exception(page)
