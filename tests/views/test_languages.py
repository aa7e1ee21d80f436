"""The comment-language chart and table: display names, n on every row, unavailable sentiment said in words."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from intel.analytics.assemble import compute_intelligence
from intel.analytics.demo_facts import demo_facts
from intel.analytics.facts import LANGUAGE_COLUMNS
from intel.analytics.result import SocialIntelligence
from intel.views import languages

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _intel(counts: dict[str | None, tuple[int, int]]) -> SocialIntelligence:
    """A result whose comment languages are `counts`: code -> (comments, scored, all scored ones positive)."""
    rows = pd.DataFrame([{"language": code, "comments": n, "scored": k, "score_sum": k * 0.8, "positive": k,
                          "neutral": 0, "negative": 0} for code, (n, k) in counts.items()],
                        columns=list(LANGUAGE_COLUMNS))
    facts = dataclasses.replace(demo_facts(1, "Lang", NOW), is_demo=False, comment_languages=rows)
    return compute_intelligence(facts, NOW)


@pytest.fixture(scope="module")
def intel() -> SocialIntelligence:
    return _intel({"pt": (300, 300), "en": (120, 120), "ja": (60, 0), "de": (5, 5), "<b>x</b>": (4, 0),
                   "zxx": (40, 40), None: (25, 25)})


def test_rows_are_named_in_english_with_their_comment_count(intel):
    frame = languages.languages_frame(intel)
    assert list(frame["Language"]) == ["Portuguese", "English", "Japanese", "Other languages (German, <b>x</b>)",
                                       "No words (emoji only)", "Not detected"]
    assert list(frame["Comments"]) == [300, 120, 60, 9, 40, 25]
    assert frame["Share %"].sum() == pytest.approx(100)
    assert frame.loc[0, "Mean score"] == pytest.approx(0.8) and frame.loc[0, "Positive %"] == 100.0


def test_a_language_without_an_engine_says_so_and_shows_no_figure(intel):
    japanese = languages.languages_frame(intel).iloc[2]
    assert japanese["Note"] == languages.NO_ENGINE_NOTE == "unavailable — no engine for this language"
    assert japanese["Comments"] == 60 and japanese["Scored"] == 0
    assert all(pd.isna(japanese[c]) for c in ("Mean score", "Positive %", "Neutral %", "Negative %"))


def test_the_not_detected_row_says_how_to_detect_it_and_a_partly_scored_group_says_what_is_missing(intel):
    frame = languages.languages_frame(intel)
    assert frame.iloc[5]["Note"] == "scored before language detection; run `python -m intel sentiment rescore`"
    assert frame.iloc[3]["Note"] == "4 comments unscored: no engine for their language"
    assert frame.iloc[0]["Note"] == ""


def test_the_chart_shows_each_share_with_n_and_escapes_unknown_codes(intel):
    fig = languages.language_share_figure(intel)
    bar = fig.data[0]
    assert list(bar.customdata) == [300, 120, 60, 9, 40, 25]
    assert bar.text[0] == f"{300 / 554 * 100:.1f}% · n = 300"
    assert "Other languages (German, &lt;b&gt;x&lt;/b&gt;)" in bar.y
    assert "<b>" not in json.dumps(json.loads(fig.to_json()))
    assert "554 audience comments" in fig.layout.xaxis.title.text


def test_without_comments_the_chart_says_no_data_and_the_table_is_empty():
    empty = _intel({})
    assert [a.text for a in languages.language_share_figure(empty).layout.annotations] == ["No data yet"]
    assert languages.languages_frame(empty).empty


def test_an_unknown_code_is_shown_as_it_is():
    assert languages.language_name("pt") == "Portuguese" and languages.language_name("xx") == "xx"
