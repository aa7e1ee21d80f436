"""The talent page's best-time table in the talent's time zone, and the zone picker: shown to those who may
edit the talent, saved through the service (which checks again), the table recomputed in the new zone."""

from __future__ import annotations

import shutil

from sqlalchemy import select

from intel import runtime
from intel.accounts.auth import SYSTEM
from intel.config import get_settings
from intel.db.models import AdminActivity, Talent
from intel.service import accounts
from tests.app_pages import run_page, sign_in_as, talent_id
from tests.markdown import shown


def stored_zone(engine, tid: int) -> str | None:
    with engine.connect() as conn:
        return conn.scalar(select(Talent.timezone).where(Talent.id == tid))


def table_caption(at) -> str:
    return next(c.value for c in at.caption if "Local time in" in c.value)


def test_the_talents_agent_changes_its_zone_and_the_table_is_shown_in_the_new_one(app_db, monkeypatch):
    sign_in_as(monkeypatch, "agent")
    tid = talent_id(app_db, "Sofia Marques")
    accounts.assign_talents(SYSTEM, "agent@agency.test", [tid])
    at = run_page("pages/talent.py", talent=str(tid))
    picker = at.selectbox(key=f"timezone_{tid}")
    assert picker.value == "Europe/Lisbon"  # the demo talent's own zone is selected
    assert picker.options[0] == "Default (UTC)" and "Asia/Tokyo" in picker.options
    assert shown(table_caption(at)) == "Local time in Europe/Lisbon, daylight saving time included."
    table = next(d.value for d in at.dataframe if "Weekday" in d.value.columns)
    assert list(table.columns) == ["Weekday", "Hour", "Posts", "Engagement %", "Best"]
    assert (table["Posts"] > 0).all() and table["Best"].sum() <= 1
    assert at.button(key="save_timezone").disabled  # nothing to save yet

    picker.set_value("Asia/Tokyo").run()
    at.button(key="save_timezone").click().run()
    assert not at.exception
    assert [shown(t.value) for t in at.toast] == ["Best times now shown in Asia/Tokyo"]
    assert stored_zone(app_db, tid) == "Asia/Tokyo"
    assert shown(table_caption(at)) == "Local time in Asia/Tokyo, daylight saving time included."
    assert at.selectbox(key=f"timezone_{tid}").value == "Asia/Tokyo"
    with app_db.connect() as conn:
        action, actor = conn.execute(select(AdminActivity.action, AdminActivity.actor)
                                     .where(AdminActivity.target == f"talent:{tid}")).one()
    assert (action, actor) == ("talent_timezone_changed", "agent@agency.test")


def test_the_default_entry_clears_the_talents_own_zone(app_db, monkeypatch):
    sign_in_as(monkeypatch, "admin")
    tid = talent_id(app_db, "Kenji Watanabe")
    at = run_page("pages/talent.py", talent=str(tid))
    at.selectbox(key=f"timezone_{tid}").set_value("").run()
    at.button(key="save_timezone").click().run()
    assert stored_zone(app_db, tid) is None
    assert shown(table_caption(at)) == "Local time in UTC, daylight saving time included."


def test_the_read_only_demo_viewer_sees_the_local_table_but_no_picker(app_db, monkeypatch, tmp_path, demo_template):
    demo_db = tmp_path / "demo-mode.db"
    shutil.copy(demo_template, demo_db)
    monkeypatch.setenv("INTEL_DEMO", "1")
    monkeypatch.setenv("INTEL_DEMO_DATABASE_URL", f"sqlite:///{demo_db}")
    runtime.configure(get_settings())
    tid = talent_id(app_db, "Sofia Marques")
    at = run_page("pages/talent.py", talent=str(tid))
    assert not at.exception
    assert shown(table_caption(at)) == "Local time in Europe/Lisbon, daylight saving time included."
    assert not [s for s in at.selectbox if s.key == f"timezone_{tid}"]
    assert not [b for b in at.button if b.key == "save_timezone"]
