"""A campaign's figures on both databases, against hand-computed values.

Sofia has 10,000 YouTube followers throughout. Her organic posts in the 90 days before 1 June have
1,000 / 2,000 / 3,000 / 4,000 views and 100 / 200 / 300 / 400 likes: medians 2,500 views, 250 interactions,
2.5 % engagement. A sponsored post, a post of another campaign and a post 91 days before are not organic.
Campaign post A: 5,000 views, 500 likes (lift ×2.0 on each). Post B: no view count, 100 likes (×0.4).
"""

from datetime import UTC, date, datetime

import pytest

from intel.campaigns.attribute import attribute_campaign
from intel.campaigns.load import campaign_figures
from tests.campaigns.fixtures import campaign, comments, deliverable, post, talent

NOW = datetime(2026, 6, 25, 12, tzinfo=UTC)
RATES = {"youtube": 10.0}


def build(session, *, b_views=None, fee_minor=120_000):
    sofia, yt = talent(session)
    for i, (views, likes) in enumerate([(1000, 100), (2000, 200), (3000, 300), (4000, 400)]):
        base = post(session, yt, f"base{i}", datetime(2026, 4, 1 + i * 7, tzinfo=UTC), views=views, likes=likes)
    comments(session, base, ["negative"] * 2 + ["positive"] * 18)
    post(session, yt, "sponsored", datetime(2026, 5, 20, tzinfo=UTC), views=99_999, likes=9_999, sponsored=True)
    post(session, yt, "too-early", datetime(2026, 3, 2, tzinfo=UTC), views=99_999, likes=9_999)
    other_campaign_post = post(session, yt, "other", datetime(2026, 5, 10, tzinfo=UTC), views=99_999, likes=9_999,
                               caption="#rival")
    rival = campaign(session, [sofia], [("hashtag", "rival")])
    rival.starts_on, rival.ends_on = date(2026, 5, 1), date(2026, 5, 31)
    session.flush()
    attribute_campaign(session, rival.id, zone="UTC")
    a = post(session, yt, "A", datetime(2026, 6, 10, tzinfo=UTC), views=5000, likes=500, caption="#glow")
    b = post(session, yt, "B", datetime(2026, 6, 12, tzinfo=UTC), views=b_views, likes=100, caption="#glow")
    comments(session, a, ["negative"] * 6 + ["positive"] * 14)
    row = campaign(session, [sofia], [("hashtag", "glow")], fee_minor=fee_minor)
    deliverable(session, row, sofia, date(2026, 6, 15), count=2)
    deliverable(session, row, sofia, date(2026, 6, 20), media_type="short")
    attribute_campaign(session, row.id, zone="UTC")
    assert other_campaign_post.id not in {p.post_id for p in figures_of(session, row.id).posts}
    return row, a, b


def figures_of(session, campaign_id):
    return campaign_figures(session, campaign_id, now=NOW, zone="UTC", rates=RATES, rates_currency="EUR")


def test_lift_per_post_is_against_the_median_of_the_organic_baseline(session):
    row, a, b = build(session)
    posts = {p.post_id: p for p in figures_of(session, row.id).posts}
    assert posts[a.id].views_lift.value == pytest.approx(2.0) and posts[a.id].views_lift.n == 4
    assert posts[a.id].interactions_lift.value == pytest.approx(2.0)
    assert posts[a.id].rate.value == pytest.approx(5.0) and posts[a.id].rate_lift.value == pytest.approx(2.0)
    assert posts[b.id].interactions_lift.value == pytest.approx(0.4)


def test_a_post_without_views_has_its_views_figures_unavailable_never_zero(session):
    row, _, b = build(session)
    result = figures_of(session, row.id)
    post_b = next(p for p in result.posts if p.post_id == b.id)
    assert post_b.views.status == "unavailable" and post_b.views.value is None
    assert post_b.views_lift.status == "unavailable" and "no views" in post_b.views_lift.basis
    assert result.totals.views.status == "unavailable" and "1 of 2 posts" in result.totals.views.basis
    assert result.totals.cost_per_mille.status == "unavailable"


