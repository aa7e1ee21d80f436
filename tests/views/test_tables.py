"""What the tables and KPI cards show: one casing per platform, the KPIs' number formats in every table,
numbers kept numeric (so columns sort), and a roster row's state next to the name."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
import pytest

from intel.analytics.assemble import compute_intelligence
from intel.analytics.compare import compare_frame
from intel.analytics.demo_facts import demo_facts
from intel.analytics.result import PLATFORM_LABELS, SocialIntelligence, platform_label
from intel.analytics.roster import RosterRow
from intel.views import charts, compare_charts, tables

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PLATFORM_WORD = re.compile(r"instagram|tiktok|youtube", re.IGNORECASE)


def intel_on(talent_id: int, video: str = "tiktok") -> SocialIntelligence:
    """Demo-facts intelligence on Instagram and `video` (TikTok or YouTube)."""
    facts = demo_facts(talent_id, f"Talent {talent_id}", NOW)
    swap = {"tiktok": video}
    facts = replace(facts, **{name: getattr(facts, name).replace({"platform": swap})
                              for name in ("profiles", "snapshots", "posts")})
    return compute_intelligence(facts, NOW)


def row(talent_id: int, **figures) -> RosterRow:
    return RosterRow(talent_id, f"Talent {talent_id}", f"@t{talent_id}", "music", "micro",
                     ("instagram", "tiktok", "youtube"), False, **figures)


COMPUTED = {"total_followers": 12_345, "growth_30d_pct": 1.5, "engagement_platform": "tiktok",
            "engagement_rate": 45.6068, "sentiment": 0.61, "health": 72.0, "computed_at": NOW,
            "newest_data_at": NOW, "is_stale": False}


def figure_texts(fig: go.Figure) -> list[str]:
    texts = [str(fig.layout.title.text or "")]
    for trace in fig.data:
        texts.append(str(trace.name or ""))
        for axis in ("x", "y"):
            values = getattr(trace, axis, None)
            if values is not None:
                texts += [v for v in values if isinstance(v, str)]
    return texts


def every_builder_text() -> list[str]:
    """Every label, column name and text cell the builders of intel.views (and the comparison) produce."""
    ig_tt, ig_yt = intel_on(1), intel_on(2, "youtube")
    texts: list[str] = []
    for intel in (ig_tt, ig_yt):
        texts += [k.label for k in tables.kpis(intel) + tables.engagement_kpis(intel)]
        for frame in (tables.posts_frame(intel.content.top_posts),
                      tables.comments_frame(intel.sentiment.most_positive)):
            texts += list(frame.columns) + list(frame["Platform"])
        figures = [charts.follower_trend_figure(intel), charts.top_posts_figure(intel),
                   charts.media_type_figure(intel), charts.sponsored_figure(intel), charts.health_figure(intel),
                   charts.sentiment_trend_figure(intel)]
        figures += [charts.best_time_figure(intel, p) for p in intel.content.best_time]
        texts += [t for fig in figures for t in figure_texts(fig)]
    roster = tables.roster_frame([row(1, **COMPUTED), row(2)])
    texts += list(roster.columns) + list(roster["Platforms"]) + list(roster["Engagement on"])
    texts += list(compare_frame([ig_tt, ig_yt], [row(1, **COMPUTED)]).columns)
    for fig in (compare_charts.engagement_compare_figure([ig_tt, ig_yt]),
                compare_charts.growth_indexed_figure([ig_tt, ig_yt])):
        texts += figure_texts(fig)
    return texts


def test_every_builder_names_each_platform_in_its_one_casing():
    found = {m.group(0) for text in every_builder_text() for m in PLATFORM_WORD.finditer(text)}
    assert found == {"Instagram", "TikTok", "YouTube"}


def test_the_kpi_labels_say_tiktok_and_youtube_as_the_charts_do():
    labels = [k.label for k in tables.engagement_kpis(intel_on(1)) + tables.engagement_kpis(intel_on(2, "youtube"))]
    assert {"Instagram engagement", "TikTok engagement", "TikTok by views", "YouTube by views"} <= set(labels)
    assert charts.platform_label("tiktok") == platform_label("tiktok") == PLATFORM_LABELS["tiktok"] == "TikTok"


@pytest.mark.parametrize(("kind", "value", "text"), [
    ("count", 1_234_567, "1,234,567"), ("count", 12_345.0, "12,345"), ("percent", 45.6068, "45.61%"),
    ("score", 0.6149, "0.61"), ("points", 71.6, "72/100"), ("percentile", 87.5, "88"),
])
def test_a_number_reads_the_same_in_a_kpi_and_in_a_table_cell(kind, value, text):
    assert tables.fmt_value(value, kind) == text
    # The grid formats with sprintf; Python's % is the same printf language (bar the "," thousands flag).
    printf = tables.FORMATS[kind].replace("%,d", "{:,d}")
    as_grid = printf.format(int(value)) if "{" in printf else printf % value
    assert as_grid == text


def test_kpi_cards_use_the_table_formats():
    intel = intel_on(3)
    cards = {k.label: k.value for k in tables.kpis(intel) + tables.engagement_kpis(intel)}
    assert cards["Total followers"] == tables.fmt_value(intel.overview.total_followers.value, "count")
    assert cards["Total followers"].replace(",", "").isdigit()
    assert re.fullmatch(r"\d+\.\d\d%", cards["TikTok engagement"])


def numeric_columns(frame: pd.DataFrame) -> set[str]:
    return {c for c in frame.columns
            if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) and c != "id"}


def formats(configs) -> dict[str, str]:
    return {name: config["type_config"]["format"] for name, config in configs.items()}


def test_every_numeric_column_of_every_table_has_the_format_of_its_kind():
    intel = intel_on(4)
    roster = tables.roster_frame([row(1, **COMPUTED)])
    posts = tables.posts_frame(intel.content.top_posts)
    comments = tables.comments_frame(intel.sentiment.most_negative)
    compare = compare_frame([intel, intel_on(5)], [row(1, **COMPUTED)])
    for frame, configs in ((roster, tables.ROSTER_COLUMNS), (posts, tables.POST_COLUMNS),
                           (comments, tables.COMMENT_COLUMNS), (compare, tables.compare_columns(compare))):
        assert numeric_columns(frame) <= set(configs), set(numeric_columns(frame)) - set(configs)
    assert formats(tables.POST_COLUMNS) == {"Engagement %": "%.2f%%", "Likes": "%,d", "Comments": "%,d"}
    assert formats(tables.ROSTER_COLUMNS) == {"Followers": "%,d", "30-day growth %": "%.2f%%",
                                              "Engagement %": "%.2f%%", "Sentiment": "%.2f", "Health": "%.0f/100"}
    compare_formats = formats(tables.compare_columns(compare))
    assert compare_formats["Followers"] == "%,d" and compare_formats["Engagement % · TikTok"] == "%.2f%%"
    assert compare_formats["Health percentile"] == "%.0f"


def test_table_numbers_stay_numbers_so_a_column_sorts_by_value():
    posts = tables.posts_frame(intel_on(6).content.top_posts)
    assert pd.api.types.is_float_dtype(posts["Engagement %"])  # 45.6068, shown "45.61%" by the grid
    roster = tables.roster_frame([row(1, **COMPUTED), row(2, **(COMPUTED | {"total_followers": 9_500}))])
    assert list(roster.sort_values("Followers")["Followers"]) == [9_500, 12_345]  # as text "9,500" > "12,345"


def test_a_never_computed_talent_reads_its_state_next_to_the_name_and_no_figures():
    frame = tables.roster_frame([row(1)])
    assert list(frame.columns[:3]) == ["id", "Talent", "Status"]
    first = frame.iloc[0]
    assert first["Status"] == "not computed yet"
    assert all(pd.isna(first[c]) for c in ("Followers", "30-day growth %", "Engagement %", "Sentiment", "Health"))
    assert first["Engagement on"] == tables.PLACEHOLDER == "—"


def test_a_computed_talent_without_data_reads_no_data_yet_and_no_figures():
    frame = tables.roster_frame([row(1, computed_at=NOW, total_followers=0, is_stale=True)])
    assert frame.iloc[0]["Status"] == "no data yet"
    assert pd.isna(frame.iloc[0]["Followers"])


def test_the_platform_filter_takes_stored_names_and_matches_the_shown_labels():
    frame = tables.roster_frame([row(1, **COMPUTED), replace(row(2), platforms=("instagram",))])
    assert list(frame["Platforms"]) == ["Instagram, TikTok, YouTube", "Instagram"]
    assert list(tables.filter_roster(frame, platforms=["tiktok"])["id"]) == [1]


def test_a_platform_whose_connector_needs_reconnecting_says_so_and_still_matches_its_filter():
    frame = tables.roster_frame([row(1, needs_reconnect=("tiktok",)), row(2)])
    assert frame.loc[0, "Platforms"] == "Instagram, TikTok (needs reconnecting), YouTube"
    assert frame.loc[1, "Platforms"] == "Instagram, TikTok, YouTube"
    assert list(tables.filter_roster(frame, platforms=["tiktok"])["id"]) == [1, 2]
