"""The Campaigns page (list and ?campaign=ID) and the talent page's Campaigns section, in AppTest, on the
demo roster's campaigns (a copy of the demo database)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from intel.accounts.auth import SYSTEM
from intel.db.base import utcnow
from intel.db.campaigns import Campaign
from intel.service import accounts
from intel.service import campaign_edits as edits
from tests.app_pages import run_page, sign_in_as, talent_id
from tests.markdown import HOSTILE, shown


def campaign_id(engine, brand: str) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(Campaign.id).where(Campaign.brand == brand)))


def test_the_list_shows_every_campaign_overdue_first(app_db):
    at = run_page("pages/campaigns.py")
    assert not at.exception
    frame = at.dataframe[0].value
    assert len(frame) == 5 and frame["Brand"].iloc[0] == "Pixel Forge" and frame["Overdue"].iloc[0] == 1
    assert any(b.label == "Export CSV" for b in at.get("download_button"))


def test_a_campaign_page_shows_its_kpis_deliverables_posts_and_charts(app_db):
    at = run_page("pages/campaigns.py", campaign=str(campaign_id(app_db, "Urban Thread")))
    assert not at.exception
    assert at.header[0].value == "Urban Thread — Autumn Capsule"
    assert any("Comment backlash" in e.value for e in at.error)
    labels = {m.label: m.value for m in at.metric}
    assert labels["Media value (estimate)"] == "unavailable"  # no INTEL_EMV_RATES: never a made-up rate
    assert re.fullmatch(r"\d+ of \d+", labels["Deliverables done"])
    assert len(at.get("plotly_chart")) == 3
    deliverables, posts = at.dataframe[0].value, at.dataframe[1].value
    assert "State" in deliverables.columns and len(posts) == 3 and "Views lift" in posts.columns


def test_the_talent_page_lists_the_talents_campaigns_and_warns_of_overdue_deliverables(app_db):
    at = run_page("pages/talent.py", talent=str(talent_id(app_db, "Jordan Blake")))
    assert not at.exception
    assert any("deliverable is overdue" in w.value for w in at.warning)
    assert any("Pixel Forge" in e.label for e in at.expander) or any(
        e.label == "Campaigns (1)" for e in at.expander)


def test_an_agent_sees_only_campaigns_of_their_talents_and_a_deep_link_to_another_is_refused(app_db, monkeypatch):
    sign_in_as(monkeypatch, "agent")
    accounts.assign_talents(SYSTEM, "agent@agency.test", [talent_id(app_db, "Sofia Marques")])
    at = run_page("pages/campaigns.py")
    assert list(at.dataframe[0].value["Brand"]) == ["Urban Thread"]
    other = campaign_id(app_db, "Glow Lab")
    at = run_page("pages/campaigns.py", campaign=str(other))
    assert any(f"Campaign {other} was not found, or you may not see it." in shown(e.value) for e in at.error)
    assert len(at.metric) == 0


def test_a_malformed_campaign_link_gets_a_plain_message(app_db):
    at = run_page("pages/campaigns.py", campaign="12x")
    assert not at.exception and any("not valid" in e.value for e in at.error)


def test_hostile_brand_and_campaign_names_show_as_text(app_db):
    today = utcnow().date()
    made = [edits.create_campaign(SYSTEM, edits.CampaignInput(text, text, today, today + timedelta(days=5)),
                                  [talent_id(app_db, "Maya Chen")]) for text in HOSTILE]
    for text, new_id in zip(HOSTILE, made, strict=True):
        at = run_page("pages/campaigns.py", campaign=str(new_id))
        assert not at.exception
        assert shown(at.header[0].value) == f"{text} — {text}"


def test_a_manager_creates_a_campaign_from_the_form_and_lands_on_it(app_db):
    at = run_page("pages/campaigns.py")
    form_inputs = [t for t in at.text_input if t.label in {"Brand", "Campaign name"}]
    form_inputs[0].input("Snackr")
    form_inputs[1].input("Crunch Time")
    talents = next(m for m in at.multiselect if m.label == "Talents")
    talents.select(talent_id(app_db, "Maya Chen"))
    next(b for b in at.button if b.label == "Create campaign").click()
    at.run()
    assert not at.exception
    assert at.query_params["campaign"]
    at.run()
    assert at.header[0].value == "Snackr — Crunch Time"


def test_the_campaign_report_builds_from_the_page_and_offers_the_download(app_db):
    at = run_page("pages/campaigns.py", campaign=str(campaign_id(app_db, "Glow Lab")))
    at.radio(key="campaign_report_format").set_value("html")
    at.button(key="campaign_report_build").click()
    at.run()
    assert not at.exception
    download = next(b for b in at.get("download_button") if b.proto.label == "Download")
    assert download.proto.url.endswith(".html")  # the built report is attached under its file name
