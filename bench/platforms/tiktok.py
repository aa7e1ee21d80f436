"""Stand-in for TikTok's Login Kit and Display API v2: the authorisation page (`/v2/auth/authorize/`), the
token endpoint (`/v2/oauth/token/`: authorization_code with PKCE S256, refresh_token), revocation
(`/v2/oauth/revoke/`) and `/v2/user/info/`, `/v2/video/list/` (cursor paging), `/v2/video/query/`, all in
the envelope `{"data": …, "error": {"code", "message", "log_id"}}`.

Point INTEL_TIKTOK_API_URL at `url` and INTEL_TIKTOK_AUTH_URL at `url + "/v2/auth/authorize/"`.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from bench.platforms.server import PlatformServer, Reply, Request, consent_page, error_page, redirect

ACCESS_S, REFRESH_S = 86_400, 31_536_000


def envelope(data: Any = None, code: str = "ok", message: str = "", status: int = 200) -> Reply:
    """The Display API's envelope."""
    return Reply(status, {"data": data if data is not None else {},
                          "error": {"code": code, "message": message, "log_id": secrets.token_hex(10)}})


def rate_limited() -> Reply:
    """TikTok's 429 with the envelope code rate_limit_exceeded."""
    return envelope(code="rate_limit_exceeded", message="API rate limit exceeded", status=429)


def oauth_error(error: str, description: str, status: int = 400) -> Reply:
    """The OAuth endpoints' error body."""
    return Reply(status, {"error": error, "error_description": description, "log_id": secrets.token_hex(10)})


@dataclass
class Video:
    """One video with its counters."""

    id: str
    create_time: int
    title: str = ""
    view_count: int = 0
    like_count: int = 0
    comment_count: int = 0
    share_count: int = 0

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "create_time": self.create_time, "title": self.title,
                "video_description": self.title, "duration": 15, "view_count": self.view_count,
                "like_count": self.like_count, "comment_count": self.comment_count, "share_count": self.share_count}


@dataclass
class TtUser:
    """A TikTok user of the stand-in."""

    open_id: str
    username: str
    followers: int = 5000
    following: int = 50
    likes: int = 100_000
    videos: list[Video] = field(default_factory=list)  # newest first


@dataclass
class Code:
    open_id: str
    redirect_uri: str
    challenge: str | None


