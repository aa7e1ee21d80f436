"""The sync of one connected profile, the same for every platform: counts, new posts, recounts, comments.

`sync_profile(engine, profile_id, settings)` claims the profile's lease (an atomic UPDATE of its sync_states
row, so two workers never sync one profile at once), then: the profile's counts -> one follower snapshot per
profile per UTC day (later syncs that day update it); the posts newer than the cursor, newest first, and fresh
counters of the stored posts of the last INTEL_SYNC_RECOUNT_DAYS days; the cursor, once that listing is
committed; the comments of every post that is new or whose comment count changed since its comments were
last fetched — its `synced_posts` row written after its comments are committed. Every row goes through the
importer's validated upsert (`intel.ingest.records`), so a sync that stops anywhere and runs again writes
exactly the rows an uninterrupted one would, and fetches again only what it had not finished.

A spent quota pauses the profile until the quota day resets; a refused token marks its connection
"needs_reconnect" and stops calling; any other failure is retried later with exponential backoff. The talents
written get their data generation bumped, so every process's cache drops them; the caller (`intel.jobs`)
recomputes when the report says `changed`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from intel.config import Settings
from intel.connectors.base import Connector, ConnectorError, QuotaExhausted, RateLimited, TokenInvalid
from intel.connectors.crypto import TokenBox
from intel.connectors.quota import QuotaMeter
from intel.connectors.registry import open_connector
from intel.db.base import utcnow
from intel.db.connections import PlatformConnection, SyncedPost, SyncState
from intel.db.engine import session_factory
from intel.db.generations import bump_generations
from intel.db.models import SocialPost, SocialProfile
from intel.ingest.records import Written, write_records
from intel.metrics import record as metrics

log = logging.getLogger(__name__)

Status = Literal["synced", "paused", "needs_reconnect", "failed", "skipped"]
LEASE = timedelta(hours=1)  # a sync still "running" after this long is taken to have died with its worker
COMMENT_BATCH = 2_000  # comments written per transaction (of several posts: each post marked once they are)
MARK_BATCH = 200  # posts without new comments marked per transaction
FAILURE_BACKOFF_S, FAILURE_BACKOFF_CAP_S = 300, 86_400
DAILY_QUOTA = {"youtube": "youtube_daily_quota"}  # platforms metered in units: their ConnectorSettings field


@dataclass(frozen=True)
class SyncReport:
    """What one sync of one profile did, and when the profile is due again."""

    profile_id: int
    talent_id: int  # 0 when the profile no longer exists
    status: Status
    posts_written: int
    comments_written: int
    snapshot_written: bool
    api_calls: int
    quota_units: int
    next_sync_at: datetime | None
    message: str

    @property
    def changed(self) -> bool:
        """True when the sync wrote anything (the talent's figures need recomputing)."""
        return bool(self.posts_written or self.comments_written or self.snapshot_written)


def sync_profile(engine: Engine, profile_id: int, settings: Settings, *, now: Callable[[], datetime] = utcnow,
                 connector: Connector | None = None) -> SyncReport:
    """Sync one profile (see the module docstring); never raises for a platform's failure."""
    sessions, clock = session_factory(engine), time.perf_counter()
    with sessions() as session:
        profile = session.get(SocialProfile, profile_id)
        connection = session.scalar(select(PlatformConnection).where(PlatformConnection.profile_id == profile_id))
        if profile is not None:
            session.expunge(profile)
        if connection is not None:
            session.expunge(connection)
    if profile is None or profile.is_demo or connection is None:
        why = ("no longer exists" if profile is None else "belongs to the demo roster" if profile.is_demo
               else "is not connected")
        return _report(profile_id, profile.talent_id if profile else 0, "skipped", f"the profile {why}")
    if connection.status == "needs_reconnect":
        return _report(profile_id, profile.talent_id, "needs_reconnect",
                       connection.status_reason or "the connection needs reconnecting")
    started = now()
    if not _claim(sessions, profile_id, started):
        return _report(profile_id, profile.talent_id, "skipped", "another sync of this profile is running")
    run = _Run(engine, sessions, profile, settings, now, started)
    report = run.execute(connection, connector)
    metrics.observe_job("sync", report.status, time.perf_counter() - clock)
    return report


def _report(profile_id: int, talent_id: int, status: Status, message: str) -> SyncReport:
    return SyncReport(profile_id, talent_id, status, 0, 0, False, 0, 0, None, message)


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _claim(sessions: sessionmaker[Session], profile_id: int, started: datetime) -> bool:
    """Take the profile's lease: one atomic UPDATE, which only one of several concurrent callers wins."""
    with sessions.begin() as session:
        session.execute(_insert(session)(SyncState).values(profile_id=profile_id, consecutive_failures=0)
                        .on_conflict_do_nothing(index_elements=["profile_id"]))
        claimed = session.execute(
            update(SyncState).where(SyncState.profile_id == profile_id,
                                    or_(SyncState.last_status.is_distinct_from("running"),
                                        SyncState.last_started_at < started - LEASE))
            .values(last_status="running", last_started_at=started).execution_options(synchronize_session=False))
        return bool(claimed.rowcount)  # type: ignore[attr-defined]  # CursorResult of an UPDATE


class _Run:
    """One claimed sync: the steps, the counters, and how it ends."""

    def __init__(self, engine: Engine, sessions: sessionmaker[Session], profile: SocialProfile, settings: Settings,
                 now: Callable[[], datetime], started: datetime) -> None:
        self.engine, self.sessions, self.profile, self.settings = engine, sessions, profile, settings
        self.now, self.started = now, started
        self.posts = self.comments = 0
        self.snapshot = False
        self.talents: set[int] = set()
        quota = DAILY_QUOTA.get(profile.platform)
        self.meter = QuotaMeter(sessions, profile.platform,
                                getattr(settings.connectors, quota) if quota else None, now=now)
        self.refused = 0

    def execute(self, connection: PlatformConnection, connector: Connector | None) -> SyncReport:
        """Run the steps and record how they ended; the report."""
        try:
            if connector is None:
                connector = self._open(connection)
            else:  # a connector built by the caller charges its own meter: report its counts
                self.meter = getattr(connector, "meter", self.meter)
            handle = self._steps(connector)
            return self._finish("synced", self._synced_message(), self.started
                                + timedelta(seconds=self.settings.connectors.sync_interval_s), handle=handle)
        except QuotaExhausted as exc:
            return self._finish("paused", str(exc), exc.resume_at)
        except TokenInvalid as exc:
            self._needs_reconnect(str(exc))
            return self._finish("needs_reconnect", str(exc), None)
        except ConnectorError as exc:
            return self._failed(str(exc), exc.retry_after_s if isinstance(exc, RateLimited) else 0.0)
        except Exception as exc:  # a bug or the database: recorded, so the profile is retried later
            log.exception("sync of profile %d failed", self.profile.id)
            return self._failed(f"the sync stopped on an internal error ({type(exc).__name__}); it will be "
                                "retried", 0.0)
        finally:
            self._bump()

    def _bump(self) -> None:
        """Bump the generations of the talents written, as the importer does, so every cache drops them."""
        if not self.talents:
            return
        try:
            bump_generations(self.sessions, self.talents)
        except SQLAlchemyError as exc:  # the rows are written; the caller's invalidation still follows `changed`
            log.error("data generation bump of talents %s failed: %s", sorted(self.talents), exc)

    def _open(self, connection: PlatformConnection) -> Connector:
        keys = self.settings.connectors.secret_keys
        with self.sessions() as session:
            return open_connector(session, self.profile, connection, self.settings.connectors,
                                  TokenBox(keys) if keys else None, self.meter)

    def _steps(self, connector: Connector) -> str | None:
        counts = connector.profile()
        if counts.followers is not None:
            self.snapshot = self._write("snapshots", [{
                "captured_at": self.started, "followers": counts.followers, "following": counts.following,
                "posts_count": counts.posts_count}]).written > 0
        self._sync_posts(connector)
        if connector.has_comment_text:
            self._sync_comments(connector)
        return counts.handle

    def _write(self, kind: str, rows: Iterable[Mapping[str, Any]]) -> Written:
        base = {"platform": self.profile.platform}
        if kind != "comments":
            base["account_id"] = self.profile.account_id
        written = write_records(self.engine, kind, [{**base, **row} for row in rows], now=self.now())
        self.talents |= written.talent_ids
        self.refused += len(written.refused)
        return written

    def _sync_posts(self, connector: Connector) -> None:
        """New posts since the cursor, then fresh counters of recent stored ones; the cursor last."""
        with self.sessions() as session:
            state = session.get(SyncState, self.profile.id)
            cursor = state.posts_cursor if state else None
        since = datetime.fromisoformat(cursor) if cursor else None
        newest, listed = since, set()
        for page in connector.posts(since):
            self.posts += self._write("posts", [p.fields() for p in page]).written
            listed |= {p.platform_post_id for p in page}
            newest = max([p.posted_at for p in page] + ([newest] if newest else []))
        recent = self.started - timedelta(days=self.settings.connectors.sync_recount_days)
        with self.sessions() as session:
            stored = session.scalars(select(SocialPost.platform_post_id).where(
                SocialPost.profile_id == self.profile.id, SocialPost.posted_at >= recent)
                .order_by(SocialPost.posted_at.desc())).all()
        again = [pid for pid in stored if pid not in listed]
        if again:
            self.posts += self._write("posts", [p.fields() for p in connector.recount(again)]).written
        with self.sessions.begin() as session:
            session.execute(update(SyncState).where(SyncState.profile_id == self.profile.id).values(
                posts_cursor=newest.isoformat() if newest else None, posts_synced_at=self.now()))

    def _sync_comments(self, connector: Connector) -> None:
        """Comments of each post that is new or whose comment count changed, newest post first."""
        with self.sessions() as session:
            pending = session.execute(
                select(SocialPost.id, SocialPost.platform_post_id, SocialPost.comments)
                .outerjoin(SyncedPost, SyncedPost.post_id == SocialPost.id)
                .where(SocialPost.profile_id == self.profile.id,
                       or_(SyncedPost.post_id.is_(None), SyncedPost.comment_count != SocialPost.comments))
                .order_by(SocialPost.posted_at.desc())).all()
        buffer: list[dict[str, Any]] = []
        done: list[tuple[int, int]] = []  # posts whose comments are all in `buffer` or written
        try:
            for post_id, platform_post_id, count in pending:
                for page in connector.comments(platform_post_id) if count else ():  # no comments: no call
                    buffer += [{"platform_post_id": platform_post_id, **c.fields()} for c in page]
                    if len(buffer) >= COMMENT_BATCH:
                        self._flush_comments(buffer, done)
                done.append((post_id, count))
                if len(buffer) >= COMMENT_BATCH or len(done) >= MARK_BATCH:
                    self._flush_comments(buffer, done)
        except ConnectorError:  # quota spent, platform down: keep what was fetched (the post being read stays unmarked)
            self._flush_comments(buffer, done)
            raise
        self._flush_comments(buffer, done)

    def _flush_comments(self, buffer: list[dict[str, Any]], done: list[tuple[int, int]]) -> None:
        """Write the buffered comments, then mark the posts they complete (so a crash between refetches them)."""
        if buffer:
            self.comments += self._write("comments", buffer).written
            buffer.clear()
        if done:
            self._mark_synced(done)
            done.clear()

    def _mark_synced(self, posts: list[tuple[int, int]]) -> None:
        """Remember the comment count whose comments are now stored (after they are committed)."""
        with self.sessions.begin() as session:
            stmt = _insert(session)(SyncedPost)
            session.execute(stmt.on_conflict_do_update(index_elements=["post_id"], set_={
                "comment_count": stmt.excluded.comment_count, "synced_at": stmt.excluded.synced_at}),
                [{"post_id": p, "comment_count": c, "synced_at": self.now()} for p, c in posts])

    def _synced_message(self) -> str:
        text = (f"{self.posts:,} posts, {self.comments:,} comments written"
                f"{', follower snapshot updated' if self.snapshot else ''}; {self.meter.calls:,} API calls")
        return text + (f"; {self.refused:,} records refused by validation (see the log)" if self.refused else "")

    def _needs_reconnect(self, reason: str) -> None:
        with self.sessions.begin() as session:
            session.execute(update(PlatformConnection).where(PlatformConnection.profile_id == self.profile.id)
                            .values(status="needs_reconnect", status_reason=reason[:2000], updated_at=self.now()))

    def _failed(self, message: str, retry_after_s: float) -> SyncReport:
        with self.sessions() as session:
            failures = (session.scalar(select(SyncState.consecutive_failures)
                                       .where(SyncState.profile_id == self.profile.id)) or 0) + 1
        delay = max(retry_after_s, min(FAILURE_BACKOFF_CAP_S, FAILURE_BACKOFF_S * 2 ** (failures - 1)))
        return self._finish("failed", message, self.now() + timedelta(seconds=delay), failures=failures)

    def _finish(self, status: Status, message: str, next_at: datetime | None, *, failures: int = 0,
                handle: str | None = None) -> SyncReport:
        finished = self.now()
        values: dict[str, Any] = {"last_status": status, "last_message": message[:2000], "last_finished_at": finished,
                                  "next_sync_at": next_at, "consecutive_failures": failures}
        if status == "synced":
            values["counts_synced_at"] = finished
        with self.sessions.begin() as session:
            held = session.execute(update(SyncState).where(SyncState.profile_id == self.profile.id,
                                                           SyncState.last_started_at == self.started).values(**values))
            if not held.rowcount:  # type: ignore[attr-defined]  # CursorResult of an UPDATE
                log.warning("sync of profile %d outlived its lease; another run owns the state now", self.profile.id)
            if status == "synced":
                changes: dict[str, Any] = {"last_synced_at": finished}
                if handle:
                    changes["handle"] = handle[:100]
                session.execute(update(SocialProfile).where(SocialProfile.id == self.profile.id).values(**changes))
        log.info("sync of profile %d: %s — %s", self.profile.id, status, message)
        return SyncReport(self.profile.id, self.profile.talent_id, status, self.posts, self.comments, self.snapshot,
                          self.meter.calls, self.meter.units, next_at, message)
