"""The weekly digest on both databases: its figures and their changes, whose talents it covers, demo and real
never together, queued once per person and week after Monday 08:00, and delivered as an email."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from intel.alerts.deliver import deliver_due
from intel.alerts.digest import build_digest
from intel.alerts.digest_mail import queue_digests
from intel.db.alerts import AlertPreference, Delivery, TalentFollow
from intel.db.engine import session_factory, transaction
from intel.db.models import SocialPost, SocialProfile, Talent, User
from tests.alerts.delivery_setup import PUBLIC_URL, alert_settings, cast, dropping_talent, raise_alerts
from tests.smtp_server import SmtpServer

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # ISO week 2026-W48, after the 08:00 digest time (UTC)


@pytest.fixture
def smtp(tmp_path) -> Iterator[SmtpServer]:
    server = SmtpServer(tmp_path).start()
    yield server
    server.stop()


def _with_posts(engine: Engine, talent_id: int) -> None:
    with transaction(engine) as s:
        profile = s.scalars(select(SocialProfile).where(SocialProfile.talent_id == talent_id)).one()
        for days, likes in ((2, 400), (4, 900), (20, 300)):
            s.add(SocialPost(profile_id=profile.id, platform="instagram", platform_post_id=f"{talent_id}-{days}",
                             posted_at=MONDAY - timedelta(days=days), caption=f"Post <i>{days}</i>", likes=likes,
                             comments=10, shares=0, saves=0, media_type="image"))


def _user(engine: Engine, user_id: int) -> User:
    with session_factory(engine)() as s:
        return s.get_one(User, user_id)


def test_a_digest_states_each_figure_its_weekly_change_the_best_post_and_open_alerts(engine) -> None:
    people = cast(engine)
    talent = dropping_talent(engine, people.agent, end=MONDAY)
    _with_posts(engine, talent)
    raise_alerts(engine, talent, alert_settings(None), MONDAY)
    with session_factory(engine)() as s:
        digest = build_digest(s, _user(engine, people.agent), "2026-W48", MONDAY)
    assert digest is not None and [t.name for t in digest.talents] == ["Ana"]
    [week] = digest.talents
    figures = {c.label: (c.now, c.change) for c in week.changes}
    assert figures["Followers"] == ("9,700 (n = 1 profile)", "-300 (-3.0%)")
    now, change = figures["Engagement rate (Instagram)"]
    assert now.endswith("posts)") and change.endswith(" points")
    assert figures["Comment sentiment (0–1)"] == ("unavailable", "unavailable")  # no comments: never 0
    assert week.best_post is not None and "900 likes" in week.best_post  # the week's best, not the older one
    assert week.open_alerts == ("Ana: Instagram followers down 3.0%",)


def test_an_agent_gets_their_talents_a_manager_the_followed_ones_or_the_whole_roster(engine) -> None:
    people = cast(engine)
    mine, theirs = (dropping_talent(engine, people.agent, end=MONDAY),
                    dropping_talent(engine, people.other, name="Bo", end=MONDAY))
    with session_factory(engine)() as s:
        names = {who: [t.name for t in build_digest(s, _user(engine, uid), "w", MONDAY).talents]  # type: ignore[union-attr]
                 for who, uid in (("agent", people.agent), ("other", people.other), ("manager", people.manager))}
    assert names == {"agent": ["Ana"], "other": ["Bo"], "manager": ["Ana", "Bo"]}
    with transaction(engine) as s:
        s.add(TalentFollow(user_id=people.manager, talent_id=theirs))
        s.add(Talent(name="Demo Dana", primary_handle="@dana", is_demo=True))
    with session_factory(engine)() as s:
        digest = build_digest(s, _user(engine, people.manager), "w", MONDAY)
    assert digest is not None and [t.name for t in digest.talents] == ["Bo"] and not digest.is_demo
    assert mine != theirs


def test_demo_talents_alone_make_a_labelled_demo_digest_never_mixed_with_real_ones(engine) -> None:
    people = cast(engine)
    with transaction(engine) as s:
        s.add(Talent(name="Demo Dana", primary_handle="@dana", is_demo=True))
    with session_factory(engine)() as s:
        digest = build_digest(s, _user(engine, people.manager), "w", MONDAY)
        assert digest is not None and digest.is_demo and [t.name for t in digest.talents] == ["Demo Dana"]
    dropping_talent(engine, people.agent, end=MONDAY)
    with session_factory(engine)() as s:
        digest = build_digest(s, _user(engine, people.manager), "w", MONDAY)
    assert digest is not None and not digest.is_demo and [t.name for t in digest.talents] == ["Ana"]


def test_digests_are_queued_once_per_person_and_week_after_monday_eight_and_arrive_by_email(engine, smtp) -> None:
    people = cast(engine)
    settings = alert_settings(smtp.settings())
    talent = dropping_talent(engine, people.agent, end=MONDAY)
    _with_posts(engine, talent)
    with transaction(engine) as s:
        s.add(AlertPreference(user_id=people.other, digest_enabled=False))
    sessions = session_factory(engine)
    assert queue_digests(sessions, settings, MONDAY - timedelta(hours=1, minutes=1)) == 0  # 07:59: not yet
    # The agent and the manager (whole roster); the other agent switched the digest off.
    assert queue_digests(sessions, settings, MONDAY) == 2
    assert queue_digests(sessions, settings, MONDAY + timedelta(hours=5)) == 0
    with sessions() as s:
        keys = sorted(s.scalars(select(Delivery.key)))
    assert keys == [f"digest:{people.agent}:2026-W48:email", f"digest:{people.manager}:2026-W48:email"]
    assert deliver_due(sessions, settings, worker="t", now=lambda: MONDAY).sent == 2
    [mail] = smtp.box.to("agent@agency.test")
    assert mail["Subject"] == "Weekly digest 2026-W48: 1 talents"
    assert mail["List-Unsubscribe"].startswith(f"<{PUBLIC_URL}/unsubscribe/{people.agent}.digest.")
    text = mail.get_body(("plain",)).get_content()
    assert "== Ana ==" in text and "Followers: 9,700 (n = 1 profile); change over the week: -300 (-3.0%)" in text
    html = mail.get_body(("html",)).get_content()
    assert "Post &lt;i&gt;4&lt;/i&gt;" in html  # a caption is user text
    # Next week is another digest.
    assert queue_digests(sessions, settings, MONDAY + timedelta(days=7)) == 2
