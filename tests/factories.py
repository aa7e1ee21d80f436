"""Small, unique test data written through the ORM."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from intel.db.engine import transaction
from intel.db.models import Base, Comment, FollowerSnapshot, SocialPost, SocialProfile, Talent

_ids = itertools.count(1)


def make_talent(engine: Engine, *, name: str | None = None, posts: int = 6, comments_per_post: int = 3,
                is_demo: bool = False, connected: bool = True, today: date | None = None) -> int:
    """Commit a talent with one Instagram profile, 30 daily snapshots, posts and comments; return its id."""
    n = next(_ids)
    today = today or datetime.now(UTC).date()
    with transaction(engine) as s:
        talent = Talent(name=name or f"Talent {n}", primary_handle=f"@t{n}", is_demo=is_demo)
        profile = SocialProfile(talent=talent, platform="instagram", handle=f"t{n}", account_id=f"ig-{n}",
                                connected=connected, is_demo=is_demo, last_synced_at=datetime.now(UTC))
        s.add_all([talent, profile])
        s.flush()
        for d in range(30):
            day = today - timedelta(days=d)
            s.add(FollowerSnapshot(profile_id=profile.id, captured_on=day, followers=10_000 - d * 10,
                                   captured_at=datetime(day.year, day.month, day.day, tzinfo=UTC)))
        for p in range(posts):
            when = datetime.now(UTC) - timedelta(days=p, hours=1)
            post = SocialPost(profile_id=profile.id, platform="instagram", platform_post_id=f"{n}-{p}",
                              posted_at=when, likes=100 + p, comments=comments_per_post, shares=1, saves=2,
                              caption=f"post {p}", sentiment_score=0.7, sentiment_label="positive",
                              sentiment_engine="test")
            s.add(post)
            s.flush()
            for c in range(comments_per_post):
                s.add(Comment(post_id=post.id, platform_comment_id=f"{n}-{p}-{c}", text="great",
                              created_at=when + timedelta(minutes=c + 1), sentiment_score=0.8,
                              sentiment_label="positive", sentiment_engine="test"))
        return talent.id


def empty_tables(engine: Engine) -> None:
    """Empty every table (identities restarted on PostgreSQL)."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


def comment_mix(session: Session, now: datetime, *, seed: int = 5) -> int:
    """Flush a talent whose comments cover what the comment aggregates must count; return its id.

    Two connected profiles and a disconnected one; posts days before `now`, on the day of `now` and after
    it; comments on several UTC days and either side of midnight, of `now` and of the day of `now`; talent
    replies, spam, emoji-only and generic ones, unscored ones, every label, ties of the highest score.
    """
    rng = random.Random(seed)
    n = next(_ids)
    talent = Talent(name=f"Mix {n}", primary_handle=f"@mix{n}")
    profiles = [SocialProfile(talent=talent, platform=platform, handle=f"mix{n}", account_id=f"mix-{n}-{platform}",
                              connected=platform != "youtube", last_synced_at=now)
                for platform in ("instagram", "tiktok", "youtube")]
    session.add_all([talent, *profiles])
    session.flush()
    midnight = datetime.combine(now.date(), time.min, tzinfo=UTC)
    post_times = [now - timedelta(days=9, hours=3), midnight - timedelta(minutes=30), midnight + timedelta(hours=1),
                  now + timedelta(hours=2)]
    for p, (profile, posted) in enumerate(itertools.product(profiles, post_times)):
        post = SocialPost(profile_id=profile.id, platform=profile.platform, platform_post_id=f"mix{n}-{p}",
                          posted_at=posted, likes=10 * p, comments=20, caption=f"post {p}", sentiment_score=0.6,
                          sentiment_label="positive", sentiment_engine="test")
        session.add(post)
        session.flush()
        offsets = [timedelta(minutes=rng.randint(1, 60 * 24 * 10)) for _ in range(18)]
        offsets += [midnight - posted - timedelta(microseconds=1), midnight - posted]  # either side of midnight
        for c, offset in enumerate(offsets):
            session.add(_mixed_comment(rng, post.id, f"mix{n}-{p}-{c}", posted + offset))
    session.flush()
    return talent.id


def _mixed_comment(rng: random.Random, post_id: int, cid: str, created_at: datetime) -> Comment:
    kind = rng.choice(("substantive", "substantive", "spam", "emoji_only", "generic"))
    score = rng.choice((None, 0.95, rng.random(), rng.random(), rng.random()))  # 0.95: ties of the top score
    label = None if score is None else "negative" if score < 0.4 else "neutral" if score < 0.6 else "positive"
    return Comment(post_id=post_id, platform_comment_id=cid, text=f"comment {cid}", created_at=created_at,
                   is_talent_reply=rng.random() < 0.15, kind=kind, sentiment_score=score, sentiment_label=label,
                   sentiment_engine=None if score is None else "test", author_handle=f"fan_{cid}")


# Posts of `dst_talent`: America/New_York leaves standard time (UTC-5) for daylight time (UTC-4) on
# 2026-03-08. Four Monday posts at 09:30 New York time are 14:30 UTC before the change and 13:30 UTC after
# it; two Tuesday posts at 18:15 New York time have a higher rate but too few posts to be the best slot.
DST_POSTS: tuple[tuple[datetime, int], ...] = (
    (datetime(2026, 2, 23, 14, 30, tzinfo=UTC), 300),
    (datetime(2026, 3, 2, 14, 30, tzinfo=UTC), 300),
    (datetime(2026, 3, 9, 13, 30, tzinfo=UTC), 300),
    (datetime(2026, 3, 16, 13, 30, tzinfo=UTC), 300),
    (datetime(2026, 2, 24, 23, 15, tzinfo=UTC), 900),
    (datetime(2026, 3, 10, 22, 15, tzinfo=UTC), 900),
)
DST_NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


def dst_talent(session: Session, *, timezone: str | None = "America/New_York", name: str | None = None) -> int:
    """Flush a talent with one Instagram profile (10,000 followers every day) and the DST_POSTS; return its id."""
    n = next(_ids)
    talent = Talent(name=name or f"Clock {n}", primary_handle=f"@clock{n}", timezone=timezone)
    profile = SocialProfile(talent=talent, platform="instagram", handle=f"clock{n}", account_id=f"clock-{n}",
                            last_synced_at=DST_NOW)
    session.add_all([talent, profile])
    session.flush()
    first = date(2026, 2, 1)
    for d in range((DST_NOW.date() - first).days + 1):
        day = first + timedelta(days=d)
        session.add(FollowerSnapshot(profile_id=profile.id, captured_on=day, followers=10_000,
                                     captured_at=datetime.combine(day, time(1), tzinfo=UTC)))
    for p, (posted, likes) in enumerate(DST_POSTS):
        session.add(SocialPost(profile_id=profile.id, platform="instagram", platform_post_id=f"clock{n}-{p}",
                               posted_at=posted, likes=likes, caption=f"post {p}"))
    session.flush()
    return talent.id