class TikTokServer(PlatformServer):
    """The stand-in; tokens and refresh tokens map to open ids; `revoked` lists the tokens revoked."""

    def __init__(self, client_key: str = "tt-client", client_secret: str = "tt-secret") -> None:  # noqa: S107
        super().__init__()
        self.client_key, self.client_secret = client_key, client_secret
        self.users: dict[str, TtUser] = {}
        self.tokens: dict[str, str] = {}
        self.refresh_tokens: dict[str, str] = {}
        self.codes: dict[str, Code] = {}
        self.redirect_uris: set[str] = set()
        self.signed_in: str | None = None
        self.revoked: list[str] = []
        self.scopes = "user.info.basic,user.info.profile,user.info.stats,video.list"

    def add_user(self, username: str, *, videos: int = 0, now: datetime | None = None, **kwargs: Any) -> TtUser:
        """A user with `videos` videos an hour apart (newest first)."""
        open_id = f"-000{secrets.token_hex(8)}"
        now = now or datetime.now(UTC).replace(microsecond=0)
        user = TtUser(open_id, username, **kwargs)
        user.videos = [Video(f"7{len(self.users):03d}{i:015d}", int((now - timedelta(hours=i + 1)).timestamp()),
                             title=f"video {i}", view_count=1000 + i, like_count=100 + i, comment_count=i,
                             share_count=i // 2) for i in range(videos)]
        self.users[open_id] = user
        self.signed_in = self.signed_in or open_id
        return user

    def issue_tokens(self, open_id: str) -> tuple[str, str]:
        """A valid (access token, refresh token) pair for the user."""
        access, refresh = "act." + secrets.token_urlsafe(24), "rft." + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[access], self.refresh_tokens[refresh] = open_id, open_id
        return access, refresh

    def expire(self, open_id: str) -> None:
        """Invalidate the user's access tokens (refresh tokens keep working)."""
        with self.lock:
            for token in [t for t, u in self.tokens.items() if u == open_id]:
                del self.tokens[token]

    def route(self, request: Request) -> Reply:
        handlers = {"/v2/auth/authorize/": self.authorize, "/v2/auth/decide/": self.decide,
                    "/v2/oauth/token/": self.token, "/v2/oauth/revoke/": self.revoke}
        if request.path in handlers:
            return handlers[request.path](request)
        open_id = self.tokens.get(request.bearer() or "")
        if open_id is None:
            return envelope(code="access_token_invalid", message="The access token is invalid or not found in the "
                            "request.", status=401)
        user = self.users[open_id]
        if request.path == "/v2/user/info/" and request.method == "GET":
            return self.user_info(user, request.query.get("fields", ""))
        if request.path == "/v2/video/list/" and request.method == "POST":
            return self.video_list(user, request.json() or {})
        if request.path == "/v2/video/query/" and request.method == "POST":
            return self.video_query(user, request.json() or {})
        return envelope(code="invalid_params", message=f"unknown endpoint {request.method} {request.path}", status=404)

    # ---------------------------------------------------------------- OAuth

    def authorize(self, request: Request) -> Reply:
        q = request.query
        if q.get("client_key") != self.client_key:
            return error_page("client_key is invalid")
        if self.redirect_uris and q.get("redirect_uri") not in self.redirect_uris:
            return error_page("redirect_uri is not registered for this app")
        if q.get("response_type") != "code" or not q.get("scope"):
            return error_page("response_type=code and scope are required")
        if q.get("code_challenge") and q.get("code_challenge_method") != "S256":
            return error_page("code_challenge_method must be S256")
        who = self.users[self.signed_in].username if self.signed_in else "nobody"
        fields = {k: q.get(k, "") for k in ("redirect_uri", "state", "code_challenge")}
        return Reply(200, consent_page("TikTok", "/v2/auth/decide/", fields, who))

    def decide(self, request: Request) -> Reply:
        form = request.form()
        target, state = form.get("redirect_uri", ""), form.get("state", "")
        if form.get("decision") != "approve" or self.signed_in is None:
            query = {"error": "access_denied", "error_description": "The user denied the request", "state": state}
            return redirect(f"{target}?{urlencode(query)}")
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = Code(self.signed_in, target, form.get("code_challenge") or None)
        return redirect(f"{target}?{urlencode({'code': code, 'scopes': self.scopes, 'state': state})}")

    def token(self, request: Request) -> Reply:
        form = request.form()
        if form.get("client_key") != self.client_key or form.get("client_secret") != self.client_secret:
            return oauth_error("invalid_client", "Client key or secret is incorrect.", status=401)
        if form.get("grant_type") == "refresh_token":
            open_id = self.refresh_tokens.get(form.get("refresh_token", ""))
            if open_id is None:
                return oauth_error("invalid_grant", "Refresh token is invalid or expired.")
            return self.grant(open_id)
        if form.get("grant_type") != "authorization_code":
            return oauth_error("unsupported_grant_type", "grant_type is not supported")
        with self.lock:
            code = self.codes.pop(form.get("code", ""), None)
        if code is None or code.redirect_uri != form.get("redirect_uri"):
            return oauth_error("invalid_grant", "Authorization code is expired or redirect_uri does not match.")
        if code.challenge is not None and s256(form.get("code_verifier", "")) != code.challenge:
            return oauth_error("invalid_request", "Code verifier or code challenge is invalid.")
        return self.grant(code.open_id)

    def grant(self, open_id: str) -> Reply:
        access, refresh = self.issue_tokens(open_id)
        return Reply(200, {"access_token": access, "expires_in": ACCESS_S, "open_id": open_id,
                           "refresh_expires_in": REFRESH_S, "refresh_token": refresh, "scope": self.scopes,
                           "token_type": "Bearer"})

    def revoke(self, request: Request) -> Reply:
        form = request.form()
        if form.get("client_key") != self.client_key or form.get("client_secret") != self.client_secret:
            return oauth_error("invalid_client", "Client key or secret is incorrect.", status=401)
        with self.lock:
            open_id = self.tokens.get(form.get("token", ""))
            if open_id is None:
                return oauth_error("invalid_request", "Access token is invalid.")
            self.revoked.append(form["token"])
            for table in (self.tokens, self.refresh_tokens):
                for token in [t for t, u in table.items() if u == open_id]:
                    del table[token]
        return Reply(200, {})

    # ---------------------------------------------------------------- Display API

    def user_info(self, user: TtUser, fields: str) -> Reply:
        every = {"open_id": user.open_id, "display_name": user.username.title(), "username": user.username,
                 "follower_count": user.followers, "following_count": user.following, "likes_count": user.likes,
                 "video_count": len(user.videos)}
        return envelope({"user": {k: v for k, v in every.items() if k in fields.split(",")}})

    def video_list(self, user: TtUser, body: dict[str, Any]) -> Reply:
        """Newest first; `cursor` is a UTC epoch in ms: the next page holds videos created before it."""
        size = int(body.get("max_count", 10))
        if not 1 <= size <= 20:
            return envelope(code="invalid_params", message="max_count must be between 1 and 20", status=400)
        cursor = body.get("cursor")
        rows = [v for v in user.videos if cursor is None or v.create_time * 1000 < int(cursor)]
        page = rows[:size]
        next_cursor = page[-1].create_time * 1000 if page else cursor
        return envelope({"videos": [v.fields() for v in page], "cursor": next_cursor, "has_more": len(rows) > size})

    def video_query(self, user: TtUser, body: dict[str, Any]) -> Reply:
        ids = ((body.get("filters") or {}).get("video_ids")) or []
        if len(ids) > 20:
            return envelope(code="invalid_params", message="at most 20 video_ids", status=400)
        found = [v.fields() for v in user.videos if v.id in ids]
        return envelope({"videos": found, "cursor": 0, "has_more": False})


def s256(verifier: str) -> str:
    """The RFC 7636 S256 challenge of a verifier."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
