"""`GET /metrics`: the Prometheus exposition of every process of this host (`intel.metrics`), for a scraper
holding INTEL_METRICS_TOKEN. Without the setting the endpoint does not exist (404): no default token."""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from intel.metrics.exposition import bearer_matches, render
from intel.runtime import get_runtime

log = logging.getLogger(__name__)
PATH = "/metrics"


def routes() -> list[Route]:
    """The scrape route."""
    return [Route(PATH, metrics, methods=["GET"])]


async def metrics(request: Request) -> Response:
    """The metrics in the text format the scraper accepts; 401 without the right bearer token."""
    token = get_runtime().settings.metrics_token
    if token is None:
        return PlainTextResponse("Not Found", status_code=404)
    if not bearer_matches(request.headers.get("authorization"), token):
        log.warning("refused a /metrics scrape without the right token from %s",
                    request.client.host if request.client else "?")
        return PlainTextResponse("Unauthorized", status_code=401,
                                 headers={"WWW-Authenticate": 'Bearer realm="metrics"', "Cache-Control": "no-store"})
    # Reading every process's files is blocking I/O: off the event loop that also serves the app.
    body, content_type = await run_in_threadpool(render, request.headers.get("accept"))
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})
