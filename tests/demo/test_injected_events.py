"""Injected demo events: written where and when they were asked for, on a calm roster, and the usual roster
unchanged when none are asked for."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from intel.db.engine import make_engine, session_factory
from intel.db.migrate import upgrade
from intel.db.models import Comment, FollowerSnapshot, SocialPost, SocialProfile, Talent
from intel.demo.events import InjectedEvent, drop_start, schedule_events, slump_start
from intel.demo.generate import load_demo
from intel.demo.text import TALENTS

TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def injected(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('inj') / 'demo.db'}")
    upgrade(engine)
    events = [InjectedEvent("Maya Chen", "backlash", TODAY - timedelta(days=60)),
              InjectedEvent("Maya Chen", "follower_drop", TODAY - timedelta(days=30), "tiktok"),
              InjectedEvent("Kenji Watanabe", "spam_wave", TODAY - timedelta(days=40)),
              InjectedEvent("Kenji Watanabe", "engagement_slump", TODAY - timedelta(days=100))]
    summary = load_demo(engine, today=TODAY, events=events)
    yield engine, summary
    engine.dispose()


def _profile(session, name: str, platform: str) -> int:
    return session.scalar(select(SocialProfile.id).join(Talent).where(Talent.name == name,
                                                                      SocialProfile.platform == platform))


def test_each_event_is_placed_with_the_day_the_data_first_shows_it(injected) -> None:
    _, summary = injected
    placed = {(e.talent, e.kind): e for e in summary.events}
    assert placed[("Maya Chen", "follower_drop")].platform == "tiktok"
    assert placed[("Maya Chen", "backlash")].detectable_on == TODAY - timedelta(days=60)
    slump = placed[("Kenji Watanabe", "engagement_slump")]
    assert slump.platform == "instagram" and slump.detectable_on > slump.start


def test_the_follower_drop_and_the_backlash_are_in_the_data(injected) -> None:
    engine, _ = injected
    with session_factory(engine)() as s:
        tiktok = _profile(s, "Maya Chen", "tiktok")
        day = TODAY - timedelta(days=30)
        before, after = (s.scalar(select(FollowerSnapshot.followers).where(FollowerSnapshot.profile_id == tiktok,
                                                                          FollowerSnapshot.captured_on == d))
                         for d in (day - timedelta(days=1), day + timedelta(days=2)))
        assert after < before * 0.94  # 7.5 % lost over three snapshots, against a little organic growth
        lead = s.scalar(select(SocialPost.id).where(
            SocialPost.profile_id == _profile(s, "Maya Chen", "instagram"),
            SocialPost.posted_at == datetime.combine(TODAY - timedelta(days=60), datetime.min.time(), UTC)
            + timedelta(hours=3)))
        labels = s.execute(select(Comment.sentiment_label, func.count()).where(Comment.post_id == lead)
                           .group_by(Comment.sentiment_label)).all()
        assert sum(n for _, n in labels) == 80 and dict(labels).get("negative", 0) >= 40


def test_a_scheduled_year_gives_each_talent_every_kind_well_apart() -> None:
    events = schedule_events(3, [(t.name, t.platforms) for t in TALENTS if t.connected], TODAY)
    per_talent = {t.name: sorted(e.kind for e in events if e.talent == t.name) for t in TALENTS if t.connected}
    assert all(kinds == ["backlash", "engagement_slump", "follower_drop", "spam_wave"]
               for kinds in per_talent.values())
    starts = sorted(e.start for e in events if e.talent == "Maya Chen")
    assert all((b - a).days >= 45 for a, b in itertools.pairwise(starts))


def test_a_slump_waits_for_the_posts_the_engagement_rule_judges_it_by() -> None:
    start = date(2026, 3, 1)
    weekly = [datetime(2026, 1, 1, 12, tzinfo=UTC) + timedelta(days=7 * k) for k in range(30)]  # 11th: Mar 12
    assert slump_start(weekly, start) == date(2026, 3, 13)
    daily = [datetime(2026, 1, 1, 12, tzinfo=UTC) + timedelta(days=k) for k in range(90)]
    assert slump_start(daily, start) == start  # 11 posts before it already
    assert slump_start(weekly[:5], start) == start  # too few posts at all: left where it was drawn


def test_a_follower_drop_is_not_hidden_inside_a_viral_spike() -> None:
    spike = date(2026, 9, 10)
    assert drop_start(date(2026, 9, 10), spike) == date(2026, 9, 22)  # the spike's week is out of the window
    assert drop_start(date(2026, 9, 1), spike) == date(2026, 9, 22)  # its 7-day window would hold the spike
    assert drop_start(date(2026, 8, 20), spike) == date(2026, 8, 20)
    assert drop_start(date(2026, 9, 22), spike) == date(2026, 9, 22)
    assert drop_start(date(2026, 9, 10), None) == date(2026, 9, 10)
