"""Attribution on both databases: rules and date bounds, manual include and exclude surviving re-runs."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from intel.campaigns.attribute import attribute_campaign, attribute_talents, decide, undo_decision
from intel.db.campaigns import CampaignPost, TrackingRule
from intel.errors import IntelError
from tests.campaigns.fixtures import campaign, post, talent


def attributed(session, campaign_id):
    rows = session.scalars(select(CampaignPost).where(CampaignPost.campaign_id == campaign_id)).all()
    return {r.post_id: (r.how, r.excluded) for r in rows}


def test_each_rule_kind_attributes_its_posts_inside_the_dates_only(session):
    sofia, yt = talent(session)
    inside = datetime(2026, 6, 10, 15, tzinfo=UTC)
    tagged = post(session, yt, "a", inside, caption="new look #GlowSummer")
    mentioned = post(session, yt, "b", inside, caption="thanks @glow")
    coded = post(session, yt, "c", inside, caption="use SOFIA20")
    linked = post(session, yt, "d", inside, caption="https://glow.example/offer/x")
    by_id = post(session, yt, "e", inside, caption="no markers")
    post(session, yt, "f", inside, caption="unrelated")
    post(session, yt, "g", datetime(2026, 5, 31, 23, tzinfo=UTC), caption="#glowsummer early")
    post(session, yt, "h", datetime(2026, 7, 1, 0, 30, tzinfo=UTC), caption="#glowsummer late")
    row = campaign(session, [sofia], [("hashtag", "#glowsummer"), ("mention", "@glow"), ("promo_code", "sofia20"),
                                      ("url", "glow.example/offer"), ("post_id", "e")])
    result = attribute_campaign(session, row.id, zone="UTC")
    assert result.added == 5
    assert set(attributed(session, row.id)) == {tagged.id, mentioned.id, coded.id, linked.id, by_id.id}


def test_the_campaign_dates_are_days_in_the_agency_zone(session):
    sofia, yt = talent(session)
    # 1 July 02:00 UTC is still 30 June in New York: inside the campaign there, outside it in UTC.
    evening = post(session, yt, "a", datetime(2026, 7, 1, 2, tzinfo=UTC), caption="#glow")
    row = campaign(session, [sofia], [("hashtag", "glow")])
    attribute_campaign(session, row.id, zone="UTC")
    assert attributed(session, row.id) == {}
    attribute_campaign(session, row.id, zone="America/New_York")
    assert attributed(session, row.id) == {evening.id: ("rule", False)}


def test_another_talents_posts_are_never_attributed(session):
    sofia, _ = talent(session)
    _, other_yt = talent(session, "Other")
    post(session, other_yt, "x", datetime(2026, 6, 10, tzinfo=UTC), caption="#glow")
    row = campaign(session, [sofia], [("hashtag", "glow")])
    assert attribute_campaign(session, row.id, zone="UTC").added == 0


def test_manual_include_and_exclude_survive_every_later_pass(session):
    sofia, yt = talent(session)
    at = datetime(2026, 6, 10, tzinfo=UTC)
    matched = post(session, yt, "a", at, caption="#glow")
    unmarked = post(session, yt, "b", at, caption="story without the tag")
    row = campaign(session, [sofia], [("hashtag", "glow")])
    attribute_campaign(session, row.id, zone="UTC")
    decide(session, row.id, matched.id, include=False, user_id=None)
    decide(session, row.id, unmarked.id, include=True, user_id=None)
    for _ in range(2):  # a re-import or a sync re-runs attribution
        assert attribute_talents(session, [sofia.id], zone="UTC").added == 0
    assert attributed(session, row.id) == {matched.id: ("manual", True), unmarked.id: ("manual", False)}
    undo_decision(session, row.id, matched.id, zone="UTC")
    assert attributed(session, row.id)[matched.id] == ("rule", False)


def test_a_removed_rule_takes_its_posts_out_but_not_manual_ones(session):
    sofia, yt = talent(session)
    at = datetime(2026, 6, 10, tzinfo=UTC)
    tagged = post(session, yt, "a", at, caption="#glow")
    kept = post(session, yt, "b", at, caption="#glow too")
    row = campaign(session, [sofia], [("hashtag", "glow")])
    attribute_campaign(session, row.id, zone="UTC")
    decide(session, row.id, kept.id, include=True, user_id=None)
    session.delete(session.scalars(select(TrackingRule).where(TrackingRule.campaign_id == row.id)).one())
    session.flush()
    session.expire_all()
    result = attribute_campaign(session, row.id, zone="UTC")
    assert result.removed == 1 and tagged.id not in attributed(session, row.id)
    assert attributed(session, row.id) == {kept.id: ("manual", False)}


def test_a_cancelled_campaign_attributes_nothing_by_rule(session):
    sofia, yt = talent(session)
    post(session, yt, "a", datetime(2026, 6, 10, tzinfo=UTC), caption="#glow")
    row = campaign(session, [sofia], [("hashtag", "glow")], status="cancelled")
    assert attribute_campaign(session, row.id, zone="UTC").added == 0


def test_a_post_of_someone_else_cannot_be_included_by_hand(session):
    sofia, _ = talent(session)
    _, other_yt = talent(session, "Other")
    foreign = post(session, other_yt, "x", datetime(2026, 6, 10, tzinfo=UTC))
    row = campaign(session, [sofia], [])
    with pytest.raises(IntelError, match="not one of this campaign"):
        decide(session, row.id, foreign.id, include=True, user_id=None)
