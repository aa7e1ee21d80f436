"""The import row parser: every input becomes a typed row or a row error, never an exception."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intel.ingest.parse import KINDS, MAX_TEXT, ParsedRow, RowError, parse_mapping, parse_row

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
COMMENT = {"platform": "instagram", "platform_post_id": "p1", "platform_comment_id": "c1",
           "created_at": "2024-05-01T10:00:00Z", "text": "love it"}
POST = {"platform": "tiktok", "account_id": "a1", "platform_post_id": "p1", "posted_at": "2024-05-01T10:00:00Z",
        "likes": "10", "comments": "2"}

# Values that look like what exports contain, plus arbitrary text.
cell = st.one_of(
    st.sampled_from(["", " ", "0", "-1", "1.5", "1e3", "12,5", "nan", "inf", "true", "no", "instagram", "TikTok",
                     "2024-05-01", "2024-05-01T10:00:00+02:00", "1714557600", "1714557600000", "9" * 30,
                     "0001-01-01T00:00:00+01:00", "\x00", "\udcff", "x" * 101]),
    st.text(max_size=40),
)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(sorted(KINDS)), data=st.data())
def test_any_mapping_of_strings_yields_a_valid_row_or_a_row_error(kind, data):
    columns = [c.name for c in KINDS[kind].columns]
    names = st.one_of(st.sampled_from(columns), st.text(max_size=12))
    fields = data.draw(st.dictionaries(names, cell, max_size=len(columns) + 3))
    result = parse_row(kind, fields, line=7, now=NOW, talent=data.draw(st.sampled_from([None, "@ann"])))
    assert isinstance(result, ParsedRow | RowError)
    if isinstance(result, RowError):
        assert result.line == 7 and result.reason
        assert len(result.value) <= 120
    else:
        assert set(result.values) == set(columns)


@settings(max_examples=200, deadline=None)
@given(fields=st.dictionaries(st.sampled_from([c.name for c in KINDS["posts"].columns]),
                              st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10),
                                        st.lists(st.integers(), max_size=2),
                                        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))))
def test_any_json_values_yield_a_valid_row_or_a_row_error(fields):
    assert isinstance(parse_row("posts", fields, now=NOW), ParsedRow | RowError)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ("2024-05-01T12:00:00+02:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ("2024-05-01T12:00:00+0200", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ("2024-05-01 10:00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ("2024-05-01 10:00:00 UTC", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
    ("1714557600", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ("1714557600000", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ("1714557600.5", datetime(2024, 5, 1, 10, 0, 0, 500000, tzinfo=UTC)),
])
def test_timestamps_with_or_without_zone_and_unix_seconds_or_milliseconds_are_read_as_utc(raw, expected):
    row = parse_row("comments", {**COMMENT, "created_at": raw}, now=NOW)
    assert isinstance(row, ParsedRow)
    assert row.values["created_at"] == expected
    assert row.values["created_at"].tzinfo is UTC


@pytest.mark.parametrize(("raw", "reason"), [
    ("", "missing required value"),
    ("yesterday", "not a date/time"),
    ("2024-02-30T10:00:00", "not a date/time"),
    ("0", "before 2000-01-01"),
    ("2099-01-01T00:00:00Z", "in the future"),
    ("99999999999999999999", "not a valid Unix time"),
])
def test_bad_or_missing_dates_refuse_the_row_with_the_reason(raw, reason):
    error = parse_row("comments", {**COMMENT, "created_at": raw}, line=3, now=NOW)
    assert isinstance(error, RowError)
    assert (error.line, error.column) == (3, "created_at")
    assert reason in error.reason


def test_a_bad_snapshot_day_is_refused_and_a_day_defaults_from_the_capture_time():
    bad = parse_row("snapshots", {"platform": "youtube", "account_id": "a", "captured_on": "2024-13-01",
                                  "followers": "5"}, now=NOW)
    assert isinstance(bad, RowError) and bad.column == "captured_on" and "YYYY-MM-DD" in bad.reason
    row = parse_row("snapshots", {"platform": "youtube", "account_id": "a", "captured_at": "2024-05-01T23:30-02:00",
                                  "followers": "5"}, now=NOW)
    assert isinstance(row, ParsedRow) and row.values["captured_on"] == date(2024, 5, 2)
    neither = parse_row("snapshots", {"platform": "youtube", "account_id": "a", "followers": "5"}, now=NOW)
    assert isinstance(neither, RowError) and "captured_on or captured_at" in neither.reason


@pytest.mark.parametrize(("raw", "reason"), [
    ("-3", "negative count"), ("12.5", "not a whole number"), ("n/a", "not a whole number"),
    ("1,200", "not a whole number"), ("9" * 25, "too large"), ("1e400", "too large"),
])
def test_negative_and_non_numeric_counts_are_refused(raw, reason):
    error = parse_row("posts", {**POST, "likes": raw}, now=NOW)
    assert isinstance(error, RowError) and error.column == "likes" and reason in error.reason


def test_whole_numbers_written_as_floats_are_counts_and_empty_counts_take_the_default():
    row = parse_row("posts", {**POST, "likes": "1200.0", "shares": "1.2e3", "views": "", "saves": " "}, now=NOW)
    assert isinstance(row, ParsedRow)
    assert (row.values["likes"], row.values["shares"], row.values["views"], row.values["saves"]) == (1200, 1200,
                                                                                                    None, 0)


def test_over_long_ids_and_captions_are_refused_naming_the_limit():
    error = parse_row("posts", {**POST, "platform_post_id": "x" * 101}, now=NOW)
    assert isinstance(error, RowError) and "longer than 100 characters (101)" in error.reason
    error = parse_row("posts", {**POST, "caption": "y" * (MAX_TEXT + 1)}, now=NOW)
    assert isinstance(error, RowError) and error.column == "caption" and "capped at 100,000" in error.reason
    assert len(error.value) < 120  # the value is truncated in the message
    assert isinstance(parse_row("posts", {**POST, "caption": "y" * MAX_TEXT}, now=NOW), ParsedRow)


def test_unknown_platforms_media_types_and_booleans_are_refused():
    assert parse_row("posts", {**POST, "platform": "myspace"}, now=NOW).reason.startswith("unknown platform")
    assert parse_row("posts", {**POST, "media_type": "gif"}, now=NOW).reason.startswith("unknown media type")
    assert "true or false" in parse_row("posts", {**POST, "is_sponsored": "maybe"}, now=NOW).reason
    row = parse_row("posts", {**POST, "platform": " TikTok ", "is_sponsored": "Yes"}, now=NOW)
    assert (row.values["platform"], row.values["is_sponsored"]) == ("tiktok", True)


def test_json_lists_and_objects_are_refused_and_json_numbers_read_as_cells():
    assert "plain value" in parse_row("posts", {**POST, "likes": [1, 2]}, now=NOW).reason
    row = parse_row("posts", {**POST, "likes": 12, "views": None, "is_sponsored": True, "posted_at": 1714557600},
                    now=NOW)
    assert (row.values["likes"], row.values["views"], row.values["is_sponsored"]) == (12, None, True)


def test_only_columns_in_the_source_are_present_and_the_others_take_defaults():
    row = parse_row("posts", POST, now=NOW)
    assert "views" not in row.present and "caption" not in row.present and "likes" in row.present
    assert (row.values["views"], row.values["caption"], row.values["media_type"]) == (None, "", "image")


def test_with_a_talent_the_profile_talent_handle_and_the_account_id_may_be_left_out():
    profile = parse_row("profiles", {"platform": "youtube", "account_id": "UC1", "handle": "ann"}, now=NOW,
                        talent="@ann")
    assert isinstance(profile, ParsedRow) and profile.values["talent_handle"] == "@ann"
    post = {k: v for k, v in POST.items() if k != "account_id"}
    assert isinstance(parse_row("posts", post, now=NOW, talent="@ann"), ParsedRow)
    assert parse_row("posts", post, now=NOW).column == "account_id"


def test_a_column_mapping_is_read_from_text_and_malformed_ones_raise():
    assert parse_mapping("platform_post_id=id, Posted At=timestamp,") == {"platform_post_id": "id",
                                                                        "posted_at": "timestamp"}
    assert parse_mapping(None) == {}
    with pytest.raises(ValueError, match="COLUMN=FILE_COLUMN"):
        parse_mapping("platform_post_id")
