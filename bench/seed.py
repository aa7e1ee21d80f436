"""The benchmark's environment: its own PostgreSQL database, service probes, a hung-Redis stub, and its data.

The data is one large real (non-demo) talent per scale, plus sets of small talents (the 1,000-talent
roster, the simulated day's 50) written in bulk with a summary row each. Seeding is idempotent: a talent named
"Bench talent <scale>" with exactly the scale's rows is reused; one with other counts is deleted
(children follow by ON DELETE CASCADE) and written again. Texts are scored and classified at seed
time through `intel.annotate`, as a real import does, and the tables are ANALYZEd afterwards, as an
import should: without statistics (fresh tables, autovacuum off) PostgreSQL plans the per-post
comment aggregate as a nested loop that re-aggregates all the talent's comments once per post.
"""

from __future__ import annotations

import logging
import math
import random
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import redis
from sqlalchemy import Connection, Engine, delete, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from intel.cache.store import RedisStore
from intel.db.engine import bulk_insert, make_engine
from intel.db.migrate import upgrade
from intel.db.models import (
    PLATFORMS,
    TIERS,
    Comment,
    FollowerSnapshot,
    SocialPost,
    SocialProfile,
    Talent,
    TalentSummary,
)
from intel.demo import text as demo_text
from intel.demo.generate import MEDIA_MIX
from intel.text.annotate import annotate

log = logging.getLogger(__name__)

Row = dict[str, Any]

DEFAULT_DATABASE_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/intel_bench"
HISTORY_DAYS = 365
PLATFORM_SHARE = (0.40, 0.35, 0.25)  # of posts, in PLATFORMS order
START_FOLLOWERS = (180_000, 240_000, 60_000)
REPLY_SHARE = 0.05  # comments written by the talent under their own posts
CATEGORIES = ("beauty", "gaming", "fitness", "food")
# Random words mixed into the templates, so most texts are unique (as real comments are).
WORDS = (
    "honestly", "really", "today", "again", "video", "lighting", "colour", "song", "edit", "vibe", "episode",
    "part", "story", "camera", "outfit", "recipe", "workout", "weekend", "morning", "tutorial", "review",
    "love", "hate", "great", "boring", "awesome", "terrible", "cute", "weird", "funny", "sad", "happy",
    "amazing", "bad", "best", "worst", "nice", "annoying", "beautiful", "ugly", "helpful", "useless",
    "smart", "lazy", "fresh", "old", "new", "cheap", "expensive", "fast", "slow", "loud", "quiet",
    "the", "a", "this", "that", "my", "your", "our", "with", "without", "about", "after", "before",
    "sister", "brother", "mom", "friend", "team", "city", "beach", "kitchen", "studio", "gym", "street",
    "lol", "haha", "omg", "tbh", "ngl", "fr", "idk", "pls", "wow", "yay", "ugh", "hmm", "yes", "no",
    "coffee", "pizza", "rain", "summer", "winter", "night", "music", "dance", "light", "dark", "gold",
)
EMOJI = ("😍", "🔥", "😂", "❤️", "🙌", "😭", "👏", "🤮", "😡", "💯", "✨", "")


@dataclass(frozen=True)
class Size:
    """How much data one scale's talent holds."""

    posts: int
    comments: int
    days: int = HISTORY_DAYS

    @property
    def snapshots(self) -> int:
        """One snapshot per profile per day."""
        return self.days * len(PLATFORMS)


# comment_days is written by the comments' triggers (migration 0005).
SEEDED_TABLES = ("talents", "social_profiles", "follower_snapshots", "social_posts", "comments", "comment_days")

SIZES: dict[str, Size] = {"small": Size(300, 6_000), "medium": Size(1_000, 20_000), "large": Size(2_000, 50_000)}


@dataclass(frozen=True)
class Seeded:
    """The bench talent of one scale and whether it was written now or reused."""

    talent_id: int
    size: Size
    reused: bool
    seconds: float
    anchor: datetime  # the last sync: every snapshot, post and comment is at or before it


def talent_name(scale: str) -> str:
    """The name that identifies a scale's bench talent."""
    return f"Bench talent {scale}"


