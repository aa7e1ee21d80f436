"""Each rule on hand-made series, and evaluation: one alert per condition, worse re-alerts, clearing, recipients,
mutes, and two evaluators racing — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from intel.alerts.db_rules import engagement_drop, spam_surge, sync_failing
from intel.alerts.evaluate import evaluate_computed, evaluate_talent
from intel.alerts.rules import follower_drop, level_for, negative_comments
from intel.analytics.compute import compute_for_talent
from intel.analytics.result import Metric
from intel.config import RuleThresholds, get_settings
from intel.db.alerts import Alert, AlertMute, AlertThreshold, InboxItem, TalentFollow
from intel.db.connections import PlatformConnection, SyncState
from intel.db.engine import session_factory, transaction
from intel.db.models import AdminActivity, Comment, FollowerSnapshot, SocialPost, SocialProfile, Talent, User

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LIMITS = RuleThresholds()


def _talent(engine: Engine, *, followers: list[int] | None = None, agent_id: int | None = None,
            name: str = "Ana", end: datetime = NOW) -> tuple[int, int]:
    """A talent with one Instagram profile and daily snapshots ending on `end`; (talent id, profile id)."""
    series = followers or [10_000] * 30
    with transaction(engine) as s:
        talent = Talent(name=name, primary_handle="@ana", agent_id=agent_id)
        profile = SocialProfile(talent=talent, platform="instagram", handle="ana", account_id=f"ig-{name}",
                                connected=True, last_synced_at=end)
        s.add_all([talent, profile])
        s.flush()
        for back, count in enumerate(reversed(series)):
            day = end.date() - timedelta(days=back)
            s.add(FollowerSnapshot(profile_id=profile.id, captured_on=day, followers=count,
                                   captured_at=datetime(day.year, day.month, day.day, tzinfo=UTC)))
        return talent.id, profile.id


def _posts(engine: Engine, profile_id: int, interactions: list[int], *, every_days: float = 3.0,
           newest_age_days: float = 2.5) -> list[int]:
    """Posts `every_days` apart, oldest first, the newest `newest_age_days` before NOW; their ids."""
    ids: list[int] = []
    with transaction(engine) as s:
        for i, count in enumerate(interactions):
            age = newest_age_days + (len(interactions) - 1 - i) * every_days
            post = SocialPost(profile_id=profile_id, platform="instagram", platform_post_id=f"p{profile_id}-{i}",
                              posted_at=NOW - timedelta(days=age), likes=count, comments=0, shares=0, saves=0)
            s.add(post)
            s.flush()
            ids.append(post.id)
    return ids


def _intel(engine: Engine, talent_id: int, now: datetime = NOW):
    with session_factory(engine)() as s:
        return compute_for_talent(s, talent_id, now)


def test_levels_double_with_the_excess() -> None:
    assert [level_for(x) for x in (0.5, 1.0, 1.9, 2.0, 3.9, 4.0, 100.0)] == [1, 1, 1, 2, 2, 3, 3]


def test_follower_drop_fires_at_two_percent_in_seven_days_with_its_figures(engine: Engine) -> None:
    flat, dropped = [10_000] * 23, [10_000, 9_950, 9_900, 9_850, 9_820, 9_800, 9_790]
    talent_id, _ = _talent(engine, followers=flat + dropped)
    (finding,) = follower_drop(_intel(engine, talent_id), LIMITS)
    assert (finding.rule, finding.scope, finding.level) == ("follower_drop", "instagram", 1)
    assert finding.figures["lost"] == 210 and finding.figures["percent"] == 2.1
    assert "lost 210 followers (2.1%) in 7 days" in finding.message
    assert follower_drop(_intel(engine, talent_id), replace(LIMITS, follower_drop_pct=2.5)) == []


def test_no_follower_drop_on_a_flat_or_growing_series(engine: Engine) -> None:
    talent_id, _ = _talent(engine, followers=[10_000 + 10 * d for d in range(30)])
    assert follower_drop(_intel(engine, talent_id), LIMITS) == []


def test_a_bigger_drop_is_a_higher_level(engine: Engine) -> None:
    talent_id, _ = _talent(engine, followers=[10_000] * 23 + [9_000] * 7)  # 10 %: 5× the threshold
    (finding,) = follower_drop(_intel(engine, talent_id), LIMITS)
    assert finding.level == 3


def test_engagement_drop_compares_the_last_six_settled_posts_with_the_posts_before_them(engine: Engine) -> None:
    talent_id, profile_id = _talent(engine)
    _posts(engine, profile_id, [1000] * 14 + [400] * 6)
    with session_factory(engine)() as s:
        (finding,) = engagement_drop(s, talent_id, "Ana", NOW, LIMITS)
    assert finding.scope == "instagram"
    assert finding.figures == {"platform": "instagram", "recent_share_of_usual": 0.4, "recent_median": 400.0,
                               "recent_n": 6, "baseline_median": 1000.0, "baseline_n": 14, "reference_n": 14,
                               "ratio_threshold": 0.5}
    assert "The last 6 Instagram posts" in finding.message and "40% of the usual" in finding.message


def test_engagement_drop_sees_a_slump_on_its_fifth_post_behind_one_ordinary_post(engine: Engine) -> None:
    talent_id, profile_id = _talent(engine)
    # Varied ordinary posts, then one more ordinary post and five at a quarter of the usual.
    ordinary = [800, 1200, 950, 1100, 700, 1300, 1000, 900, 1150, 1050, 850, 1250, 980, 1000]
    _posts(engine, profile_id, [*ordinary, 1000, 250, 240, 260, 230, 270])
    with session_factory(engine)() as s:
        (finding,) = engagement_drop(s, talent_id, "Ana", NOW, LIMITS)
    assert finding.figures["recent_n"] == 5 and finding.figures["recent_median"] == 250.0
    assert finding.figures["recent_share_of_usual"] == 0.25 and finding.level == 2


def test_engagement_drop_stays_quiet_on_ordinary_variation(engine: Engine) -> None:
    talent_id, profile_id = _talent(engine)
    # Halves and doubles of the usual in no order: weak posts among strong ones are not a slump.
    _posts(engine, profile_id, [1000, 500, 2000, 900, 450, 1800, 1100, 520, 2100, 950, 480, 1900, 1000, 550,
                                400, 1900, 450, 420, 2000, 380])
    with session_factory(engine)() as s:
        assert engagement_drop(s, talent_id, "Ana", NOW, LIMITS) == []


def test_engagement_drop_judges_each_post_against_its_own_format(engine: Engine) -> None:
    talent_id, profile_id = _talent(engine)
    # Ten reels and four stories, then six stories: a tenth of the usual post, but what stories draw.
    ids = _posts(engine, profile_id, [1000, 1000, 1000, 100] * 3 + [1000, 1000] + [100] * 6)
    with transaction(engine) as s:
        for post_id in ids:
            post = s.get_one(SocialPost, post_id)
            post.media_type = "reel" if post.likes == 1000 else "story"
    with session_factory(engine)() as s:
        assert engagement_drop(s, talent_id, "Ana", NOW, LIMITS) == []  # a story draws what stories draw


def test_engagement_drop_ignores_posts_younger_than_two_days(engine: Engine) -> None:
    talent_id, profile_id = _talent(engine)
    _posts(engine, profile_id, [1000] * 20)
    with transaction(engine) as s:
        for i in range(6):  # six fresh posts whose counters are still growing
            s.add(SocialPost(profile_id=profile_id, platform="instagram", platform_post_id=f"young-{i}",
                             posted_at=NOW - timedelta(hours=6 + i), likes=5))
    with session_factory(engine)() as s:
        assert engagement_drop(s, talent_id, "Ana", NOW, LIMITS) == []


def test_spam_surge_needs_the_recent_share_points_above_the_baseline(engine: Engine) -> None:
    talent_id, profile_id = _talent(engine)
    (post_id,) = _posts(engine, profile_id, [100], newest_age_days=40)
    with transaction(engine) as s:
        for i in range(100):  # baseline: 5 % spam, 8–35 days ago
            s.add(Comment(post_id=post_id, platform_comment_id=f"b{i}", created_at=NOW - timedelta(days=8 + i % 27),
                          kind="spam" if i < 5 else "substantive"))
        for i in range(40):  # last 7 days: 50 % spam or generic
            s.add(Comment(post_id=post_id, platform_comment_id=f"r{i}", created_at=NOW - timedelta(days=i % 6),
                          kind=("spam", "generic")[i % 2] if i < 20 else "substantive"))
    with session_factory(engine)() as s:
        (finding,) = spam_surge(s, talent_id, "Ana", NOW, LIMITS)
        assert finding.figures["recent_share"] == 50.0 and finding.figures["baseline_share"] == 5.0
        assert finding.level == 2  # 45 points: 3× the 15-point threshold
        assert spam_surge(s, talent_id, "Ana", NOW, replace(LIMITS, spam_points=50)) == []
        # Only what was known then: 10 days ago, the surge had not begun.
        assert spam_surge(s, talent_id, "Ana", NOW - timedelta(days=10), LIMITS) == []


def test_sync_failing_after_three_failures_or_when_reconnecting_is_needed(engine: Engine) -> None:
    talent_id, profile_id = _talent(engine)
    with transaction(engine) as s:
        s.add(PlatformConnection(profile_id=profile_id, platform="instagram"))
        s.add(SyncState(profile_id=profile_id, last_status="failed", consecutive_failures=2))
    with session_factory(engine)() as s:
        assert sync_failing(s, talent_id, "Ana", LIMITS) == []
        s.get(SyncState, profile_id).consecutive_failures = 3  # type: ignore[union-attr]
        (finding,) = sync_failing(s, talent_id, "Ana", LIMITS)
        assert "failed 3 times in a row" in finding.message


def test_negative_comments_uses_the_talent_baseline_and_the_threshold(engine: Engine) -> None:
    talent_id, _ = _talent(engine)
    intel = _intel(engine, talent_id)

    def warned(recent: float, n: int, base: float):
        ew = replace(intel.sentiment.early_warning, recent_negative_share=Metric(recent, n, "", "measured"),
                     baseline_negative_share=Metric(base, 200, "", "measured"))
        return negative_comments(replace(intel, sentiment=replace(intel.sentiment, early_warning=ew)), LIMITS)

    assert warned(30.0, 50, 10.0)[0].figures == {"recent_share": 30.0, "recent_n": 50, "baseline_share": 10.0,
                                                 "baseline_n": 200, "ratio_threshold": 1.5}
    assert warned(18.0, 50, 10.0) == []  # 1.8× but only 8 points above
    assert warned(30.0, 19, 10.0) == []  # too few comments
    assert warned(30.0, 50, 25.0) == []  # 1.2×


def _people(engine: Engine) -> dict[str, int]:
    with transaction(engine) as s:
        users = {role: User(email=f"{role}@x.example", display_name=role, role=kind)
                 for role, kind in (("agent", "agent"), ("other", "agent"), ("manager", "manager"),
                                    ("muted", "manager"))}
        s.add_all(users.values())
        s.flush()
        return {k: u.id for k, u in users.items()}


def test_one_alert_while_it_lasts_worse_re_alerts_and_cleared_for_days_reopens(engine: Engine) -> None:
    people = _people(engine)
    settings = get_settings({})
    talent_id, profile_id = _talent(engine, followers=[10_000] * 23 + [9_750] * 7, agent_id=people["agent"])
    with transaction(engine) as s:
        s.add_all([TalentFollow(user_id=people["manager"], talent_id=talent_id),
                   TalentFollow(user_id=people["muted"], talent_id=talent_id),
                   AlertMute(user_id=people["muted"], talent_id=talent_id, rule="follower_drop")])
    sessions = session_factory(engine)
    intel = _intel(engine, talent_id)
    assert evaluate_computed(sessions, settings, intel, NOW) == 1
    assert evaluate_computed(sessions, settings, intel, NOW + timedelta(hours=1)) == 0  # the same condition
    with sessions() as s:
        alert = s.scalars(select(Alert)).one()
        assert (alert.rule, alert.scope, alert.level, alert.cleared_at) == ("follower_drop", "instagram", 1, None)
        inboxes = set(s.scalars(select(InboxItem.user_id)))
        assert inboxes == {people["agent"], people["manager"]}  # not the other agent, not the muted manager
        assert s.scalar(select(func.count()).select_from(AdminActivity)
                        .where(AdminActivity.action == "alert_raised")) == 1
    # Worse: 9 % is level 3.
    with transaction(engine) as s:
        s.query(FollowerSnapshot).filter(FollowerSnapshot.profile_id == profile_id,
                                         FollowerSnapshot.captured_on == NOW.date()).update({"followers": 9_100})
    assert evaluate_computed(sessions, settings, _intel(engine, talent_id), NOW) == 1
    # Cleared: recovered; then a new drop opens a new episode.
    with transaction(engine) as s:
        s.query(FollowerSnapshot).filter(FollowerSnapshot.profile_id == profile_id).update({"followers": 10_000})
    recovered = _intel(engine, talent_id)
    assert evaluate_computed(sessions, settings, recovered, NOW) == 0
    with sessions() as s:
        assert all(a.cleared_at == NOW for a in s.scalars(select(Alert)))
    with transaction(engine) as s:
        s.query(FollowerSnapshot).filter(FollowerSnapshot.profile_id == profile_id,
                                         FollowerSnapshot.captured_on == NOW.date()).update({"followers": 9_700})
    back = _intel(engine, talent_id)
    # Back the next day: the same episode, its alerts open again, nobody alerted twice.
    assert evaluate_computed(sessions, settings, back, NOW + timedelta(days=1)) == 0
    with sessions() as s:
        assert {a.cleared_at for a in s.scalars(select(Alert))} == {None}
    assert evaluate_computed(sessions, settings, recovered, NOW + timedelta(days=2)) == 0  # clear again
    # Back after days of being clear: a new episode, alerted.
    assert evaluate_computed(sessions, settings, back, NOW + timedelta(days=6)) == 1
    with sessions() as s:
        keys = sorted(s.scalars(select(Alert.dedup_key)))
    assert keys == [f"{talent_id}:follower_drop:instagram:1:1", f"{talent_id}:follower_drop:instagram:1:3",
                    f"{talent_id}:follower_drop:instagram:2:1"]


def test_a_per_talent_threshold_replaces_the_setting(engine: Engine) -> None:
    talent_id, _ = _talent(engine, followers=[10_000] * 23 + [9_750] * 7)
    with transaction(engine) as s:
        s.add(AlertThreshold(talent_id=talent_id, rule="follower_drop", value=5.0, set_by="manager@x.example"))
    with session_factory(engine).begin() as s:
        assert evaluate_talent(s, _intel(engine, talent_id), NOW, get_settings({})) == []


def test_two_evaluators_of_the_same_computation_raise_one_alert(engine: Engine) -> None:
    talent_id, _ = _talent(engine, followers=[10_000] * 23 + [9_700] * 7)
    intel, settings, sessions = _intel(engine, talent_id), get_settings({}), session_factory(engine)
    barrier, counts = threading.Barrier(2), []

    def run() -> None:
        barrier.wait()
        counts.append(evaluate_computed(sessions, settings, intel, NOW))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Alert)) == 1
    assert sorted(counts) == [0, 1]


def test_every_full_computation_through_the_provider_is_evaluated(live) -> None:
    engine = live.engine
    talent_id, _ = _talent(engine, followers=[10_000] * 23 + [9_700] * 7, name="Bea", end=datetime.now(UTC))
    live.provider.get(talent_id)
    with session_factory(engine)() as s:
        assert [a.rule for a in s.scalars(select(Alert).where(Alert.talent_id == talent_id))] == ["follower_drop"]
