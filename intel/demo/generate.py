"""Deterministic synthetic demo roster: 14 talents, a year of daily snapshots, posts and comments.

`load_demo(engine, seed=7, today=...)` replaces every demo talent (Talent.is_demo) and everything
under it with a roster generated from `random.Random(seed)` alone, anchored on `today`: the same
seed and day always give the same rows. Everything is written in one transaction with bulk inserts;
real (non-demo) talents are never touched.

The story in the data: follower curves compound with noise, with plateaus, a viral spike (led by a
viral post) and a drop on some profiles; each talent lives in a time zone and posts by its local clock,
and engagement depends on the local weekday and hour of posting; comments mix praise,
complaints, questions, spam, emoji, slang, other languages and talent replies, and some audiences write
mostly in their talent's language (`text.AUDIENCE_LANGUAGES`: Portuguese, Spanish, French, …). Sofia Marques has a
controversy in the last 7 days (negative comment surge, followers falling). Tyler Brooks and Elena
Petrova have just signed: their profiles exist with connected=False and hold no data yet. Luca Romano's
Instagram shows bought followers (a one-day jump on a day without posts) and, later, a platform purge (a
one-day loss): `intel.demo.followers` says where, for the audience-quality tests.
"""

from __future__ import annotations

import bisect
import logging
import math
import random
import time as timer
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, delete, select

from intel.config import get_settings
from intel.db.engine import bulk_insert
from intel.db.models import Comment, CommentDay, FollowerSnapshot, SocialPost, SocialProfile, Talent
from intel.demo import campaigns, text
from intel.demo import events as injected
from intel.demo.events import InjectedEvent, PlacedEvent
from intel.demo.followers import (
    AUDIENCE_TALENT,
    HISTORY_DAYS,
    HOSTILE_DAYS,
    bought_and_purged,
    follower_series,
    with_drop,
)
from intel.text.annotate import annotate

log = logging.getLogger(__name__)

Row = dict[str, Any]

DEFAULT_SEED = 7
SYNC_TIME = time(0, 30)  # the nightly sync; all posts and comments are older than today's sync
# Followers today on the primary platform, by tier (the curve is scaled to end there).
TIER_FOLLOWERS: dict[str, tuple[int, int]] = {
    "nano": (2_500, 9_500),
    "micro": (15_000, 95_000),
    "mid": (120_000, 480_000),
    "macro": (520_000, 950_000),
    "mega": (1_200_000, 6_000_000),
}
TIER_LIKE_FACTOR: dict[str, float] = {"nano": 1.6, "micro": 1.25, "mid": 1.0, "macro": 0.8, "mega": 0.6}
MEDIA_MIX: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "instagram": (("image", "carousel", "reel", "story"), (0.30, 0.25, 0.35, 0.10)),
    "tiktok": (("video",), (1.0,)),
    "youtube": (("video", "short"), (0.45, 0.55)),
}
# (platform, media) -> reach low, reach high (x followers), like, comment, share, save rates, has views
RATES: dict[tuple[str, str], tuple[float, float, float, float, float, float, bool]] = {
    ("instagram", "image"): (0.25, 0.45, 0.12, 0.025, 0.015, 0.07, False),
    ("instagram", "carousel"): (0.30, 0.50, 0.13, 0.025, 0.02, 0.10, False),
    ("instagram", "reel"): (0.30, 1.50, 0.06, 0.015, 0.05, 0.05, True),
    ("instagram", "story"): (0.05, 0.15, 0.03, 0.08, 0.0, 0.0, True),
    ("tiktok", "video"): (0.15, 1.20, 0.09, 0.012, 0.05, 0.05, True),
    ("youtube", "video"): (0.05, 0.30, 0.04, 0.05, 0.02, 0.0, True),
    ("youtube", "short"): (0.10, 1.00, 0.045, 0.02, 0.02, 0.0, True),
}
WEEKDAY_FACTOR = (0.80, 0.88, 0.97, 1.08, 0.90, 1.25, 1.35)  # Monday .. Sunday
HOUR_FACTOR = (
    0.45, 0.40, 0.35, 0.35, 0.40, 0.50, 0.65, 0.80, 0.90, 0.95, 1.00, 1.10,
    1.20, 1.10, 0.95, 0.95, 1.10, 1.30, 1.45, 1.55, 1.40, 1.15, 0.85, 0.60,
)  # fmt: skip
HOUR_WEIGHTS = (1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 2, 3, 3, 3, 4, 5, 4, 3, 3, 4, 5, 6, 6, 5, 4, 2, 1.5)
# Where each demo talent lives (by handle): its posting clock and the zone of its best-time table.
TIMEZONES: dict[str, str] = {
    "mayaglowsup": "America/Los_Angeles", "diegoplays": "America/Mexico_City", "priyalifts": "Asia/Kolkata",
    "lucacooks": "Europe/Rome", "amarawanders": "Africa/Lagos", "samtechtalks": "Europe/London",
    "jordanbits": "America/New_York", "sofiamarques.style": "Europe/Lisbon", "kenjiframes": "Asia/Tokyo",
    "chloebakes": "Europe/Paris", "marcusreedfit": "America/Chicago", "aishareads": "Asia/Dubai",
    "tylerbrooksmusic": "America/Denver", "elenapaints": "Europe/Sofia",
}
ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@dataclass(frozen=True)
class DemoSummary:
    """What load_demo wrote: row counts per table and the demo talents' ids in roster order."""

    talents: int
    profiles: int
    snapshots: int
    posts: int
    comments: int
    talent_ids: tuple[int, ...]
    events: tuple[PlacedEvent, ...] = ()  # the injected events as written (only with `events=`)