def ensure_database(url: str) -> Engine:
    """An engine on `url`, creating the PostgreSQL database if missing and migrating it to head."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.database:
        admin = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False),
                            isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database})
                if not exists:
                    conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
                    log.info("created bench database %s", parsed.database)
        finally:
            admin.dispose()
    engine = make_engine(url)
    upgrade(engine)
    return engine


def database_reachable(url: str) -> str | None:
    """None when the server behind `url` accepts connections, else a one-line reason."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return None
    probe = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False))
    try:
        with probe.connect():
            return None
    except OperationalError as exc:
        return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    finally:
        probe.dispose()


def seed_talent(engine: Engine, scale: str, *, seed: int = 1, analyze: bool = True) -> Seeded:
    """The scale's bench talent: reused when its row counts match, otherwise (re)written; then ANALYZE."""
    size = SIZES[scale]
    started = time.perf_counter()
    found = _reusable(engine, scale, size)
    if found is not None:
        talent_id, anchor = found
        log.info("bench talent %s reused (id %s)", scale, talent_id)
    else:
        today = datetime.now(UTC).date()
        rows = _generate(scale, size, random.Random(seed), today)
        annotate(rows["posts"], "caption")
        annotate(rows["comments"], "text", comments=True)
        with engine.begin() as conn:
            talent_id = _write(conn, rows)
        anchor = _sync_time(today)
        log.info("bench talent %s seeded (id %s)", scale, talent_id)
    if analyze:
        _analyze(engine)
    return Seeded(talent_id, size, found is not None, time.perf_counter() - started, anchor)


def seed_small_talents(engine: Engine, label: str, n: int, *, seed: int = 3) -> tuple[list[int], bool]:
    """(ids, reused) of `n` small real talents "<label> 0001"…: 1–3 connected profiles and a summary row
    each, no snapshots or posts. Reused when all `n` and their summaries are there, else rewritten."""
    with engine.begin() as conn:
        ids = list(conn.scalars(select(Talent.id).where(Talent.name.like(f"{label} %"), Talent.is_demo.is_(False))
                                .order_by(Talent.id)))
        summaries = conn.scalar(select(func.count()).where(TalentSummary.talent_id.in_(ids))) if ids else 0
        if len(ids) == n and summaries == n:
            return ids, True
        if ids:
            conn.execute(delete(Talent).where(Talent.id.in_(ids)))
        ids = _write_small(conn, label, n, random.Random(seed))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE talents, social_profiles, talent_summaries"))
    log.info("%d small talents %r seeded", n, label)
    return ids, False


def _write_small(conn: Connection, label: str, n: int, rng: random.Random) -> list[int]:
    slug, now = label.lower().replace(" ", "_"), datetime.now(UTC)
    ids = [int(i) for i in bulk_insert(conn, Talent, [
        {"name": f"{label} {i:04d}", "primary_handle": f"@{slug}_{i:04d}", "category": rng.choice(CATEGORIES),
         "tier": rng.choice(TIERS), "is_demo": False} for i in range(1, n + 1)], returning=True)]
    profiles, summaries = [], []
    for i, talent_id in enumerate(ids):
        platforms = rng.sample(PLATFORMS, rng.randint(1, 3))
        profiles += [{"talent_id": talent_id, "platform": p, "handle": f"{slug}_{i}", "account_id": f"{slug}-{i}-{p}",
                      "connected": True, "last_synced_at": now, "is_demo": False} for p in platforms]
        summaries.append({
            "talent_id": talent_id, "computed_at": now, "is_demo": False,
            "total_followers": round(rng.lognormvariate(11, 1.2)), "growth_30d_pct": round(rng.gauss(1.5, 2), 2),
            "engagement_platform": platforms[0], "engagement_rate": round(rng.uniform(0.5, 8), 2),
            "sentiment": round(rng.uniform(0.4, 0.9), 3), "health": round(rng.uniform(30, 95), 1),
            "newest_data_at": now - timedelta(hours=rng.uniform(1, 72)), "is_stale": False})
    bulk_insert(conn, SocialProfile, profiles)
    bulk_insert(conn, TalentSummary, summaries)
    return ids


