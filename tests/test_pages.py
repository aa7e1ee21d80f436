"""AppTest runs of every page against a real (SQLite) database."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from intel import runtime
from intel.config import get_settings
from intel.db import make_engine, transaction
from intel.migrate import upgrade
from intel.models import SocialProfile, Talent
from tests.app_pages import PAGE_FILES


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    """Point the app at a fresh migrated SQLite database with two talents."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("REDIS_URL", raising=False)
    engine = make_engine(url)
    upgrade(engine)
    with transaction(engine) as s:
        ada = Talent(name="Ada **Bold**", primary_handle="@ada", category="tech", tier="micro")
        s.add_all([ada, Talent(name="Grace", primary_handle="@grace", category="food", tier="mid")])
        s.add(SocialProfile(talent=ada, platform="tiktok", handle="ada", account_id="tt-1"))
    engine.dispose()
    runtime.configure(get_settings())
    yield url
    runtime.configure(get_settings({}))


def run_page(page: str) -> AppTest:
    """Run the app with `page` selected, as a browser would."""
    at = AppTest.from_file("../app.py", default_timeout=30)
    at.run()
    if page != PAGE_FILES[0]:
        at.switch_page(page)
        at.run()
    return at


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_runs_without_an_exception(app_db, page):
    at = run_page(page)
    assert not at.exception, at.exception


def test_roster_lists_the_talents_from_the_database(app_db):
    at = run_page("pages/roster.py")
    names = list(at.dataframe[0].value["Talent"])
    assert names == ["Ada **Bold**", "Grace"]


def test_a_broken_database_url_shows_one_plain_error(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "nonsense")
    at = AppTest.from_file("../app.py", default_timeout=30)
    at.run()
    assert not at.exception
    assert any("DATABASE_URL is not a valid database URL" in e.value for e in at.error)