@dataclass
class _Roster:
    """Generated rows; children carry the index of their parent row in the parent list."""

    talents: list[Row] = field(default_factory=list)
    profiles: list[tuple[int, Row]] = field(default_factory=list)
    snapshots: list[tuple[int, Row]] = field(default_factory=list)
    posts: list[tuple[int, Row]] = field(default_factory=list)
    comments: list[tuple[int, Row]] = field(default_factory=list)


@dataclass
class _Context:
    """What generation shares: the one random source, fans, used ids and the time anchors."""

    rng: random.Random
    today: date
    fans: list[str]
    used_ids: set[str] = field(default_factory=set)
    plan: dict[str, list[InjectedEvent]] | None = None  # events to inject, by talent; None: the usual story
    placed: list[PlacedEvent] = field(default_factory=list)
    first_day: date = field(init=False)  # the first snapshot day
    horizon: datetime = field(init=False)  # today's sync: every post and comment is older

    def __post_init__(self) -> None:
        self.first_day = self.today - timedelta(days=HISTORY_DAYS - 1)
        self.horizon = datetime.combine(self.today, SYNC_TIME, UTC)


def load_demo(engine: Engine, *, seed: int = DEFAULT_SEED, today: date | None = None,
              events: Sequence[InjectedEvent] | None = None) -> DemoSummary:
    """Replace the demo roster with the one generated from `seed` for the year ending `today` (UTC).

    With `events`, the roster is calm (no built-in story, no campaigns) and carries exactly those events
    (`intel.demo.events`); the summary lists them as placed.
    """
    if isinstance(today, datetime):
        raise TypeError("today must be a date, not a datetime")
    today = today or datetime.now(UTC).date()
    started = timer.perf_counter()
    plan = None if events is None else _plan(events)
    roster, placed = _build_roster(seed, today, plan)
    _score_sentiment(roster)
    formats = campaigns.tag_posts(roster, today) if plan is None else {}  # after scoring: tags change no figure
    generated = timer.perf_counter()
    with engine.begin() as conn:
        _delete_demo(conn)
        talent_ids = _write(conn, roster)
        if plan is None:
            campaigns.write_campaigns(conn, talent_ids, [t["primary_handle"] for t in roster.talents], formats,
                                      today, zone=get_settings().timezone)
    tables = (roster.talents, roster.profiles, roster.snapshots, roster.posts, roster.comments)
    talents, profiles, snapshots, posts, comments = (len(rows) for rows in tables)
    summary = DemoSummary(talents, profiles, snapshots, posts, comments, talent_ids=talent_ids,
                          events=tuple(placed))
    log.info(
        "demo roster loaded (seed %d, today %s): %s; generated in %.2fs, written in %.2fs",
        seed, today, summary, generated - started, timer.perf_counter() - generated,
    )  # fmt: skip
    return summary


