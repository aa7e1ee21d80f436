"""Best time to post, in the talent's time zone: wall-clock hours across a DST change, post counts per cell,
and "best" only for a cell with enough posts. On SQLite and PostgreSQL."""

from __future__ import annotations

from intel.analytics.compute import compute_for_talent
from intel.analytics.content import BEST_SLOT_MIN_POSTS, METHOD
from intel.analytics.result import BestTime, TimeSlot
from tests.factories import DST_NOW, dst_talent

MONDAY, TUESDAY = 0, 1


def best_time(session, talent_id: int, default: str = "UTC") -> BestTime:
    return compute_for_talent(session, talent_id, DST_NOW, default_timezone=default).content.best_time["instagram"]


def cells(section: BestTime) -> dict[tuple[int, int], int]:
    """(weekday, hour) -> posts."""
    return {(c.weekday, c.hour): c.posts for c in section.cells}


def test_posts_at_the_same_local_hour_share_one_cell_on_both_sides_of_the_dst_change(session):
    section = best_time(session, dst_talent(session))
    assert section.timezone == "America/New_York"
    # 14:30 UTC in February and 13:30 UTC after 8 March are both 09:30 in New York.
    assert cells(section) == {(MONDAY, 9): 4, (TUESDAY, 18): 2}
    assert section.best == TimeSlot(weekday=MONDAY, hour=9, engagement_rate=3.0, posts=4)


def test_a_cell_with_fewer_posts_than_the_minimum_is_never_the_best_even_with_the_higher_rate(session):
    section = best_time(session, dst_talent(session))
    tuesday = next(c for c in section.cells if (c.weekday, c.hour) == (TUESDAY, 18))
    assert tuesday.posts == 2 < BEST_SLOT_MIN_POSTS
    assert tuesday.engagement_rate > section.best.engagement_rate
    assert section.best.posts >= BEST_SLOT_MIN_POSTS


def test_without_a_cell_of_three_posts_there_is_no_best_slot_but_every_cell_keeps_its_count(session):
    # In UTC the Monday posts split 2 + 2 across 13:00 and 14:00: every cell has 2 posts, none is the best.
    section = best_time(session, dst_talent(session, timezone="UTC"))
    assert cells(section) == {(MONDAY, 14): 2, (MONDAY, 13): 2, (TUESDAY, 23): 1, (TUESDAY, 22): 1}
    assert section.best is None


def test_a_talent_without_its_own_zone_uses_the_configured_default(session):
    talent = dst_talent(session, timezone=None)
    section = best_time(session, talent, default="America/New_York")
    assert section.timezone == "America/New_York" and cells(section) == {(MONDAY, 9): 4, (TUESDAY, 18): 2}
    assert best_time(session, talent, default="UTC").timezone == "UTC"


def test_the_talents_own_zone_wins_over_the_default(session):
    section = best_time(session, dst_talent(session, timezone="Asia/Tokyo"), default="America/New_York")
    # Tokyo has no DST: 14:30 UTC is 23:30, 13:30 UTC is 22:30 (Monday); the Tuesday posts fall on Wednesday.
    assert section.timezone == "Asia/Tokyo"
    assert cells(section) == {(MONDAY, 23): 2, (MONDAY, 22): 2, (2, 8): 1, (2, 7): 1}


def test_the_method_names_the_talents_zone_not_utc():
    assert "UTC" not in METHOD["best_time"] and "time zone" in METHOD["best_time"]


def test_a_stored_zone_the_tz_database_does_not_know_falls_back_to_the_default(session, caplog):
    # Only SQL written around the import and the talent page can store one; the result stays computable.
    section = best_time(session, dst_talent(session, timezone="Mars/Olympus_Mons"), default="America/New_York")
    assert section.timezone == "America/New_York"
    assert "unknown time zone 'Mars/Olympus_Mons'" in caplog.text
