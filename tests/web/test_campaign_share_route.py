"""Campaign share links on both databases: `GET /share/c/{campaign_id}/{token}` serves the frozen campaign report
without sign-in and with the share headers; expired, revoked, tampered or another campaign's → the one 404;
creation follows the campaign's access rules; every step audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from starlette.applications import Starlette
from starlette.testclient import TestClient

from intel.accounts.auth import DEMO_VIEWER, SYSTEM
from intel.db.engine import transaction
from intel.db.models import AdminActivity, Talent
from intel.db.share_links import ShareLink
from intel.errors import PermissionDenied
from intel.service import campaign_edits as edits
from intel.service.campaign_access import CampaignNotFound
from intel.service.share_links import create_campaign_share_link, list_campaign_share_links, revoke_share_link
from intel.web.routes import SignInRedirect, routes
from intel.web.share import CSP, NOT_FOUND
from tests.factories import make_talent

HTML = {"Accept": "text/html"}
TODAY = datetime.now(UTC).date()


@pytest.fixture
def campaigns(people, engine):
    """Two campaigns of the agent's talent "Maya Chen" (brands Glow Lab and Other Brand)."""
    talent = make_talent(engine, name="Maya Chen")
    with transaction(engine) as s:
        s.execute(update(Talent).where(Talent.id == talent).values(agent_id=people["agent"].user_id))
    made = [edits.create_campaign(people["agent"], edits.CampaignInput(brand, "Summer", TODAY,
                                                                       TODAY + timedelta(days=30)), [talent])
            for brand in ("Glow Lab", "Other Brand")]
    return made


def client() -> TestClient:
    return TestClient(SignInRedirect(Starlette(routes=routes())))


def test_a_campaign_link_serves_its_frozen_report_without_sign_in(people, campaigns):
    link = create_campaign_share_link(people["agent"], campaigns[0], days=7)
    path = link.url
    assert path.startswith(f"/share/c/{campaigns[0]}/")
    with client() as http:
        response = http.get(path, headers=HTML, follow_redirects=False)
        assert response.status_code == 200 and "Glow Lab — Summer" in response.text
        assert response.headers["content-security-policy"] == CSP and "set-cookie" not in response.headers
        assert "<script" not in response.text
        token = path.rsplit("/", 1)[1]
        for bad in (f"/share/c/{campaigns[1]}/{token}", f"/share/{campaigns[0]}/{token}", path[:-2] + "AA",
                    f"/share/c/x/{token}"):
            answer = http.get(bad, headers=HTML, follow_redirects=False)
            assert (answer.status_code, answer.text) == (404, NOT_FOUND), bad
        revoke_share_link(people["agent"], link.link.id)
        assert http.get(path, headers=HTML).status_code == 404
    listed = list_campaign_share_links(people["manager"], campaigns[0])
    assert [(v.status, v.view_count, v.campaign_id, v.talent_id) for v in listed] == [
        ("revoked", 1, campaigns[0], None)]


def test_an_expired_campaign_link_opens_nothing(people, campaigns, engine):
    path = create_campaign_share_link(people["manager"], campaigns[0]).url
    with transaction(engine) as s:
        s.execute(update(ShareLink).values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    with client() as http:
        assert http.get(path, headers=HTML).status_code == 404


def test_creating_one_follows_the_campaigns_access_rules_and_is_audited(people, campaigns, engine):
    with pytest.raises(CampaignNotFound):
        create_campaign_share_link(people["other"], campaigns[0])  # not their talent's campaign
    with pytest.raises(PermissionDenied):
        create_campaign_share_link(DEMO_VIEWER, campaigns[0])
    with pytest.raises(Exception, match="1 to 90 days"):
        create_campaign_share_link(people["agent"], campaigns[0], days=91)
    create_campaign_share_link(SYSTEM, campaigns[0])
    with engine.connect() as conn:
        rows = conn.execute(select(AdminActivity.action, AdminActivity.target)
                            .where(AdminActivity.action.like("share_link%"))).all()
    assert [tuple(r) for r in rows] == [("share_link_created", f"campaign:{campaigns[0]}")]