def _plan(events: Sequence[InjectedEvent]) -> dict[str, list[InjectedEvent]]:
    """The events by talent, checked against the roster (a connected talent, one of its platforms)."""
    specs = {t.name: t for t in text.TALENTS}
    plan: dict[str, list[InjectedEvent]] = {}
    for event in events:
        spec = specs.get(event.talent)
        if spec is None or not spec.connected:
            raise ValueError(f"{event.talent!r} is not a connected demo talent")
        if event.platform is not None and event.platform not in spec.platforms:
            raise ValueError(f"{event.talent} has no {event.platform} profile")
        plan.setdefault(event.talent, []).append(event)
    return plan


def _build_roster(seed: int, today: date,
                  plan: dict[str, list[InjectedEvent]] | None = None) -> tuple[_Roster, list[PlacedEvent]]:
    """Generate every demo row (without ids or sentiment) from `seed`, for the year ending `today`."""
    rng = random.Random(seed)
    ctx = _Context(rng=rng, today=today, fans=text.fan_handles(rng, 600), plan=plan)
    roster = _Roster()
    for spec in text.TALENTS:
        _add_talent(ctx, roster, spec if plan is None else spec._replace(controversy=False))
    return roster, ctx.placed


def _add_talent(ctx: _Context, roster: _Roster, spec: text.TalentSpec) -> None:
    """A talent row and its profiles; connected talents also get a year of data."""
    rng = ctx.rng
    signed_days = rng.randint(400, 1400) if spec.connected else rng.randint(2, 20)
    signed = datetime.combine(ctx.today - timedelta(days=signed_days), time(rng.randint(9, 17)), UTC)
    roster.talents.append(
        {"name": spec.name, "primary_handle": spec.handle, "category": spec.category, "tier": spec.tier,
         "timezone": TIMEZONES[spec.handle], "agent_id": None, "is_demo": True, "created_at": signed}
    )  # fmt: skip
    talent_index = len(roster.talents) - 1
    low, high = TIER_FOLLOWERS[spec.tier]
    primary_followers = rng.randint(low, high)
    total_posts = rng.randint(55, 300)
    weights = [rng.uniform(0.7, 1.3) / (rank + 1) for rank in range(len(spec.platforms))]
    for rank, platform in enumerate(spec.platforms):
        profile = {
            "platform": platform, "handle": spec.handle, "account_id": _account_id(ctx, platform),
            "connected": spec.connected, "last_synced_at": None, "is_demo": True,
        }  # fmt: skip
        roster.profiles.append((talent_index, profile))
        if spec.connected:
            share = 1.0 if rank == 0 else rng.uniform(0.15, 0.7)
            n_posts = max(8, round(total_posts * weights[rank] / sum(weights)))
            _add_profile_data(ctx, roster, spec, profile, round(primary_followers * share), n_posts)


