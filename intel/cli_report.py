"""`python -m intel report TALENT --format pdf|html -o FILE`: one talent's media-kit report, written to a file;
`python -m intel report TALENT TALENT [...] --compare -o FILE`: the comparison report of 2–6 talents.

Like the rest of the CLI, the command acts as `intel.accounts.auth.SYSTEM` through the service façade.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from intel.accounts.auth import SYSTEM
from intel.reports.model import SECTIONS


def add_parser(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `report` command."""
    text = "write one talent's media-kit report (PDF, or one self-contained HTML file)"
    report = groups.add_parser("report", help=text, description=text)
    report.add_argument("talents", type=int, nargs="+", metavar="TALENT", help="talent id (2–6 with --compare)")
    report.add_argument("--compare", action="store_true", help="the comparison report of the talents given")
    report.add_argument("--sections", default=None, help="media kit only: comma-separated sections to include "
                        f"({', '.join(SECTIONS)}; default all)")
    report.add_argument("--format", choices=("pdf", "html"), default="pdf", dest="fmt")
    report.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF page size (default A4)")
    report.add_argument("--note", default=None, help="media kit only: the agent's note on the cover (plain text)")
    report.add_argument("--period", default=None, help="30d, 90d, 365d or YYYY-MM-DD..YYYY-MM-DD: every figure "
                        "for that window (default: all data, said on every page)")
    report.add_argument("-o", "--output", required=True, help="file to write (replaced whole, never half-written)")
    report.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    body = _comparison(args) if args.compare else _media_kit(args)
    if body is None:
        return 2
    out = Path(args.output)
    try:
        _write_whole(out, body)
    except OSError as exc:
        print(f"error: cannot write {out}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"wrote {out} ({len(body):,} bytes, {args.fmt})")
    return 0


def _media_kit(args: argparse.Namespace) -> bytes | None:
    from intel.service.reports import build_report

    if len(args.talents) != 1:
        print("error: a media kit is of one talent; add --compare for a comparison of 2–6", file=sys.stderr)
        return None
    sections = [s.strip() for s in args.sections.split(",") if s.strip()] if args.sections is not None else None
    return build_report(SYSTEM, args.talents[0], fmt=args.fmt, paper=args.paper, note=args.note,
                        period=args.period, sections=sections)


def _comparison(args: argparse.Namespace) -> bytes | None:
    from intel.service.compare_report import build_comparison_report

    if args.note is not None or args.sections is not None:
        print("error: --note and --sections are for a media kit, not a comparison", file=sys.stderr)
        return None
    return build_comparison_report(SYSTEM, args.talents, fmt=args.fmt, paper=args.paper, period=args.period)


def _write_whole(path: Path, body: bytes) -> None:
    """Write through a temporary file beside `path`, then rename: a failure leaves no partial report."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent if str(path.parent) else ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
