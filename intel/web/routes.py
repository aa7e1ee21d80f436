"""HTTP routes mounted next to Streamlit (server.py): sign-in forms that set an HttpOnly cookie,
sign-out, and the JSON API of the original design. Starlette only; no streamlit import.
"""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from intel.accounts.auth import MIN_PASSWORD, Identity
from intel.errors import AccountLocked, AuthError, DatabaseUnavailable, IntelError, PermissionDenied, TalentNotFound
from intel.runtime import get_runtime
from intel.service import accounts
from intel.service import talents as service

log = logging.getLogger(__name__)
COOKIE = "intel_session"
Handler = Callable[[Request], Awaitable[Response]]


def routes() -> list[Route]:
    """Every route this module serves."""
    return [
        Route("/auth/login", login_page, methods=["GET"]),
        Route("/auth/login", login_submit, methods=["POST"]),
        Route("/auth/setup", setup_submit, methods=["POST"]),
        Route("/auth/logout", logout, methods=["GET", "POST"]),
        Route("/api/admin/talent/{talent_id:int}/social-intelligence", api_get, methods=["GET"]),
        Route("/api/admin/talent/{talent_id:int}/social-intelligence/refresh", api_refresh, methods=["POST"]),
    ]


# ---------------------------------------------------------------- sign-in pages

