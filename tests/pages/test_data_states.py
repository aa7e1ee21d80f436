"""AppTest runs: what a page shows when figures are missing or access is refused (no made-up numbers,
no None, no dead end)."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from intel.accounts.auth import SYSTEM
from intel.db.models import SocialProfile
from intel.service import imports
from tests.app_pages import run_page, sign_in_as
from tests.factories import make_talent
from tests.markdown import shown

NO_DATA = "No connected accounts or imported data yet"


def roster_row(at, name: str):
    frame = at.dataframe[0].value
    return frame[frame["Talent"] == name].iloc[0]


def test_a_refused_deep_link_shows_the_message_and_a_link_back_to_the_roster(app_db):
    at = run_page("pages/talent.py", talent="999999")
    assert not at.exception
    assert [shown(e.value) for e in at.error] == ["Talent 999999 was not found, or you may not see it."]
    assert [link.value for link in at.page_link] == ["Back to the roster"]
    assert at.page_link[0].proto.page == "roster"
    assert len(at.metric) == 0


def test_a_bad_talent_link_also_offers_the_way_back(app_db):
    at = run_page("pages/talent.py", talent="abc")
    assert any("invalid talent id" in e.value for e in at.error)
    assert [link.value for link in at.page_link] == ["Back to the roster"]


def test_a_real_talent_without_accounts_or_data_shows_what_to_do_next_and_no_figures(app_db):
    tid = make_talent(app_db, name="Newly Signed", connected=False)
    at = run_page("pages/talent.py", talent=str(tid))
    assert not at.exception
    assert at.header[0].value == "Newly Signed"
    (info,) = [i.value for i in at.info if NO_DATA in i.value]
    assert "Import page" in info and "python -m intel import" in info and "connectors" in info
    assert len(at.metric) == 0 and len(at.get("plotly_chart")) == 0
    assert not any("Demo Data" in w.value for w in at.warning)
    # The roster then says so next to the name, with no figures.
    at = run_page("pages/roster.py")
    row = roster_row(at, "Newly Signed")
    assert row["Status"] == "no data yet" and row.isna()["Followers"]


def test_a_never_computed_talent_reads_dash_and_its_state_next_to_the_name(app_db):
    make_talent(app_db, name="Not Opened Yet")
    at = run_page("pages/roster.py")
    table = at.dataframe[0]
    assert table.proto.placeholder == "—"  # what the grid shows in an empty cell, instead of None
    formats = {name: c["type_config"]["format"] for name, c in json.loads(table.proto.columns).items()
               if "type_config" in c}
    assert formats["Followers"] == "%,d" and formats["Engagement %"] == "%.2f%%"
    frame = table.value
    columns = [c for c in frame.columns if c != "id"]
    assert columns[:2] == ["Talent", "Status"]
    row = roster_row(at, "Not Opened Yet")
    assert row["Status"] == "not computed yet"
    assert row[["Followers", "30-day growth %", "Engagement %", "Sentiment", "Health"]].isna().all()
    assert row["Engagement on"] == "—"


def test_after_an_import_the_roster_shows_the_figures_without_opening_the_talent(app_db, monkeypatch):
    sign_in_as(monkeypatch, "admin")
    tid = make_talent(app_db, name="Imported Today")
    with app_db.connect() as conn:
        account = conn.scalar(select(SocialProfile.account_id).where(SocialProfile.talent_id == tid))
    out = io.StringIO()
    csv.writer(out).writerows([["platform", "account_id", "platform_post_id", "posted_at"],
                               ["instagram", account, "fresh-post", "2024-05-01T10:00:00Z"]])
    imports.import_file(SYSTEM, "posts", out.getvalue().encode())
    at = run_page("pages/roster.py")
    row = roster_row(at, "Imported Today")
    assert row["Status"] == "fresh"
    assert row["Followers"] == 10_000 and row["Engagement on"] == "Instagram"
    assert not row[["Followers", "Engagement %", "Sentiment", "Health"]].isna().any()