def test_costs_divide_the_fee_by_what_it_bought(session):
    row, _, _ = build(session, b_views=5000)
    totals = figures_of(session, row.id).totals
    assert totals.interactions.value == 600
    assert totals.cost_per_engagement.value == pytest.approx(1200 / 600)  # EUR 1,200.00 ÷ 600 interactions
    assert totals.cost_per_mille.value == pytest.approx(1200 / 10_000 * 1000)
    assert totals.views_lift.value == pytest.approx(2.0) and totals.views_lift.n == 2


def test_media_value_is_always_an_estimate(session):
    row, _, _ = build(session)
    value = figures_of(session, row.id).totals.media_value
    assert value.status == "estimated" and value.value == pytest.approx(5000 / 1000 * 10) and value.n == 1


def test_an_unrecorded_fee_makes_the_costs_unavailable_and_says_why(session):
    row, _, _ = build(session, b_views=5000, fee_minor=None)
    totals = figures_of(session, row.id).totals
    assert totals.cost_per_engagement.status == "unavailable"
    assert "fee of 1 of 1 talents is not recorded" in totals.cost_per_engagement.basis


def test_comment_sentiment_on_campaign_posts_is_compared_with_the_organic_baseline(session):
    row, _, _ = build(session)
    sentiment = figures_of(session, row.id).sentiment
    assert sentiment.campaign_negative.value == pytest.approx(30.0) and sentiment.campaign_negative.n == 20
    assert sentiment.baseline_negative.value == pytest.approx(10.0) and sentiment.baseline_negative.n == 20
    assert sentiment.backlash is True


def test_deliverables_are_done_or_overdue_from_the_attributed_posts(session):
    row, a, b = build(session)
    result = figures_of(session, row.id)
    states = [(s.spec.media_type, s.state, s.post_ids) for s in result.deliverables]
    assert states == [("video", "done", (a.id, b.id)), ("short", "overdue", ())]
    assert (result.deliverable_counts.done, result.deliverable_counts.overdue) == (1, 1)


def test_too_small_a_baseline_makes_lift_unavailable(session):
    sofia, yt = talent(session)
    post(session, yt, "base", datetime(2026, 5, 1, tzinfo=UTC), views=1000, likes=10)
    a = post(session, yt, "A", datetime(2026, 6, 10, tzinfo=UTC), views=5000, likes=500, caption="#glow")
    row = campaign(session, [sofia], [("hashtag", "glow")])
    attribute_campaign(session, row.id, zone="UTC")
    lift = next(p for p in figures_of(session, row.id).posts if p.post_id == a.id).views_lift
    assert lift.status == "unavailable" and "fewer than 3 organic YouTube posts" in lift.basis


def test_overdue_deliverables_and_a_backlash_are_events_with_their_figures(session):
    from intel.campaigns.events import campaign_events

    row, _, _ = build(session)
    events = campaign_events(session, now=NOW, zone="UTC")
    kinds = sorted((e.kind, e.campaign_id) for e in events)
    assert kinds == [("campaign_backlash", row.id), ("deliverable_overdue", row.id)]
    overdue = next(e for e in events if e.kind == "deliverable_overdue")
    assert "0 of 1 short posts" in overdue.message and "5 days overdue" in overdue.message
    backlash = next(e for e in events if e.kind == "campaign_backlash")
    assert "30% of 20 scored comments" in backlash.message and "10% (n = 20)" in backlash.message
    # The same condition keeps its key from one evaluation to the next (one alert while it lasts).
    assert [e.key for e in campaign_events(session, now=NOW, zone="UTC")] == [e.key for e in events]
    row.status = "completed"
    session.flush()
    assert campaign_events(session, now=NOW, zone="UTC") == []


def test_comments_naming_the_brand_are_counted_over_the_audience_comments_read(session):
    from intel.db.models import Comment

    row, a, _ = build(session)
    for i, (text, reply) in enumerate((("Where can I buy GLOW?", False), ("the #glow tag again", False),
                                       ("thanks glow team!", True), ("nice colours", False))):
        session.add(Comment(post_id=a.id, platform_comment_id=f"m{i}", author_handle=f"fan{i}", text=text,
                            created_at=a.posted_at, is_talent_reply=reply))
    session.flush()
    mentions = figures_of(session, row.id).mentions
    # 20 scored comments from build() + 3 audience comments here (the talent's reply is not audience).
    assert (mentions.count.value, mentions.count.n) == (2, 23)
    assert {m.text for m in mentions.examples} == {"Where can I buy GLOW?", "the #glow tag again"}
