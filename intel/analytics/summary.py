"""Headline figures of a computed intelligence, stored per talent for the roster's bulk read.

A row is only ever replaced by a newer computation: one of a newer data generation, or of the
same generation computed no earlier. A computation that finishes late never rolls the roster back.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TypedDict

from sqlalchemy import and_, or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from intel.analytics.result import SocialIntelligence
from intel.db.engine import rowcount
from intel.db.models import TalentSummary

log = logging.getLogger(__name__)


class SummaryRow(TypedDict):
    """A TalentSummary row's values (see `intel.db.models.TalentSummary`)."""

    talent_id: int
    computed_at: datetime
    is_demo: bool
    total_followers: int | None
    growth_30d_pct: float | None
    engagement_platform: str | None
    engagement_rate: float | None
    sentiment: float | None
    health: float | None
    newest_data_at: datetime | None
    is_stale: bool


def summarize(intel: SocialIntelligence) -> SummaryRow:
    """The roster's figures of one intelligence value (pure), keyed by TalentSummary column."""
    overview = intel.overview
    platforms = overview.platforms
    largest = max(platforms, key=lambda p: platforms[p].followers.value or -1, default=None)
    growth_30 = next((g for g in overview.total_growth if g.days == 30), None)
    fresh = intel.freshness
    newest = max(filter(None, [fresh.newest_post_at, fresh.newest_snapshot_on]), default=None)
    return {
        "talent_id": intel.talent_id,
        "computed_at": datetime.fromisoformat(intel.computed_at),
        "is_demo": intel.is_demo,
        "total_followers": _int(overview.total_followers.value),
        "growth_30d_pct": None if growth_30 is None else growth_30.percent.value,
        "engagement_platform": largest,
        "engagement_rate": None if largest is None else platforms[largest].engagement_rate.value,
        "sentiment": intel.sentiment.overall.value,
        "health": intel.community.health.score.value,
        "newest_data_at": None if newest is None else _aware(newest),
        "is_stale": fresh.is_stale,
    }


def save_summary(sessions: sessionmaker[Session], intel: SocialIntelligence, generation: int = 0) -> None:
    """Upsert the talent's summary row unless the stored one is newer; a failure is logged, never raised."""
    row = summarize(intel) | {"data_generation": generation}
    try:
        with sessions.begin() as session:
            insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
            stmt = insert(TalentSummary).values(**row)
            stored, new = TalentSummary.__table__.c, stmt.excluded
            newer = or_(stored.data_generation < new.data_generation,
                        and_(stored.data_generation == new.data_generation, stored.computed_at <= new.computed_at))
            result = session.execute(stmt.on_conflict_do_update(
                index_elements=["talent_id"], set_={k: new[k] for k in row if k != "talent_id"}, where=newer))
            if rowcount(result) == 0:
                log.info("summary of talent=%s not replaced: the stored row is newer", intel.talent_id)
    except SQLAlchemyError as exc:
        log.error("summary write failed talent=%s: %s", intel.talent_id, exc)


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def _aware(text: str) -> datetime:
    stamp = datetime.fromisoformat(text)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
