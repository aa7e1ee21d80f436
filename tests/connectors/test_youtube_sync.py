"""The YouTube sync against the local YouTube Data API: full, incremental, interrupted, out of quota, retried,
concurrent — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from bench.platforms.youtube import YouTubeServer
from intel.connectors import sync
from intel.connectors.base import Account, CommentRecord, TokenInvalid
from intel.connectors.quota import QuotaMeter, next_reset, quota_day, usage
from intel.connectors.sync import LEASE, sync_profile
from intel.connectors.youtube import YouTubeConnector
from intel.db.connections import PlatformConnection, SyncState
from intel.db.engine import session_factory
from intel.db.generations import current_generation
from intel.db.models import Comment, FollowerSnapshot, SocialPost, SocialProfile
from tests.connectors.conftest import Clock, settings_for

View = tuple[dict[str, tuple[int, int, int | None]], dict[tuple[str, str], Any]]


def stored(engine: Engine, profile_id: int) -> View:
    """(posts: id -> (likes, comments, views), comments: (post id, comment id) -> (text, author, talent reply))."""
    with session_factory(engine)() as session:
        posts = {p: (likes, comments, views) for p, likes, comments, views in session.execute(
            select(SocialPost.platform_post_id, SocialPost.likes, SocialPost.comments, SocialPost.views)
            .where(SocialPost.profile_id == profile_id))}
        rows = session.execute(select(SocialPost.platform_post_id, Comment.platform_comment_id, Comment.text,
                                      Comment.author_handle, Comment.is_talent_reply)
                               .join(SocialPost, SocialPost.id == Comment.post_id)
                               .where(SocialPost.profile_id == profile_id))
        return posts, {(p, c): (text, author, reply) for p, c, text, author, reply in rows}


def served(api: YouTubeServer) -> View:
    """The same view of what the server holds."""
    posts = {v.id: (v.likes, v.comment_count, v.views) for v in api.videos}
    comments = {(v.id, c.id): (c.text, c.author, c.author_channel == api.channel_id)
                for v in api.videos if v.id not in api.comments_disabled
                for t in v.threads for c in (t.top, *t.replies)}
    return posts, comments


def snapshots(engine: Engine, profile_id: int) -> list[tuple[Any, int]]:
    with session_factory(engine)() as session:
        return [tuple(r) for r in session.execute(select(FollowerSnapshot.captured_on, FollowerSnapshot.followers)
                                                  .where(FollowerSnapshot.profile_id == profile_id))]


def state(engine: Engine, profile_id: int) -> SyncState:
    with session_factory(engine)() as session:
        row = session.get(SyncState, profile_id)
        assert row is not None
        session.expunge(row)
        return row


def test_a_first_full_sync_stores_the_channel_as_the_api_serves_it(engine, server, linked):
    profile_id, clock = linked(), Clock()
    report = sync_profile(engine, profile_id, settings_for(server), now=clock)

    assert report.status == "synced" and report.changed, report.message
    assert stored(engine, profile_id) == served(server)
    posts, comments = stored(engine, profile_id)
    assert report.posts_written == len(posts) == 12 and report.comments_written == len(comments) == 400
    owner_replies = sum(1 for v in server.videos for t in v.threads for r in t.replies
                        if r.author_channel == server.channel_id)
    assert owner_replies > 0 and sum(1 for c in comments.values() if c[2]) == owner_replies
    assert snapshots(engine, profile_id) == [(clock().date(), server.subscribers)]
    # Quota: exactly the documented cost of the calls made, which is the documented minimum for this channel.
    assert report.quota_units == report.api_calls == server.minimum_units() == sum(server.calls.values())
    with session_factory(engine)() as session:
        assert usage(session, "youtube", quota_day(clock())).units == report.quota_units
        profile = session.get(SocialProfile, profile_id)
        assert profile is not None and profile.last_synced_at == clock() and profile.handle == server.handle
        assert current_generation(session, profile.talent_id) >= 1
    after = state(engine, profile_id)
    assert after.last_status == "synced" and after.next_sync_at == clock() + timedelta(hours=3)

    # A later sync the same day updates that day's snapshot instead of adding one.
    server.subscribers += 50
    clock.moment += timedelta(hours=3)
    again = sync_profile(engine, profile_id, settings_for(server), now=clock)
    assert again.status == "synced" and again.snapshot_written
    assert snapshots(engine, profile_id) == [(clock().date(), server.subscribers)]
    assert again.posts_written == again.comments_written == 0


def test_an_incremental_sync_fetches_only_new_posts_and_changed_counts(engine, server, linked):
    profile_id, clock = linked(), Clock()
    assert sync_profile(engine, profile_id, settings_for(server), now=clock).status == "synced"
    new = server.add_videos(2, comments=30)
    old = server.videos[5].id
    server.set_counts(old, likes=999_999, views=5)
    commented = server.videos[7].id
    server.add_comments(commented, 3)
    server.calls.clear()
    clock.moment += timedelta(hours=3)

    report = sync_profile(engine, profile_id, settings_for(server), now=clock)

    assert report.status == "synced"
    assert stored(engine, profile_id) == served(server)
    assert server.calls["playlistItems"] == 1  # the listing stopped at the cursor
    # Comments fetched only for the new videos and the one whose comment count changed.
    assert server.calls["commentThreads"] == len([v for v in new if server.video(v).comment_count]) + 1
    assert report.comments_written == 30 + 3
    assert report.posts_written == 2 + 2  # the new ones, the recounted ones whose counters changed


class Crash(BaseException):
    """What a killed worker looks like to the code after it: nothing more runs (not an Exception)."""


class CrashingConnector(YouTubeConnector):
    """The real connector, whose process dies after `pages` pages of comments."""

    def __init__(self, *args: Any, pages: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pages = pages

    def comments(self, post_id: str) -> Iterator[list[CommentRecord]]:
        for page in super().comments(post_id):
            if self.pages == 0:
                raise Crash
            self.pages -= 1
            yield page


def test_a_sync_killed_midway_resumes_after_its_lease_to_the_same_rows(engine, server, linked, monkeypatch):
    monkeypatch.setattr(sync, "COMMENT_BATCH", 50)  # commit (and mark posts done) every ~2 posts of comments
    profile_id, clock = linked(), Clock()
    settings = settings_for(server)
    meter = QuotaMeter(session_factory(engine), "youtube", None, now=clock)
    crashing = CrashingConnector(settings.connectors, meter, Account("youtube", server.channel_id, server.handle),
                                 pages=4)
    with pytest.raises(Crash):
        sync_profile(engine, profile_id, settings, now=clock, connector=crashing)
    assert meter.calls > 0
    assert state(engine, profile_id).last_status == "running"
    assert sync_profile(engine, profile_id, settings, now=clock).status == "skipped"  # the lease still holds

    threads_before = server.calls["commentThreads"]
    clock.moment += LEASE + timedelta(minutes=1)
    report = sync_profile(engine, profile_id, settings, now=clock)

    assert report.status == "synced"
    assert stored(engine, profile_id) == served(server)
    # Posts whose comments were complete before the crash were not fetched again.
    with_comments = sum(1 for v in server.videos if v.comment_count)
    assert server.calls["commentThreads"] - threads_before < with_comments


def test_a_sync_cut_off_by_dropped_connections_fails_then_resumes_to_the_same_rows(engine, server, linked):
    profile_id, clock = linked(), Clock()
    settings = settings_for(server)
    server.drop_after(6)
    failed = sync_profile(engine, profile_id, settings, now=clock)
    assert failed.status == "failed" and "could not be reached" in failed.message
    first = state(engine, profile_id)
    assert first.consecutive_failures == 1 and first.next_sync_at == clock() + timedelta(minutes=5)

    server.reset_faults()
    clock.moment = first.next_sync_at
    report = sync_profile(engine, profile_id, settings, now=clock)
    assert report.status == "synced"
    assert stored(engine, profile_id) == served(server)
    assert state(engine, profile_id).consecutive_failures == 0


def test_a_spent_quota_pauses_until_pacific_midnight_and_the_next_day_finishes(engine, server, linked):
    profile_id, clock = linked(), Clock()
    needed = server.minimum_units()
    settings = settings_for(server, youtube_daily_quota=needed - 4)

    paused = sync_profile(engine, profile_id, settings, now=clock)
    resume = next_reset(clock())
    assert paused.status == "paused" and paused.next_sync_at == resume
    assert resume.hour == 8  # 00:00 Pacific in November is 08:00 UTC
    assert paused.message == f"YouTube quota spent; sync resumes at 00:00 Pacific ({resume:%Y-%m-%d} 08:00 UTC)"
    assert paused.quota_units == needed - 4 and paused.changed
    # The same day, nothing more is sent.
    served_before = sum(server.calls.values())
    assert sync_profile(engine, profile_id, settings, now=clock).status == "paused"
    assert sum(server.calls.values()) == served_before

    clock.moment = resume
    report = sync_profile(engine, profile_id, settings, now=clock)
    assert report.status == "synced"
    assert stored(engine, profile_id) == served(server)


def test_youtube_saying_quota_exceeded_pauses_every_sync_of_that_day(engine, server, linked):
    profile_id, clock = linked(), Clock()
    other = linked(YouTubeServer(videos=1, comments=1, seed=9), name="Other Talent")
    server.quota_after(2)
    paused = sync_profile(engine, profile_id, settings_for(server), now=clock)
    assert paused.status == "paused" and paused.next_sync_at == next_reset(clock())
    # Our ledger now says the day is spent, so another profile's sync does not call at all.
    assert sync_profile(engine, other, settings_for(server), now=clock).api_calls == 0


def test_429_and_500_answers_are_retried_and_charged(engine, server, linked):
    profile_id, clock = linked(), Clock()
    server.fail_next(429)
    server.fail_next(500)
    report = sync_profile(engine, profile_id, settings_for(server), now=clock)
    assert report.status == "synced"
    assert stored(engine, profile_id) == served(server)
    assert report.quota_units == server.minimum_units() + 2  # every request costs, failed ones too


def test_of_two_concurrent_syncs_of_one_profile_one_runs_and_one_is_skipped(engine, server, linked):
    profile_id, clock = linked(), Clock()
    barrier, statuses = threading.Barrier(2), []

    def run() -> None:
        barrier.wait()
        statuses.append(sync_profile(engine, profile_id, settings_for(server), now=clock).status)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == ["skipped", "synced"]
    assert stored(engine, profile_id) == served(server)


def test_disabled_comments_are_no_failure(engine, server, linked):
    profile_id = linked()
    server.comments_disabled.add(server.videos[0].id)
    report = sync_profile(engine, profile_id, settings_for(server), now=Clock())
    assert report.status == "synced"
    assert stored(engine, profile_id)[1] == served(server)[1]


def test_an_invalid_api_key_fails_with_a_clear_message(engine, server, linked):
    profile_id = linked()
    report = sync_profile(engine, profile_id, settings_for(server, youtube_api_key="wrong"), now=Clock())
    assert report.status == "failed" and "INTEL_YOUTUBE_API_KEY" in report.message
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(SocialPost)) == 0


def test_a_connection_that_needs_reconnecting_is_not_called(engine, server, linked):
    profile_id = linked()
    with session_factory(engine).begin() as session:
        connection = session.scalar(select(PlatformConnection).where(PlatformConnection.profile_id == profile_id))
        assert connection is not None
        connection.status, connection.status_reason = "needs_reconnect", "token revoked"
    report = sync_profile(engine, profile_id, settings_for(server), now=Clock())
    assert report.status == "needs_reconnect" and report.message == "token revoked"
    assert sum(server.calls.values()) == 0



class RevokedConnector(YouTubeConnector):
    """The real connector on a platform that has just refused the profile's token."""

    def profile(self) -> Any:
        raise TokenInvalid("Instagram says the token was revoked")


def test_a_refused_token_marks_the_connection_and_stops_the_syncs(engine, server, linked):
    profile_id, clock = linked(), Clock()
    settings = settings_for(server)
    meter = QuotaMeter(session_factory(engine), "youtube", None, now=clock)
    revoked = RevokedConnector(settings.connectors, meter, Account("youtube", server.channel_id, server.handle))
    report = sync_profile(engine, profile_id, settings, now=clock, connector=revoked)
    assert report.status == "needs_reconnect" and report.next_sync_at is None
    with session_factory(engine)() as session:
        connection = session.scalar(select(PlatformConnection).where(PlatformConnection.profile_id == profile_id))
        assert connection is not None and connection.status == "needs_reconnect"
        assert connection.status_reason == "Instagram says the token was revoked"
    assert state(engine, profile_id).next_sync_at is None
    assert sync_profile(engine, profile_id, settings, now=clock).status == "needs_reconnect"
    assert sum(server.calls.values()) == 0
