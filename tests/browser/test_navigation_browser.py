"""The sidebar is the app's `st.navigation`, never Streamlit's legacy file list of pages/, from the first visit on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SEEDED_TALENTS, StreamlitServer, assert_no_exception, open_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# What Streamlit's legacy pages/ scan would list: the entrypoint and every file in pages/, named after the file.
FILE_NAMES = ("app", "wiring", "_wiring", "import data", "import_data", "sign in", "sign_in", "account", "ops", "users")


# The first session after a start is the one the legacy scan used to take over (entry/app.py avoids it):
# a deep link then ran pages/talent.py alone, with a sidebar listing every file in pages/.
def test_a_deep_link_as_the_first_visit_after_a_start_shows_only_the_apps_page_titles(
    page: Page, seeded_sqlite_url: str, tmp_path: Path
) -> None:
    env: dict[str, str | None] = {"INTEL_DEMO": "1", "INTEL_DEMO_DATABASE_URL": seeded_sqlite_url, "REDIS_URL": None}
    with StreamlitServer(tmp_path / "server.log", env=env) as server:
        open_app(page, server.url, "talent?talent=1")  # the server's very first script run

        links = page.get_by_test_id("stSidebarNav").get_by_role("link")
        expect(links.first).to_be_visible()
        titles = [re.sub(r"[^\w ]", "", text).strip() for text in links.all_inner_texts()]
        # The demo viewer's pages, in the app's order (Alerts explains that the demo viewer has no inbox).
        assert titles == ["Roster", "Talent", "Campaigns", "Alerts", "Weekly digest", "Compare"]
        assert not {t.lower() for t in titles} & set(FILE_NAMES)
        expect(page.get_by_test_id("stHeading").filter(has_text=SEEDED_TALENTS[0])).to_be_visible()
        assert page.url.startswith(f"{server.url}/talent")
        assert_no_exception(page)
