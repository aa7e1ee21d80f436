"""The SocialIntelligence result: frozen, typed, JSON-serialisable, versioned.

Every figure is a `Metric`: its value, the sample it rests on (`n`) and a status. A metric
without data is `unavailable` with value None, never 0; an estimate is `estimated`, never
`measured`. Sections are TypedDicts so the whole value round-trips through JSON unchanged.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, TypedDict

SCHEMA_VERSION = 1

Status = Literal["measured", "estimated", "unavailable"]


class Metric(TypedDict):
    """One figure with its provenance."""

    value: float | None
    n: int
    basis: str
    status: Status


def metric(value: float | None, n: int, basis: str, *, estimated: bool = False) -> Metric:
    """A Metric; None or a zero sample makes it unavailable."""
    if value is None or n == 0:
        return {"value": None, "n": n, "basis": basis, "status": "unavailable"}
    status: Status = "estimated" if estimated else "measured"
    return {"value": float(value), "n": int(n), "basis": basis, "status": status}


class Profile(TypedDict):
    """A connected (or disconnected) account of the talent."""

    platform: str
    handle: str
    connected: bool
    last_synced_at: str | None


class Growth(TypedDict):
    """Follower change over a window."""

    days: int
    absolute: Metric
    percent: Metric


class PlatformOverview(TypedDict):
    """Headline figures of one platform."""

    followers: Metric
    growth: list[Growth]
    engagement_rate: Metric
    engagement_rate_by_views: Metric | None
    avg_likes: Metric
    avg_comments: Metric
    avg_views: Metric | None
    posts_per_week: Metric


class Overview(TypedDict):
    """Followers, growth and engagement per platform; only followers are totalled."""

    total_followers: Metric
    total_growth: list[Growth]
    platforms: dict[str, PlatformOverview]


@dataclass(frozen=True)
class SocialIntelligence:
    """Everything the talent page shows, computed for one talent at one moment."""

    schema_version: int
    talent_id: int
    talent_name: str
    is_demo: bool
    computed_at: str
    connected: list[Profile]
    overview: Overview
    follower_trend: dict[str, list[tuple[str, int]]]
    content: dict[str, Any]
    sentiment: dict[str, Any]
    community: dict[str, Any]
    freshness: dict[str, Any]
    methodology: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)

    def to_json(self) -> str:
        """Compact JSON text."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SocialIntelligence:
        """Rebuild from `to_dict()` output; raises ValueError on another schema version."""
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"schema version {data.get('schema_version')} is not {SCHEMA_VERSION}")
        trend = {p: [(d, int(v)) for d, v in pts] for p, pts in data["follower_trend"].items()}
        return cls(**{**data, "follower_trend": trend})

    @classmethod
    def from_json(cls, text: str | bytes) -> SocialIntelligence:
        """Rebuild from `to_json()` output."""
        return cls.from_dict(json.loads(text))