def _add_profile_data(
    ctx: _Context, roster: _Roster, spec: text.TalentSpec, profile: Row, followers: int, n_posts: int
) -> None:
    """A connected profile's daily snapshots, posts and comments."""
    profile_index = len(roster.profiles) - 1
    calm = ctx.plan is not None
    series, spike_day = follower_series(ctx.rng, followers, drop_at_end=spec.controversy, random_drop=not calm)
    recent = 4 if spec.controversy and profile["platform"] == spec.platforms[0] else 0
    schedule = _post_schedule(ctx, n_posts, spike_day, recent, ZoneInfo(TIMEZONES[spec.handle]))
    if not calm and spec.name == AUDIENCE_TALENT and profile["platform"] == spec.platforms[0]:
        series, schedule = bought_and_purged(ctx.first_day, series, schedule)
    marks: dict[datetime, str] = {}
    if calm:
        mine = [e for e in (ctx.plan or {}).get(spec.name, [])
                if (e.platform or spec.platforms[0]) == profile["platform"]]
        spike = None if spike_day is None else ctx.first_day + timedelta(days=spike_day)
        series, schedule, marks = _inject(ctx, mine, profile["platform"], series, schedule, spike)
    sync_at = _snapshots(ctx, roster, profile_index, profile["platform"], series, [t for t, _ in schedule])
    profile["last_synced_at"] = sync_at
    for posted_at, viral in schedule:
        day_followers = series[(posted_at.date() - ctx.first_day).days]
        _add_post(ctx, roster, spec, profile_index, posted_at, day_followers, viral, event=marks.get(posted_at))


Schedule = list[tuple[datetime, bool]]


def _inject(ctx: _Context, events: list[InjectedEvent], platform: str, series: list[int],
            schedule: Schedule, spike: date | None) -> tuple[list[int], Schedule, dict[datetime, str]]:
    """Write one profile's injected events into its series and schedule; what each marked post carries."""
    marks: dict[datetime, str] = {}
    for event in sorted(events, key=lambda e: e.start):
        start = event.start
        if event.kind == "follower_drop":
            start = injected.drop_start(event.start, spike)
            series = with_drop(series, (start - ctx.first_day).days, injected.FOLLOWER_DROP_DAYS,
                               injected.FOLLOWER_LOSS)
        elif event.kind in ("backlash", "spam_wave"):
            moment = injected.event_post_time(event.start)
            until = moment + timedelta(days=injected.EVENT_DAYS)
            marks.update({t: f"{event.kind}_tail" for t, _ in schedule if moment < t < until})
            schedule.append((moment, False))
            marks[moment] = event.kind
        elif event.kind == "engagement_slump":
            start = injected.slump_start([t for t, _ in schedule], event.start)
            schedule, slumped = _slump(start, schedule)
            marks.update(dict.fromkeys(slumped, "slump"))
        schedule.sort()
        detectable = (injected.slump_detectable([t for t, _ in schedule], start)
                      if event.kind == "engagement_slump" else start)
        ctx.placed.append(PlacedEvent(event.talent, event.kind, platform, start, detectable))
    return series, schedule, marks


def _slump(start: date, schedule: Schedule) -> tuple[Schedule, list[datetime]]:
    """The schedule with enough posts in the slump window, and the posts the slump holds down."""
    end = start + timedelta(days=injected.SLUMP_DAYS)
    inside = [t for t, _ in schedule if start <= t.date() < end]
    step = injected.SLUMP_DAYS / (injected.SLUMP_POSTS + 1)
    added = [datetime.combine(start + timedelta(days=round(step * (k + 1))), time(14, k), UTC)
             for k in range(max(0, injected.SLUMP_POSTS - len(inside)))]
    return schedule + [(t, False) for t in added], inside + added


