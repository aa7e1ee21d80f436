"""The SocialIntelligence result: frozen, typed, JSON-serialisable, versioned.

Every figure is a `Metric`: its value, the sample it rests on (`n`) and a status. A metric
without data is `unavailable` with value None, never 0; an estimate is `estimated`, never
`measured`. Every section is a frozen dataclass; sequences are tuples and maps are keyed by
platform (or figure name), so the whole value round-trips through JSON unchanged (`to_dict` /
`from_dict`, decoded generically from the type hints by `intel.analytics.decode`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, Literal

from intel.analytics.decode import JsonObject, decode, encode

# 2: sections became dataclasses (same JSON shape, stricter decoding); older cache entries are misses.
# 3: the audience-quality section (`audience`); a v2 entry lacks it and is a miss, never misread.
# 4: sentiment.languages (comment languages and sentiment per main language); a v3 entry lacks it.
SCHEMA_VERSION = 4

Status = Literal["measured", "estimated", "unavailable"]
Extreme = Literal["positive", "negative"]
# main: a main language; other: the smaller languages together; no_words: emoji only (zxx); not_detected: NULL.
LanguageGroup = Literal["main", "other", "no_words", "not_detected"]
AudienceStatus = Literal["ok", "flag", "unavailable"]
AudienceLevel = Literal["no signs", "some signs", "strong signs", "unavailable"]
FollowerEventKind = Literal["spike", "purge"]
# Said wherever the audience-quality indicator is shown: it points at patterns, it counts no fake account.
AUDIENCE_ESTIMATE_NOTE = "estimate — not a measurement of fake followers"

# The one casing of each platform's name, for every label, chart, table, picker and comparison.
PLATFORM_LABELS: Mapping[str, str] = {"instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube"}


def platform_label(platform: str) -> str:
    """The platform's display name ("TikTok"); an unknown value is shown as it is (not escaped)."""
    return PLATFORM_LABELS.get(str(platform).lower(), str(platform))


@dataclass(frozen=True)
class Metric:
    """One figure with its provenance.

    value: the figure (percent, score 0–1, count …; see the field using it), None when unavailable.
    n: the sample it rests on (posts, comments, snapshots …). basis: how it was computed, in words.
    status: measured, estimated, or unavailable (value None, never 0).
    """

    value: float | None
    n: int
    basis: str
    status: Status


def metric(value: float | None, n: int, basis: str, *, estimated: bool = False) -> Metric:
    """A Metric; None or a zero sample makes it unavailable."""
    if value is None or n == 0:
        return Metric(value=None, n=n, basis=basis, status="unavailable")
    return Metric(value=float(value), n=int(n), basis=basis, status="estimated" if estimated else "measured")


