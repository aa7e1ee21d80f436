"""The campaign façades on both databases: who sees and changes which campaign, validation in plain words,
attribution after an import keeping manual decisions, and the list's order and filters."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from intel.accounts.auth import DEMO_VIEWER, SYSTEM, Identity
from intel.db.engine import transaction
from intel.db.models import AdminActivity, SocialPost, SocialProfile, Talent
from intel.errors import IntelError, PermissionDenied, TalentNotFound
from intel.service import campaign_edits as edits
from intel.service import campaigns, imports
from intel.service.campaign_access import CampaignNotFound
from intel.service.campaign_edits import CampaignInput
from tests.factories import make_talent

TODAY = datetime.now(UTC).date()




def owned_talent(engine, agent: Identity, name: str) -> int:
    talent = make_talent(engine, name=name, posts=0)
    with transaction(engine) as s:
        s.execute(update(Talent).where(Talent.id == talent).values(agent_id=agent.user_id))
    return talent


def june(status: str = "live") -> CampaignInput:
    start = TODAY - timedelta(days=20)
    return CampaignInput(brand="Glow", name="Summer", starts_on=start, ends_on=start + timedelta(days=40),
                         status=status, currency="eur")


def test_an_agent_sees_and_changes_only_campaigns_of_their_own_talents(people, engine):
    mine = owned_talent(engine, people["agent"], "Mine")
    theirs = owned_talent(engine, people["other"], "Theirs")
    own = edits.create_campaign(people["agent"], june(), [mine])
    shared = edits.create_campaign(people["manager"], june(), [mine, theirs])
    foreign = edits.create_campaign(people["manager"], june(), [theirs])

    assert {c.id for c in campaigns.list_campaigns(people["agent"])} == {own, shared}
    assert {c.id for c in campaigns.list_campaigns(people["manager"])} == {own, shared, foreign}
    with pytest.raises(CampaignNotFound):
        campaigns.campaign_detail(people["agent"], foreign)
    detail = campaigns.campaign_detail(people["agent"], shared)
    assert [t.name for t in detail.talents] == ["Mine"] and detail.can_edit is False  # only their talent shown
    with pytest.raises(PermissionDenied, match="another agent's talent"):
        edits.add_rule(people["agent"], shared, "hashtag", "#glow")
    with pytest.raises(TalentNotFound):
        edits.create_campaign(people["agent"], june(), [theirs])
    assert edits.add_rule(people["agent"], own, "hashtag", "#glow") > 0


def test_the_demo_viewer_and_the_signed_out_read_only(people, engine):
    mine = owned_talent(engine, people["agent"], "Mine")
    for refused in (DEMO_VIEWER, None):
        with pytest.raises(PermissionDenied):
            edits.create_campaign(refused, june(), [mine])
    with pytest.raises(PermissionDenied):
        campaigns.list_campaigns(None)


@pytest.mark.parametrize(("change", "message"), [
    ({"brand": "  "}, "needs a brand and a name"),
    ({"ends_on": TODAY - timedelta(days=30)}, "ends before it starts"),
    ({"status": "paused"}, "status is one of"),
    ({"currency": "euro"}, "three-letter code"),
])
def test_bad_input_gets_a_clear_message_and_writes_nothing(people, engine, change, message):
    mine = owned_talent(engine, people["agent"], "Mine")
    data = CampaignInput(**{**june().__dict__, **change})
    with pytest.raises(IntelError, match=message):
        edits.create_campaign(people["agent"], data, [mine])
    assert campaigns.list_campaigns(people["admin"]) == []


def posts_csv(account: str, rows: list[tuple[str, datetime, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["platform", "account_id", "platform_post_id", "posted_at", "likes", "caption"])
    for post_id, at, caption in rows:
        writer.writerow(["instagram", account, post_id, at.isoformat().replace("+00:00", "Z"), 10, caption])
    return out.getvalue().encode()


def test_an_import_attributes_matching_posts_and_keeps_manual_decisions_on_reimport(people, engine):
    mine = owned_talent(engine, people["agent"], "Mine")
    with engine.connect() as conn:
        account = conn.scalar(select(SocialProfile.account_id).where(SocialProfile.talent_id == mine))
    campaign = edits.create_campaign(people["agent"], june(), [mine])
    edits.add_rule(people["agent"], campaign, "hashtag", "#GlowSummer")
    at = datetime.combine(TODAY - timedelta(days=5), datetime.min.time(), UTC)
    rows = [("tagged", at, "new look #glowsummer"), ("plain", at, "no tag"),
            ("old", at - timedelta(days=60), "#glowsummer")]
    imports.import_file(SYSTEM, "posts", posts_csv(account, rows))
    posts = {p.platform_post_id: p for p in campaigns.campaign_detail(people["agent"], campaign).posts}
    assert set(posts) == {"tagged"}  # inside the dates and tagged only

    edits.decide_post(people["agent"], campaign, posts["tagged"].post_id, include=False)
    with engine.connect() as conn:
        plain = conn.scalar(select(SocialPost.id).where(SocialPost.platform_post_id == "plain"))
    edits.decide_post(people["agent"], campaign, plain, include=True)
    imports.import_file(SYSTEM, "posts", posts_csv(account, rows))  # the same file again
    posts = {p.platform_post_id: p for p in campaigns.campaign_detail(people["agent"], campaign).posts}
    assert (posts["tagged"].how, posts["tagged"].excluded) == ("manual", True)
    assert (posts["plain"].how, posts["plain"].excluded) == ("manual", False)


def test_the_list_puts_overdue_first_and_filters(people, engine):
    mine = owned_talent(engine, people["agent"], "Mine")
    calm = edits.create_campaign(people["agent"], june("planned"), [mine])
    late = edits.create_campaign(people["agent"], CampaignInput("Other", "Late", TODAY - timedelta(days=60),
                                                                TODAY - timedelta(days=30), "completed"), [mine])
    edits.add_deliverable(people["agent"], late, mine, platform="instagram", media_type="reel", count=1,
                          due_on=TODAY - timedelta(days=31))
    rows = campaigns.list_campaigns(people["agent"])
    assert [r.id for r in rows] == [late, calm] and rows[0].counts.overdue == 1
    assert [r.id for r in campaigns.list_campaigns(people["agent"], brand="Glow")] == [calm]
    assert [r.id for r in campaigns.list_campaigns(people["agent"], status="completed")] == [late]
    assert [r.id for r in campaigns.list_campaigns(people["agent"], talent="Mine")] == [late, calm]
    assert [r.id for r in campaigns.talent_campaigns(people["agent"], mine)] == [late, calm]
    with pytest.raises(IntelError, match="status is one of"):
        campaigns.list_campaigns(people["agent"], status="paused")


def test_every_change_is_audited(people, engine):
    mine = owned_talent(engine, people["agent"], "Mine")
    campaign = edits.create_campaign(people["agent"], june(), [mine])
    edits.set_talent(people["agent"], campaign, mine, fee_minor=250_000)
    edits.add_rule(people["agent"], campaign, "promo_code", "MINE10")
    with engine.connect() as conn:
        actions = conn.scalars(select(AdminActivity.action).where(AdminActivity.target == f"campaign:{campaign}")
                                .order_by(AdminActivity.id)).all()
    assert actions == ["campaign_created", "campaign_talent_set", "campaign_rule_added"]
    assert campaigns.campaign_detail(people["agent"], campaign).talents[0].fee == 2500.0


def test_a_campaign_never_mixes_demo_and_real_talents(people, engine):
    real = owned_talent(engine, people["agent"], "Real")
    demo = make_talent(engine, name="Demo", posts=0)
    with transaction(engine) as s:
        s.execute(update(Talent).where(Talent.id == demo).values(is_demo=True))
    with pytest.raises(IntelError, match="cannot mix demo"):
        edits.create_campaign(people["admin"], june(), [real, demo])
    _ = date  # dates come from TODAY above
