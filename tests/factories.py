"""Small, unique test data written through the ORM."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, text

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