def as_estimates(value: Any) -> Any:
    """`value` with every measured Metric inside it (sections, tuples, dicts) marked estimated."""
    if isinstance(value, Metric):
        return replace(value, status="estimated") if value.status == "measured" else value
    if is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: as_estimates(getattr(value, f.name)) for f in fields(value)}
        return replace(value, **changed)
    if isinstance(value, tuple):
        return tuple(as_estimates(v) for v in value)
    if isinstance(value, dict):
        return {k: as_estimates(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------- overview


@dataclass(frozen=True)
class Profile:
    """A connected (or disconnected) account of the talent; `last_synced_at` is ISO 8601 or None."""

    platform: str
    handle: str
    connected: bool
    last_synced_at: str | None


@dataclass(frozen=True)
class Growth:
    """Follower change over the last `days` days: `absolute` in followers, `percent` of the start."""

    days: int
    absolute: Metric
    percent: Metric


@dataclass(frozen=True)
class PlatformOverview:
    """Headline figures of one platform.

    followers: latest snapshot. growth: one entry per window (7, 30, 90 days).
    engagement_rate: median % by followers of the last posts; engagement_rate_by_views: the same by
    views, video platforms only (None elsewhere). avg_likes / avg_comments / avg_views: means of the
    last posts (avg_views None where no post has views). posts_per_week: over the last 90 days.
    """

    followers: Metric
    growth: tuple[Growth, ...]
    engagement_rate: Metric
    engagement_rate_by_views: Metric | None
    avg_likes: Metric
    avg_comments: Metric
    avg_views: Metric | None
    posts_per_week: Metric


@dataclass(frozen=True)
class Overview:
    """Followers, growth and engagement per platform; only followers (and their growth) are totalled."""

    total_followers: Metric
    total_growth: tuple[Growth, ...]
    platforms: dict[str, PlatformOverview]


# ---------------------------------------------------------------- content


@dataclass(frozen=True)
class PostRow:
    """One post as the top / bottom lists show it.

    posted_at: ISO 8601 (UTC). caption: at most 280 characters, plain (unescaped) text.
    views: None where the platform reports none. engagement_rate: interactions ÷ followers at posting
    time, in %. sentiment_label: the caption's label, None when not scored.
    """

    platform: str
    platform_post_id: str
    posted_at: str
    media_type: str
    caption: str
    likes: int
    comments: int
    shares: int
    saves: int
    views: int | None
    is_sponsored: bool
    engagement_rate: float
    sentiment_label: str | None


@dataclass(frozen=True)
class MediaTypeRate:
    """Median engagement rate (%) of one media type on one platform."""

    platform: str
    media_type: str
    engagement_rate: Metric


@dataclass(frozen=True)
class SponsoredSplit:
    """One figure for sponsored (#ad) posts against the organic rest."""

    sponsored: Metric
    organic: Metric


@dataclass(frozen=True)
class TimeSlot:
    """One weekday × hour cell: weekday 0 = Monday, hour 0–23 in the section's timezone, mean rate in %."""

    weekday: int
    hour: int
    engagement_rate: float
    posts: int


@dataclass(frozen=True)
class BestTime:
    """When to post on one platform: every cell with posts, and the best cell with enough posts (or None)."""

    cells: tuple[TimeSlot, ...]
    best: TimeSlot | None
    timezone: str


@dataclass(frozen=True)
class Content:
    """Content performance.

    posts_analysed: posts up to now; posts_with_rate: those with an engagement rate.
    top_posts / bottom_posts: best and worst by rate (bottom empty unless there are more than 5).
    by_media_type: median rate per (platform, media type). sponsored_vs_organic: median rate per
    platform. best_time: per platform.
    """

    posts_analysed: int
    posts_with_rate: int
    top_posts: tuple[PostRow, ...]
    bottom_posts: tuple[PostRow, ...]
    by_media_type: tuple[MediaTypeRate, ...]
    sponsored_vs_organic: dict[str, SponsoredSplit]
    best_time: dict[str, BestTime]


# ---------------------------------------------------------------- sentiment


@dataclass(frozen=True)
class Shares:
    """Positive, neutral and negative shares (%) of scored texts."""

    positive: Metric
    neutral: Metric
    negative: Metric


@dataclass(frozen=True)
class SentimentWeek:
    """One week (Monday start, ISO date) of sentiment.

    comments: scored audience comments; comment_score: their mean (0–1); *_share: % of them.
    captions: scored captions of posts of that week; caption_score: their mean (0–1).
    Scores and shares are None when the week has none of that kind.
    """

    week: str
    comments: int
    comment_score: float | None
    positive_share: float | None
    neutral_share: float | None
    negative_share: float | None
    captions: int
    caption_score: float | None


@dataclass(frozen=True)
class ExtremeComment:
    """One of the most positive / negative audience comments (text at most 500 characters, plain)."""

    text: str
    author_handle: str | None
    created_at: str
    sentiment_score: float
    sentiment_label: str | None
    platform: str
    platform_post_id: str
    extreme: Extreme


@dataclass(frozen=True)
class EarlyWarning:
    """The negative-comment alarm: `triggered` when the recent share beats the baseline by `rule`."""

    triggered: bool
    recent_negative_share: Metric
    baseline_negative_share: Metric
    rule: str


@dataclass(frozen=True)
class LanguageShare:
    """Audience comments (the talent's replies and spam excluded) in one language, or one group of them.

    code: ISO 639-1 code for a main language, "zxx" for no words, None for the other and not-detected groups;
    includes: the codes grouped in "other" (largest first). comments: how many; share: % of all audience
    comments. supported: an engine scores this language (for "other": at least one of its languages does).
    scored: those with a score; score: their mean (0–1); shares: their label shares, all unavailable when
    nothing is scored (e.g. no engine for the language), never neutral.
    """

    group: LanguageGroup
    code: str | None
    includes: tuple[str, ...]
    comments: int
    share: Metric
    supported: bool
    scored: int
    score: Metric
    shares: Shares


@dataclass(frozen=True)
class CommentLanguages:
    """Comment languages: the main ones (largest first), then other languages, no words and not detected
    (each present only when it has comments); `comments` is the total they share."""

    comments: int
    languages: tuple[LanguageShare, ...]


@dataclass(frozen=True)
class Sentiment:
    """Caption and audience-comment sentiment (scores 0–1).

    overall: 30% captions + 70% comments; overall_label its label (None when unavailable).
    captions / comments: mean scores; comment_shares / caption_shares: label shares in %.
    weekly: weeks with data, oldest first. most_positive / most_negative: extreme comments.
    sponsored_vs_organic: mean comment score on sponsored against organic posts.
    languages: audience-comment languages and the sentiment per main language.
    """

    overall: Metric
    overall_label: str | None
    captions: Metric
    comments: Metric
    comment_shares: Shares
    caption_shares: Shares
    weekly: tuple[SentimentWeek, ...]
    most_positive: tuple[ExtremeComment, ...]
    most_negative: tuple[ExtremeComment, ...]
    sponsored_vs_organic: SponsoredSplit
    early_warning: EarlyWarning
    languages: CommentLanguages


# ---------------------------------------------------------------- community


@dataclass(frozen=True)
class PlatformCommunity:
    """Per-post conversation (comments), amplification (shares) and applause (likes) over the last 90 days,
    also per 1,000 followers at posting time; comment_to_like = Σcomments ÷ Σlikes."""

    conversation_per_post: Metric
    conversation_per_1000_followers: Metric
    amplification_per_post: Metric
    amplification_per_1000_followers: Metric
    applause_per_post: Metric
    applause_per_1000_followers: Metric
    comment_to_like: Metric


@dataclass(frozen=True)
class HealthComponent:
    """One component of the health score: value 0–100 (None when unavailable) and its nominal weight."""

    value: float | None
    weight: float
    available: bool


@dataclass(frozen=True)
class HealthComponents:
    """The four health components, in display order."""

    sentiment: HealthComponent
    engagement: HealthComponent
    conversation_quality: HealthComponent
    responsiveness: HealthComponent

    def items(self) -> list[tuple[str, HealthComponent]]:
        """(name, component) pairs in display order."""
        return [(name, getattr(self, name)) for name in self.__dataclass_fields__]


@dataclass(frozen=True)
class Health:
    """Community health: score 0–100 (n = available components) and its components."""

    score: Metric
    components: HealthComponents


@dataclass(frozen=True)
class Community:
    """Community health: per platform, reply rate and comment-kind shares (% of audience comments)."""

    platforms: dict[str, PlatformCommunity]
    reply_rate: Metric
    spam_share: Metric
    emoji_only_share: Metric
    generic_share: Metric
    health: Health


# ---------------------------------------------------------------- audience quality


@dataclass(frozen=True)
class AudienceComponent:
    """One audience-quality rule as applied to this talent.

    name: the rule's key (follower_spikes, follower_purges, engagement_vs_tier, comment_quality).
    value: its figure (a count of days, a % …; see `basis`), None when unavailable (never 0 for "no data").
    n: what it rests on (days assessed, tier peers, audience comments). status: ok, flag or unavailable.
    explanation: one plain sentence on what was found and why it counts (or not).
    """

    name: str
    value: float | None
    n: int
    basis: str
    status: AudienceStatus
    explanation: str


@dataclass(frozen=True)
class FollowerEvent:
    """One flagged day: an unexplained jump (spike) or a one-day loss (purge) of one platform's followers.

    day: ISO date of the snapshot that shows the change. change: followers gained (+) or lost (−) since the
    day before; percent: that change in % of the day before; z: its robust z-score against the profile's
    trailing baseline.
    """

    day: str
    platform: str
    kind: FollowerEventKind
    change: int
    percent: float
    z: float


@dataclass(frozen=True)
class AudienceQuality:
    """Signs of bought or purged followers: an ESTIMATE (`note`), never a measurement of fake followers.

    level: no / some / strong signs (unavailable when no rule could be applied). signs: how many rules
    flag (n = rules that could be applied; status estimated or unavailable). components: every rule, in
    display order. events: the flagged days, oldest first.
    """

    level: AudienceLevel
    signs: Metric
    components: tuple[AudienceComponent, ...]
    events: tuple[FollowerEvent, ...]
    note: str


# ---------------------------------------------------------------- freshness


@dataclass(frozen=True)
class ProfileSync:
    """When one connected profile was last synced (ISO 8601 or None) and whether that is too long ago."""

    platform: str
    handle: str
    last_synced_at: str | None
    stale: bool


@dataclass(frozen=True)
class StaleThresholds:
    """Hours after which snapshots, and a profile's sync, count as stale."""

    snapshot: int
    sync: int


@dataclass(frozen=True)
class Freshness:
    """How current the data is: newest post (ISO 8601) and snapshot day (ISO date), None when there is none;
    is_stale when the snapshots or any profile's sync are older than the thresholds."""

    computed_at: str
    newest_post_at: str | None
    newest_snapshot_on: str | None
    profiles: tuple[ProfileSync, ...]
    snapshot_stale: bool
    sync_stale: bool
    is_stale: bool
    thresholds_hours: StaleThresholds


# ---------------------------------------------------------------- the result

TrendPoint = tuple[str, int]  # (ISO date, followers)


@dataclass(frozen=True)
class SocialIntelligence:
    """Everything the talent page shows, computed for one talent at one moment.

    follower_trend: per platform, daily followers oldest first. audience: signs of bought or purged followers
    (an estimate). methodology: figure → how it is computed.
    """

    schema_version: int
    talent_id: int
    talent_name: str
    is_demo: bool
    computed_at: str
    connected: tuple[Profile, ...]
    overview: Overview
    follower_trend: dict[str, tuple[TrendPoint, ...]]
    content: Content
    sentiment: Sentiment
    community: Community
    audience: AudienceQuality
    freshness: Freshness
    methodology: dict[str, str] = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        """True when a connected profile has at least one snapshot or post (else every figure is unavailable)."""
        return self.freshness.newest_post_at is not None or self.freshness.newest_snapshot_on is not None

    def to_dict(self) -> JsonObject:
        """A JSON-ready dict (tuples become lists)."""
        return encode(self)

    def to_json(self) -> str:
        """Compact JSON text."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_dict(cls, data: JsonObject) -> SocialIntelligence:
        """Rebuild from `to_dict()` output; ValueError on another schema version or a malformed value."""
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"schema version {data.get('schema_version')} is not {SCHEMA_VERSION}")
        return decode(cls, data)

    @classmethod
    def from_json(cls, text: str | bytes) -> SocialIntelligence:
        """Rebuild from `to_json()` output."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return cls.from_dict(data)
