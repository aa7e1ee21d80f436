"""The best-time table under the heatmap: every cell with its post count, the best one marked."""

from __future__ import annotations

from intel.analytics.result import BestTime, TimeSlot
from intel.views.tables import best_time_frame

SLOTS = (TimeSlot(0, 9, 3.0, 4), TimeSlot(1, 18, 9.0, 2))


def test_each_cell_keeps_its_post_count_and_only_the_best_slot_is_marked():
    frame = best_time_frame(BestTime(cells=SLOTS, best=SLOTS[0], timezone="America/New_York"))
    assert frame.to_dict("records") == [
        {"Weekday": "Monday", "Hour": "09:00", "Posts": 4, "Engagement %": 3.0, "Best": True},
        {"Weekday": "Tuesday", "Hour": "18:00", "Posts": 2, "Engagement %": 9.0, "Best": False},
    ]


def test_without_a_best_slot_nothing_is_marked_and_without_posts_the_table_is_empty():
    assert not best_time_frame(BestTime(cells=SLOTS, best=None, timezone="UTC"))["Best"].any()
    assert best_time_frame(None).empty and list(best_time_frame(None).columns) == [
        "Weekday", "Hour", "Posts", "Engagement %", "Best"]
