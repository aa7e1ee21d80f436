"""Importing campaigns and deliverables on both databases: idempotent upserts, refused rows with their reasons,
JSON Lines, never demo data, and manual attribution decisions surviving a re-import."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from intel.accounts.auth import SYSTEM
from intel.db.campaigns import Campaign, CampaignPost, CampaignTalent, Deliverable, TrackingRule
from intel.db.engine import transaction
from intel.db.models import SocialPost, Talent
from intel.ingest.importer import import_file
from tests.factories import make_talent

CAMPAIGNS_CSV = """brand,name,starts_on,ends_on,talent_handle,status,currency,fee,rules,notes
Glow Lab,Summer,2026-06-01,2026-06-30,@maya,live,eur,"4,500.50",#GlowSummer; code:MAYA10,first wave
Glow Lab,Summer,2026-06-01,2026-06-30,@kenji,live,EUR,,url:glow.example/offer,
"""
DELIVERABLES_CSV = """brand,name,starts_on,talent_handle,platform,media_type,count,due_on
Glow Lab,Summer,2026-06-01,maya,instagram,reel,2,2026-06-15
Glow Lab,Summer,2026-06-01,kenji,youtube,video,1,2026-06-20
"""


@pytest.fixture(autouse=True)
def error_files_in_tmp_path(tmp_path, monkeypatch):
    """Temporary error files of imports land in the test's folder."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def talents(engine, *handles: str) -> dict[str, int]:
    found = {}
    for handle in handles:
        talent = make_talent(engine, name=handle.title(), posts=0)
        with transaction(engine) as s:
            s.execute(update(Talent).where(Talent.id == talent).values(primary_handle=f"@{handle}"))
        found[handle] = talent
    return found


def test_campaigns_and_deliverables_import_and_a_second_import_changes_nothing(engine):
    ids = talents(engine, "maya", "kenji")
    first = import_file("campaigns", CAMPAIGNS_CSV.encode(), engine=engine)
    assert (first.inserted, first.refused) == (2, 0) and set(first.talent_ids) == set(ids.values())
    assert import_file("deliverables", DELIVERABLES_CSV.encode(), engine=engine).inserted == 2
    with engine.connect() as conn:
        campaign = conn.execute(select(Campaign)).one()
        assert (campaign.status, campaign.currency, campaign.ends_on) == ("live", "EUR", date(2026, 6, 30))
        fees = {t: fee for t, fee in conn.execute(select(CampaignTalent.talent_id, CampaignTalent.fee_minor))}
        assert fees == {ids["maya"]: 450_050, ids["kenji"]: None}  # 4,500.50 EUR in cents; empty: not recorded
        rules = {(k, v) for k, v in conn.execute(select(TrackingRule.kind, TrackingRule.value))}
        assert rules == {("hashtag", "glowsummer"), ("promo_code", "maya10"), ("url", "glow.example/offer")}
        assert conn.scalar(select(Deliverable.count).where(Deliverable.platform == "instagram")) == 2
    again = import_file("campaigns", CAMPAIGNS_CSV.encode(), engine=engine)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    assert import_file("deliverables", DELIVERABLES_CSV.encode(), engine=engine).unchanged == 2
    with engine.connect() as conn:
        assert conn.scalar(select(TrackingRule.id).order_by(TrackingRule.id.desc())) == 3  # no rule twice


def test_a_changed_row_updates_and_never_removes(engine):
    talents(engine, "maya", "kenji")
    import_file("campaigns", CAMPAIGNS_CSV.encode(), engine=engine)
    changed = CAMPAIGNS_CSV.replace("live,eur,\"4,500.50\",#GlowSummer; code:MAYA10", "completed,EUR,5000,#GlowSummer")
    changed = changed.replace("@kenji,live,EUR,", "@kenji,,,")  # empty campaign-level cells keep what is stored
    report = import_file("campaigns", changed.encode(), engine=engine)
    assert report.updated >= 1 and report.refused == 0
    with engine.connect() as conn:
        assert conn.scalar(select(Campaign.status)) == "completed"
        assert conn.scalar(select(TrackingRule.id).where(TrackingRule.value == "maya10")) is not None  # kept


@pytest.mark.parametrize(("row", "column", "reason"), [
    ("Glow Lab,Summer,2026-06-01,2026-06-30,@nobody,live,EUR,,,", "talent_handle", "import the talent first"),
    ("Glow Lab,Summer,2026-06-01,2026-05-30,@maya,live,EUR,,,", "ends_on", "ends before it starts"),
    ("Glow Lab,Summer,2026-06-01,2026-06-30,@maya,live,EUR,,glowsummer,", "rules", "a rule is #hashtag"),
    ("Glow Lab,Summer,2026-06-01,2026-06-30,@maya,paused,EUR,,,", "status", "status"),
    ("Glow Lab,Summer,2026-06-31,2026-06-30,@maya,live,EUR,,,", "starts_on", "not a date"),
    ("Glow Lab,Summer,2026-06-01,2026-06-30,@maya,live,EURO,,,", "currency", "three-letter"),
    ("Glow Lab,Summer,2026-06-01,2026-06-30,@maya,live,EUR,-5,,", "fee", "non-negative"),
])
def test_a_bad_campaign_row_is_refused_with_its_reason_and_the_rest_imported(engine, row, column, reason):
    talents(engine, "maya", "kenji")
    header, good, _ = CAMPAIGNS_CSV.split("\n", 2)
    report = import_file("campaigns", f"{header}\n{row}\n{good}\n".encode(), engine=engine)
    assert report.refused == 1 and report.inserted == 1
    error = report.errors[0]
    assert (error.line, error.column) == (2, column) and reason in error.reason


