"""Stand-in for the Instagram API with Instagram Login: the authorisation page (`/oauth/authorize`), the
token endpoints (`/oauth/access_token`, `/access_token`, `/refresh_access_token`) and the Graph endpoints
the connector reads under `/{version}/` (`me`, `me/media`, a media object, its `insights` and `comments`),
with cursor paging (`paging.cursors.after` + `paging.next`) and Graph's error bodies.

Point INTEL_INSTAGRAM_API_URL, INTEL_INSTAGRAM_AUTH_URL (…/oauth/authorize) and INTEL_INSTAGRAM_TOKEN_URL
(…/oauth/access_token) at `url`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from bench.platforms.server import PlatformServer, Reply, Request, consent_page, error_page, redirect

LONG_LIVED_S = 60 * 86400


def graph_error(code: int, message: str, status: int = 400, subcode: int | None = None) -> Reply:
    """Graph's documented error body."""
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code,
                             "fbtrace_id": secrets.token_hex(8)}
    if subcode is not None:
        error["error_subcode"] = subcode
    return Reply(status, {"error": error})


def rate_limited(code: int = 4) -> Reply:
    """A Graph rate-limit answer (4 app, 17 user, 32 page, 613 custom)."""
    messages = {4: "(#4) Application request limit reached", 17: "(#17) User request limit reached",
                32: "(#32) Page request limit reached", 613: "(#613) Calls to this api have exceeded the rate limit."}
    return graph_error(code, messages.get(code, "rate limited"), status=403)


@dataclass
class Media:
    """One media object with its comments [(id, text, username, timestamp, replies)] and insights."""

    id: str
    timestamp: datetime
    caption: str = ""
    media_type: str = "IMAGE"
    media_product_type: str = "FEED"
    like_count: int = 0
    comments: list[dict[str, Any]] = field(default_factory=list)
    insights: dict[str, int] | None = None  # None: the media type has no insights (Graph error 100)

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "caption": self.caption, "media_type": self.media_type,
                "media_product_type": self.media_product_type, "timestamp": stamp(self.timestamp),
                "like_count": self.like_count, "comments_count": self.comment_count(),
                "permalink": f"https://www.instagram.com/p/{self.id}/"}

    def comment_count(self) -> int:
        return sum(1 + len(c.get("replies", [])) for c in self.comments)


@dataclass
class IgAccount:
    """An Instagram professional account of the stand-in."""

    user_id: str
    username: str
    followers: int = 1000
    follows: int = 100
    media: list[Media] = field(default_factory=list)  # newest first
    insights_permission: bool = True