def _reusable(engine: Engine, scale: str, size: Size) -> tuple[int, datetime] | None:
    """(id, anchor) of an existing bench talent with the right counts; others of that name are deleted."""
    with engine.begin() as conn:
        existing = conn.scalars(select(Talent.id).where(Talent.name == talent_name(scale),
                                                        Talent.is_demo.is_(False))).all()
        for talent_id in existing:
            if _counts(conn, talent_id) == (size.snapshots, size.posts, size.comments):
                return talent_id, _anchor(conn, talent_id)
        if existing:
            conn.execute(delete(Talent).where(Talent.id.in_(existing)))
    return None


def _analyze(engine: Engine) -> None:
    """Refresh planner statistics of the seeded tables (PostgreSQL)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"ANALYZE {', '.join(SEEDED_TABLES)}"))


def _counts(conn: Connection, talent_id: int) -> tuple[int, int, int]:
    profiles = select(SocialProfile.id).where(SocialProfile.talent_id == talent_id)
    posts = select(SocialPost.id).where(SocialPost.profile_id.in_(profiles))
    snapshots = conn.scalar(select(func.count()).where(FollowerSnapshot.profile_id.in_(profiles)))
    n_posts = conn.scalar(select(func.count()).where(SocialPost.profile_id.in_(profiles)))
    comments = conn.scalar(select(func.count()).where(Comment.post_id.in_(posts)))
    return int(snapshots or 0), int(n_posts or 0), int(comments or 0)


def _anchor(conn: Connection, talent_id: int) -> datetime:
    profiles = select(SocialProfile.id).where(SocialProfile.talent_id == talent_id)
    newest = conn.scalar(select(func.max(FollowerSnapshot.captured_at)).where(
        FollowerSnapshot.profile_id.in_(profiles)))
    return newest or datetime.now(UTC)


def _sync_time(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 0, 30, tzinfo=UTC)


def _generate(scale: str, size: Size, rng: random.Random, today: date) -> dict[str, Any]:
    """Every row of one bench talent; children carry their parent's index."""
    handle = f"bench_{scale}"
    sync = _sync_time(today)
    talent = {"name": talent_name(scale), "primary_handle": f"@{handle}", "category": "lifestyle",
              "tier": "macro", "is_demo": False}
    profiles = [{"platform": p, "handle": handle, "account_id": f"bench-{scale}-{p}", "connected": True,
                 "last_synced_at": sync, "is_demo": False} for p in PLATFORMS]
    snapshots = [row for i in range(len(PLATFORMS)) for row in _snapshots(rng, i, today, size.days)]
    posts = _posts(rng, scale, size, sync)
    comments = _comments(rng, posts, size.comments, handle, sync)
    return {"talent": talent, "profiles": profiles, "snapshots": snapshots, "posts": posts, "comments": comments}


def _snapshots(rng: random.Random, profile: int, today: date, days: int) -> list[Row]:
    followers = float(START_FOLLOWERS[profile])
    rows = []
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        followers *= 1 + rng.gauss(0.0015, 0.002)
        rows.append({"profile": profile, "captured_on": day, "captured_at": _sync_time(day),
                     "followers": round(followers), "following": 300 + rng.randint(0, 50), "posts_count": None})
    return rows


def _posts(rng: random.Random, scale: str, size: Size, sync: datetime) -> list[Row]:
    span_s = size.days * 86_400 - 3_600
    moments = sorted(sync - timedelta(seconds=rng.uniform(3_600, span_s)) for _ in range(size.posts))
    rows = []
    for i, posted_at in enumerate(moments):
        profile = rng.choices(range(len(PLATFORMS)), PLATFORM_SHARE)[0]
        platform = PLATFORMS[profile]
        media = rng.choices(*MEDIA_MIX[platform])[0]
        sponsored = rng.random() < 0.1
        caption = demo_text.caption(rng, rng.choice(CATEGORIES), platform, media, sponsored=sponsored,
                                    mention="@bench_friend")
        reach = START_FOLLOWERS[profile] * rng.lognormvariate(-1.2, 0.6)
        likes = round(reach * rng.uniform(0.04, 0.12))
        rows.append({"profile": profile, "platform": platform, "platform_post_id": f"bench-{scale}-{i}",
                     "posted_at": posted_at, "media_type": media, "is_sponsored": sponsored,
                     "caption": f"{caption} {_words(rng, 0, 6)}".strip(), "likes": likes,
                     "comments": 0, "shares": round(likes * rng.uniform(0.005, 0.05)),
                     "saves": round(likes * rng.uniform(0.01, 0.08)),
                     "views": round(reach) if platform != "instagram" or media == "reel" else None})
    return rows


