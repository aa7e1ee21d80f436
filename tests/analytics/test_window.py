"""Figures for a period: followers and growth at the window's edges, posts and comments inside it only."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import pytest
from argon2 import PasswordHasher

from intel.accounts import auth
from intel.accounts.auth import SYSTEM
from intel.analytics.compute import compute_for_talent
from intel.analytics.facts import load_facts
from intel.analytics.window import Window, compute_for_window, parse_window
from intel.cache.entries import window_key
from intel.db.engine import transaction
from intel.db.generations import bump_generations
from intel.db.models import Comment, FollowerSnapshot, SocialPost, SocialProfile, Talent
from intel.errors import IntelError, PermissionDenied, TalentNotFound
from intel.service import accounts
from intel.service import talents as service
from tests.factories import comment_mix

TODAY = date(2026, 11, 30)
_ids = itertools.count(1)


def _at(day_offset: int, hour: int = 12) -> datetime:
    return datetime.combine(TODAY + timedelta(days=day_offset), time(hour), tzinfo=UTC)


def windowed_talent(session) -> int:
    """A talent with hand-placed figures around the 90-day window ending TODAY (its first day is day −89).

    Snapshots: 1,000 followers on day −100, 1,100 on day −90 (the day before the window: its start edge),
    1,500 on day −1. Posts: two before the window (day −120, −95), three inside (−60, −30, −2), each inside
    post with 100 likes; comments: 4 on the outside post of day −95 (2 of them on day −85, inside the window:
    its post is outside, so they are not the window's), 3 scored comments on each inside post.
    """
    n = next(_ids)
    talent = Talent(name=f"Window {n}", primary_handle=f"@win{n}")
    profile = SocialProfile(talent=talent, platform="instagram", handle=f"win{n}", account_id=f"win-{n}",
                            connected=True, last_synced_at=_at(0, 1))
    session.add_all([talent, profile])
    session.flush()
    for offset, followers in ((-100, 1_000), (-90, 1_100), (-1, 1_500)):
        session.add(FollowerSnapshot(profile_id=profile.id, captured_on=TODAY + timedelta(days=offset),
                                     captured_at=_at(offset, 6), followers=followers))
    for p, offset in enumerate((-120, -95, -60, -30, -2)):
        inside = offset >= -89
        post = SocialPost(profile_id=profile.id, platform="instagram", platform_post_id=f"win{n}-{p}",
                          posted_at=_at(offset), likes=100 if inside else 5_000, comments=3, caption=f"post {p}",
                          sentiment_score=0.8, sentiment_label="positive", sentiment_engine="test")
        session.add(post)
        session.flush()
        days = (0, 1, 2) if inside else (0, 1, 10, 10)
        for c, later in enumerate(days):
            score = 0.9 if inside else 0.1
            session.add(Comment(post_id=post.id, platform_comment_id=f"win{n}-{p}-{c}", text=f"comment {p}-{c}",
                                created_at=_at(offset + later, 13), is_talent_reply=False, kind="substantive",
                                sentiment_score=score, sentiment_label="positive" if inside else "negative",
                                sentiment_engine="test", author_handle=f"fan{c}"))
    session.flush()
    return talent.id


def test_followers_growth_posts_and_comments_are_those_of_the_window(session):
    talent_id = windowed_talent(session)
    window = Window.last(90, TODAY)
    assert (window.start, window.end, window.days) == (date(2026, 9, 2), TODAY, 90)

    intel = compute_for_window(session, talent_id, window)

    insta = intel.overview.platforms["instagram"]
    assert insta.followers.value == 1_500  # the last snapshot on or before the end (day −1)
    assert "2026-11-29" in insta.followers.basis
    (growth,) = insta.growth
    assert growth.days == 90
    assert growth.absolute.value == 400  # 1,500 on day −1 minus 1,100 on day −90, the start edge
    assert growth.percent.value == pytest.approx(400 / 1_100 * 100)
    assert "2026-11-29" in growth.absolute.basis and "2026-09-01" in growth.absolute.basis
    assert intel.overview.total_growth[0].absolute.value == 400
    assert intel.content.posts_analysed == 3
    # Only the post of day −2 has a snapshot within 3 days (day −1): (100 likes + 3 comments) ÷ 1,500.
    assert insta.engagement_rate.n == 1
    assert insta.engagement_rate.value == pytest.approx(103 / 1_500 * 100)
    assert intel.content.posts_with_rate == 1
    assert insta.avg_likes.value == 100
    assert insta.posts_per_week.n == 3
    assert insta.posts_per_week.value == pytest.approx(3 / (90 / 7))
    assert intel.sentiment.comments.n == 9  # the 3 × 3 comments on inside posts, nothing of the outside ones
    assert intel.sentiment.comments.value == pytest.approx(0.9)
    assert all(c.text.startswith(("comment 2", "comment 3", "comment 4")) for c in intel.sentiment.most_negative)
    assert intel.computed_at == window.as_of().isoformat()
    assert intel.methodology["period"] == "2026-09-02..2026-11-30"
    assert all(day >= "2026-08-30" for day, _ in intel.follower_trend["instagram"])


def test_the_all_time_figures_are_unchanged_by_the_window_path(session):
    talent_id = windowed_talent(session)
    intel = compute_for_talent(session, talent_id, _at(0, 18))
    assert intel.content.posts_analysed == 5
    assert intel.sentiment.comments.n == 17
    assert [g.days for g in intel.overview.platforms["instagram"].growth] == [7, 30, 90]


def test_a_window_starting_before_the_first_snapshot_has_no_growth(session):
    talent_id = windowed_talent(session)
    intel = compute_for_window(session, talent_id, Window(TODAY - timedelta(days=200), TODAY))
    (growth,) = intel.overview.platforms["instagram"].growth
    assert growth.absolute.status == "unavailable" and growth.absolute.value is None
    assert growth.percent.status == "unavailable"
    assert "no snapshot" in growth.absolute.basis
    assert intel.overview.platforms["instagram"].followers.value == 1_500


def test_a_window_ending_before_the_last_snapshot_reads_followers_at_its_end(session):
    talent_id = windowed_talent(session)
    intel = compute_for_window(session, talent_id, Window(TODAY - timedelta(days=100), TODAY - timedelta(days=50)))
    insta = intel.overview.platforms["instagram"]
    assert insta.followers.value == 1_100
    assert insta.growth[0].absolute.value == 100
    assert intel.content.posts_analysed == 2  # day −95 and −60


def test_a_window_without_posts_has_unavailable_post_figures(session):
    talent_id = windowed_talent(session)
    intel = compute_for_window(session, talent_id, Window(TODAY - timedelta(days=20), TODAY - timedelta(days=10)))
    insta = intel.overview.platforms["instagram"]
    assert intel.content.posts_analysed == 0
    assert insta.engagement_rate.status == "unavailable"
    assert insta.posts_per_week.status == "unavailable"
    assert intel.sentiment.comments.status == "unavailable"


@pytest.mark.parametrize(("text", "expected"), [
    ("30d", Window(date(2026, 11, 1), TODAY)),
    (" 90D ", Window(date(2026, 9, 2), TODAY)),
    ("365d", Window(date(2025, 12, 1), TODAY)),
    ("2026-01-01..2026-03-31", Window(date(2026, 1, 1), date(2026, 3, 31))),
    ("2026-11-30..2026-11-30", Window(TODAY, TODAY)),
])
def test_the_parser_reads_presets_and_ranges(text, expected):
    assert parse_window(text, TODAY) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("", "No period given"),
    (None, "No period given"),
    ("7d", "not one of the periods offered"),
    ("90", "is not a period"),
    ("last quarter", "is not a period"),
    ("2026-02-30..2026-03-31", "does not exist"),
    ("2026-03-31..2026-01-01", "swap the dates"),
    ("2026-11-01..2026-12-01", "after today"),
    ("2020-01-01..2026-01-01", "at most"),
])
def test_the_parser_rejects_bad_periods_with_a_message(text, message):
    with pytest.raises(IntelError, match=message):
        parse_window(text, TODAY)


# ---------------------------------------------------------------- cached per (talent, window, data generation)

AS_OF = _at(0, 18)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def cached(engine, database_url, make_runtime, installed_runtime, request):
    """The process runtime with real Redis (unique prefix) or the embedded store, its clock on TODAY, and the
    windowed talent committed."""
    if request.param == "redis":
        rt = make_runtime(database_url, request.getfixturevalue("redis_url"),
                          cache_prefix=request.getfixturevalue("key_prefix"))
    else:
        rt = make_runtime(database_url)
    rt.provider.clock = lambda: AS_OF  # a fake clock: the fixture's days are relative to TODAY
    installed_runtime(rt)
    with transaction(engine) as db:
        talent_id = windowed_talent(db)
    return rt, talent_id


def _window_entry(rt, talent_id: int, window: Window) -> bytes | None:
    return rt.store.get(window_key(talent_id, window.label(), rt.settings.cache_prefix))


@pytest.mark.parametrize("cached", ["redis", "embedded"], indirect=True)
def test_a_window_is_served_from_the_cache_and_dropped_when_the_talents_data_changes(cached):
    rt, talent_id = cached
    window = Window.last(90, TODAY)
    first = rt.provider.get_window(talent_id, window)
    assert first.source == "computed" and _window_entry(rt, talent_id, window) is not None
    second = rt.provider.get_window(talent_id, window)
    assert second.source == "cache" and second.intel == first.intel
    assert second.intel.overview.platforms["instagram"].growth[0].absolute.value == 400

    other = rt.provider.get_window(talent_id, Window.last(30, TODAY))  # another window: its own entry
    assert other.source == "computed" and other.intel.content.posts_analysed == 1  # day −30 is the day before
    assert rt.provider.get(talent_id).intel.content.posts_analysed == 5  # the all-time entry is apart

    service.invalidate(talent_id)  # what an import, a rescore or a time-zone change does
    again = rt.provider.get_window(talent_id, window)
    assert again.source == "computed"
    assert rt.provider.get_window(talent_id, window).source == "cache"


@pytest.mark.parametrize("cached", ["embedded"], indirect=True)
def test_a_window_entry_of_an_older_generation_is_a_miss_even_if_still_stored(cached):
    rt, talent_id = cached
    window = Window.last(90, TODAY)
    rt.provider.get_window(talent_id, window)
    stale = _window_entry(rt, talent_id, window)
    bump_generations(rt.sessions, [talent_id])  # another process's import: only the database knows
    rt.store.set(window_key(talent_id, window.label(), rt.settings.cache_prefix), stale, 60)
    assert rt.provider.get_window(talent_id, window).source == "computed"


@pytest.mark.parametrize("cached", ["embedded"], indirect=True)
def test_the_window_service_checks_access_and_refuses_a_period_in_the_future(cached, monkeypatch):
    rt, talent_id = cached
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    accounts.create_user(SYSTEM, "agent@agency.test", "Agent", "agent", PASSWORD)
    with transaction(rt.engine) as db:
        theirs = windowed_talent(db)
    accounts.assign_talents(SYSTEM, "agent@agency.test", [theirs])
    agent = accounts.authenticate("agent@agency.test", PASSWORD, client="test")
    window = Window.last(90, TODAY)
    with pytest.raises(TalentNotFound):
        service.serve_window_for(agent, talent_id, window)
    served = service.serve_window_for(agent, theirs, window)
    assert served.intel.overview.platforms["instagram"].followers.value == 1_500
    with pytest.raises(IntelError, match="after today"):
        service.serve_window_for(agent, theirs, Window(TODAY, TODAY + timedelta(days=1)))
    with pytest.raises(PermissionDenied):
        service.serve_window_for(None, theirs, window)


def test_a_demo_talents_window_holds_only_its_days_and_stays_estimated(session):
    talent = Talent(name="Demo window", primary_handle="@demowin", is_demo=True)
    session.add(talent)
    session.flush()
    window = Window.last(30, TODAY)
    intel = compute_for_window(session, talent.id, window)
    whole = compute_for_talent(session, talent.id, window.as_of())
    assert intel.is_demo and 0 < intel.content.posts_analysed < whole.content.posts_analysed
    statuses = {g.absolute.status for o in intel.overview.platforms.values() for g in o.growth}
    assert statuses <= {"estimated", "unavailable"} and "measured" not in {
        o.posts_per_week.status for o in intel.overview.platforms.values()}


def test_audience_signs_assess_the_windows_days_only(session):
    """Daily snapshots from day −120, +10 a day, with an unexplained jump of +2,000 on day −60."""
    talent = Talent(name="Jumpy", primary_handle="@jumpy")
    profile = SocialProfile(talent=talent, platform="instagram", handle="jumpy", account_id="jumpy-1",
                            connected=True, last_synced_at=_at(0, 1))
    session.add_all([talent, profile])
    session.flush()
    for offset in range(-120, 0):
        followers = 10_000 + 10 * (offset + 120) + (2_000 if offset >= -60 else 0)
        session.add(FollowerSnapshot(profile_id=profile.id, captured_on=TODAY + timedelta(days=offset),
                                     captured_at=_at(offset, 6), followers=followers))
    session.flush()
    spikes = {w: compute_for_window(session, talent.id, w).audience for w in (
        Window.last(30, TODAY), Window(TODAY - timedelta(days=70), TODAY - timedelta(days=50)))}
    recent, around = spikes.values()
    assert recent.events == () and recent.components[0].n == 29  # days −29 … −1, each against its baseline
    assert [(e.day, e.kind, e.change) for e in around.events] == [("2026-10-01", "spike", 2_010)]
    assert around.components[0].n == 21


def test_a_windows_stored_aggregates_give_the_same_facts_as_a_scan(session):
    now = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    talent_id = comment_mix(session, now)
    since = date(2026, 3, 9)
    stored = load_facts(session, talent_id, now, since=since)
    scanned = load_facts(session, talent_id, now, since=since, stored_aggregates=False)
    assert 0 < len(stored.posts) < len(load_facts(session, talent_id, now).posts)
    pd.testing.assert_frame_equal(stored.posts, scanned.posts, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(stored.comment_days, scanned.comment_days, check_exact=False, rtol=1e-12)
    assert stored.extreme_comments == scanned.extreme_comments
    assert (pd.to_datetime(stored.comment_days["day"]).dt.date >= since).all()
