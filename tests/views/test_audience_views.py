"""The audience-quality estimate as drawn: markers on the follower chart, the indicator card, the rule tables."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from intel.analytics.assemble import compute_intelligence
from intel.analytics.demo_facts import demo_facts
from intel.analytics.result import AUDIENCE_ESTIMATE_NOTE, FollowerEvent, SocialIntelligence
from intel.views import audience, charts

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def plain() -> SocialIntelligence:
    return compute_intelligence(demo_facts(1, "Demo", NOW), NOW)


@pytest.fixture(scope="module")
def flagged(plain: SocialIntelligence) -> SocialIntelligence:
    spike_day = plain.follower_trend["instagram"][100][0]
    purge_day = plain.follower_trend["tiktok"][150][0]
    events = (FollowerEvent(spike_day, "instagram", "spike", 27_204, 8.18, 84.0),
              FollowerEvent(purge_day, "tiktok", "purge", -3_050, -4.78, -38.8),
              FollowerEvent("1999-01-01", "instagram", "spike", 10, 2.0, 7.0))  # a day the trend lacks: no marker
    return dataclasses.replace(plain, audience=dataclasses.replace(plain.audience, events=events))


def test_flagged_days_are_marked_on_their_platforms_line_with_an_estimate_hover(flagged):
    fig = charts.follower_trend_figure(flagged)
    markers = {t.name: t for t in fig.data if t.mode == "markers"}
    assert set(markers) == {"Possible bought followers (estimate)", "Possible purge (estimate)"}
    spike, purge = markers["Possible bought followers (estimate)"], markers["Possible purge (estimate)"]
    assert list(spike.x) == [flagged.follower_trend["instagram"][100][0]]
    assert list(spike.y) == [flagged.follower_trend["instagram"][100][1]]  # on the Instagram line
    assert list(purge.y) == [flagged.follower_trend["tiktok"][150][1]]
    assert list(spike.customdata) == ["possible bought followers (estimate): +27,204 (+8.18%), z=84.0 · Instagram"]
    assert list(purge.customdata) == ["possible purge (estimate): -3,050 (-4.78%), z=-38.8 · TikTok"]
    assert spike.marker.symbol == "triangle-up" and purge.marker.symbol == "triangle-down"


def test_without_flagged_days_the_chart_has_only_the_lines(plain):
    assert plain.audience.events == ()
    assert all(t.mode == "lines" for t in charts.follower_trend_figure(plain).data)


def test_the_card_says_estimate_and_how_many_rules_flag(flagged, plain):
    card = audience.audience_kpi(plain.audience)
    assert card.label == "Audience quality (estimate)"
    assert card.value == f"{plain.audience.level} (estimate)"
    assert card.help.startswith(AUDIENCE_ESTIMATE_NOTE)
    assert f"of {plain.audience.signs.n} rules" in card.help


def test_the_rule_table_lists_every_rule_with_n_basis_and_explanation(plain):
    frame = audience.components_frame(plain.audience)
    assert list(frame.columns) == ["Rule", "Finding", "Value", "n", "Basis", "Explanation"]
    assert list(frame["Rule"]) == ["Unexplained follower jumps", "One-day follower losses (purges)",
                                   "Engagement against the tier", "Spam and generic comments"]
    tier = frame[frame["Rule"] == "Engagement against the tier"].iloc[0]
    assert (tier["Finding"], tier["Value"]) == ("unavailable", "—")  # demo facts have no tier peers: never 0
    assert set(frame.select_dtypes("number").columns) <= set(audience.COMPONENT_COLUMNS)


def test_the_event_table_names_each_day_as_possible_only(flagged):
    frame = audience.events_frame(flagged.audience.events)
    assert list(frame["Possible"]) == ["possible bought followers", "possible purge", "possible bought followers"]
    assert list(frame["Platform"]) == ["Instagram", "TikTok", "Instagram"]
    assert set(frame.select_dtypes("number").columns) <= set(audience.EVENT_COLUMNS)
