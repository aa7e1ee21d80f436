"""The roster: every talent with its headline figures, read in bulk (one query per table)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intel.models import FollowerSnapshot, SocialProfile, Talent


@dataclass(frozen=True)
class RosterRow:
    """One talent as the roster shows it."""

    talent_id: int
    name: str
    handle: str
    category: str
    tier: str
    platforms: tuple[str, ...]
    total_followers: int | None
    is_demo: bool


def load_roster(session: Session, talent_ids: set[int] | None = None) -> list[RosterRow]:
    """Every talent (or those in `talent_ids`) with connected platforms and latest total followers."""
    talents_q = select(Talent).order_by(Talent.name, Talent.id)
    if talent_ids is not None:
        talents_q = talents_q.where(Talent.id.in_(talent_ids))
    talents = session.scalars(talents_q).all()
    platforms = _platforms_by_talent(session)
    followers = _latest_followers_by_talent(session)
    return [
        RosterRow(
            talent_id=t.id,
            name=t.name,
            handle=t.primary_handle,
            category=t.category,
            tier=t.tier,
            platforms=tuple(sorted(platforms.get(t.id, ()))),
            total_followers=followers.get(t.id),
            is_demo=t.is_demo,
        )
        for t in talents
    ]


def _platforms_by_talent(session: Session) -> dict[int, set[str]]:
    rows = session.execute(
        select(SocialProfile.talent_id, SocialProfile.platform).where(SocialProfile.connected)
    )
    result: dict[int, set[str]] = {}
    for talent_id, platform in rows:
        result.setdefault(talent_id, set()).add(platform)
    return result


def _latest_followers_by_talent(session: Session) -> dict[int, int]:
    latest = (
        select(FollowerSnapshot.profile_id, func.max(FollowerSnapshot.captured_on).label("day"))
        .group_by(FollowerSnapshot.profile_id)
        .subquery()
    )
    query = (
        select(SocialProfile.talent_id, func.sum(FollowerSnapshot.followers))
        .join(latest, latest.c.profile_id == FollowerSnapshot.profile_id)
        .join(SocialProfile, SocialProfile.id == FollowerSnapshot.profile_id)
        .where(FollowerSnapshot.captured_on == latest.c.day, SocialProfile.connected)
        .group_by(SocialProfile.talent_id)
    )
    return {talent_id: int(total) for talent_id, total in session.execute(query)}
