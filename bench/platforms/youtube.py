"""A local YouTube Data API v3 server for tests and the sync benchmark: the documented requests and answers.

`YouTubeServer(videos=N, comments=M)` generates one channel deterministically (N uploads, newest first, M
comments and replies spread over them, some threads with more replies than commentThreads.list includes,
some replies by the channel owner) and serves, under `/youtube/v3/`, `channels` (by `id` or `forHandle`),
`playlistItems` (the uploads playlist), `videos` (≤ 50 ids), `commentThreads` (with `replies`) and
`comments` (by `parentId`): `key` checked, `part` honoured, `maxResults` bounded as documented, opaque
`pageToken`/`nextPageToken`, `items` + `pageInfo`, and the documented error body
`{"error": {"code", "message", "errors": [{"reason", "domain", "message"}]}}`.

Faults: `fail_next(status, times)` (429/500… answered to the next calls), `quota_after(k)` (403 quotaExceeded
once k calls were served, until `reset_faults()`), `drop_after(k)` (the connection is closed without an answer
once k calls were served). `calls` counts the calls served per method; `add_videos`, `set_counts` and
`add_comments` change the channel between syncs.
"""

from __future__ import annotations

import base64
import json
import math
import random
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from bench.platforms.youtube_resources import FakeComment, Thread, Video, error_body, list_body, rfc3339
from intel.demo import text as demo_text