def _post_schedule(ctx: _Context, n: int, spike_day: int | None, recent: int,
                   zone: ZoneInfo) -> list[tuple[datetime, bool]]:
    """Sorted (posted_at, viral) pairs (UTC) on local days before today, at local hours: a viral post opens any
    spike."""
    rng = ctx.rng
    days = [rng.randrange(0, HISTORY_DAYS - 1) for _ in range(n)]
    days[:recent] = [rng.randrange(HISTORY_DAYS - HOSTILE_DAYS, HISTORY_DAYS - 1) for _ in range(recent)]
    viral = [False] * n
    if spike_day is not None:
        days[-1], viral[-1] = spike_day, True
    schedule = []
    for day, is_viral in zip(days, viral, strict=True):
        hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
        moment = time(hour, rng.randrange(60), rng.randrange(60))
        posted = datetime.combine(ctx.first_day + timedelta(days=day), moment, zone).astimezone(UTC)
        schedule.append((_within_history(ctx, posted), is_viral))
    return sorted(schedule)


def _within_history(ctx: _Context, posted: datetime) -> datetime:
    """A day later or earlier when the zone's offset moved a post before the first snapshot day or after the sync."""
    if posted.date() < ctx.first_day:
        return posted + timedelta(days=1)
    return posted - timedelta(days=1) if posted >= ctx.horizon else posted


def _snapshots(
    ctx: _Context, roster: _Roster, profile_index: int, platform: str, series: list[int],
    posted: list[datetime],
) -> datetime:  # fmt: skip
    """One snapshot a day; returns the last capture time (the profile's last sync)."""
    rng = ctx.rng
    offset = timedelta(minutes=rng.randint(0, 20))
    following = None if platform == "youtube" else rng.randint(150, 1500)
    earlier_posts = rng.randint(40, 1500)
    captured_at = ctx.horizon
    for d, followers in enumerate(series):
        day = ctx.first_day + timedelta(days=d)
        captured_at = datetime.combine(day, SYNC_TIME, UTC) + offset
        if following is not None and rng.random() < 0.15:
            following = max(50, following + rng.randint(-3, 4))
        roster.snapshots.append(
            (profile_index, {"captured_on": day, "captured_at": captured_at, "followers": followers,
                             "following": following,
                             "posts_count": earlier_posts + bisect.bisect_left(posted, captured_at)})
        )  # fmt: skip
    return captured_at


def _add_post(
    ctx: _Context, roster: _Roster, spec: text.TalentSpec, profile_index: int,
    posted_at: datetime, followers: int, viral: bool, event: str | None = None,
) -> None:  # fmt: skip
    """One post with its counters and its fetched comments; `event` marks an injected backlash, spam wave or
    slump (`intel.demo.events`)."""
    rng = ctx.rng
    platform = roster.profiles[profile_index][1]["platform"]
    media = rng.choices(*MEDIA_MIX[platform])[0]
    if viral and media == "story":
        media = "reel"  # a story vanishes in a day and is not shared on: what goes viral on Instagram is a reel
    sponsored = rng.random() < 0.12
    mention = "@" + rng.choice([t.handle for t in text.TALENTS if t.handle != spec.handle])
    hostile = spec.controversy and posted_at >= ctx.horizon - timedelta(days=HOSTILE_DAYS)
    stored = 40 if viral or hostile else 5 + int(35 * rng.random() ** 2)
    if event in ("backlash", "spam_wave"):
        stored = injected.EVENT_POST_COMMENTS
    elif event == "slump":
        stored = max(3, round(stored * injected.SLUMP_FACTOR))  # fewer people, fewer comments
    age_hours = (ctx.horizon - posted_at).total_seconds() / 3600
    local = posted_at.astimezone(ZoneInfo(TIMEZONES[spec.handle]))  # audiences follow the talent's clock
    timing = WEEKDAY_FACTOR[local.weekday()] * HOUR_FACTOR[local.hour] * rng.lognormvariate(0, 0.3)
    # A viral post reaches 8–20 times a typical post's audience whatever its hour: a slow slot must not make
    # the post that drives a follower spike look ordinary (the audience-quality rules look for it).
    audience = rng.uniform(8, 20) if viral else timing
    boost = audience * (0.8 if sponsored else 1.0) * (1 - math.exp(-age_hours / 30))
    if event == "slump":
        boost *= injected.SLUMP_FACTOR
    row = {
        "platform": platform, "platform_post_id": _post_id(ctx, platform), "posted_at": posted_at,
        "media_type": media, "is_sponsored": sponsored,
        "caption": text.caption(rng, spec.category, platform, media, sponsored=sponsored, mention=mention),
        **_counters(rng, platform, media, followers * boost, spec.tier, stored, viral=viral),
    }  # fmt: skip
    roster.posts.append((profile_index, row))
    _add_comments(ctx, roster, spec.handle, posted_at, stored, hostile=spec.controversy, event=event)