@pytest.mark.parametrize(("row", "reason"), [
    ("Glow Lab,Winter,2026-06-01,maya,instagram,reel,1,2026-06-15", "import campaigns first"),
    ("Glow Lab,Summer,2026-06-01,nobody,instagram,reel,1,2026-06-15", "import the talent first"),
    ("Glow Lab,Summer,2026-06-01,other,instagram,reel,1,2026-06-15", "not on the campaign"),
    ("Glow Lab,Summer,2026-06-01,maya,instagram,reel,0,2026-06-15", "1 to 100 posts"),
])
def test_a_bad_deliverable_row_is_refused_with_its_reason(engine, row, reason):
    talents(engine, "maya", "kenji", "other")
    import_file("campaigns", CAMPAIGNS_CSV.encode(), engine=engine)
    header = DELIVERABLES_CSV.split("\n", 1)[0]
    report = import_file("deliverables", f"{header}\n{row}\n".encode(), engine=engine)
    assert report.refused == 1 and reason in report.errors[0].reason


def test_json_lines_import_too_and_a_dry_run_writes_nothing(engine):
    talents(engine, "maya")
    line = {"brand": "Glow Lab", "name": "Summer", "starts_on": "2026-06-01", "ends_on": "2026-06-30",
            "talent_handle": "maya", "fee": 1200, "rules": "@glowlab"}
    body = (json.dumps(line) + "\n").encode()
    assert import_file("campaigns", body, engine=engine, fmt="jsonl", dry_run=True).inserted == 1
    with engine.connect() as conn:
        assert conn.scalar(select(Campaign.id)) is None
    assert import_file("campaigns", body, engine=engine, fmt="jsonl").inserted == 1
    with engine.connect() as conn:
        assert conn.scalar(select(Campaign.status)) == "planned"


def test_a_demo_talent_is_never_written(engine):
    demo = make_talent(engine, name="Demo", posts=0, is_demo=True)
    with transaction(engine) as s:
        s.execute(update(Talent).where(Talent.id == demo).values(primary_handle="@maya"))
    report = import_file("campaigns", CAMPAIGNS_CSV.encode(), engine=engine)
    assert report.refused == 2 and "demo" in report.errors[0].reason


def test_manual_decisions_survive_a_reimport_through_the_service(engine, database_url, make_runtime,
                                                                 installed_runtime):
    from intel.service import campaign_edits, imports

    installed_runtime(make_runtime(database_url))
    ids = talents(engine, "maya", "kenji")
    start = datetime.now(UTC).date() - timedelta(days=10)
    rows = CAMPAIGNS_CSV.replace("2026-06-01", start.isoformat()).replace(
        "2026-06-30", (start + timedelta(days=30)).isoformat())
    with transaction(engine) as s:
        profile = s.scalar(select(SocialPost.profile_id).limit(1)) or _profile_of(s, ids["maya"])
        for pid, caption in (("tagged", "new look #glowsummer"), ("plain", "no tag")):
            s.add(SocialPost(profile_id=profile, platform="instagram", platform_post_id=pid, caption=caption,
                             posted_at=datetime.now(UTC) - timedelta(days=2), likes=10))
    imports.import_file(SYSTEM, "campaigns", rows.encode())
    with engine.connect() as conn:
        campaign_id = conn.scalar(select(Campaign.id))
        tagged = conn.scalar(select(SocialPost.id).where(SocialPost.platform_post_id == "tagged"))
        assert conn.scalar(select(CampaignPost.how).where(CampaignPost.post_id == tagged)) == "rule"
    campaign_edits.decide_post(SYSTEM, campaign_id, tagged, include=False)
    campaign_edits.include_by_platform_id(SYSTEM, campaign_id, "plain")
    imports.import_file(SYSTEM, "campaigns", rows.encode())
    with engine.connect() as conn:
        decisions = {(h, e) for h, e in conn.execute(select(CampaignPost.how, CampaignPost.excluded))}
    assert decisions == {("manual", True), ("manual", False)}


def _profile_of(session, talent_id: int) -> int:
    from intel.db.models import SocialProfile

    return int(session.scalar(select(SocialProfile.id).where(SocialProfile.talent_id == talent_id)))


def test_the_documented_example_files_import_without_a_refused_row(engine):
    from tests.ingest.test_ingest import EXAMPLES, load_examples

    load_examples(engine, "talents.csv")
    for kind in ("campaigns", "deliverables"):
        report = import_file(kind, EXAMPLES / f"{kind}.csv", engine=engine)
        assert report.refused == 0 and report.inserted > 0, report.errors