INCLUDED_REPLIES = 5
MAX_RESULTS = {"playlistItems": (5, 50), "commentThreads": (20, 100), "comments": (20, 100)}  # (default, max)
class YouTubeServer:
    """The local API server (ThreadingHTTPServer on a free port): start(), stop(), `url` for the settings."""

    def __init__(self, videos: int = 20, comments: int = 200, *, seed: int = 1, key: str = "test-key",
                 handle: str = "@localchannel", newest: datetime | None = None) -> None:
        self.key, self.handle = key, handle
        self.rng = random.Random(seed)
        self.channel_id = "UC" + "".join(self.rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij0123456789_-", k=22))
        self.uploads = "UU" + self.channel_id[2:]
        self.subscribers = 123_400
        self.videos: list[Video] = []  # newest first
        self.comments_disabled: set[str] = set()
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()
        self._serial = 0
        self._threads: dict[str, tuple[Video, Thread]] = {}  # thread id -> where it is (comments.list parentId)
        self._fans = demo_text.fan_handles(self.rng, 300)
        self._failures: list[int] = []
        self._quota_after: int | None = None
        self._drop_after: int | None = None
        self._httpd: ThreadingHTTPServer | None = None
        newest = newest or datetime(2026, 11, 1, 12, tzinfo=UTC)
        self._add(videos, comments, newest, step=timedelta(days=1))

    # --- data ---------------------------------------------------------------------------------------------

    def _next(self, prefix: str) -> str:
        self._serial += 1
        return f"{prefix}{self._serial:08d}"

    def _add(self, videos: int, comments: int, newest: datetime, *, step: timedelta) -> list[Video]:
        made = []
        for i in range(videos):
            vid = "v" + self._next("")[-8:] + "".join(self.rng.choices("abcdefXYZ_-", k=2))
            duration = self.rng.choice((15, 45, 59, 300, 720, 1500))
            made.append(Video(vid, newest - step * i, f"Video {vid}: {self.rng.choice(demo_text.FAN_FIRST)} day",
                              f"Description of {vid}", duration, self.rng.randint(1_000, 900_000),
                              self.rng.randint(10, 50_000), self.rng.random() < 0.1))
        if made:
            shares = [self.rng.random() for _ in made]
            total = sum(shares)
            counts = [math.floor(comments * s / total) for s in shares]
            counts[0] += comments - sum(counts)
            for video, count in zip(made, counts, strict=True):
                self._comment(video, count)
        self.videos = sorted(made + self.videos, key=lambda v: v.published, reverse=True)
        return made

    def _comment(self, video: Video, count: int) -> None:
        """Add `count` comments (threads and replies) to `video`, newer than its existing ones."""
        made: list[Thread] = []
        start = max([t.top.published for t in video.threads], default=video.published)
        left = count
        while left > 0:
            author, text = demo_text.comment(self.rng, self._fans, hostile=self.rng.random() < 0.05)
            when = start + timedelta(minutes=len(made) + 1)
            thread = Thread(FakeComment(self._next("Ug"), "@" + author, "UCfan" + author, text, when))
            left -= 1
            replies = min(left, self.rng.choice((0, 0, 0, 0, 0, 0, 1, 2, 3, 7)))
            for r in range(replies):
                owner = self.rng.random() < 0.3
                author, text = demo_text.comment(self.rng, self._fans, hostile=False)
                thread.replies.append(FakeComment(f"{thread.top.id}.{self._next('r')}",
                                                  self.handle if owner else "@" + author,
                                                  self.channel_id if owner else "UCfan" + author,
                                                  text, when + timedelta(seconds=r + 1)))
            left -= replies
            made.append(thread)
            self._threads[thread.top.id] = (video, thread)
        video.threads = sorted(made, key=lambda t: t.top.published, reverse=True) + video.threads

    def add_videos(self, count: int, comments: int = 0) -> list[str]:
        """Publish `count` new uploads (after the newest) with `comments` comments between them; their ids."""
        with self.lock:
            newest = self.videos[0].published if self.videos else datetime(2026, 11, 1, tzinfo=UTC)
            made = self._add(count, comments, newest + timedelta(hours=count), step=timedelta(hours=1))
        return [v.id for v in made]

    def set_counts(self, video_id: str, *, likes: int | None = None, views: int | None = None) -> None:
        """Change a video's counters."""
        with self.lock:
            video = self.video(video_id)
            video.likes = video.likes if likes is None else likes
            video.views = video.views if views is None else views

    def add_comments(self, video_id: str, count: int) -> None:
        """Add `count` top-level comments to a video (its commentCount changes)."""
        with self.lock:
            video = self.video(video_id)
            start = len(video.threads)
            for n in range(count):
                author, text = demo_text.comment(self.rng, self._fans, hostile=False)
                when = (video.threads[0].top.published if video.threads else video.published) + timedelta(
                    minutes=n + 1)
                thread = Thread(FakeComment(self._next("Ug"), "@" + author, "UCfan" + author, f"{text} ({start + n})",
                                            when))
                video.threads.insert(0, thread)
                self._threads[thread.top.id] = (video, thread)

    def minimum_units(self) -> int:
        """The documented minimum quota of a full sync of this channel: channels.list 1, one playlistItems.list and
        one videos.list per 50 uploads, one commentThreads.list per 100 threads of each video with comments, one
        comments.list per 100 replies of each thread with more replies than commentThreads.list includes."""
        pages = math.ceil(len(self.videos) / 50)
        threads = sum(math.ceil(len(v.threads) / 100) for v in self.videos
                      if v.comment_count and v.id not in self.comments_disabled)
        replies = sum(math.ceil(len(t.replies) / 100) for v in self.videos if v.id not in self.comments_disabled
                      for t in v.threads if len(t.replies) > INCLUDED_REPLIES)
        return 1 + 2 * pages + threads + replies

    def video(self, video_id: str) -> Video:
        """The video with this id (KeyError if none)."""
        return next(v for v in self.videos if v.id == video_id)

    # --- faults -------------------------------------------------------------------------------------------

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next `times` calls with `status` (429 rateLimitExceeded, 5xx backendError)."""
        with self.lock:
            self._failures.extend([status] * times)

    def quota_after(self, calls: int) -> None:
        """Answer 403 quotaExceeded once `calls` more calls were served."""
        with self.lock:
            self._quota_after = sum(self.calls.values()) + calls

    def drop_after(self, calls: int) -> None:
        """Close connections without an answer once `calls` more calls were served."""
        with self.lock:
            self._drop_after = sum(self.calls.values()) + calls

    def reset_faults(self) -> None:
        """No more injected failures."""
        with self.lock:
            self._failures, self._quota_after, self._drop_after = [], None, None

    # --- serving ------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The API root to set as INTEL_YOUTUBE_API_URL."""
        assert self._httpd is not None, "start() the server first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/"

    def start(self) -> YouTubeServer:
        """Listen on a free port in a daemon thread."""
        server = self

        class Handler(_Handler):
            api = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, name="youtube-api", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> YouTubeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fault(self) -> str | int | None:
        """The injected failure for the call being served: "drop", a status, or None."""
        served = sum(self.calls.values())
        if self._drop_after is not None and served >= self._drop_after:
            return "drop"
        if self._quota_after is not None and served >= self._quota_after:
            return 403
        if self._failures:
            return self._failures.pop(0)
        return None

    def answer(self, method: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """(status, JSON body) of one call; counts it."""
        handlers = {"channels": self._channels, "playlistItems": self._playlist_items, "videos": self._videos,
                    "commentThreads": self._comment_threads, "comments": self._replies}
        if method not in handlers:
            return error_body("notFound")
        if query.get("key") != self.key:
            return error_body("keyInvalid")
        self.calls[method] += 1
        return handlers[method](query)

    def _channels(self, q: dict[str, str]) -> tuple[int, dict[str, Any]]:
        wanted = q.get("forHandle", "").lstrip("@").lower()
        match = q.get("id") == self.channel_id or (wanted and wanted == self.handle.lstrip("@").lower())
        parts = set(q.get("part", "").split(","))
        item: dict[str, Any] = {"kind": "youtube#channel", "etag": "e", "id": self.channel_id}
        if "snippet" in parts:
            item["snippet"] = {"title": "Local channel", "description": "", "customUrl": self.handle.lower(),
                               "publishedAt": "2019-03-01T10:00:00Z"}
        if "contentDetails" in parts:
            item["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads": self.uploads}}
        if "statistics" in parts:
            item["statistics"] = {"viewCount": str(sum(v.views for v in self.videos)),
                                  "subscriberCount": str(self.subscribers), "hiddenSubscriberCount": False,
                                  "videoCount": str(len(self.videos))}
        return list_body("youtube#channelListResponse", [item] if match else [], None, 5)

    def _playlist_items(self, q: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if q.get("playlistId") != self.uploads:
            return error_body("playlistNotFound")
        return self._page(q, "playlistItems", "youtube#playlistItemListResponse", [
            {"kind": "youtube#playlistItem", "etag": "e", "id": f"PI{v.id}",
             "snippet": {"publishedAt": rfc3339(v.published), "channelId": self.channel_id, "title": v.title,
                         "playlistId": self.uploads, "position": n, "resourceId": {"kind": "youtube#video",
                                                                                   "videoId": v.id}},
             "contentDetails": {"videoId": v.id, "videoPublishedAt": rfc3339(v.published)}}
            for n, v in enumerate(self.videos)])

    def _videos(self, q: dict[str, str]) -> tuple[int, dict[str, Any]]:
        ids = [i for i in q.get("id", "").split(",") if i]
        if len(ids) > 50:
            return error_body("maxResultsInvalid")
        by_id = {v.id: v for v in self.videos}
        parts = set(q.get("part", "").split(","))
        items = []
        for vid in ids:
            if vid not in by_id:
                continue
            v = by_id[vid]
            item: dict[str, Any] = {"kind": "youtube#video", "etag": "e", "id": v.id}
            if "snippet" in parts:
                item["snippet"] = {"publishedAt": rfc3339(v.published), "channelId": self.channel_id, "title": v.title,
                                   "description": v.description}
            if "contentDetails" in parts:
                item["contentDetails"] = {"duration": f"PT{v.duration_s // 60}M{v.duration_s % 60}S",
                                          "dimension": "2d", "definition": "hd"}
            if "statistics" in parts:
                item["statistics"] = {"viewCount": str(v.views), "likeCount": str(v.likes), "favoriteCount": "0",
                                      "commentCount": str(v.comment_count)}
            if "paidProductPlacementDetails" in parts:
                item["paidProductPlacementDetails"] = {"hasPaidProductPlacement": v.sponsored}
            items.append(item)
        return list_body("youtube#videoListResponse", items, None, len(items))

    def _comment_threads(self, q: dict[str, str]) -> tuple[int, dict[str, Any]]:
        vid = q.get("videoId", "")
        if vid in self.comments_disabled:
            return error_body("commentsDisabled")
        video = next((v for v in self.videos if v.id == vid), None)
        if video is None:
            return error_body("videoNotFound")
        with_replies = "replies" in q.get("part", "")
        items = []
        for thread in video.threads:
            item: dict[str, Any] = {"kind": "youtube#commentThread", "etag": "e", "id": thread.top.id, "snippet": {
                "channelId": self.channel_id, "videoId": vid, "topLevelComment": self._resource(thread.top, vid),
                "canReply": True, "totalReplyCount": len(thread.replies), "isPublic": True}}
            if with_replies and thread.replies:
                item["replies"] = {"comments": [self._resource(r, vid, thread.top.id)
                                                for r in thread.replies[:INCLUDED_REPLIES]]}
            items.append(item)
        return self._page(q, "commentThreads", "youtube#commentThreadListResponse", items)

    def _replies(self, q: dict[str, str]) -> tuple[int, dict[str, Any]]:
        parent = q.get("parentId", "")
        found = self._threads.get(parent)
        if found is None:
            return list_body("youtube#commentListResponse", [], None, 0)
        video, thread = found
        return self._page(q, "comments", "youtube#commentListResponse",
                          [self._resource(r, video.id, parent) for r in thread.replies])

    def _resource(self, comment: FakeComment, video_id: str, parent: str | None = None) -> dict[str, Any]:
        snippet = {"channelId": self.channel_id, "videoId": video_id, "textDisplay": comment.text,
                   "textOriginal": comment.text, "authorDisplayName": comment.author,
                   "authorChannelUrl": f"http://www.youtube.com/{comment.author}",
                   "authorChannelId": {"value": comment.author_channel}, "canRate": True, "viewerRating": "none",
                   "likeCount": 0, "publishedAt": rfc3339(comment.published), "updatedAt": rfc3339(comment.published)}
        if parent:
            snippet["parentId"] = parent
        return {"kind": "youtube#comment", "etag": "e", "id": comment.id, "snippet": snippet}

    def _page(self, q: dict[str, str], method: str, kind: str, items: list[Any]) -> tuple[int, dict[str, Any]]:
        default, largest = MAX_RESULTS[method]
        try:
            size = int(q.get("maxResults", default))
            offset = int(base64.urlsafe_b64decode(q["pageToken"]).decode()) if q.get("pageToken") else 0
        except ValueError:
            return error_body("invalidPageToken" if q.get("pageToken") else "maxResultsInvalid")
        if not 0 <= size <= largest:
            return error_body("maxResultsInvalid")
        page = items[offset:offset + size]
        following = offset + size if offset + size < len(items) else None
        token = base64.urlsafe_b64encode(str(following).encode()).decode() if following is not None else None
        return list_body(kind, page, token, size, total=len(items))


class _Handler(BaseHTTPRequestHandler):
    api: YouTubeServer
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one segment: otherwise Nagle's algorithm and the client's delayed ACK add
    # ~40 ms to every answer, which would dominate the sync benchmark.
    disable_nagle_algorithm = True
    wbufsize = 1 << 16

    def do_GET(self) -> None:
        parsed = urlparse(self.path)
        method = parsed.path.removeprefix("/youtube/v3/").strip("/")
        query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        with self.api.lock:
            fault = self.api.fault()
            if fault is None:
                status, body = self.api.answer(method, query)
        if fault == "drop":
            self.close_connection = True
            return
        if fault is not None:
            status, body = error_body({429: "rateLimitExceeded", 403: "quotaExceeded"}.get(int(fault), "backendError"))
            status = int(fault)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: one line per request would drown the test output."""
