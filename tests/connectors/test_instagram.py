"""The Instagram connector against the local Graph stand-in: counts, paging, insights, replies, errors."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from bench.platforms.instagram import InstagramServer, Media, graph_error, rate_limited
from intel.config import ConnectorSettings
from intel.connectors.base import Account, ConnectorError, RateLimited, TokenInvalid
from intel.connectors.http import RetryPolicy
from intel.connectors.instagram import InstagramConnector


def connector(server: InstagramServer, settings: ConnectorSettings, client: httpx.Client, policy: RetryPolicy,
              media: int = 7, comments: int = 2, **kwargs: object) -> tuple[InstagramConnector, list[Media]]:
    account = server.add_account("talent.one", media=media, comments=comments, **kwargs)  # type: ignore[arg-type]
    token = server.issue_token(account.user_id)
    return (InstagramConnector(Account("instagram", account.user_id, "talent.one", token), settings, client,
                               policy=policy), account.media)


def test_profile_reads_followers_follows_and_media_count(instagram_server, connector_settings, client, policy):
    ig, _ = connector(instagram_server, connector_settings, client, policy, media=3)
    counts = ig.profile()
    assert (counts.followers, counts.following, counts.posts_count, counts.handle) == (1000, 100, 3, "talent.one")


def test_posts_follow_the_cursor_through_every_page(instagram_server, connector_settings, client, policy):
    instagram_server.page_size = 3
    ig, media = connector(instagram_server, connector_settings, client, policy, media=7)
    pages = list(ig.posts(None))
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [r.platform_post_id for p in pages for r in p] == [m.id for m in media]
    first = pages[0][0]
    assert (first.likes, first.comments, first.views, first.saves, first.shares) == (10, 2, 100, 0, 0)
    assert pages[1][0].views == 103 and pages[1][0].shares == 6


def test_posts_stop_at_since(instagram_server, connector_settings, client, policy):
    instagram_server.page_size = 3
    ig, media = connector(instagram_server, connector_settings, client, policy, media=7)
    posts = [r for page in ig.posts(media[4].timestamp) for r in page]
    assert [r.platform_post_id for r in posts] == [m.id for m in media[:4]]
    assert instagram_server.calls["/v22.0/me/media"] == 2  # the third page is never asked for


def test_media_without_insights_has_no_views_and_does_not_fail(instagram_server, connector_settings, client,
                                                               policy):
    ig, media = connector(instagram_server, connector_settings, client, policy, media=2)
    media[0].insights = None  # e.g. a media product type the metric does not support (Graph error 100)
    records = [r for page in ig.posts(None) for r in page]
    assert records[0].views is None and records[1].views == 101


def test_token_without_insights_permission_stops_asking(instagram_server, connector_settings, client, policy):
    ig, _ = connector(instagram_server, connector_settings, client, policy, media=4, insights_permission=False)
    records = [r for page in ig.posts(None) for r in page]
    assert [r.views for r in records] == [None] * 4
    assert sum(n for path, n in instagram_server.calls.items() if path.endswith("/insights")) == 1


def test_comments_come_with_replies_and_the_talents_own_are_flagged(instagram_server, connector_settings, client,
                                                                     policy):
    instagram_server.page_size = 2
    ig, media = connector(instagram_server, connector_settings, client, policy, media=1, comments=3)
    media[0].comments[0]["replies"] = [{"id": "r1", "text": "thank you!", "username": "Talent.One",
                                        "timestamp": media[0].comments[0]["timestamp"]},
                                       {"id": "r2", "text": "me too", "username": "fan9",
                                        "timestamp": media[0].comments[0]["timestamp"]}]
    pages = list(ig.comments(media[0].id))
    rows = [c for page in pages for c in page]
    assert len(pages) == 2
    assert [c.platform_comment_id for c in rows] == [f"{media[0].id}_c0", "r1", "r2", f"{media[0].id}_c1",
                                                      f"{media[0].id}_c2"]
    assert [c.platform_comment_id for c in rows if c.is_talent_reply] == ["r1"]


def test_recount_leaves_out_deleted_media(instagram_server, connector_settings, client, policy):
    ig, media = connector(instagram_server, connector_settings, client, policy, media=3)
    media[1].like_count = 999
    found = ig.recount([media[1].id, "17000000000_gone"])
    assert [(r.platform_post_id, r.likes) for r in found] == [(media[1].id, 999)]


def test_error_190_is_token_invalid(instagram_server, connector_settings, client, policy):
    ig, _ = connector(instagram_server, connector_settings, client, policy)
    instagram_server.revoke_all(ig.account.account_id)
    with pytest.raises(TokenInvalid, match="Connect the account again"):
        ig.profile()


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_rate_limit_codes_are_retried_then_rate_limited(instagram_server, connector_settings, client, policy,
                                                        waits, code):
    ig, _ = connector(instagram_server, connector_settings, client, policy)
    instagram_server.fail("/v22.0/me", rate_limited(code), times=10)
    with pytest.raises(RateLimited):
        ig.profile()
    assert instagram_server.calls["/v22.0/me"] == 5
    assert waits.seconds == [1.0, 2.0, 4.0, 8.0]  # exponential (jitter pinned at its upper bound)


def test_a_passing_rate_limit_is_retried_transparently(instagram_server, connector_settings, client, policy, waits):
    ig, _ = connector(instagram_server, connector_settings, client, policy)
    instagram_server.fail("/v22.0/me", rate_limited(17), times=2)
    assert ig.profile().followers == 1000
    assert len(waits.seconds) == 2


def test_other_graph_errors_carry_metas_message(instagram_server, connector_settings, client, policy):
    ig, _ = connector(instagram_server, connector_settings, client, policy)
    instagram_server.fail("/v22.0/me", graph_error(2, "An unexpected error has occurred.", status=400))
    with pytest.raises(ConnectorError, match="An unexpected error has occurred") as info:
        ig.profile()
    assert not isinstance(info.value, (TokenInvalid, RateLimited))


def test_the_token_never_appears_in_an_error_message(instagram_server, connector_settings, client, policy):
    ig, _ = connector(instagram_server, connector_settings, client, policy)
    instagram_server.revoke_all(ig.account.account_id)
    with pytest.raises(TokenInvalid) as info:
        ig.posts(None).__next__()
    assert ig.account.access_token not in str(info.value)


def test_each_call_is_counted_on_the_meter(instagram_server, connector_settings, client, policy):
    account = instagram_server.add_account("talent.one", media=2, comments=1)
    calls: Counter[str] = Counter()
    meter = type("Meter", (), {"charge": lambda self, method: calls.update([method])})()
    ig = InstagramConnector(Account("instagram", account.user_id, "talent.one",
                                    instagram_server.issue_token(account.user_id)),
                            connector_settings, client, policy=policy, meter=meter)
    posts = [p for page in ig.posts(None) for p in page]
    list(ig.comments(posts[0].platform_post_id))
    assert calls == {"me/media": 1, "media/insights": 2, "media/comments": 1}
