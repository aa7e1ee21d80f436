"""The OAuth callback route `GET /oauth/{platform}/callback`: the platform sends the browser back here with
`code` and `state` (or `error=access_denied`); the connection service finishes the authorisation and the
browser goes on to the talent page with a one-off `connected=<platform>` notice, or sees a plain error page.
"""

from __future__ import annotations

import html
import logging
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from intel.errors import DatabaseUnavailable, IntelError
from intel.service import connections
from intel.web.api import COOKIE

log = logging.getLogger(__name__)
PATH = "/oauth/{platform}/callback"
TALENT_PAGE = "/talent"  # pages/_wiring.py: url_path="talent", deep link ?talent=ID
_STYLE = ("body{font-family:sans-serif;background:#F4F2FB;display:flex;justify-content:center;padding-top:10vh}"
          "main{background:#fff;padding:2em;border-radius:12px;max-width:480px;box-shadow:0 2px 12px #0002}"
          ".err{color:#B00020}a{color:#5B3CC4}")


def routes() -> list[Route]:
    """The callback route."""
    return [Route(PATH, callback, methods=["GET"])]


def talent_url(talent_id: int, platform: str) -> str:
    """The talent page with the one-off notice that `platform` was connected."""
    return f"{TALENT_PAGE}?{urlencode({'talent': talent_id, 'connected': platform})}"


def error_page(message: str, status: int) -> HTMLResponse:
    """A plain page with the (escaped) reason and a way back; no traceback, never cached or framed."""
    body = (f"<main><h2>The account was not connected</h2><p class=err role=alert>{html.escape(message)}</p>"
            "<p><a href='/'>Back to the app</a></p></main>")
    doc = ("<!doctype html><html lang=en><head><meta charset=utf-8><title>Connection not completed</title>"
           f"<style>{_STYLE}</style></head><body>{body}</body></html>")
    return HTMLResponse(doc, status_code=status, headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY",
                                                           "Referrer-Policy": "no-referrer"})


async def callback(request: Request) -> Response:
    """Finish the authorisation the signed-in user started; 303 to the talent page, or an error page."""
    platform = str(request.path_params["platform"])
    query = request.query_params
    origin = f"{request.url.scheme}://{request.url.netloc}"
    try:
        talent_id = await run_in_threadpool(
            connections.complete_connect, platform, code=query.get("code", ""), state=query.get("state", ""),
            session_token=request.cookies.get(COOKIE), error=query.get("error"), origin=origin)
    except DatabaseUnavailable as exc:
        return error_page(str(exc), 503)
    except IntelError as exc:
        return error_page(str(exc), 400)
    except Exception:
        log.exception("OAuth callback failed for %s", platform)  # the query (code, state) is not logged
        return error_page("Something went wrong on our side; it has been logged. Try Connect again.", 500)
    # Referrer-Policy: the code and state in this URL must not leak to the next page's requests.
    return RedirectResponse(talent_url(talent_id, platform), status_code=303,
                            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