def _comments(rng: random.Random, posts: list[Row], total: int, handle: str, sync: datetime) -> list[Row]:
    weights = [rng.paretovariate(1.6) for _ in posts]
    owners = sorted(rng.choices(range(len(posts)), weights, k=total))
    fans = demo_text.fan_handles(rng, 400)
    rows = []
    for serial, post in enumerate(owners):
        posted_at = posts[post]["posted_at"]
        posts[post]["comments"] += 1
        room_min = max(1.0, (sync - posted_at).total_seconds() / 60)
        minutes = min(rng.expovariate(1 / 240), room_min * rng.random())
        if rng.random() < REPLY_SHARE:
            author, body, reply = handle, demo_text.reply(rng, hostile=False), True
        else:
            (author, body), reply = demo_text.comment(rng, fans, hostile=rng.random() < 0.05), False
            if rng.random() < 0.7:
                body = f"{body} {_words(rng, 1, 8)} {rng.choice(EMOJI)}".strip()
        rows.append({"post": post, "platform_comment_id": f"c{serial}", "author_handle": author, "text": body,
                     "created_at": posted_at + timedelta(minutes=minutes), "is_talent_reply": reply})
    for post in posts:  # the platform's counter is at least what was fetched
        post["comments"] = post["comments"] + math.ceil(post["comments"] * rng.uniform(0, 0.3))
    return rows


def _words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high)))


def _write(conn: Connection, rows: dict[str, Any]) -> int:
    """Bulk insert parents with RETURNING, children in chunks; the new talent's id."""
    talent_id = bulk_insert(conn, Talent, [rows["talent"]], returning=True)[0]
    profile_ids = bulk_insert(conn, SocialProfile, [{**r, "talent_id": talent_id} for r in rows["profiles"]],
                          returning=True)
    bulk_insert(conn, FollowerSnapshot, _link(rows["snapshots"], "profile", "profile_id", profile_ids))
    post_ids = bulk_insert(conn, SocialPost, _link(rows["posts"], "profile", "profile_id", profile_ids), returning=True)
    bulk_insert(conn, Comment, _link(rows["comments"], "post", "post_id", post_ids))
    return int(talent_id)


def _link(rows: list[Row], index: str, key: str, parent_ids: list[int]) -> list[Row]:
    return [{**{k: v for k, v in r.items() if k != index}, key: parent_ids[r[index]]} for r in rows]


def redis_problem(url: str) -> str | None:
    """None when Redis at `url` answers PING, else a one-line reason."""
    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
        return None
    except (redis.RedisError, OSError) as exc:
        return str(exc) or type(exc).__name__
    finally:
        client.close()


def redis_version(url: str) -> str | None:
    """The server version Redis reports."""
    client = redis.Redis.from_url(url, socket_timeout=1)
    try:
        return str(client.info("server").get("redis_version"))
    finally:
        client.close()


def pg_version(engine: Engine) -> str:
    """The PostgreSQL server version (or the dialect name for another database)."""
    if engine.dialect.name != "postgresql":
        return f"{engine.dialect.name} (not PostgreSQL)"
    with engine.connect() as conn:
        return str(conn.scalar(text("SHOW server_version")))


def cleanup_prefix(redis_url: str, prefix: str) -> None:
    """Delete every Redis key under `prefix` (the run's namespace)."""
    store = RedisStore(redis_url, timeout_s=2)
    try:
        log.info("bench: deleted %d keys under %s", store.delete_matching(prefix), prefix)
    except (redis.RedisError, OSError) as exc:
        log.warning("bench: could not delete keys under %s: %s", prefix, exc)
    finally:
        store.client.close()


class HungRedis:
    """A socket server that accepts connections and never answers (a hung Redis)."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        self._sock.settimeout(0.05)
        self.url = f"redis://127.0.0.1:{self._sock.getsockname()[1]}/0"
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="bench-hung-redis", daemon=True)

    def __enter__(self) -> HungRedis:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in self._held:
            conn.close()
        self._sock.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                self._held.append(self._sock.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
