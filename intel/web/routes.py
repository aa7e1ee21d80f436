"""HTTP routes mounted next to Streamlit (server.py): sign-in forms that set an HttpOnly cookie,
sign-out, the JSON API (`intel.web.api`, the report download in `intel.web.report_api`), report share links a
brand opens without signing in (`intel.web.share`), the Prometheus scrape (`intel.web.scrape`) and the platform
webhooks (`intel.web.webhooks`). Starlette only; no streamlit import.

Every form POST (sign-in, first-admin setup, sign-out) must pass `intel.web.csrf`: same origin and
the double-submit token, else 403 with no cookie set. Webhook POSTs come from the platforms' servers and are
authenticated by the HMAC signature of their body instead. An unsubscribe link (`/unsubscribe/…`,
`intel.web.unsubscribe`) POSTs without one: its HMAC token is the permission. A share link (`/share/…`) is a
GET that changes only its view counter: it needs no CSRF token, and no session (the token in its path is the
permission).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from intel.accounts.auth import MIN_PASSWORD, Identity, client_address
from intel.errors import AccountLocked, AuthError, DatabaseUnavailable, IntelError
from intel.runtime import get_runtime
from intel.service import accounts
from intel.web import api, csrf, oauth, report_api, scrape, share, unsubscribe, webhooks
from intel.web.api import COOKIE

__all__ = ["COOKIE", "SignInRedirect", "login_url", "routes", "safe_next"]
log = logging.getLogger(__name__)


def routes() -> list[Route]:
    """Every route this package serves (the API's catch-all last)."""
    return [
        Route("/auth/login", login_page, methods=["GET"]),
        Route("/auth/login", login_submit, methods=["POST"]),
        Route("/auth/setup", setup_submit, methods=["POST"]),
        Route("/auth/logout", logout_page, methods=["GET"]),
        Route("/auth/logout", logout_submit, methods=["POST"]),
        *oauth.routes(),
        *scrape.routes(),
        *webhooks.routes(),
        *share.routes(),
        *unsubscribe.routes(),
        *api.routes(extra=report_api.ENDPOINTS),
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


def _hidden(name: str, value: str) -> str:
    return f"<input type=hidden name={name} value='{html.escape(value, quote=True)}'>"


def _login_form(token: str, next_path: str, message: str = "", email: str = "") -> str:
    err = f"<p class=err role=alert>{html.escape(message)}</p>" if message else ""
    return (
        f"<form method=post action='/auth/login'><h2>Talent Social Intelligence</h2>{err}"
        f"{_hidden(csrf.FIELD, token)}{_hidden('next', next_path)}"
        f"<label>Email<input name=email type=email autocomplete=username required "
        f"value='{html.escape(email, quote=True)}'></label>"
        "<label>Password<input name=password type=password autocomplete=current-password required></label>"
        "<button type=submit>Sign in</button></form>"
    )


def _setup_form(token: str, message: str = "") -> str:
    err = f"<p class=err role=alert>{html.escape(message)}</p>" if message else ""
    return (
        f"<form method=post action='/auth/setup'><h2>Create the first administrator</h2>{err}"
        f"{_hidden(csrf.FIELD, token)}"
        "<p>No account exists yet. This account will manage users and data.</p>"
        "<label>Email<input name=email type=email required></label>"
        "<label>Name<input name=name required></label>"
        f"<label>Password (at least {MIN_PASSWORD} characters)<input name=password type=password "
        "autocomplete=new-password required></label>"
        "<label>Repeat password<input name=confirm type=password autocomplete=new-password required></label>"
        "<button type=submit>Create administrator</button></form>"
    )


def _logout_form(token: str) -> str:
    return (
        f"<form method=post action='/auth/logout'><h2>Sign out?</h2>{_hidden(csrf.FIELD, token)}"
        "<p>This ends your session in every tab and on every device that uses it.</p>"
        "<button type=submit>Sign out</button></form>"
    )


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def _public_url() -> str | None:
    return get_runtime().settings.public_url


def _client(request: Request) -> str:
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.getlist("x-forwarded-for"), get_runtime().settings.trusted_proxies)


def _form_page(request: Request, title: str, render: Callable[[str], str], status: int = 200) -> Response:
    """A form page carrying the CSRF token, with the token cookie set (`render(token)` builds the body)."""
    token = csrf.form_token(request, _public_url())
    response = _page(title, render(token), status=status)
    csrf.set_token_cookie(response, request, token, _public_url())
    return response


def _cross_site(request: Request, form: dict[str, str]) -> Response | None:
    """403 (and no cookie) for a form POST that fails the CSRF checks, else None."""
    reason = csrf.refusal(request, form, _public_url())
    if reason is None:
        return None
    log.warning("refused a cross-site form POST to %s (origin %r)", request.url.path, request.headers.get("origin"))
    body = (f"<form method=get action='/auth/login'><h2>Request refused</h2>"
            f"<p class=err role=alert>{html.escape(reason)}</p>"
            "<button type=submit>Open the sign-in page</button></form>")
    return _page("Refused", body, status=403)


async def login_page(request: Request) -> Response:
    """The sign-in form, or the first-administrator form on an empty database."""
    try:
        if not await run_in_threadpool(accounts.has_users):
            return _form_page(request, "Set up", _setup_form)
    except DatabaseUnavailable as exc:
        return _page("Sign in", f"<p class=err role=alert>{html.escape(str(exc))}</p>", status=503)
    next_path = safe_next(request.query_params.get("next"))
    return _form_page(request, "Sign in", lambda token: _login_form(token, next_path))


def _signed_in(request: Request, identity: Identity, next_path: str) -> Response:
    token = accounts.start_session(identity)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(COOKIE, token, max_age=accounts.session_hours() * 3600, httponly=True,
                        samesite="lax", secure=csrf.is_secure(request, _public_url()), path="/")
    return response


async def login_submit(request: Request) -> Response:
    """Check origin, CSRF token and credentials (with lockout), then set the session cookie."""
    form = await _form(request)
    if (refused := _cross_site(request, form)) is not None:
        return refused
    next_path, email, token = safe_next(form.get("next")), form.get("email", ""), form[csrf.FIELD]
    try:
        identity = await run_in_threadpool(accounts.authenticate, email, form.get("password", ""),
                                           client=_client(request))
    except AccountLocked as exc:
        return _page("Sign in", _login_form(token, next_path, str(exc), email), status=429)
    except AuthError as exc:
        return _page("Sign in", _login_form(token, next_path, str(exc), email), status=401)
    except DatabaseUnavailable as exc:
        return _page("Sign in", _login_form(token, next_path, str(exc), email), status=503)
    return await run_in_threadpool(_signed_in, request, identity, next_path)


async def setup_submit(request: Request) -> Response:
    """Create the first admin of an empty database and sign them in (same CSRF checks as sign-in)."""
    form = await _form(request)
    if (refused := _cross_site(request, form)) is not None:
        return refused
    token = form[csrf.FIELD]
    if form.get("password") != form.get("confirm"):
        return _page("Set up", _setup_form(token, "The two passwords differ."), status=400)
    try:
        await run_in_threadpool(accounts.create_first_admin, form.get("email", ""), form.get("name", ""),
                                form.get("password", ""))
        identity = await run_in_threadpool(accounts.authenticate, form.get("email", ""), form.get("password", ""),
                                           client=_client(request))
    except IntelError as exc:
        return _page("Set up", _setup_form(token, str(exc)), status=400)
    return await run_in_threadpool(_signed_in, request, identity, "/")


async def logout_page(request: Request) -> Response:
    """A confirmation form: a GET never signs out, so a link or image on another site cannot either."""
    return _form_page(request, "Sign out", _logout_form)


async def logout_submit(request: Request) -> Response:
    """Revoke the session (every tab that used it) and clear the cookie; same-origin POST with token only."""
    form = await _form(request)
    if (refused := _cross_site(request, form)) is not None:
        return refused
    token = request.cookies.get(COOKIE)
    try:
        identity = await run_in_threadpool(accounts.identity_for_session, token)
        await run_in_threadpool(accounts.end_session, token, identity)
    except DatabaseUnavailable as exc:
        return _page("Sign out", f"<p class=err role=alert>{html.escape(str(exc))}</p>", status=503)
    response = RedirectResponse("/auth/login", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax",
                           secure=csrf.is_secure(request, _public_url()))
    return response


class SignInRedirect:
    """ASGI middleware: a browser asking for an app page without a live session goes to the sign-in form.

    Deep links survive: the original path and query become `next`. Only HTML page loads are checked;
    Streamlit's own endpoints, static files, /auth, /api, /oauth, /metrics, /webhooks and /share/ pass through (pages,
    the API, the OAuth callback and the scrape check access themselves as well; a scraper or a platform's hub
    never signs in; a platform's callback without a session gets a page saying to sign in and connect again,
    since a sign-in in between would start a new session that the pending authorisation is not bound to).
    """

    PASS_THROUGH = ("/_stcore", "/static", "/auth", "/api", "/oauth", "/media", "/component", "/app/static", "/favicon",
                    scrape.PATH, webhooks.PATH, share.PREFIX)

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
