"""Edge cases of the engine: missing data is 'unavailable', odd text is data, nothing raises."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from intel.analytics.compute import compute_for_talent
from intel.analytics.result import Metric
from intel.db.models import Comment, FollowerSnapshot, SocialPost, SocialProfile, Talent
from intel.errors import TalentNotFound
from intel.text.sentiment import score_texts

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def talent_with(session, *platforms, connected=True):
    talent = Talent(name="Edge", primary_handle="@edge")
    session.add(talent)
    profiles = [SocialProfile(talent=talent, platform=p, handle="edge", account_id=f"{p}-edge",
                              connected=connected, last_synced_at=NOW) for p in platforms]
    session.add_all(profiles)
    session.flush()
    return talent, profiles


def snapshot(session, profile, day, followers):
    session.add(FollowerSnapshot(profile_id=profile.id, captured_on=day, followers=followers,
                                 captured_at=datetime(day.year, day.month, day.day, tzinfo=UTC)))


def post(session, profile, pid, when, caption="hello", likes=10):
    p = SocialPost(profile_id=profile.id, platform=profile.platform, platform_post_id=pid, posted_at=when,
                   caption=caption, likes=likes, comments=1, shares=0, saves=0)
    session.add(p)
    session.flush()
    return p


def test_a_talent_with_no_posts_has_unavailable_engagement_and_sentiment(session):
    talent, (ig,) = talent_with(session, "instagram")
    snapshot(session, ig, date(2026, 3, 1), 500)
    r = compute_for_talent(session, talent.id, NOW)
    platform = r.overview.platforms["instagram"]
    assert platform.followers.value == 500
    assert platform.engagement_rate == Metric(value=None, n=0, basis=platform.engagement_rate.basis,
                                               status="unavailable")
    assert r.sentiment.overall.status == "unavailable"
    assert r.community.health.score.status == "unavailable"
    assert r.content.top_posts == () and r.is_demo is False


def test_one_platform_only_reports_only_that_platform(session):
    talent, (yt,) = talent_with(session, "youtube")
    snapshot(session, yt, date(2026, 3, 1), 1000)
    post(session, yt, "v1", NOW - timedelta(hours=3))
    r = compute_for_talent(session, talent.id, NOW)
    assert list(r.overview.platforms) == ["youtube"]
    assert list(r.follower_trend) == ["youtube"]


def test_zero_followers_make_rates_unavailable_not_infinite(session):
    talent, (ig,) = talent_with(session, "instagram")
    snapshot(session, ig, date(2026, 1, 30), 0)
    snapshot(session, ig, date(2026, 3, 1), 0)
    post(session, ig, "z1", datetime(2026, 3, 1, 8, tzinfo=UTC))
    r = compute_for_talent(session, talent.id, NOW)
    platform = r.overview.platforms["instagram"]
    assert platform.engagement_rate.status == "unavailable"
    assert platform.growth[1].percent.status == "unavailable"
    assert platform.growth[1].absolute.value == 0
    r.to_json()  # no NaN or infinity sneaks into the JSON


def test_a_post_with_no_snapshot_near_its_date_has_no_rate(session):
    talent, (ig,) = talent_with(session, "instagram")
    snapshot(session, ig, date(2026, 3, 1), 1000)
    post(session, ig, "old", datetime(2026, 1, 1, tzinfo=UTC))
    r = compute_for_talent(session, talent.id, NOW)
    assert r.content.posts_analysed == 1 and r.content.posts_with_rate == 0
    assert r.overview.platforms["instagram"].engagement_rate.status == "unavailable"


@pytest.mark.parametrize("text", ["", "😍🔥💯", "x" * 100_000, "¡Qué maravilla de video! Me encanta",
                                  "これは素晴らしい", '<script>alert("x")</script><img src=x onerror=alert(1)>'])
def test_odd_texts_are_stored_scored_and_returned_as_data(session, text):
    talent, (ig,) = talent_with(session, "instagram")
    snapshot(session, ig, date(2026, 3, 1), 1000)
    p = post(session, ig, "p", datetime(2026, 3, 1, 9, tzinfo=UTC), caption=text)
    (score,) = score_texts([text])
    session.add(Comment(post_id=p.id, platform_comment_id="c", text=text, created_at=NOW - timedelta(hours=1),
                        sentiment_score=score.score, sentiment_label=score.label, sentiment_engine="t"))
    session.flush()
    r = compute_for_talent(session, talent.id, NOW)
    assert r.content.top_posts[0].caption == text[:280]
    assert r.sentiment.most_positive[0].text == text[:500]
    assert 0 <= r.sentiment.comments.value <= 1


def test_deleting_a_profile_removes_its_data_from_the_result(session):
    talent, (ig, tt) = talent_with(session, "instagram", "tiktok")
    for profile in (ig, tt):
        snapshot(session, profile, date(2026, 3, 1), 100)
        post(session, profile, f"{profile.platform}-1", datetime(2026, 3, 1, 8, tzinfo=UTC))
    session.delete(tt)
    session.flush()
    r = compute_for_talent(session, talent.id, NOW)
    assert list(r.overview.platforms) == ["instagram"]
    assert r.overview.total_followers.value == 100


def statuses(value) -> set[str]:
    """The status of every Metric anywhere inside a result value."""
    if isinstance(value, Metric):
        return {value.status}
    if is_dataclass(value):
        return set().union(*(statuses(getattr(value, f.name)) for f in fields(value)))
    if isinstance(value, tuple | list):
        return set().union(set(), *(statuses(v) for v in value))
    if isinstance(value, dict):
        return set().union(set(), *(statuses(v) for v in value.values()))
    return set()


def test_a_real_talent_without_connected_accounts_gets_no_figures_and_nothing_made_up(session):
    talent, _ = talent_with(session, "instagram", connected=False)
    r = compute_for_talent(session, talent.id, NOW)
    assert r.is_demo is False and r.has_data is False
    assert statuses(r) == {"unavailable"}
    assert r.follower_trend == {} and r.content.top_posts == () and r.sentiment.most_positive == ()


def test_a_real_talent_with_a_connected_profile_but_no_rows_has_no_data_either(session):
    talent, _ = talent_with(session, "instagram")
    r = compute_for_talent(session, talent.id, NOW)
    assert r.has_data is False and statuses(r) == {"unavailable"}


def test_a_demo_talent_without_connected_accounts_gets_flagged_deterministic_estimates(session):
    talent, _ = talent_with(session, "instagram", connected=False)
    talent.is_demo = True
    other, _ = talent_with(session, "tiktok", connected=False)
    other.is_demo = True
    session.flush()
    first = compute_for_talent(session, talent.id, NOW)
    assert first == compute_for_talent(session, talent.id, NOW)
    assert first.is_demo is True and first.has_data is True
    assert statuses(first) == {"estimated"}  # generated, so never "measured"
    assert first.overview.total_followers.status == "estimated"
    assert compute_for_talent(session, other.id, NOW).overview != first.overview


def test_rows_from_the_demo_generator_are_flagged_demo_and_read_as_estimates(session):
    talent, (ig,) = talent_with(session, "instagram")
    talent.is_demo = True
    snapshot(session, ig, date(2026, 3, 1), 100)
    session.flush()
    r = compute_for_talent(session, talent.id, NOW)
    assert r.is_demo is True
    assert r.overview.total_followers.value == 100 and r.overview.total_followers.status == "estimated"
    assert "measured" not in statuses(r)


def test_a_real_talents_figures_are_measured(session):
    talent, (ig,) = talent_with(session, "instagram")
    snapshot(session, ig, date(2026, 3, 1), 100)
    r = compute_for_talent(session, talent.id, NOW)
    assert r.is_demo is False and r.overview.total_followers.status == "measured"


def test_an_unknown_talent_is_a_typed_error(session):
    with pytest.raises(TalentNotFound):
        compute_for_talent(session, 987654, NOW)
