"""Deliverables: done, due and overdue, counted in the agency's zone."""

from datetime import UTC, date, datetime

from intel.campaigns.deliverables import DeliverableSpec, DeliveredPost, counts, statuses

REEL = ("instagram", "reel")


def spec(i: int, due: date, count: int = 1, kind: tuple[str, str] = REEL) -> DeliverableSpec:
    return DeliverableSpec(i, talent_id=1, platform=kind[0], media_type=kind[1], count=count, due_on=due)


def post(i: int, at: datetime, kind: tuple[str, str] = REEL, talent: int = 1) -> DeliveredPost:
    return DeliveredPost(i, talent, kind[0], kind[1], at)


def test_two_deliverables_of_one_format_need_two_posts_earliest_due_first():
    specs = [spec(2, date(2026, 6, 20)), spec(1, date(2026, 6, 5))]
    found = statuses(specs, [post(10, datetime(2026, 6, 3, 12, tzinfo=UTC))],
                     now=datetime(2026, 6, 25, tzinfo=UTC), zone="UTC")
    by_id = {s.spec.id: s for s in found}
    assert by_id[1].state == "done" and by_id[1].post_ids == (10,)
    assert by_id[2].state == "overdue" and by_id[2].days_overdue == 5
    assert counts(found).done == 1 and counts(found).overdue == 1 and counts(found).total == 2


def test_a_post_of_another_format_platform_or_talent_does_not_count():
    found = statuses([spec(1, date(2026, 6, 5))], [
        post(1, datetime(2026, 6, 1, tzinfo=UTC), ("instagram", "image")),
        post(2, datetime(2026, 6, 1, tzinfo=UTC), ("tiktok", "reel")),
        post(3, datetime(2026, 6, 1, tzinfo=UTC), talent=2),
    ], now=datetime(2026, 6, 2, tzinfo=UTC), zone="UTC")
    assert found[0].state == "due" and found[0].delivered == 0 and found[0].days_overdue is None


def test_overdue_starts_the_day_after_the_due_date_in_the_agency_zone():
    due = [spec(1, date(2026, 6, 5))]
    # 2026-06-06 02:00 UTC is still 5 June in Los Angeles (UTC-7): due, not overdue.
    assert statuses(due, [], now=datetime(2026, 6, 6, 2, tzinfo=UTC), zone="America/Los_Angeles")[0].state == "due"
    assert statuses(due, [], now=datetime(2026, 6, 6, 2, tzinfo=UTC), zone="UTC")[0].state == "overdue"
    # 2026-06-05 23:30 UTC is already 6 June in Tokyo.
    assert statuses(due, [], now=datetime(2026, 6, 5, 23, 30, tzinfo=UTC), zone="Asia/Tokyo")[0].state == "overdue"


def test_a_deliverable_posted_after_its_due_date_is_done_and_late_by_the_agency_calendar():
    due = [spec(1, date(2026, 6, 5))]
    late_utc = post(1, datetime(2026, 6, 6, 3, tzinfo=UTC))  # 5 June, 20:00 in Los Angeles
    assert statuses(due, [late_utc], now=datetime(2026, 6, 9, tzinfo=UTC), zone="America/Los_Angeles")[0].late is False
    done = statuses(due, [late_utc], now=datetime(2026, 6, 9, tzinfo=UTC), zone="UTC")[0]
    assert done.state == "done" and done.late is True


def test_a_count_of_three_is_done_only_with_three_posts():
    found = statuses([spec(1, date(2026, 6, 30), count=3)],
                     [post(i, datetime(2026, 6, i, tzinfo=UTC)) for i in (1, 2)],
                     now=datetime(2026, 6, 10, tzinfo=UTC), zone="UTC")
    assert (found[0].state, found[0].delivered) == ("due", 2)
