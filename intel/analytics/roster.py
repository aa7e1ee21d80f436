"""The roster: every visible talent with headline figures, read in bulk (two queries in all)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.db.connections import PlatformConnection
from intel.db.models import SocialProfile, Talent, TalentSummary


@dataclass(frozen=True)
class RosterRow:
    """One talent as the roster shows it; figures are None until its intelligence was computed, and stay
    None for a talent without data (it takes no part in rankings and percentiles)."""

    talent_id: int
    name: str
    handle: str
    category: str
    tier: str
    platforms: tuple[str, ...]
    is_demo: bool
    total_followers: int | None = None
    growth_30d_pct: float | None = None
    engagement_platform: str | None = None
    engagement_rate: float | None = None
    sentiment: float | None = None
    health: float | None = None
    computed_at: datetime | None = None
    newest_data_at: datetime | None = None
    is_stale: bool | None = None
    # Platforms whose connector lost its token: no data arrives from them until someone reconnects.
    needs_reconnect: tuple[str, ...] = ()

    @property
    def has_data(self) -> bool:
        """True when its figures were computed from at least one snapshot or post (a ranked population member)."""
        return self.computed_at is not None and self.newest_data_at is not None

    @property
    def state(self) -> str:
        """"not computed yet", "no data yet", "stale" or "fresh": what the row's figures are."""
        if self.computed_at is None:
            return "not computed yet"
        if self.newest_data_at is None:
            return "no data yet"
        return "stale" if self.is_stale else "fresh"


def load_roster(session: Session, talent_ids: Collection[int] | None = None) -> list[RosterRow]:
    """Every talent (or those in `talent_ids`) with connected platforms and stored headline figures."""
    query = select(Talent, TalentSummary).outerjoin(TalentSummary, TalentSummary.talent_id == Talent.id)
    if talent_ids is not None:
        query = query.where(Talent.id.in_(list(talent_ids)))
    rows = session.execute(query.order_by(Talent.name, Talent.id)).all()
    platforms, broken = _platforms_by_talent(session)
    return [_row(t, s, platforms.get(t.id, set()), broken.get(t.id, set())) for t, s in rows]


def _row(talent: Talent, summary: TalentSummary | None, platforms: set[str], broken: set[str]) -> RosterRow:
    base = RosterRow(talent.id, talent.name, talent.primary_handle, talent.category, talent.tier,
                     tuple(sorted(platforms)), talent.is_demo, needs_reconnect=tuple(sorted(broken)))
    if summary is None:
        return base
    return replace(
        base, is_demo=talent.is_demo or summary.is_demo, total_followers=summary.total_followers,
        growth_30d_pct=summary.growth_30d_pct,
        engagement_platform=summary.engagement_platform, engagement_rate=summary.engagement_rate,
        sentiment=summary.sentiment, health=summary.health, computed_at=summary.computed_at,
        newest_data_at=summary.newest_data_at, is_stale=summary.is_stale,
    )


def _platforms_by_talent(session: Session) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """Connected platforms per talent, and those among them whose connector needs reconnecting."""
    rows = session.execute(
        select(SocialProfile.talent_id, SocialProfile.platform, PlatformConnection.status)
        .outerjoin(PlatformConnection, PlatformConnection.profile_id == SocialProfile.id)
        .where(SocialProfile.connected)
    )
    result: dict[int, set[str]] = {}
    broken: dict[int, set[str]] = {}
    for talent_id, platform, status in rows:
        result.setdefault(talent_id, set()).add(platform)
        if status == "needs_reconnect":
            broken.setdefault(talent_id, set()).add(platform)
    return result, broken
