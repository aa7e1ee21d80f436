"""The demo campaigns tell the feature's story on both databases: good and weak lift, an overdue deliverable,
a comment backlash, a planned campaign, all marked demo and attributed by the real rules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from intel.campaigns.load import CampaignFigures, campaign_figures
from intel.db.campaigns import Campaign, CampaignPost
from intel.db.models import SocialPost
from intel.demo.generate import load_demo
from tests.factories import empty_tables

TODAY = date(2025, 6, 30)
NOW = datetime.combine(TODAY, time(12), UTC)


@pytest.fixture(scope="module")
def figures(session_engine: Engine) -> Iterator[dict[str, tuple[Campaign, CampaignFigures]]]:
    """The demo campaigns and their figures, by brand, from one load per database."""
    try:
        load_demo(session_engine, today=TODAY)
        with Session(session_engine, expire_on_commit=False) as session:
            found = {c.brand: (c, campaign_figures(session, c.id, now=NOW, zone="UTC", rates={}, rates_currency="EUR"))
                     for c in session.scalars(select(Campaign))}
            tagged = session.scalars(select(SocialPost.caption).join(CampaignPost)).all()
    finally:
        empty_tables(session_engine)
    assert tagged and all("#" in caption for caption in tagged)
    yield found


def test_every_demo_campaign_is_marked_demo(figures):
    assert len(figures) == 5 and all(c.is_demo for c, _ in figures.values())


def test_one_completed_campaign_beat_the_talents_usual_posts_and_one_fell_short(figures):
    good, weak = figures["Glow Lab"], figures["Voltcell"]
    assert good[0].status == weak[0].status == "completed"
    assert good[1].totals.interactions_lift.value > 1.3
    assert weak[1].totals.interactions_lift.value < 0.8
    assert good[1].deliverable_counts.overdue == weak[1].deliverable_counts.overdue == 0


def test_a_live_campaign_has_an_overdue_deliverable(figures):
    campaign, found = figures["Pixel Forge"]
    assert campaign.status == "live" and found.deliverable_counts.overdue == 1


def test_a_live_campaign_draws_a_comment_backlash(figures):
    campaign, found = figures["Urban Thread"]
    assert campaign.status == "live" and found.sentiment.backlash is True
    assert found.sentiment.campaign_negative.n >= 20


def test_a_planned_campaign_has_only_deliverables_still_due(figures):
    campaign, found = figures["Green Bowl"]
    assert campaign.status == "planned" and found.totals.posts == 0
    assert found.deliverable_counts.due == found.deliverable_counts.total > 0
    assert found.totals.views.status == "unavailable"
