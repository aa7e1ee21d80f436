"""The campaign report for the brand on both databases: the campaign page's figures, as text only, requesting
nothing from any host, as PDF too; limited to what the identity may see; audited."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from intel.db.engine import transaction
from intel.db.models import AdminActivity, SocialPost, SocialProfile, Talent
from intel.service import campaign_edits as edits
from intel.service import campaigns
from intel.service.campaign_access import CampaignNotFound
from intel.service.campaign_report import build_campaign_report
from intel.views import campaigns as views
from tests.factories import make_talent

TODAY = datetime.now(UTC).date()
HOSTILE = '<b>Glow</b> <script>alert(1)</script> <img src="https://evil.example/x.png">'


def campaign_with_post(engine, people) -> tuple[int, int]:
    talent = make_talent(engine, name="Maya Chen", posts=6)
    with transaction(engine) as s:
        s.execute(update(Talent).where(Talent.id == talent).values(agent_id=people["agent"].user_id))
        newest = s.scalar(select(SocialPost.platform_post_id).join(SocialProfile)
                          .where(SocialProfile.talent_id == talent).order_by(SocialPost.posted_at.desc()))
    campaign = edits.create_campaign(people["agent"], edits.CampaignInput(
        HOSTILE, "Summer", TODAY, TODAY + timedelta(days=30), "live"), [talent])
    edits.set_talent(people["agent"], campaign, talent, fee_minor=50_000)
    edits.include_by_platform_id(people["agent"], campaign, newest)
    return campaign, talent


def test_the_html_report_holds_the_campaign_pages_figures_as_text(people, engine):
    campaign, _ = campaign_with_post(engine, people)
    html = build_campaign_report(people["agent"], campaign, fmt="html").decode("utf-8")
    detail = campaigns.campaign_detail(people["agent"], campaign)
    for kpi in views.campaign_kpis(detail):
        assert f"<td>{kpi.label}</td><td>{kpi.value}</td>" in html
    assert "Maya Chen" in html and "×" in html  # the post's interactions lift against the organic median
    assert "<script" not in html and "<b>Glow</b>" not in html and "&lt;b&gt;Glow&lt;/b&gt;" in html
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)


def test_the_pdf_report_is_a_pdf_with_the_brand_and_the_talent(people, engine, tmp_path):
    campaign, _ = campaign_with_post(engine, people)
    body = build_campaign_report(people["manager"], campaign, fmt="pdf", paper="letter")
    assert body.startswith(b"%PDF")
    path = tmp_path / "campaign.pdf"
    path.write_bytes(body)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "<b>Glow</b>" in text and "Maya Chen" in text and "Deliverables" in text


def test_another_agent_cannot_build_it_and_every_build_is_audited(people, engine):
    campaign, _ = campaign_with_post(engine, people)
    with pytest.raises(CampaignNotFound):
        build_campaign_report(people["other"], campaign, fmt="html")
    build_campaign_report(people["admin"], campaign, fmt="html")
    with engine.connect() as conn:
        rows = conn.execute(select(AdminActivity.actor, AdminActivity.details)
                            .where(AdminActivity.action == "campaign_report_built")).all()
    assert [(actor, details["format"]) for actor, details in rows] == [("admin@agency.test", "html")]
