"""A talent's report as a file to download: its bytes, media type and a safe file name (the API's answer)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from intel.accounts.access import check_talent, require
from intel.accounts.auth import Identity
from intel.db.models import Talent
from intel.reports.model import FORMATS, PAPERS, Format, Paper
from intel.service.boundary import database_boundary
from intel.service.reports import build_report
from intel.service.talents import read_session

__all__ = ["FORMATS", "MEDIA_TYPES", "PAPERS", "Format", "Paper", "ReportFile", "file_name", "report_file", "slug"]
# Latin letters NFKD does not split into a base letter and an accent.
_LETTERS = str.maketrans({"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "ł": "l",
                          "Ł": "l", "đ": "d", "Đ": "d", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d"})
MEDIA_TYPES: dict[str, str] = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}


@dataclass(frozen=True)
class ReportFile:
    """A built report: body bytes, Content-Type and an ASCII file name (`sofia-marques-90d.pdf`)."""

    body: bytes
    media_type: str
    filename: str


def slug(text: str, fallback: str) -> str:
    """Lower-case ASCII words joined by hyphens (accents dropped, other scripts and symbols removed)."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_LETTERS)).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:60].strip("-") or fallback


def file_name(talent_name: str, talent_id: int, period: str | None, fmt: Format) -> str:
    """The download's name: talent, period ("all" without one), extension."""
    return f"{slug(talent_name, f'talent-{talent_id}')}-{slug(period or 'all', 'all')}.{fmt}"


@database_boundary
def report_file(identity: Identity | None, talent_id: int, *, fmt: Format, paper: Paper = "a4",
                period: str | None = None, note: str | None = None) -> ReportFile:
    """The talent's report built by `build_report` (access-checked, audited), named for download."""
    identity = require(identity, "view")
    with read_session() as session:
        check_talent(session, identity, talent_id)
        talent = session.get(Talent, talent_id)
        name = talent.name if talent is not None else ""
    body = build_report(identity, talent_id, fmt=fmt, paper=paper, note=note, period=period)
    return ReportFile(body, MEDIA_TYPES[fmt], file_name(name, talent_id, period, fmt))
