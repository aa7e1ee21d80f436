"""The talent page's "Share links" section in AppTest runs, on SQLite and PostgreSQL: create a link (its URL shown
once), the table and counts, revoke with a confirmation, bad input told plainly; not offered to the demo
viewer nor to a manager for another person's link."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from intel import runtime
from intel.accounts.auth import SYSTEM, Identity
from intel.config import get_settings
from intel.service import accounts
from intel.service.share_links import create_share_link, list_share_links, resolve_share
from tests.app_pages import PASSWORD, run_page, sign_in_as, talent_id
from tests.factories import make_talent
from tests.markdown import shown

pytestmark = pytest.mark.slow  # AppTest runs: seconds each
PUBLIC_URL = "http://intel.test:8501"
HOSTILE_NOTE = "<b>x</b> **bold** [x](http://evil)"


@pytest.fixture
def talent(engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """The app on the test database (embedded cache), signed in as an agent with one talent of theirs."""
    for name, value in {"DATABASE_URL": database_url, "INTEL_PUBLIC_URL": PUBLIC_URL}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("INTEL_DEMO", raising=False)
    runtime.configure(get_settings())
    identity = sign_in_as(monkeypatch, "agent")
    tid = make_talent(engine, name="Sofia Marques")
    accounts.assign_talents(SYSTEM, identity.email, [tid])
    yield tid
    runtime.configure(get_settings({}))


def section(at: AppTest) -> Block:
    """The "Share links" expander (exactly one)."""
    found = [e for e in at.expander if shown(e.label).startswith("Share links")]
    assert len(found) == 1, [e.label for e in at.expander]
    return found[0]


def create(at: AppTest, tid: int, *, days: int = 14, period: str = "Last 90 days", note: str = "") -> AppTest:
    at.number_input(key=f"share_days_{tid}").set_value(days)
    at.selectbox(key=f"share_period_{tid}").set_value(period)
    at.text_area(key=f"share_note_{tid}").input(note)
    return at.button(key=f"share_create_{tid}").click().run()


def test_creating_a_link_shows_its_url_once_then_lists_it_with_its_views(talent):
    at = run_page("pages/talent.py", talent=str(talent))
    assert not at.exception
    assert shown(section(at).label) == "Share links · 0 active · 0 views"
    assert at.number_input(key=f"share_days_{talent}").value == 14
    create(at, talent, days=30, note=HOSTILE_NOTE)
    assert not at.exception
    (code,) = section(at).code
    url = code.value
    assert url.startswith(f"{PUBLIC_URL}/share/{talent}/")
    assert any("will not be shown again" in s.value for s in section(at).success)
    html = resolve_share(talent, url.rsplit("/", 1)[1])
    assert html is not None and "&lt;b&gt;x&lt;/b&gt; **bold**" in html  # the note, as text
    at.run()  # any later run: the URL is gone, the link is listed with its view
    assert not section(at).code
    assert shown(section(at).label) == "Share links · 1 active · 1 view"
    table = section(at).dataframe[0].value
    assert list(table.columns) == ["Created", "By", "Expires", "Period", "Views", "Last viewed", "Status"]
    assert table.iloc[0][["By", "Period", "Views", "Status"]].tolist() == [
        "agent@agency.test", "Last 90 days", 1, "active"]
    (link,) = list_share_links(SYSTEM, talent)
    assert (link.expires_at - link.created_at, link.has_note) == (timedelta(days=30), True)


def test_revoking_asks_for_confirmation_and_the_link_stops_working(talent):
    url = create_share_link(_agent(), talent).url
    at = run_page("pages/talent.py", talent=str(talent))
    assert at.selectbox(key="share_revoke_choice").options
    at.button(key="share_revoke_confirm").click().run()
    assert not at.exception
    assert shown(section(at).label) == "Share links · 0 active · 0 views"
    assert section(at).dataframe[0].value.iloc[0]["Status"] == "revoked by agent@agency.test"
    assert resolve_share(talent, url.rsplit("/", 1)[1]) is None
    assert not [s for s in at.selectbox if s.key == "share_revoke_choice"]  # nothing left to revoke


def _agent() -> Identity:
    return accounts.authenticate("agent@agency.test", PASSWORD, client="test")


def test_the_days_field_offers_one_to_ninety_days(talent):
    at = run_page("pages/talent.py", talent=str(talent))
    widget = at.number_input(key=f"share_days_{talent}")
    assert (widget.min, widget.max, widget.value) == (1, 90, 14)  # the service refuses any other (tests/service)


def test_a_manager_sees_the_agents_links_but_may_not_revoke_them(talent, monkeypatch):
    create_share_link(_agent(), talent)
    sign_in_as(monkeypatch, "manager")
    at = run_page("pages/talent.py", talent=str(talent))
    assert shown(section(at).label) == "Share links · 1 active · 0 views"
    assert not [s for s in at.selectbox if s.key == "share_revoke_choice"]
    assert len(list_share_links(SYSTEM, talent)) == 1


def test_the_demo_viewer_gets_no_share_links_section(app_db, monkeypatch, tmp_path, demo_template):
    demo_db = tmp_path / "demo-mode.db"
    shutil.copy(demo_template, demo_db)
    monkeypatch.setenv("INTEL_DEMO", "1")
    monkeypatch.setenv("INTEL_DEMO_DATABASE_URL", f"sqlite:///{demo_db}")
    runtime.configure(get_settings())
    at = run_page("pages/talent.py", talent=str(talent_id(app_db, "Sofia Marques")))
    assert not at.exception
    assert not [e for e in at.expander if shown(e.label).startswith("Share links")]
