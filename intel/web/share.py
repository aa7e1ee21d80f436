"""`GET /share/{talent_id}/{token}` and `GET /share/c/{campaign_id}/{token}`: the frozen report of a share link
(a talent's or a campaign's), for whoever holds the link, no sign-in.

Holding the token is the permission, so this route reads no cookie (a session means nothing here) and sets none.
It changes nothing but the link's view counter, so it is a GET without a CSRF token. Every failure — expired,
revoked, tampered, unknown, another talent's id, malformed — is the same plain 404, saying nothing of why.
The page may run no script and load nothing from anywhere (CSP), is not indexed, framed, cached, nor sent as
a referrer, and links to no other page of the app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from intel.errors import DatabaseUnavailable
from intel.service.share_links import resolve_campaign_share, resolve_share
from intel.web.api import talent_id

log = logging.getLogger(__name__)
PREFIX = "/share/"
# The report is self-contained: inline styles and SVG, images and fonts as data: URIs, no script.
CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; "
       "form-action 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Robots-Tag": "noindex, nofollow",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}
_PLAIN = ("<!doctype html><html lang=en><head><meta charset=utf-8><meta name=robots content='noindex, nofollow'>"
          "<title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>")
NOT_FOUND = _PLAIN.format(title="Not found", text="This link does not open anything.")
UNAVAILABLE = _PLAIN.format(title="Unavailable", text="This page cannot be shown right now. Try again later.")


def _answer(body: str, status: int) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=HEADERS)


async def shared_report(request: Request) -> Response:
    """A talent link's report (200), else the one 404 page; 503 while the database cannot be reached, 500 on a bug."""
    return await _shared(resolve_share, str(request.path_params["talent_id"]), str(request.path_params["token"]))


async def shared_campaign_report(request: Request) -> Response:
    """A campaign link's report, with the same answers."""
    return await _shared(resolve_campaign_share, str(request.path_params["campaign_id"]),
                         str(request.path_params["token"]))


async def _shared(resolve: Callable[[int, str], str | None], raw_id: str, token: str) -> Response:
    scope = talent_id(raw_id)  # the API's parser of a positive id in a path
    if scope is None:
        return _answer(NOT_FOUND, 404)
    try:
        html = await run_in_threadpool(resolve, scope, token)
    except DatabaseUnavailable:
        return _answer(UNAVAILABLE, 503)
    except Exception:  # a bug: logged with its traceback, never shown
        log.exception("share link failed for %s", scope)
        return _answer(UNAVAILABLE, 500)
    return _answer(NOT_FOUND, 404) if html is None else _answer(html, 200)


async def not_found(request: Request) -> Response:
    """Any other path under /share/ (a missing or extra segment): the same 404."""
    return _answer(NOT_FOUND, 404)


def routes() -> list[Route]:
    """The share route, and the 404 for every other path under it (never Streamlit's app page)."""
    return [Route(PREFIX + "c/{campaign_id}/{token}", shared_campaign_report, methods=["GET"]),
            Route(PREFIX + "{talent_id}/{token}", shared_report, methods=["GET"]),
            Route(PREFIX + "{rest:path}", not_found, methods=["GET"])]
