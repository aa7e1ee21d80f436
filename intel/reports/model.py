"""What one report shows besides the figures: who, which period, whose agency, the note, the paper."""

from __future__ import annotations

import base64
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from intel.errors import IntelError

Paper = Literal["a4", "letter"]
Format = Literal["pdf", "html"]
PAPERS: tuple[Paper, ...] = ("a4", "letter")
FORMATS: tuple[Format, ...] = ("pdf", "html")
WATERMARK = "DEMO DATA — NOT REAL ANALYTICS"
_LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
MAX_NOTE = 2_000  # characters of the agent's note
# The report's optional sections (key → title); the cover and the methods page are always included.
SECTIONS: dict[str, str] = {"headline": "Headline KPIs", "trend": "Follower trend",
                            "highlights": "Content highlights", "performs": "What performs",
                            "audience": "Audience sentiment & community health"}


def check_sections(sections: tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """The chosen sections in report order (None: all); IntelError naming the unknown ones and the valid ones."""
    if sections is None:
        return tuple(SECTIONS)
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise IntelError(f"Unknown report section {', '.join(repr(str(u)[:40]) for u in unknown)}: choose from "
                         f"{', '.join(SECTIONS)}.")
    return tuple(s for s in SECTIONS if s in sections)


@dataclass(frozen=True)
class ReportRequest:
    """The report's frame. handles: (platform, handle) pairs; period_label: the window the figures cover, in
    words (never one the figures were not computed for); as_of: the newest data's date; agency_logo: a data:
    URI or None; accent: `#rrggbb`; note: the agent's plain-text note (escaped when rendered); sections: the
    optional sections shown (keys of SECTIONS)."""

    talent_name: str
    handles: tuple[tuple[str, str], ...]
    category: str
    tier: str
    period_label: str
    as_of: str
    agency_name: str
    agency_logo: str | None
    accent: str
    note: str | None
    paper: Paper
    is_demo: bool
    sections: tuple[str, ...] = tuple(SECTIONS)

    def __post_init__(self) -> None:
        check_sections(self.sections)
        if self.paper not in PAPERS:
            raise IntelError(f"Paper must be one of {', '.join(PAPERS)}, not {self.paper!r}.")
        if self.note is not None and len(self.note) > MAX_NOTE:
            raise IntelError(f"The note is {len(self.note):,} characters; at most {MAX_NOTE:,} fit in a report.")

    @property
    def watermark(self) -> str | None:
        """The demo watermark, on every page of a demo talent's report."""
        return WATERMARK if self.is_demo else None


def logo_data_uri(path: Path | None) -> str | None:
    """The logo file as a data: URI (so the report requests nothing); None without a logo."""
    if path is None:
        return None
    kind = _LOGO_TYPES.get(path.suffix.lower())
    if kind is None:
        raise IntelError(f"The agency logo must be PNG, JPEG or SVG: {path.name}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IntelError(f"The agency logo {path} cannot be read: {exc.strerror}") from None
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


@dataclass(frozen=True)
class ComparisonRequest:
    """The comparison report's frame: the period in words, the newest data's date, the agency's branding, the
    paper, and whether the talents are demo ones (a comparison is all demo or all real, never mixed)."""

    period_label: str
    as_of: str
    agency_name: str
    agency_logo: str | None
    accent: str
    paper: Paper
    is_demo: bool

    def __post_init__(self) -> None:
        if self.paper not in PAPERS:
            raise IntelError(f"Paper must be one of {', '.join(PAPERS)}, not {self.paper!r}.")

    @property
    def watermark(self) -> str | None:
        """The demo watermark, on every page of a demo comparison."""
        return WATERMARK if self.is_demo else None

    @property
    def kind(self) -> str:
        """"demo" or "real": the talents the percentiles rank among."""
        return "demo" if self.is_demo else "real"


def file_name(title: str, period: str | None, fmt: str, today: str) -> str:
    """A download's file name of ASCII letters, digits and dashes: "sofia-marques-90d-2026-12-01.pdf"."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    parts = [ascii_title, (period or "all-data").replace("..", "-to-"), today]
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")
    return f"{slug[:120].rstrip('-') or 'report'}.{'pdf' if fmt == 'pdf' else 'html'}"
