"""AppTest runs of every page against a real SQLite database holding the demo roster."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from intel import runtime
from intel.config import get_settings
from intel.db.models import AdminActivity
from intel.runtime import build_runtime
from tests.app_pages import PAGE_FILES, run_page, sign_in_as, talent_id
from tests.factories import make_talent
from tests.markdown import shown


@pytest.mark.parametrize("page", PAGE_FILES)
def test_every_page_runs_without_an_exception(app_db, monkeypatch, page):
    sign_in_as(monkeypatch, "admin")
    at = run_page(page)
    assert not at.exception, at.exception


def test_roster_lists_every_talent_with_demo_badges(app_db):
    at = run_page("pages/roster.py")
    frame = at.dataframe[0].value
    assert len(frame) == 14
    assert set(frame["Data"]) == {"Demo"}
    assert "Sofia Marques" in set(frame["Talent"])


def test_roster_search_filters_by_name(app_db):
    at = run_page("pages/roster.py")
    at.text_input(key="roster_search").input("sofia").run()
    assert list(at.dataframe[0].value["Talent"]) == ["Sofia Marques"]


def test_talent_deep_link_shows_kpis_with_sample_sizes_and_the_demo_banner(app_db):
    tid = talent_id(app_db, "Sofia Marques")
    at = run_page("pages/talent.py", talent=str(tid))
    assert not at.exception
    assert at.header[0].value == "Sofia Marques"
    labels = [m.label for m in at.metric]
    assert "Total followers" in labels and "Community health" in labels
    assert all(m.help for m in at.metric)
    assert any("Demo Data — Not Real Analytics" in w.value for w in at.warning)
    assert any("Early warning" in e.value for e in at.error)
    assert "freshly computed" in at.caption[0].value


def test_a_real_talent_has_no_demo_banner(app_db):
    tid = make_talent(app_db, name="Real Person")
    at = run_page("pages/talent.py", talent=str(tid))
    assert not any("Demo Data" in w.value for w in at.warning)


@pytest.mark.parametrize(("raw", "message"), [
    ("999999", "Talent 999999 was not found, or you may not see it."),
    ("abc", "That link has an invalid talent id"),
    ("-1", "That link has an invalid talent id"),
])
def test_a_bad_deep_link_shows_a_plain_message(app_db, raw, message):
    at = run_page("pages/talent.py", talent=raw)
    assert not at.exception
    assert any(message in shown(e.value) for e in at.error)
    assert len(at.metric) == 0


def test_refresh_toasts_refreshed_then_limited_with_minutes_left(app_db):
    tid = talent_id(app_db, "Sofia Marques")
    at = run_page("pages/talent.py", talent=str(tid))
    before = at.caption[0].value
    at.button(key="refresh").click().run()
    assert [shown(t.value) for t in at.toast] == ["Analytics refreshed and recalculated"]
    assert at.caption[0].value != before  # the new computed-at time is on screen with the toast
    assert not at.button(key="refresh").disabled
    at.button(key="refresh").click().run()
    assert [shown(t.value) for t in at.toast] == ["Analytics refresh limited to once per hour. Try again in 60 min."]


def test_with_the_database_gone_the_page_serves_the_saved_copy_and_refresh_fails_in_plain_words(app_db):
    tid = talent_id(app_db, "Sofia Marques")
    at = run_page("pages/talent.py", talent=str(tid))
    live = runtime.get_runtime()
    dead = build_runtime(live.settings.replace(database_url="postgresql+psycopg2://nobody@127.0.0.1:1/none"),
                         store=live.store, local=live.local)  # same cache, database gone
    with runtime.use(dead):
        at.button(key="refresh").click().run()
    assert not at.exception
    assert [shown(t.value) for t in at.toast] == ["Refresh failed: the database cannot be reached right now."]
    assert at.header[0].value == "Sofia Marques"
    assert any("database cannot be reached" in w.value for w in at.warning)
    runtime.close(dead)


def test_refresh_is_audited(app_db):
    tid = talent_id(app_db, "Sofia Marques")
    at = run_page("pages/talent.py", talent=str(tid))
    at.button(key="refresh").click().run()
    with app_db.connect() as conn:
        rows = conn.execute(select(AdminActivity.action, AdminActivity.target)
                            .where(AdminActivity.action == "refresh")).all()
    assert rows == [("refresh", f"talent:{tid}")]


def test_compare_two_talents_shows_a_table_and_offers_the_csv(app_db):
    ids = [talent_id(app_db, n) for n in ("Sofia Marques", "Tyler Brooks")]
    at = run_page("pages/compare.py")
    at.multiselect(key="compare_talents").set_value(ids).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Talent"]) == ["Sofia Marques", "Tyler Brooks"]
    assert {"Followers percentile", "Engagement % · Instagram"} <= set(table.columns)


def test_compare_needs_two_talents(app_db):
    at = run_page("pages/compare.py")
    assert any("at least two" in i.value for i in at.info)


def test_demo_mode_shows_a_banner_on_every_page(app_db, monkeypatch, tmp_path, demo_template):
    demo_db = tmp_path / "demo-mode.db"
    shutil.copy(demo_template, demo_db)
    monkeypatch.setenv("INTEL_DEMO", "1")
    monkeypatch.setenv("INTEL_DEMO_DATABASE_URL", f"sqlite:///{demo_db}")
    runtime.configure(get_settings())
    for page in ("pages/roster.py", "pages/talent.py", "pages/compare.py"):
        at = run_page(page)
        assert any("Demo mode" in w.value for w in at.warning), page


def test_a_broken_database_url_shows_one_plain_error(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "nonsense")
    at = AppTest.from_file("../../app.py", default_timeout=30)
    at.run()
    assert not at.exception
    assert any("DATABASE_URL is not a valid database URL" in shown(e.value) for e in at.error)


def test_an_unreachable_database_shows_a_plain_message(app_db, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://nobody@127.0.0.1:1/none")
    runtime.configure(get_settings())
    at = AppTest.from_file("../../app.py", default_timeout=30)
    at.run()
    assert not at.exception
    assert any("cannot be reached" in e.value for e in at.error)