def _counters(
    rng: random.Random, platform: str, media: str, base: float, tier: str, stored: int, *, viral: bool = False
) -> Row:  # fmt: skip
    """Likes, comments, shares, saves and views, plausible for the platform, media and reach."""
    low, high, like, comment, share, save, has_views = RATES[(platform, media)]
    spread = rng.uniform(low, high)  # drawn for every post, so a viral one leaves the random stream as it was
    # A viral post is pushed to the top of the platform's reach range: at its low end (TikTok: 0.15 of up to
    # 1.2 × followers) even 20 × the usual audience would read as an ordinary post.
    reach = base * (high if viral else spread)
    likes = reach * like * TIER_LIKE_FACTOR[tier] * rng.uniform(0.7, 1.3)
    return {
        "likes": round(likes),
        "comments": max(round(likes * comment * rng.uniform(0.6, 1.4)), stored + rng.randint(0, 8)),
        "shares": round(likes * share * rng.uniform(0.5, 1.5)),
        "saves": round(likes * save * rng.uniform(0.5, 1.5)),
        "views": round(reach) if has_views else None,
    }


def _add_comments(
    ctx: _Context, roster: _Roster, handle: str, posted_at: datetime, n: int, *, hostile: bool,
    event: str | None = None,
) -> None:
    """`n` comments under the last post; recent ones turn hostile for a talent in a controversy, and most of an
    injected backlash's or spam wave's post are hostile or spam."""
    rng = ctx.rng
    post_index = len(roster.posts) - 1
    hostile_from = ctx.horizon - timedelta(days=HOSTILE_DAYS)
    base_id = rng.randrange(10**16, 9 * 10**16)
    moments = sorted(_comment_time(rng, posted_at, ctx.horizon) for _ in range(n))
    for j, created_at in enumerate(moments):
        angry = hostile and created_at >= hostile_from and rng.random() < 0.8
        if event in ("backlash", "backlash_tail"):
            angry = rng.random() < injected.EVENT_SHARE
        elif event in ("spam_wave", "spam_wave_tail") and rng.random() < injected.EVENT_SHARE:
            roster.comments.append((post_index, {"platform_comment_id": str(base_id + j), "text": rng.choice(text.SPAM),
                                                 "author_handle": rng.choice(text.SPAM_AUTHORS),
                                                 "created_at": created_at, "is_talent_reply": False}))
            continue
        if j > 0 and rng.random() < 0.07:
            author, body, is_reply = handle, text.reply(rng, hostile=angry), True
        else:
            author, body = text.comment(rng, ctx.fans, hostile=angry, language=text.AUDIENCE_LANGUAGES.get(handle))
            is_reply = False
        roster.comments.append(
            (post_index, {"platform_comment_id": str(base_id + j), "author_handle": author, "text": body,
                          "created_at": created_at, "is_talent_reply": is_reply})
        )  # fmt: skip


def _comment_time(rng: random.Random, posted_at: datetime, horizon: datetime) -> datetime:
    """When a comment arrived: mostly within hours of the post, sometimes days later, never after sync."""
    minutes = rng.expovariate(1 / 240) if rng.random() < 0.9 else rng.uniform(1440, 30 * 1440)
    room = (horizon - posted_at).total_seconds() / 60
    if minutes >= room:
        minutes = rng.uniform(0, room)
    return (posted_at + timedelta(minutes=minutes)).replace(microsecond=0)


