"""The JSON API of the original design. Every `/api/...` request answers the documented body
`{"success": …, "message": …, "data": …}`: unknown paths and malformed ids get 404, a wrong method
405 with `Allow` — never Streamlit's HTML page, which an API client would read as success.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route

from intel.accounts.auth import Identity
from intel.errors import DatabaseUnavailable, IntelError, PermissionDenied, TalentNotFound
from intel.service import accounts
from intel.service import talents as service
from intel.service.refresh import RefreshOutcome

log = logging.getLogger(__name__)
COOKIE = "intel_session"
MAX_ID = 2**63 - 1  # ids are BIGINT; a larger "id" names no talent (and would overflow the query)
Handler = Callable[[Request], Awaitable[Response]]
# Spelled out: a function route given no methods serves GET only (Starlette), and the rest would fall through.
ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]


def json_answer(status: int, success: bool, message: str, data: Any = None, headers: dict[str, str] | None = None
          ) -> JSONResponse:
    return JSONResponse({"success": success, "message": message, "data": data}, status_code=status,
                        headers=headers)


def talent_id(raw: str) -> int | None:
    """The talent id of a path segment: a positive whole number, else None."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19:
        return None
    number = int(raw)
    return number if 0 < number <= MAX_ID else None


def _api_identity(request: Request) -> Identity | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return accounts.identity_for_api_token(header[7:].strip())
    return accounts.identity_for_session(request.cookies.get(COOKIE))


def refused(identity: Identity, talent: int, exc: IntelError) -> JSONResponse:
    """The 403/404 answer to a refused read or refresh."""
    if isinstance(exc, PermissionDenied):
        return json_answer(403, False, "Your role does not allow this.")
    if service.talent_exists(identity, talent):
        return json_answer(403, False, "You may not access this talent.")
    return json_answer(404, False, f"No talent with id {talent}.")


def guarded(work: Callable[[Identity, int], Response]) -> Handler:
    """A route handler: malformed id -> 404, no identity -> 401, an outage -> 503, a bug -> 500 (logged), else
    `work(identity, talent_id)` in the threadpool."""
    async def handler(request: Request) -> Response:
        raw = str(request.path_params["talent_id"])
        talent = talent_id(raw)
        if talent is None:  # before authentication: the answer is the same for everybody
            return json_answer(404, False, f"No talent with id {raw[:40]!r}: ids are positive whole numbers.")
        try:
            identity = await run_in_threadpool(_api_identity, request)
            if identity is None:
                return json_answer(401, False, "Sign in or send a valid API token (Authorization: Bearer …).",
                             headers={"WWW-Authenticate": "Bearer"})
            return await run_in_threadpool(work, identity, talent)
        except DatabaseUnavailable as exc:
            return json_answer(503, False, str(exc))
        except Exception:
            log.exception("API error on %s", request.url.path)
            return json_answer(500, False, "Internal error; it has been logged.")
    return handler


def _get(identity: Identity, talent: int) -> JSONResponse:
    try:
        served = service.serve_for(identity, talent)
    except (TalentNotFound, PermissionDenied) as exc:
        return refused(identity, talent, exc)
    meta = {"source": served.source, "possibly_stale": served.possibly_stale, "compute_ms": served.compute_ms}
    return json_answer(200, True, "Social intelligence", {**served.intel.to_dict(), "cache": meta})


def _refresh(identity: Identity, talent: int) -> JSONResponse:
    try:
        outcome = service.refresh_for(identity, talent)
    except (TalentNotFound, PermissionDenied) as exc:
        return refused(identity, talent, exc)
    return _outcome(outcome)


def _queue(identity: Identity, talent: int) -> JSONResponse:
    try:
        outcome = service.queue_refresh_for(identity, talent)
    except (TalentNotFound, PermissionDenied) as exc:
        return refused(identity, talent, exc)
    return _outcome(outcome)


def _outcome(outcome: RefreshOutcome) -> JSONResponse:
    """200 refreshed or joined (with the data), 202 queued (with when it runs), 429 limited, 500 failed."""
    if outcome.status == "rate_limited":
        return json_answer(429, False, outcome.message, {"retry_after_s": math.ceil(outcome.retry_after_s)},
                     headers={"Retry-After": str(math.ceil(outcome.retry_after_s))})
    if outcome.status == "queued" and outcome.runs_at is not None:
        runs_at = outcome.runs_at.isoformat(timespec="seconds").replace("+00:00", "Z")
        return json_answer(202, True, outcome.message, {"queued": True, "runs_at": runs_at,
                                                   "runs_in_s": max(0, math.ceil(outcome.retry_after_s))})
    if outcome.status == "failed":
        return json_answer(500, False, outcome.message)
    return json_answer(200, True, outcome.message, outcome.served.intel.to_dict() if outcome.served else None)


_REFRESH, _QUEUE = guarded(_refresh), guarded(_queue)


async def _refresh_route(request: Request) -> Response:
    """POST …/refresh: refresh now (429 while limited), or `?when=allowed`: queue it for when the window opens."""
    when = request.query_params.get("when")
    if when is None:
        return await _REFRESH(request)
    if when == "allowed":
        return await _QUEUE(request)
    return json_answer(400, False, "The only value of `when` is `allowed` (queue the refresh for when it is allowed).")


# `{talent_id}` is any segment (not `:int`) so a malformed id reaches the handler and gets a JSON 404.
ENDPOINTS: tuple[Route, ...] = (
    Route("/api/admin/talent/{talent_id}/social-intelligence", guarded(_get), methods=["GET"]),
    Route("/api/admin/talent/{talent_id}/social-intelligence/refresh", _refresh_route, methods=["POST"]),
)


def _unmatched(endpoints: Sequence[Route]) -> Handler:
    async def unmatched(request: Request) -> Response:
        """Any other `/api/...` request: 405 with `Allow` when the path exists for other methods, else 404."""
        allowed = sorted({m for route in endpoints if route.matches(request.scope)[0] is Match.PARTIAL
                          for m in route.methods or ()})
        if allowed:
            return json_answer(405, False, f"{request.method} is not allowed here; use {', '.join(allowed)}.",
                               headers={"Allow": ", ".join(allowed)})
        return json_answer(404, False, f"No API endpoint at {request.url.path[:200]}.")
    return unmatched


def routes(extra: Sequence[Route] = ()) -> list[Route]:
    """The API routes (these and `extra`, endpoints of sibling modules), the catch-all last (Streamlit's own
    routes come after these)."""
    endpoints = (*ENDPOINTS, *extra)
    fallback = _unmatched(endpoints)
    return [*endpoints, Route("/api", fallback, methods=ANY_METHOD),
            Route("/api/{rest:path}", fallback, methods=ANY_METHOD)]
