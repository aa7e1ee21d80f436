"""`GET /api/admin/talent/{id}/report?period=90d&format=pdf|html&paper=a4|letter`: a talent's report as a file.

Authentication, malformed ids, refusals and outages answer as every other API endpoint does (`api.guarded`,
`api.refused`); a bad period, format or paper is a 400 JSON answer saying what is accepted. The body is built in
the threadpool (a PDF takes about a second) and never cached by a browser or proxy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intel.accounts.auth import Identity
from intel.errors import DatabaseUnavailable, IntelError, PermissionDenied, TalentNotFound
from intel.service.report_files import FORMATS, PAPERS, Format, Paper, report_file
from intel.web.api import guarded, json_answer, refused

PATH = "/api/admin/talent/{talent_id}/report"


def _choice(request: Request, name: str, allowed: tuple[str, ...]) -> str:
    value = request.query_params.get(name, allowed[0]).strip().lower()
    if value not in allowed:
        raise IntelError(f"`{name}` must be one of {', '.join(allowed)}, not {value[:40]!r}.")
    return value


def _work(fmt: Format, paper: Paper, period: str | None) -> Callable[[Identity, int], Response]:
    def build(identity: Identity, talent: int) -> Response:
        try:
            built = report_file(identity, talent, fmt=fmt, paper=paper, period=period)
        except (TalentNotFound, PermissionDenied) as exc:
            return refused(identity, talent, exc)
        except DatabaseUnavailable:
            raise
        except IntelError as exc:  # the period (parsed after the access check): say what is accepted
            return json_answer(400, False, str(exc))
        headers = {"Content-Disposition": f'attachment; filename="{built.filename}"', "Cache-Control": "no-store",
                   "X-Content-Type-Options": "nosniff"}
        return Response(built.body, media_type=built.media_type, headers=headers)
    return build


async def report(request: Request) -> Response:
    """The report of the talent in the path; `period` absent = all data (the report says so)."""
    try:
        fmt = _choice(request, "format", FORMATS)
        paper = _choice(request, "paper", PAPERS)
    except IntelError as exc:
        message = str(exc)
        return await guarded(lambda identity, talent: json_answer(400, False, message))(request)
    period = request.query_params.get("period", "").strip() or None
    if period is not None and period.lower() in ("all", "all data"):
        period = None
    return await guarded(_work(cast(Format, fmt), cast(Paper, paper), period))(request)


ENDPOINTS: tuple[Route, ...] = (Route(PATH, report, methods=["GET"]),)
