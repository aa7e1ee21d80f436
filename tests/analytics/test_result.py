"""The typed result survives JSON unchanged, keeps the served JSON shape, and refuses what is not a current result."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest

from intel.analytics.assemble import compute_intelligence
from intel.analytics.decode import decode
from intel.analytics.demo_facts import demo_facts
from intel.analytics.result import SCHEMA_VERSION, FollowerEvent, LanguageShare, Metric, SocialIntelligence, TimeSlot
from intel.cache.entries import CorruptEntry
from intel.cache.entries import decode as decode_entry
from intel.cache.entries import encode as encode_entry

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo() -> SocialIntelligence:
    return compute_intelligence(demo_facts(3, "Round Trip", NOW), NOW)


@pytest.fixture(scope="module")
def empty() -> SocialIntelligence:
    facts = demo_facts(9, "Nothing Yet", NOW)
    facts = dataclasses.replace(
        facts, profiles=facts.profiles.iloc[0:0], snapshots=facts.snapshots.iloc[0:0], posts=facts.posts.iloc[0:0],
        comment_days=facts.comment_days.iloc[0:0], extreme_comments=[],
        comment_languages=facts.comment_languages.iloc[0:0],
    )
    return compute_intelligence(facts, NOW)


def metrics(value: object) -> list[Metric]:
    """Every Metric inside a result, however deep."""
    if isinstance(value, Metric):
        return [value]
    if dataclasses.is_dataclass(value):
        return [m for f in dataclasses.fields(value) for m in metrics(getattr(value, f.name))]
    if isinstance(value, dict):
        return [m for v in value.values() for m in metrics(v)]
    if isinstance(value, tuple | list):
        return [m for v in value for m in metrics(v)]
    return []


def test_a_computed_result_round_trips_through_json_unchanged(demo):
    again = SocialIntelligence.from_json(demo.to_json())
    assert again == demo
    assert again.to_json() == demo.to_json()
    assert SocialIntelligence.from_dict(json.loads(json.dumps(demo.to_dict()))) == demo
    assert isinstance(again.content.best_time["instagram"].cells[0], TimeSlot)
    assert isinstance(again.follower_trend["instagram"][0], tuple)
    assert isinstance(again.sentiment.languages.languages[0], LanguageShare)
    assert again.sentiment.languages.languages[0].includes == ()


def test_an_all_unavailable_result_round_trips_and_stays_unavailable(empty):
    found = metrics(empty)
    assert found and all(m.status == "unavailable" and m.value is None for m in found)
    assert SocialIntelligence.from_json(empty.to_json()) == empty
    assert empty.content.best_time == {} and empty.sentiment.weekly == () and empty.freshness.newest_post_at is None
    assert empty.sentiment.languages.languages == () and empty.sentiment.languages.comments == 0


def test_the_served_json_keeps_the_section_keys_clients_read(demo):
    data = demo.to_dict()
    assert data["schema_version"] == SCHEMA_VERSION == 4
    assert set(data["overview"]) == {"total_followers", "total_growth", "platforms"}
    assert data["overview"]["platforms"]["instagram"]["followers"].keys() == {"value", "n", "basis", "status"}
    assert set(data["sentiment"]) == {
        "overall", "overall_label", "captions", "comments", "comment_shares", "caption_shares", "weekly",
        "most_positive", "most_negative", "sponsored_vs_organic", "early_warning", "languages"}
    assert set(data["sentiment"]["languages"]) == {"comments", "languages"}
    assert set(data["sentiment"]["languages"]["languages"][0]) == {
        "group", "code", "includes", "comments", "share", "supported", "scored", "score", "shares"}
    assert set(data["sentiment"]["early_warning"]) == {"triggered", "recent_negative_share",
                                                       "baseline_negative_share", "rule"}
    assert set(data["content"]["best_time"]["instagram"]) == {"cells", "best", "timezone"}
    assert list(data["community"]["health"]["components"]) == [
        "sentiment", "engagement", "conversation_quality", "responsiveness"]
    assert set(data["freshness"]["thresholds_hours"]) == {"snapshot", "sync"}
    assert [c["name"] for c in data["audience"]["components"]] == [
        "follower_spikes", "follower_purges", "engagement_vs_tier", "comment_quality"]
    assert isinstance(data["follower_trend"]["instagram"][0], list)  # JSON-ready: tuples are lists


@pytest.mark.parametrize("version", [1, 2, 3])
def test_a_payload_of_an_old_schema_is_refused(demo, version):
    old = {**demo.to_dict(), "schema_version": version}
    if version <= 3:
        old["sentiment"] = {k: v for k, v in old["sentiment"].items() if k != "languages"}  # v3 had no languages
    if version == 2:
        old.pop("audience")  # what a v2 entry holds: no audience section
    with pytest.raises(ValueError, match=f"schema version {version}"):
        SocialIntelligence.from_dict(old)
    entry = json.dumps({"meta": {"schema_version": version, "computed_at": demo.computed_at, "compute_ms": 1.0,
                                 "written_at": 0.0}, "payload": old}).encode()
    with pytest.raises(CorruptEntry):
        decode_entry(entry)


def test_the_audience_section_with_flagged_days_round_trips_through_json_and_the_cache_entry(demo):
    events = (FollowerEvent(day="2026-01-20", platform="instagram", kind="spike", change=27_204, percent=8.18, z=84.0),
              FollowerEvent(day="2026-02-10", platform="tiktok", kind="purge", change=-3_000, percent=-5.0, z=-38))
    flagged = dataclasses.replace(demo, audience=dataclasses.replace(demo.audience, events=events))
    again = SocialIntelligence.from_json(flagged.to_json())
    assert again == flagged and again.audience.events == events
    assert isinstance(again.audience.events[1].z, float)  # JSON wrote -38.0 as -38; the hint makes it a float again
    assert decode_entry(encode_entry(flagged, 12.0)).intel == flagged
    data = flagged.to_dict()["audience"]
    assert set(data) == {"level", "signs", "components", "events", "note"}
    assert set(data["components"][0]) == {"name", "value", "n", "basis", "status", "explanation"}
    assert data["note"] == "estimate — not a measurement of fake followers"


@pytest.mark.parametrize("damage", [
    lambda d: d["overview"].pop("total_followers"),
    lambda d: d["overview"].update(total=1),
    lambda d: d["overview"]["total_followers"].update(status="guessed"),
    lambda d: d["overview"]["total_followers"].update(n="3"),
    lambda d: d["sentiment"].update(weekly={}),
    lambda d: d["freshness"].update(is_stale=1),
    lambda d: d["sentiment"]["languages"]["languages"][0].update(group="major"),
    lambda d: d["sentiment"]["languages"]["languages"][0].pop("includes"),
    lambda d: d.pop("audience"),
    lambda d: d["audience"].update(level="no fakes"),
    lambda d: d["audience"]["components"][0].update(status="measured"),
    lambda d: d["overview"].update(totals=d["overview"].pop("total_followers")),
    lambda d: d["follower_trend"]["instagram"].append(["2026-03-02"]),
    lambda d: d["follower_trend"]["instagram"].append(["2026-03-02", "5"]),
])
def test_a_malformed_payload_is_refused_not_half_decoded(demo, damage):
    data = json.loads(demo.to_json())
    damage(data)
    with pytest.raises((TypeError, ValueError)):
        SocialIntelligence.from_dict(data)


def test_the_decoder_follows_optional_literal_and_numeric_hints():
    assert decode(Metric, {"value": 3, "n": 2, "basis": "b", "status": "measured"}).value == 3.0
    assert decode(Metric, {"value": None, "n": 0, "basis": "b", "status": "unavailable"}).value is None
    with pytest.raises((TypeError, ValueError), match="got bool"):
        decode(Metric, {"value": True, "n": 2, "basis": "b", "status": "measured"})