def _account_id(ctx: _Context, platform: str) -> str:
    """A platform-shaped account id, unique within the roster."""
    rng = ctx.rng
    makers = {
        "instagram": lambda: f"178414{rng.randrange(10**10, 10**11)}",
        "tiktok": lambda: str(rng.randrange(6 * 10**18, 7 * 10**18)),
        "youtube": lambda: "UC" + "".join(rng.choices(ID_ALPHABET, k=22)),
    }
    return _unique(ctx, platform, makers[platform])


def _post_id(ctx: _Context, platform: str) -> str:
    """A platform-shaped post id (shortcode, numeric or video id), unique within the roster."""
    rng = ctx.rng
    if platform == "tiktok":
        return _unique(ctx, platform, lambda: str(rng.randrange(7 * 10**18, 75 * 10**17)))
    return _unique(ctx, platform, lambda: "".join(rng.choices(ID_ALPHABET, k=11)))


def _unique(ctx: _Context, platform: str, make: Callable[[], str]) -> str:
    """Draw ids until one is new for this platform."""
    value = make()
    while f"{platform}:{value}" in ctx.used_ids:
        value = make()
    ctx.used_ids.add(f"{platform}:{value}")
    return value


def _score_sentiment(roster: _Roster) -> None:
    """Score every caption and comment in one batch per table (and classify comments), as imports do."""
    annotate([row for _, row in roster.posts], "caption")
    annotate([row for _, row in roster.comments], "text", comments=True)


def _delete_demo(conn: Connection) -> None:
    """Delete demo talents and the rows this module writes under them, children first.

    Other tables keyed on talents (e.g. talent_summaries) follow through their ON DELETE CASCADE.
    """
    campaigns.delete_campaigns(conn)
    talents = select(Talent.id).where(Talent.is_demo.is_(True))
    profiles = select(SocialProfile.id).where(SocialProfile.talent_id.in_(talents))
    posts = select(SocialPost.id).where(SocialPost.profile_id.in_(profiles))
    # Their comment aggregates first: every group goes, so the comments' delete triggers find nothing to update.
    conn.execute(delete(CommentDay).where(CommentDay.post_id.in_(posts)))
    conn.execute(delete(Comment).where(Comment.post_id.in_(posts)))
    conn.execute(delete(SocialPost).where(SocialPost.profile_id.in_(profiles)))
    conn.execute(delete(FollowerSnapshot).where(FollowerSnapshot.profile_id.in_(profiles)))
    conn.execute(delete(SocialProfile).where(SocialProfile.talent_id.in_(talents)))
    result = conn.execute(delete(Talent).where(Talent.is_demo.is_(True)))
    log.info("removed %d previous demo talents", result.rowcount)


def _write(conn: Connection, roster: _Roster) -> tuple[int, ...]:
    """Insert parents with RETURNING to link children; returns the talent ids in roster order."""
    talent_ids = bulk_insert(conn, Talent, roster.talents, returning=True)
    profiles = _linked(roster.profiles, "talent_id", talent_ids)
    profile_ids = bulk_insert(conn, SocialProfile, profiles, returning=True)
    bulk_insert(conn, FollowerSnapshot, _linked(roster.snapshots, "profile_id", profile_ids))
    post_ids = bulk_insert(conn, SocialPost, _linked(roster.posts, "profile_id", profile_ids), returning=True)
    bulk_insert(conn, Comment, _linked(roster.comments, "post_id", post_ids))
    return tuple(talent_ids)


def _linked(children: list[tuple[int, Row]], key: str, parent_ids: Sequence[int]) -> list[Row]:
    """Child rows with the foreign key set from their parent's generated id."""
    return [{**row, key: parent_ids[index]} for index, row in children]
