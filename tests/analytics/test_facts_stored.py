"""Reading the stored comment aggregates gives exactly what a scan of every comment gives."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import select, update

from intel.analytics.assemble import compute_intelligence
from intel.analytics.facts import load_facts
from intel.db.models import Comment, SocialPost, SocialProfile
from tests.factories import comment_mix

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def _rounded(value: object) -> object:
    """The value with floats rounded to 9 digits (sums differ in the last bits with the order of addition)."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def _assert_same_facts(session, talent_id: int, now: datetime) -> None:
    stored = load_facts(session, talent_id, now)
    scanned = load_facts(session, talent_id, now, stored_aggregates=False)
    pd.testing.assert_frame_equal(stored.posts, scanned.posts, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(stored.comment_days, scanned.comment_days, check_exact=False, rtol=1e-12)
    assert stored.extreme_comments == scanned.extreme_comments
    assert _rounded(dataclasses.asdict(compute_intelligence(stored, now))) == _rounded(
        dataclasses.asdict(compute_intelligence(scanned, now)))


@pytest.mark.parametrize("now", [
    NOW,
    datetime(2026, 3, 10, 0, 0, tzinfo=UTC),  # exactly midnight: the day of now holds one instant
    datetime(2026, 3, 9, 23, 59, 59, 999_999, tzinfo=UTC),
    NOW + timedelta(days=30),  # after every comment: everything comes from the stored days
    NOW - timedelta(days=30),  # before every comment
], ids=["afternoon", "midnight", "before-midnight", "after-all", "before-all"])
def test_the_stored_aggregates_give_the_same_facts_and_figures_as_a_scan_of_every_comment(session, now):
    talent_id = comment_mix(session, NOW)
    comment_mix(session, NOW, seed=9)  # another talent's comments count for neither
    _assert_same_facts(session, talent_id, now)


def test_comments_changed_after_they_were_counted_give_the_same_facts_as_a_scan(session):
    talent_id = comment_mix(session, NOW)
    session.execute(update(Comment).where(Comment.id % 3 == 0).values(sentiment_score=0.01,
                                                                       sentiment_label="negative"))
    session.execute(update(Comment).where(Comment.id % 5 == 0).values(is_talent_reply=True))
    _assert_same_facts(session, talent_id, NOW)


def test_the_extreme_comments_are_the_audience_comments_with_the_highest_and_lowest_scores(session):
    talent_id = comment_mix(session, NOW)
    facts = load_facts(session, talent_id, NOW)
    scored = (select(Comment.sentiment_score).join(SocialPost).join(SocialProfile)
              .where(SocialProfile.talent_id == talent_id, SocialProfile.connected.is_(True),
                     Comment.is_talent_reply.is_(False), Comment.kind != "spam",
                     Comment.sentiment_score.is_not(None), Comment.created_at <= NOW))
    for extreme, order in (("positive", Comment.sentiment_score.desc()), ("negative", Comment.sentiment_score)):
        expected = session.scalars(scored.order_by(order).limit(5)).all()
        assert [c["sentiment_score"] for c in facts.extreme_comments if c["extreme"] == extreme] == expected