def safe_next(raw: str | None) -> str:
    """A same-site path to return to after sign-in (never another host)."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return "/"
    return raw


_STYLE = (
    "body{font-family:sans-serif;background:#F4F2FB;display:flex;justify-content:center;padding-top:10vh}"
    "form{background:#fff;padding:2em;border-radius:12px;min-width:320px;box-shadow:0 2px 12px #0002}"
    "label{display:block;margin-top:1em}input{width:100%;padding:.5em;box-sizing:border-box}"
    "button{margin-top:1.5em;padding:.6em 1.2em;background:#5B3CC4;color:#fff;border:0;border-radius:6px}"
    ".err{color:#B00020}"
)


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    doc = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )
    # no-store: a sign-in page must not be served from a shared cache; DENY: no framing (clickjacking).
    return HTMLResponse(doc, status_code=status, headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})


def _login_form(next_path: str, message: str = "", email: str = "") -> str:
    err = f"<p class=err role=alert>{html.escape(message)}</p>" if message else ""
    return (
        f"<form method=post action='/auth/login'><h2>Talent Social Intelligence</h2>{err}"
        f"<input type=hidden name=next value='{html.escape(next_path, quote=True)}'>"
        f"<label>Email<input name=email type=email autocomplete=username required "
        f"value='{html.escape(email, quote=True)}'></label>"
        "<label>Password<input name=password type=password autocomplete=current-password required></label>"
        "<button type=submit>Sign in</button></form>"
    )


def _setup_form(message: str = "") -> str:
    err = f"<p class=err role=alert>{html.escape(message)}</p>" if message else ""
    return (
        f"<form method=post action='/auth/setup'><h2>Create the first administrator</h2>{err}"
        "<p>No account exists yet. This account will manage users and data.</p>"
        "<label>Email<input name=email type=email required></label>"
        "<label>Name<input name=name required></label>"
        f"<label>Password (at least {MIN_PASSWORD} characters)<input name=password type=password "
        "autocomplete=new-password required></label>"
        "<label>Repeat password<input name=confirm type=password autocomplete=new-password required></label>"
        "<button type=submit>Create administrator</button></form>"
    )


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def login_page(request: Request) -> Response:
    """The sign-in form, or the first-administrator form on an empty database."""
    try:
        if not await run_in_threadpool(accounts.has_users):
            return _page("Set up", _setup_form())
    except DatabaseUnavailable as exc:
        return _page("Sign in", f"<p class=err role=alert>{html.escape(str(exc))}</p>", status=503)
    return _page("Sign in", _login_form(safe_next(request.query_params.get("next"))))


def _signed_in(request: Request, identity: Identity, next_path: str) -> Response:
    token = accounts.start_session(identity)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(COOKIE, token, max_age=accounts.session_hours() * 3600, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https", path="/")
    return response


async def login_submit(request: Request) -> Response:
    """Check credentials (with lockout) and set the session cookie."""
    form = await _form(request)
    next_path = safe_next(form.get("next"))
    email = form.get("email", "")
    try:
        identity = await run_in_threadpool(accounts.authenticate, email, form.get("password", ""),
                                           client=_client(request))
    except AccountLocked as exc:
        return _page("Sign in", _login_form(next_path, str(exc), email), status=429)
    except AuthError as exc:
        return _page("Sign in", _login_form(next_path, str(exc), email), status=401)
    except DatabaseUnavailable as exc:
        return _page("Sign in", _login_form(next_path, str(exc), email), status=503)
    return await run_in_threadpool(_signed_in, request, identity, next_path)


async def setup_submit(request: Request) -> Response:
    """Create the first admin of an empty database and sign them in."""
    form = await _form(request)
    if form.get("password") != form.get("confirm"):
        return _page("Set up", _setup_form("The two passwords differ."), status=400)
    try:
        await run_in_threadpool(accounts.create_first_admin, form.get("email", ""), form.get("name", ""),
                                form.get("password", ""))
        identity = await run_in_threadpool(accounts.authenticate, form.get("email", ""), form.get("password", ""),
                                           client=_client(request))
    except IntelError as exc:
        return _page("Set up", _setup_form(str(exc)), status=400)
    return await run_in_threadpool(_signed_in, request, identity, "/")


async def logout(request: Request) -> Response:
    """Revoke the session (every tab that used it) and clear the cookie."""
    token = request.cookies.get(COOKIE)
    identity = await run_in_threadpool(accounts.identity_for_session, token)
    await run_in_threadpool(accounts.end_session, token, identity)
    response = RedirectResponse("/auth/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


# ---------------------------------------------------------------- JSON API

def _json(status: int, success: bool, message: str, data: Any = None, headers: dict[str, str] | None = None
          ) -> JSONResponse:
    return JSONResponse({"success": success, "message": message, "data": data}, status_code=status,
                        headers=headers)


def _api_identity(request: Request) -> Identity | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return accounts.identity_for_api_token(header[7:].strip())
    return accounts.identity_for_session(request.cookies.get(COOKIE))


def _refused(identity: Identity, talent_id: int, exc: IntelError) -> JSONResponse:
    """The 403/404 answer to a refused read or refresh."""
    if isinstance(exc, PermissionDenied):
        return _json(403, False, "Your role does not allow this.")
    if service.talent_exists(identity, talent_id):
        return _json(403, False, "You may not access this talent.")
    return _json(404, False, f"No talent with id {talent_id}.")


def _guarded(work: Callable[[Request], JSONResponse]) -> Handler:
    async def handler(request: Request) -> Response:
        try:
            identity = await run_in_threadpool(_api_identity, request)
            if identity is None:
                return _json(401, False, "Sign in or send a valid API token (Authorization: Bearer …).",
                             headers={"WWW-Authenticate": "Bearer"})
            request.state.identity = identity
            return await run_in_threadpool(work, request)
        except DatabaseUnavailable as exc:
            return _json(503, False, str(exc))
        except Exception:
            log.exception("API error on %s", request.url.path)
            return _json(500, False, "Internal error; it has been logged.")
    return handler


def _get(request: Request) -> JSONResponse:
    identity, talent_id = request.state.identity, int(request.path_params["talent_id"])
    try:
        served = service.serve_for(identity, talent_id)
    except (TalentNotFound, PermissionDenied) as exc:
        return _refused(identity, talent_id, exc)
    meta = {"source": served.source, "possibly_stale": served.possibly_stale, "compute_ms": served.compute_ms}
    return _json(200, True, "Social intelligence", {**served.intel.to_dict(), "cache": meta})


def _refresh(request: Request) -> JSONResponse:
    identity, talent_id = request.state.identity, int(request.path_params["talent_id"])
    try:
        outcome = service.refresh_for(identity, talent_id)
    except (TalentNotFound, PermissionDenied) as exc:
        return _refused(identity, talent_id, exc)
    if outcome.status == "rate_limited":
        return _json(429, False, outcome.message, {"retry_after_s": math.ceil(outcome.retry_after_s)},
                     headers={"Retry-After": str(math.ceil(outcome.retry_after_s))})
    if outcome.status == "failed":
        return _json(500, False, outcome.message)
    return _json(200, True, outcome.message, outcome.served.intel.to_dict() if outcome.served else None)


api_get = _guarded(_get)
api_refresh = _guarded(_refresh)


class SignInRedirect:
    """ASGI middleware: a browser asking for an app page without a live session goes to the sign-in form.

    Deep links survive: the original path and query become `next`. Only HTML page loads are checked;
    Streamlit's own endpoints, static files, /auth and /api pass through (pages and the API check
    access themselves as well).
    """

    PASS_THROUGH = ("/_stcore", "/static", "/auth", "/api", "/media", "/component", "/app/static", "/favicon")

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith(self.PASS_THROUGH):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if "text/html" not in request.headers.get("accept", "") or await run_in_threadpool(self._allowed, request):
            await self.app(scope, receive, send)
            return
        target = scope["path"] + (f"?{scope['query_string'].decode()}" if scope.get("query_string") else "")
        await RedirectResponse(login_url(target), status_code=303)(scope, receive, send)

    @staticmethod
    def _allowed(request: Request) -> bool:
        if get_runtime().settings.demo_mode:
            return True
        try:
            return accounts.identity_for_session(request.cookies.get(COOKIE)) is not None
        except Exception:  # the page itself explains a database outage in plain words
            log.exception("session check failed")
            return True


def login_url(next_path: str) -> str:
    """The sign-in page that returns to `next_path`."""
    return "/auth/login?next=" + quote(safe_next(next_path), safe="")
