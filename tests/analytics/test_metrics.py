"""The engine on a small dataset whose every expected number is worked out by hand (both databases)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from intel.analytics.compute import compute_for_talent
from intel.analytics.result import SCHEMA_VERSION, SocialIntelligence
from intel.db.models import Comment, FollowerSnapshot, SocialPost, SocialProfile, Talent

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def at(day: str, hour: int) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def add_post(s, profile, pid, when, likes, comments, shares, saves, score, views=None, sponsored=False,
             caption="caption"):
    post = SocialPost(profile_id=profile.id, platform=profile.platform, platform_post_id=pid, posted_at=when,
                      likes=likes, comments=comments, shares=shares, saves=saves, views=views,
                      is_sponsored=sponsored, caption=caption, sentiment_score=score,
                      sentiment_label="positive" if score >= 0.525 else "negative" if score <= 0.475 else "neutral",
                      sentiment_engine="fixture")
    s.add(post)
    s.flush()
    return post


def add_comment(s, post, cid, text, score, label, kind="substantive", reply=False):
    s.add(Comment(post_id=post.id, platform_comment_id=cid, text=text, created_at=post.posted_at + timedelta(hours=1),
                  sentiment_score=score, sentiment_label=label, sentiment_engine="fixture", kind=kind,
                  is_talent_reply=reply, author_handle="talent" if reply else f"fan_{cid}"))


@pytest.fixture
def fixture_talent(session):
    """Instagram with 60 daily snapshots (1000 + 10/day from 1 Jan), TikTok with two; 5 posts, 8 comments."""
    talent = Talent(name="Fixture", primary_handle="@fixture")
    ig = SocialProfile(talent=talent, platform="instagram", handle="fix", account_id="ig-f",
                       last_synced_at=at("2026-03-01", 6))
    tt = SocialProfile(talent=talent, platform="tiktok", handle="fix", account_id="tt-f",
                       last_synced_at=at("2026-02-27", 0))
    session.add_all([talent, ig, tt])
    session.flush()
    for i in range(60):
        day = date(2026, 1, 1) + timedelta(days=i)
        session.add(FollowerSnapshot(profile_id=ig.id, captured_on=day, followers=1000 + 10 * i,
                                     captured_at=datetime(day.year, day.month, day.day, tzinfo=UTC)))
    for day, followers in ((date(2026, 2, 1), 5000), (date(2026, 3, 1), 6000)):
        session.add(FollowerSnapshot(profile_id=tt.id, captured_on=day, followers=followers,
                                     captured_at=datetime(day.year, day.month, day.day, tzinfo=UTC)))
    p1 = add_post(session, ig, "p1", at("2026-02-10", 18), 100, 20, 5, 25, 0.8)
    add_post(session, ig, "p2", at("2026-02-20", 18), 50, 10, 0, 10, 0.6, sponsored=True, caption="#ad thanks")
    p3 = add_post(session, ig, "p3", at("2026-02-25", 9), 200, 30, 10, 40, 0.7,
                  caption='<script>alert("x")</script>')
    add_post(session, ig, "p4-future", at("2026-03-05", 9), 9999, 9999, 0, 0, 0.9)
    t1 = add_post(session, tt, "t1", at("2026-02-27", 12), 500, 100, 50, 50, 0.4, views=10_000)
    add_post(session, tt, "t2", at("2026-02-10", 12), 100, 10, 5, 5, 0.5, views=2_000)
    add_comment(session, p1, "c1", "I love this so much, amazing work!", 0.9, "positive")
    add_comment(session, p1, "c2", "This is terrible", 0.1, "negative")
    add_comment(session, p1, "c3", "ok", 0.5, "neutral", kind="generic")
    add_comment(session, p1, "c4", "thanks!", 0.8, "positive", reply=True)
    add_comment(session, p1, "c5", "follow me for free followers http://x", 0.6, "positive", kind="spam")
    add_comment(session, p3, "c6", "😍😍", 0.85, "positive", kind="emoji_only")
    add_comment(session, p3, "c7", "<img src=x onerror=alert(1)>", 0.5, "neutral")
    add_comment(session, t1, "c8", "worst sponsored content", 0.05, "negative")
    session.flush()
    return talent


@pytest.fixture
def result(session, fixture_talent) -> SocialIntelligence:
    return compute_for_talent(session, fixture_talent.id, NOW)


def value(m):
    return m.value


def test_followers_and_growth_are_exact(result):
    ig = result.overview.platforms["instagram"]
    assert value(ig.followers) == 1590
    g7, g30, g90 = ig.growth
    assert value(g7.absolute) == 70 and value(g7.percent) == pytest.approx(70 / 1520 * 100)
    assert value(g30.absolute) == 300 and value(g30.percent) == pytest.approx(300 / 1290 * 100)
    assert g90.absolute.status == "unavailable" and value(g90.absolute) is None
    assert value(result.overview.total_followers) == 7590


def test_growth_without_a_snapshot_near_the_window_start_is_unavailable_not_zero(result):
    tiktok = result.overview.platforms["tiktok"]
    assert [g.absolute.status for g in tiktok.growth] == ["unavailable"] * 3


def test_engagement_rate_is_the_median_by_followers_at_posting_time_per_platform(result):
    ig = result.overview.platforms["instagram"]
    assert value(ig.engagement_rate) == pytest.approx(150 / 1400 * 100)
    assert ig.engagement_rate.n == 3
    tiktok = result.overview.platforms["tiktok"]
    # t2 has no snapshot within 3 days, so only t1 (followers of 1 March, two days later) is rated.
    assert value(tiktok.engagement_rate) == pytest.approx(700 / 6000 * 100)
    assert tiktok.engagement_rate.n == 1
    assert value(tiktok.engagement_rate_by_views) == pytest.approx((7.0 + 6.0) / 2)
    assert ig.engagement_rate_by_views is None
    assert not hasattr(result.overview, "total") and not hasattr(result.overview, "engagement_rate")


def test_averages_and_posting_frequency(result):
    ig = result.overview.platforms["instagram"]
    assert value(ig.avg_likes) == pytest.approx(350 / 3)
    assert value(ig.avg_comments) == pytest.approx(20)
    assert value(ig.posts_per_week) == pytest.approx(3 / (90 / 7))


def test_future_posts_are_ignored(result):
    assert result.content.posts_analysed == 5
    assert all(p.platform_post_id != "p4-future" for p in result.content.top_posts)


def test_sentiment_shares_and_overall_weighting(result):
    s = result.sentiment
    assert value(s.comments) == pytest.approx(2.9 / 6)
    assert s.comments.n == 6  # talent reply and spam excluded
    assert value(s.captions) == pytest.approx(0.6)
    assert value(s.overall) == pytest.approx(0.3 * 0.6 + 0.7 * 2.9 / 6)
    assert {k: round(value(getattr(s.comment_shares, k)), 4) for k in ("positive", "neutral", "negative")} == {
        "positive": 33.3333, "neutral": 33.3333, "negative": 33.3333}
    assert s.sponsored_vs_organic.sponsored.status == "unavailable"
    assert value(s.sponsored_vs_organic.organic) == pytest.approx(2.9 / 6)


def test_extreme_comments_are_kept_verbatim_with_their_post(result):
    best = result.sentiment.most_positive[0]
    worst = result.sentiment.most_negative[0]
    assert (best.text, best.platform_post_id) == ("I love this so much, amazing work!", "p1")
    assert (worst.text, worst.platform_post_id) == ("worst sponsored content", "t1")
    texts = [c.text for c in result.sentiment.most_positive + result.sentiment.most_negative]
    assert "<img src=x onerror=alert(1)>" in texts
    assert "follow me for free followers http://x" not in texts


def test_community_health_components(result):
    c = result.community
    ig = c.platforms["instagram"]
    assert value(ig.conversation_per_post) == pytest.approx(20)
    assert value(ig.applause_per_post) == pytest.approx(350 / 3)
    assert value(ig.amplification_per_post) == pytest.approx(5)
    assert value(ig.conversation_per_1000_followers) == pytest.approx(
        (20 / 1400 + 10 / 1500 + 30 / 1550) * 1000 / 3)
    assert value(ig.comment_to_like) == pytest.approx(60 / 350)
    assert value(c.reply_rate) == pytest.approx(100 / 7)
    assert value(c.spam_share) == pytest.approx(100 / 7)
    assert value(c.emoji_only_share) == pytest.approx(100 / 7)
    comps = c.health.components
    assert comps.sentiment.value == pytest.approx(48.3, abs=0.05)
    assert comps.conversation_quality.value == pytest.approx(100 - 100 / 7 - 50 / 7, abs=0.05)
    assert comps.responsiveness.value == 100 and comps.engagement.value == 100
    expected = 0.35 * (2.9 / 6 * 100) + 0.3 * 100 + 0.2 * (100 - 100 / 7 - 50 / 7) + 0.15 * 100
    assert value(c.health.score) == pytest.approx(expected, abs=0.05)


def test_content_performance_ranks_posts_by_rate(result):
    top = [p.platform_post_id for p in result.content.top_posts]
    assert top == ["p3", "t1", "p1", "p2"]
    assert result.content.top_posts[0].caption == '<script>alert("x")</script>'
    ig = result.content.sponsored_vs_organic["instagram"]
    assert value(ig.sponsored) == pytest.approx(70 / 1500 * 100)
    assert value(ig.organic) == pytest.approx((150 / 1400 + 280 / 1550) * 100 / 2)


def test_freshness_flags_a_stale_sync(result):
    f = result.freshness
    assert f.newest_snapshot_on == "2026-03-01"
    assert f.newest_post_at == at("2026-02-27", 12).isoformat()
    assert f.snapshot_stale is False
    assert {p.platform: p.stale for p in f.profiles} == {"instagram": False, "tiktok": True}
    assert f.is_stale is True


def test_the_result_round_trips_through_json_unchanged(result):
    assert SocialIntelligence.from_json(result.to_json()) == result
    assert result.is_demo is False and result.schema_version == SCHEMA_VERSION == 4


def test_early_warning_fires_on_a_surge_of_negative_comments(session, fixture_talent):
    ig = next(p for p in fixture_talent.profiles if p.platform == "instagram")
    calm = add_post(session, ig, "calm", at("2026-02-05", 10), 10, 30, 0, 0, 0.6)
    storm = add_post(session, ig, "storm", at("2026-02-28", 10), 10, 30, 0, 0, 0.3)
    for i in range(30):
        add_comment(session, calm, f"calm{i}", "nice work", 0.7 if i % 10 else 0.2,
                    "positive" if i % 10 else "negative")
        add_comment(session, storm, f"storm{i}", "boycott", 0.1 if i % 2 else 0.6,
                    "negative" if i % 2 else "positive")
    session.flush()
    warning = compute_for_talent(session, fixture_talent.id, NOW).sentiment.early_warning
    assert warning.triggered is True
    assert value(warning.recent_negative_share) > value(warning.baseline_negative_share) + 10
