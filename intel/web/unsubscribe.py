"""`/unsubscribe/{token}`: the one-click unsubscribe link of alert and digest emails (RFC 8058).

GET shows a confirmation button and changes nothing (link scanners and prefetchers follow GETs); POST — the
button, or the mail client's `List-Unsubscribe=One-Click` — switches those emails off. No sign-in and no CSRF
token: the HMAC token in the path is the permission, and a forged request can only unsubscribe the person the
token names, which only its holder can do. A bad token gets the same plain 404, whatever was wrong with it.
"""

from __future__ import annotations

import html
import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from intel.errors import DatabaseUnavailable
from intel.service.alert_delivery import unsubscribe, unsubscribe_offer
from intel.web.share import HEADERS as SHARE_HEADERS

log = logging.getLogger(__name__)
PREFIX = "/unsubscribe/"
HEADERS = {**SHARE_HEADERS, "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"}
_PAGE = ("<!doctype html><html lang=en><head><meta charset=utf-8><meta name=robots content='noindex, nofollow'>"
         "<title>{title}</title></head><body style='font-family:sans-serif;max-width:36rem;margin:3rem auto'>"
         "<h1>{title}</h1>{body}</body></html>")


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=html.escape(title), body=body), status_code=status, headers=HEADERS)


NOT_FOUND = ("Not found", "<p>This link does not open anything.</p>", 404)
UNAVAILABLE = ("Unavailable", "<p>This cannot be done right now. Try again later.</p>", 503)


async def confirm(request: Request) -> Response:
    """The confirmation form for a genuine token; changes nothing."""
    token = str(request.path_params["token"])
    words = unsubscribe_offer(token)
    if words is None:
        return _page(*NOT_FOUND)
    form = (f"<p>Stop {html.escape(words)}? The in-app inbox keeps every alert.</p>"
            f"<form method='post' action='{html.escape(PREFIX + token, quote=True)}'>"
            "<input type='hidden' name='List-Unsubscribe' value='One-Click'>"
            f"<button type='submit'>Stop {html.escape(words)}</button></form>")
    return _page("Unsubscribe", form)


async def submit(request: Request) -> Response:
    """Switch the emails off (the form's POST or the mail client's one-click POST)."""
    try:
        words = await run_in_threadpool(unsubscribe, str(request.path_params["token"]))
    except DatabaseUnavailable:
        return _page(*UNAVAILABLE)
    except Exception:  # a bug: logged with its traceback, never shown
        log.exception("unsubscribe failed")
        return _page("Unavailable", "<p>This cannot be done right now. Try again later.</p>", 500)
    if words is None:
        return _page(*NOT_FOUND)
    return _page("Unsubscribed", f"<p>You will get no more {html.escape(words)}. Switch them on again under "
                 "Alerts → Preferences in the dashboard.</p>")


def routes() -> list[Route]:
    """The unsubscribe link's GET and POST."""
    return [Route(PREFIX + "{token}", confirm, methods=["GET"]), Route(PREFIX + "{token}", submit, methods=["POST"])]
