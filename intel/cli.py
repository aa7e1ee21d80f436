"""Command-line interface: `python -m intel <group> <command>`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence

from intel.config import ConfigError, get_settings

log = logging.getLogger(__name__)
Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m intel", description=__doc__)
    groups = parser.add_subparsers(dest="group", required=True, metavar="GROUP")

    db = groups.add_parser("db", help="database schema").add_subparsers(dest="cmd", required=True)
    _command(db, "upgrade", "apply migrations up to the newest (safe to repeat)", _db_upgrade)

    demo = groups.add_parser("demo", help="synthetic demo roster").add_subparsers(
        dest="cmd", required=True
    )
    load = _command(demo, "load", "replace the demo roster with a generated one", _demo_load)
    load.add_argument("--seed", type=int, default=None, help="random seed (same seed, same rows)")
    load.add_argument("--if-empty", action="store_true", help="only load into a database with no talents")

    sentiment = groups.add_parser("sentiment", help="sentiment engine").add_subparsers(
        dest="cmd", required=True
    )
    evaluate = _command(sentiment, "eval", "score a human-rated TSV and print agreement as JSON",
                        _sentiment_eval)
    evaluate.add_argument("file", help="TSV with columns id, human_mean, text")
    evaluate.add_argument("--engine", default=None, help="engine to evaluate (default: the default)")
    return parser


def _command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, text: str, handler: Handler
) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=text, description=text)
    parser.set_defaults(handler=handler)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
        logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
        return int(args.handler(args))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _engine():  # type: ignore[no-untyped-def]
    from intel.db import make_engine

    return make_engine(get_settings().database_url)


def _db_upgrade(_args: argparse.Namespace) -> int:
    from intel.migrate import upgrade

    engine = _engine()
    upgrade(engine)
    print(f"database at newest schema: {engine.url.render_as_string(hide_password=True)}")
    return 0


def _demo_load(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from intel.demo import DEFAULT_SEED, load_demo
    from intel.migrate import upgrade
    from intel.models import Talent

    engine = _engine()
    upgrade(engine)
    if args.if_empty:
        with engine.connect() as conn:
            if conn.scalar(select(func.count()).select_from(Talent)):
                print("database already has talents; demo roster not loaded")
                return 0
    summary = load_demo(engine, seed=DEFAULT_SEED if args.seed is None else args.seed)
    print(
        f"demo roster loaded: {summary.talents} talents, {summary.profiles} profiles, "
        f"{summary.snapshots} snapshots, {summary.posts} posts, {summary.comments} comments"
    )
    return 0


def _sentiment_eval(args: argparse.Namespace) -> int:
    from intel.sentiment import evaluate, read_eval_file

    try:
        rows = read_eval_file(args.file)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(evaluate(rows, engine=args.engine)))
    return 0
