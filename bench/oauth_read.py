"""How the Instagram and TikTok connectors read a large account from the local stand-ins (no database: the
sync engine's writes are measured with YouTube): wall time, API calls, peak RSS.

    python -m bench.oauth_read [--media 500] [--comments 20]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from typing import Any

from bench.platforms.instagram import InstagramServer
from bench.platforms.tiktok import TikTokServer
from intel.config import ConnectorSettings
from intel.connectors.base import Account
from intel.connectors.http import make_client
from intel.connectors.instagram import InstagramConnector
from intel.connectors.tiktok import TikTokConnector


def instagram(media: int, comments: int) -> dict[str, Any]:
    """Read every media (with insights) and every comment of one account."""
    server = InstagramServer().start()
    try:
        account = server.add_account("bench", media=media, comments=comments)
        settings = ConnectorSettings(instagram_api_url=server.url)
        with make_client() as client:
            ig = InstagramConnector(Account("instagram", account.user_id, "bench", server.issue_token(account.user_id)),
                                    settings, client)
            started = time.perf_counter()
            posts = [p for page in ig.posts(None) for p in page]
            read = sum(len(page) for p in posts for page in ig.comments(p.platform_post_id))
            wall = time.perf_counter() - started
        return {"platform": "instagram", "posts": len(posts), "comments": read, "api_calls": server.total_calls(),
                "wall_s": round(wall, 2)}
    finally:
        server.stop()


def tiktok(videos: int) -> dict[str, Any]:
    """List every video, then recount them all (what a sync does)."""
    server = TikTokServer().start()
    try:
        user = server.add_user("bench", videos=videos)
        settings = ConnectorSettings(tiktok_api_url=server.url)
        with make_client() as client:
            tt = TikTokConnector(Account("tiktok", user.open_id, "bench", server.issue_tokens(user.open_id)[0]),
                                 settings, client)
            started = time.perf_counter()
            posts = [p for page in tt.posts(None) for p in page]
            recounted = tt.recount([p.platform_post_id for p in posts])
            wall = time.perf_counter() - started
        return {"platform": "tiktok", "posts": len(posts), "recounted": len(recounted),
                "api_calls": server.total_calls(), "wall_s": round(wall, 2)}
    finally:
        server.stop()


def main() -> None:
    """Print one JSON row per platform and the process's peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--media", type=int, default=500)
    parser.add_argument("--comments", type=int, default=20)
    args = parser.parse_args()
    for row in (instagram(args.media, args.comments), tiktok(args.media)):
        print(json.dumps(row))
    print(json.dumps({"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


if __name__ == "__main__":
    main()
