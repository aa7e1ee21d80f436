"""Connecting a YouTube channel from the talent page's service call, on both databases: resolved by @handle at
the local YouTube API, linked to the talent, audited, and its first sync started at once (a background thread
without Redis) bringing its videos; refused for another agent's talent and without an API key."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from bench.platforms.youtube import YouTubeServer
from intel.accounts import auth
from intel.accounts.auth import Identity
from intel.connectors.base import NotConfigured
from intel.db.connections import SyncState
from intel.db.models import AdminActivity, SocialPost, Talent
from intel.errors import TalentNotFound
from intel.service import connections
from tests.factories import make_talent


@pytest.fixture
def api():
    with YouTubeServer(videos=6, comments=40, seed=11, newest=datetime(2026, 11, 1, tzinfo=UTC)) as server:
        yield server


def _agent(rt, email: str) -> Identity:
    user_id = auth.create_user(email, "Agent", "agent", "correct horse battery staple", sessions=rt.sessions,
                               actor="test")
    return Identity(user_id, email, "Agent", "agent")


@pytest.fixture
def world(engine, database_url, make_runtime, installed_runtime, api):
    base = make_runtime(database_url).settings
    rt = installed_runtime(make_runtime(database_url, connectors=base.connectors.replace(
        youtube_api_key=api.key, youtube_api_url=api.url)))
    ann, bob = _agent(rt, "ann@agency.example"), _agent(rt, "bob@agency.example")
    talent_id = make_talent(engine, posts=1)
    with rt.sessions.begin() as s:
        s.execute(update(Talent).where(Talent.id == talent_id).values(agent_id=ann.user_id))
    return rt, talent_id, ann, bob


def test_the_talents_agent_connects_a_channel_by_handle_and_its_first_sync_brings_the_videos(world, api):
    rt, talent_id, ann, _bob = world
    view = connections.connect_youtube(ann, talent_id, api.handle)
    assert (view.platform, view.handle, view.status) == ("youtube", api.handle.lstrip("@"), "connected")
    with rt.sessions() as s:
        state = s.get(SyncState, view.profile_id)
        assert state is not None and state.next_sync_at is not None  # due now: the scheduler picks it up
        assert s.scalar(select(func.count()).select_from(AdminActivity)
                        .where(AdminActivity.action == "connect")) == 1
    # Without Redis the first sync runs in a background thread of this process, started by the connect.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with rt.sessions() as s:
            state = s.get(SyncState, view.profile_id)
            if state is not None and state.last_status not in (None, "running"):
                break
        time.sleep(0.2)
    assert state is not None and state.last_status == "synced", state and state.last_message
    with rt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(SocialPost)
                        .where(SocialPost.profile_id == view.profile_id)) == 6


def test_another_agents_talent_and_a_missing_api_key_are_refused_with_nothing_linked(world, api, make_runtime,
                                                                                    installed_runtime, database_url):
    _rt, talent_id, _ann, bob = world
    with pytest.raises(TalentNotFound):
        connections.connect_youtube(bob, talent_id, api.handle)
    installed_runtime(make_runtime(database_url))  # no INTEL_YOUTUBE_API_KEY
    with pytest.raises(NotConfigured, match="INTEL_YOUTUBE_API_KEY"):
        connections.connect_youtube(auth.SYSTEM, talent_id, api.handle)
    assert connections.list_connections(auth.SYSTEM, talent_id) == []
