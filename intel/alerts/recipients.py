"""Who hears of a talent's alert: its agent, and the managers who follow it, unless they muted the rule."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.db.alerts import AlertMute, TalentFollow
from intel.db.models import Talent, User


def recipients(session: Session, talent_id: int, rule: str) -> list[User]:
    """Active agent of the talent and active managers following it, minus those who muted `rule` for it."""
    talent = session.get(Talent, talent_id)
    if talent is None:
        return []
    people: dict[int, User] = {}
    if talent.agent is not None and talent.agent.is_active:
        people[talent.agent.id] = talent.agent
    followers = session.scalars(select(User).join(TalentFollow, TalentFollow.user_id == User.id)
                                .where(TalentFollow.talent_id == talent_id, User.is_active.is_(True),
                                       User.role.in_(("manager", "admin")))).all()
    people.update({u.id: u for u in followers})
    muted = set(session.scalars(select(AlertMute.user_id)
                                .where(AlertMute.talent_id == talent_id, AlertMute.rule == rule)))
    return [u for uid, u in sorted(people.items()) if uid not in muted]