def stamp(moment: datetime) -> str:
    """Graph's timestamp format."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


class InstagramServer(PlatformServer):
    """The stand-in; `accounts` by user id, tokens → user id, codes → (user id, redirect URI)."""

    def __init__(self, client_id: str = "ig-client", client_secret: str = "ig-secret",  # noqa: S107
                 version: str = "v22.0", page_size: int | None = None) -> None:
        super().__init__()
        self.client_id, self.client_secret, self.version, self.page_size = client_id, client_secret, version, page_size
        self.accounts: dict[str, IgAccount] = {}
        self.tokens: dict[str, str] = {}  # access token → user id (short and long-lived alike)
        self.codes: dict[str, tuple[str, str]] = {}
        self.redirect_uris: set[str] = set()
        self.signed_in: str | None = None  # the user id the authorisation page approves for
        self.refreshed = 0

    # ---------------------------------------------------------------- setup helpers

    def add_account(self, username: str, *, media: int = 0, comments: int = 0, now: datetime | None = None,
                    **kwargs: Any) -> IgAccount:
        """An account with `media` posts an hour apart (newest first) of `comments` comments each."""
        user_id = f"1784{len(self.accounts) + 1:011d}"
        now = now or datetime.now(UTC).replace(microsecond=0)
        account = IgAccount(user_id, username, **kwargs)
        for i in range(media):
            item = Media(f"{user_id}_{i}", now - timedelta(hours=i + 1), caption=f"post {i}", like_count=10 + i,
                         insights={"views": 100 + i, "reach": 80 + i, "saved": i, "shares": 2 * i})
            item.comments = [{"id": f"{item.id}_c{j}", "text": f"comment {j}", "username": f"fan{j}",
                              "timestamp": stamp(item.timestamp + timedelta(minutes=j + 1)), "replies": []}
                             for j in range(comments)]
            account.media.append(item)
        self.accounts[user_id] = account
        self.signed_in = self.signed_in or user_id
        return account

    def issue_token(self, user_id: str) -> str:
        """A valid access token for the account."""
        token = "IGAA" + secrets.token_urlsafe(24)
        with self.lock:
            self.tokens[token] = user_id
        return token

    def revoke_all(self, user_id: str) -> None:
        """Invalidate every token of the account (the user removed the app, or the token expired)."""
        with self.lock:
            for token in [t for t, u in self.tokens.items() if u == user_id]:
                del self.tokens[token]

    # ---------------------------------------------------------------- routing

    def route(self, request: Request) -> Reply:
        path = request.path
        if path == "/oauth/authorize":
            return self.authorize(request)
        if path == "/oauth/decide":
            return self.decide(request)
        if path == "/oauth/access_token":
            return self.code_token(request)
        if path in ("/access_token", "/refresh_access_token"):
            return self.long_lived(request, refresh=path == "/refresh_access_token")
        prefix = f"/{self.version}/"
        if not path.startswith(prefix):
            return graph_error(2500, "Unknown path components", status=400)
        user_id = self.tokens.get(request.query.get("access_token", ""))
        if user_id is None:
            return graph_error(190, "Error validating access token: Session has expired or the user has "
                               "changed their password.", subcode=463)
        return self.graph(self.accounts[user_id], path[len(prefix):].strip("/"), request.query)

    def authorize(self, request: Request) -> Reply:
        q = request.query
        if q.get("client_id") != self.client_id:
            return error_page("Invalid platform app")
        if self.redirect_uris and q.get("redirect_uri") not in self.redirect_uris:
            return error_page("Invalid redirect_uri: it is not on the app's list of valid OAuth redirect URIs")
        if q.get("response_type") != "code" or "instagram_business_basic" not in q.get("scope", ""):
            return error_page("Invalid request: response_type=code and instagram_business_basic are required")
        who = self.accounts[self.signed_in].username if self.signed_in else "nobody"
        fields = {k: q.get(k, "") for k in ("redirect_uri", "state")}
        return Reply(200, consent_page("Instagram", "/oauth/decide", fields, who))

    def decide(self, request: Request) -> Reply:
        form = request.form()
        target, state = form.get("redirect_uri", ""), form.get("state", "")
        if form.get("decision") != "approve" or self.signed_in is None:
            query = {"error": "access_denied", "error_reason": "user_denied",
                     "error_description": "The user denied your request.", "state": state}
            return redirect(f"{target}?{urlencode(query)}#_")
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = (self.signed_in, target)
        return redirect(f"{target}?{urlencode({'code': code, 'state': state})}#_")  # Instagram appends #_

    def code_token(self, request: Request) -> Reply:
        form = request.form()
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return Reply(400, {"error_type": "OAuthException", "code": 400, "error_message": "Invalid client"})
        with self.lock:
            found = self.codes.pop(form.get("code", ""), None)
        if found is None or form.get("grant_type") != "authorization_code" or found[1] != form.get("redirect_uri"):
            return Reply(400, {"error_type": "OAuthException", "code": 400,
                               "error_message": "Error validating verification code. Please make sure your "
                               "redirect_uri is identical to the one you used in the OAuth dialog request"})
        token = self.issue_token(found[0])
        return Reply(200, {"data": [{"access_token": token, "user_id": found[0],
                                     "permissions": "instagram_business_basic,instagram_business_manage_insights"}]})

    def long_lived(self, request: Request, *, refresh: bool) -> Reply:
        q = request.query
        wanted = "ig_refresh_token" if refresh else "ig_exchange_token"
        if q.get("grant_type") != wanted or (not refresh and q.get("client_secret") != self.client_secret):
            return graph_error(100, f"Invalid request: grant_type must be {wanted} (with the app secret)")
        user_id = self.tokens.get(q.get("access_token", ""))
        if user_id is None:
            return graph_error(190, "Error validating access token: The session is invalid.", subcode=460)
        if refresh:
            self.refreshed += 1
        return Reply(200, {"access_token": self.issue_token(user_id), "token_type": "bearer",
                           "expires_in": LONG_LIVED_S})

    # ---------------------------------------------------------------- Graph

    def graph(self, account: IgAccount, path: str, q: dict[str, str]) -> Reply:
        if path == "me":
            return Reply(200, {"id": account.user_id, "user_id": account.user_id, "username": account.username,
                               "followers_count": account.followers, "follows_count": account.follows,
                               "media_count": len(account.media)})
        if path == "me/media":
            return self.paged([m.fields() for m in account.media], q, "me/media")
        media_id, _, edge = path.partition("/")
        media = next((m for m in account.media if m.id == media_id), None)
        if media is None:
            return graph_error(100, f"Unsupported get request. Object with ID '{media_id}' does not exist, cannot "
                               "be loaded due to missing permissions, or does not support this operation", subcode=33)
        if edge == "":
            return Reply(200, media.fields())
        if edge == "insights":
            return self.insights(account, media)
        if edge == "comments":
            rows = [{**c, "replies": {"data": c.get("replies", [])}} for c in media.comments]
            return self.paged(rows, q, f"{media_id}/comments")
        return graph_error(100, f"Unknown edge {edge}")

    def insights(self, account: IgAccount, media: Media) -> Reply:
        if not account.insights_permission:
            return graph_error(10, "(#10) Application does not have permission for this action", status=403)
        if media.insights is None:
            return graph_error(100, "(#100) The Media Insights API does not support this metric for this media "
                               "product type")
        data = [{"name": name, "period": "lifetime", "values": [{"value": value}], "id": f"{media.id}/insights"}
                for name, value in media.insights.items()]
        return Reply(200, {"data": data})

    def paged(self, rows: list[dict[str, Any]], q: dict[str, str], edge: str) -> Reply:
        """Cursor paging: `after` is the index of the next row (opaque to the client)."""
        limit = self.page_size or min(int(q.get("limit", 25)), 100)
        start = int(q["after"]) if q.get("after", "").isdigit() else 0
        page = rows[start:start + limit]
        body: dict[str, Any] = {"data": page}
        if page:
            body["paging"] = {"cursors": {"before": str(start), "after": str(start + len(page))}}
            if start + len(page) < len(rows):
                body["paging"]["next"] = f"{self.url}/{self.version}/{edge}?after={start + len(page)}"
        return Reply(200, body)
