"""The weekly digest: for each of a person's talents, the week's change in followers, engagement, sentiment and
community health, the best post of the week and the open alerts.

Whose talents: an agent's own; a manager's (or admin's) followed talents, or the whole roster when they follow
none ("one email on Monday about the whole roster"). Demo and real talents never share a digest: it holds the
real talents, and only a database with no real talent at all gets a digest of its demo roster, labelled so.
Each change compares the figure now with the same figure computed as of seven days earlier; it is
"unavailable" unless both exist, and every figure keeps its sample size and whether it is an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.analytics.compute import compute_for_talent
from intel.analytics.result import Metric, SocialIntelligence, platform_label
from intel.analytics.window import Window, compute_for_window
from intel.db.alerts import Alert, AlertCondition, TalentFollow
from intel.db.models import Talent, User

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Change:
    """A figure now and a week before, in words: "3.1% (n = 12 posts), +0.4 points"."""

    label: str
    now: str
    change: str
    estimated: bool


@dataclass(frozen=True)
class TalentWeek:
    """One talent's week in the digest."""

    talent_id: int
    name: str
    has_data: bool
    changes: tuple[Change, ...]
    best_post: str | None
    open_alerts: tuple[str, ...]


@dataclass(frozen=True)
class Digest:
    """One person's digest for one ISO week."""

    user_id: int
    display_name: str
    week: str
    is_demo: bool
    talents: tuple[TalentWeek, ...]


def digest_talents(session: Session, user: User) -> list[Talent]:
    """The talents a person's digest covers (see the module docstring), by name."""
    if user.role == "agent":
        query = select(Talent).where(Talent.agent_id == user.id)
    else:
        followed = select(TalentFollow.talent_id).where(TalentFollow.user_id == user.id)
        query = select(Talent)
        if session.scalar(followed.limit(1)) is not None:
            query = query.where(Talent.id.in_(followed))
    talents = list(session.scalars(query.order_by(Talent.name, Talent.id)))
    real = [t for t in talents if not t.is_demo]
    return real if real or session.scalar(select(Talent.id).where(Talent.is_demo.is_(False)).limit(1)) else talents


def build_digest(session: Session, user: User, week: str, now: datetime, *, zone: str = "UTC") -> Digest | None:
    """The person's digest as of `now`; None when they have no talents to report on."""
    talents = digest_talents(session, user)
    if not talents:
        return None
    weeks = tuple(talent_week(session, t, now, zone) for t in talents)
    return Digest(user.id, user.display_name, week, all(t.is_demo for t in talents), weeks)


def talent_week(session: Session, talent: Talent, now: datetime, zone: str) -> TalentWeek:
    """One talent's figures now against a week before, its best post of the week and its open alerts."""
    current = compute_for_talent(session, talent.id, now, default_timezone=zone)
    before = compute_for_talent(session, talent.id, now - WEEK, default_timezone=zone)
    week = compute_for_window(session, talent.id, Window.last(7, now.date()), now=now, default_timezone=zone)
    return TalentWeek(talent.id, talent.name, current.has_data, _changes(current, before),
                      best_post(week), open_alerts(session, talent.id))


def _changes(current: SocialIntelligence, before: SocialIntelligence) -> tuple[Change, ...]:
    growth = next((g for g in current.overview.total_growth if g.days == 7), None)
    followers = current.overview.total_followers
    follower_change = ("unavailable" if growth is None or growth.absolute.value is None else
                       f"{growth.absolute.value:+,.0f}" + (f" ({growth.percent.value:+.1f}%)"
                                                           if growth.percent.value is not None else ""))
    platform = _primary(current)
    engagement = [current.overview.platforms[platform].engagement_rate if platform else None,
                  before.overview.platforms[platform].engagement_rate
                  if platform and platform in before.overview.platforms else None]
    label = f"Engagement rate ({platform_label(platform)})" if platform else "Engagement rate"
    return (
        Change("Followers", _figure(followers, "{:,.0f}", "profile"), follower_change, _estimated(followers)),
        _compare(label, engagement[0], engagement[1], "{:.2f}%", "post", "{:+.2f} points"),
        _compare("Comment sentiment (0–1)", current.sentiment.comments, before.sentiment.comments, "{:.2f}",
                 "comment", "{:+.2f}"),
        _compare("Community health (0–100)", current.community.health.score, before.community.health.score,
                 "{:.0f}", "component", "{:+.0f}"),
    )


def _primary(intel: SocialIntelligence) -> str | None:
    """The platform with the most followers (the talent's main audience)."""
    ranked = sorted(((o.followers.value or 0.0, p) for p, o in intel.overview.platforms.items()), reverse=True)
    return ranked[0][1] if ranked else None


def _compare(label: str, now: Metric | None, before: Metric | None, form: str, unit: str, delta: str) -> Change:
    if now is None:
        return Change(label, "unavailable", "unavailable", False)
    change = "unavailable"
    if now.value is not None and before is not None and before.value is not None:
        change = delta.format(now.value - before.value)
        if not change.strip("+-0. points"):  # rounds to nothing: "-0" would suggest a fall
            change = "no change"
    return Change(label, _figure(now, form, unit), change, _estimated(now))


def _figure(metric: Metric, form: str, unit: str) -> str:
    if metric.value is None:
        return "unavailable"
    return f"{form.format(metric.value)} (n = {metric.n:,} {unit if metric.n == 1 else unit + 's'})"


def _estimated(metric: Metric) -> bool:
    return metric.status == "estimated"


def best_post(week: SocialIntelligence) -> str | None:
    """The post of the week's window with the highest engagement rate, in words; None when there was none."""
    if not week.content.top_posts:
        return None
    post = week.content.top_posts[0]  # ranked by engagement rate
    first = post.caption.strip().split("\n", 1)[0]  # the caption's first line; hashtags usually follow
    caption = first if len(first) <= 80 else first[:79] + "…"
    return (f"{platform_label(post.platform)} {post.media_type} of {post.posted_at[:10]}: "
            f"{post.engagement_rate:.2f}% engagement, {post.likes:,} likes, {post.comments:,} comments — {caption}")


def open_alerts(session: Session, talent_id: int) -> tuple[str, ...]:
    """The titles of the talent's conditions still open, with the latest alert of each."""
    conditions = session.scalars(select(AlertCondition).where(AlertCondition.talent_id == talent_id,
                                                              AlertCondition.is_open.is_(True))
                                 .order_by(AlertCondition.opened_at)).all()
    titles = []
    for c in conditions:
        title = session.scalar(select(Alert.title).where(Alert.talent_id == talent_id, Alert.rule == c.rule,
                                                         Alert.scope == c.scope)
                               .order_by(Alert.raised_at.desc(), Alert.id.desc()).limit(1))
        titles.append(title or c.rule)
    return tuple(titles)
