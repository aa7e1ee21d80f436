"""The TikTok connector against the local Display API stand-in: counts, cursor paging, recount, errors."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import httpx
import pytest

from bench.platforms.server import Reply
from bench.platforms.tiktok import TikTokServer, Video, envelope, rate_limited
from intel.config import ConnectorSettings
from intel.connectors.base import Account, RateLimited, TokenInvalid
from intel.connectors.http import RetryPolicy
from intel.connectors.tiktok import TikTokConnector


def connector(server: TikTokServer, settings: ConnectorSettings, client: httpx.Client, policy: RetryPolicy,
              videos: int = 45) -> tuple[TikTokConnector, list[Video]]:
    user = server.add_user("dancer", videos=videos)
    token, _ = server.issue_tokens(user.open_id)
    account = Account("tiktok", user.open_id, "dancer", token)
    return TikTokConnector(account, settings, client, policy=policy), user.videos


def test_profile_reads_the_users_counts(tiktok_server, connector_settings, client, policy):
    tt, _ = connector(tiktok_server, connector_settings, client, policy, videos=3)
    counts = tt.profile()
    assert (counts.followers, counts.following, counts.posts_count, counts.likes_total, counts.handle) == (
        5000, 50, 3, 100_000, "dancer")


def test_video_list_follows_the_cursor_twenty_at_a_time(tiktok_server, connector_settings, client, policy):
    tt, videos = connector(tiktok_server, connector_settings, client, policy, videos=45)
    pages = list(tt.posts(None))
    assert [len(p) for p in pages] == [20, 20, 5]
    assert [r.platform_post_id for p in pages for r in p] == [v.id for v in videos]
    first = pages[0][0]
    assert (first.views, first.likes, first.comments, first.shares, first.media_type) == (1000, 100, 0, 0, "video")


def test_video_list_stops_at_since(tiktok_server, connector_settings, client, policy):
    tt, videos = connector(tiktok_server, connector_settings, client, policy, videos=45)
    since = videos[24].create_time
    posts = [r for p in tt.posts(datetime.fromtimestamp(since, UTC)) for r in p]
    assert [r.platform_post_id for r in posts] == [v.id for v in videos[:24]]
    assert tiktok_server.calls["/v2/video/list/"] == 2


def test_recount_asks_twenty_ids_a_call_and_leaves_out_unknown(tiktok_server, connector_settings, client, policy):
    tt, videos = connector(tiktok_server, connector_settings, client, policy, videos=45)
    videos[30].view_count = 123_456
    found = tt.recount([v.id for v in videos] + ["7999999999999999999"])
    assert len(found) == 45 and tiktok_server.calls["/v2/video/query/"] == 3
    assert {r.platform_post_id: r.views for r in found}[videos[30].id] == 123_456


def test_there_is_no_comment_text(tiktok_server, connector_settings, client, policy):
    tt, videos = connector(tiktok_server, connector_settings, client, policy, videos=1)
    assert tt.has_comment_text is False
    assert list(tt.comments(videos[0].id)) == []


def test_access_token_invalid_is_token_invalid(tiktok_server, connector_settings, client, policy):
    tt, _ = connector(tiktok_server, connector_settings, client, policy)
    tiktok_server.expire(tt.account.account_id)
    with pytest.raises(TokenInvalid, match="access_token_invalid"):
        tt.profile()


def test_scope_not_authorized_is_token_invalid(tiktok_server, connector_settings, client, policy):
    tt, _ = connector(tiktok_server, connector_settings, client, policy)
    tiktok_server.fail("/v2/user/info/", envelope(code="scope_not_authorized", message="user.info.stats not granted",
                                                  status=401))
    with pytest.raises(TokenInvalid, match="scope_not_authorized"):
        tt.profile()


def test_429_backs_off_honouring_retry_after_then_succeeds(tiktok_server, connector_settings, client, policy, waits):
    tt, _ = connector(tiktok_server, connector_settings, client, policy, videos=2)
    limited = rate_limited()
    tiktok_server.fail("/v2/video/list/", Reply(429, limited.body, {"Retry-After": "3"}), times=1)
    tiktok_server.fail("/v2/video/list/", limited, times=1)
    assert len([r for p in tt.posts(None) for r in p]) == 2
    assert waits.seconds == [3.0, 2.0]  # Retry-After first, then backoff (attempt 1: up to 2 s)


def test_429_that_lasts_is_rate_limited(tiktok_server, connector_settings, client, policy):
    tt, _ = connector(tiktok_server, connector_settings, client, policy)
    tiktok_server.fail("/v2/user/info/", rate_limited(), times=99)
    with pytest.raises(RateLimited):
        tt.profile()
    assert tiktok_server.calls["/v2/user/info/"] == 5


def test_a_long_retry_after_is_handed_back_not_slept(tiktok_server, connector_settings, client, policy, waits):
    tt, _ = connector(tiktok_server, connector_settings, client, policy)
    tiktok_server.fail("/v2/user/info/", Reply(429, rate_limited().body, {"Retry-After": "3600"}), times=99)
    with pytest.raises(RateLimited) as info:
        tt.profile()
    assert info.value.retry_after_s == 3600 and waits.seconds == []


def test_each_call_is_counted_on_the_meter(tiktok_server, connector_settings, client, policy):
    user = tiktok_server.add_user("dancer", videos=25)
    calls: Counter[str] = Counter()
    meter = type("Meter", (), {"charge": lambda self, method: calls.update([method])})()
    tt = TikTokConnector(Account("tiktok", user.open_id, "dancer", tiktok_server.issue_tokens(user.open_id)[0]),
                         connector_settings, client, policy=policy, meter=meter)
    tt.profile()
    list(tt.posts(None))
    assert calls == {"user.info": 1, "video.list": 2}
