"""Roster rows only move forward: an older computation never replaces a newer summary (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from intel.analytics.compute import compute_for_talent
from intel.analytics.summary import save_summary
from intel.db.engine import session_factory
from intel.db.models import TalentSummary
from tests.factories import make_talent

NOW = datetime.now(UTC).replace(microsecond=0)


def computed(engine, talent: int, at: datetime):
    with session_factory(engine)() as session:
        return compute_for_talent(session, talent, at)


def stored(engine, talent: int) -> tuple[datetime, int]:
    with session_factory(engine)() as session:
        row = session.get(TalentSummary, talent)
        return row.computed_at, row.data_generation


def test_an_older_computation_saved_after_a_newer_one_leaves_the_newer_row(engine):
    talent = make_talent(engine)
    sessions = session_factory(engine)
    save_summary(sessions, computed(engine, talent, NOW))
    save_summary(sessions, computed(engine, talent, NOW - timedelta(minutes=5)))
    assert stored(engine, talent) == (NOW, 0)


def test_a_newer_computation_replaces_the_row(engine):
    talent = make_talent(engine)
    sessions = session_factory(engine)
    save_summary(sessions, computed(engine, talent, NOW - timedelta(minutes=5)))
    save_summary(sessions, computed(engine, talent, NOW))
    assert stored(engine, talent) == (NOW, 0)


def test_a_row_of_a_newer_data_generation_is_kept_even_against_a_later_clock(engine):
    talent = make_talent(engine)
    sessions = session_factory(engine)
    save_summary(sessions, computed(engine, talent, NOW - timedelta(minutes=5)), generation=2)
    save_summary(sessions, computed(engine, talent, NOW), generation=1)  # read the data before the last change
    assert stored(engine, talent) == (NOW - timedelta(minutes=5), 2)
    save_summary(sessions, computed(engine, talent, NOW - timedelta(minutes=1)), generation=3)
    assert stored(engine, talent) == (NOW - timedelta(minutes=1), 3)
