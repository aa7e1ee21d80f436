"""Command-line interface: `python -m intel <group> <command>`.

Commands act as `intel.accounts.auth.SYSTEM` (role "system", audit actor "system:cli"): whoever runs the
CLI has shell access to the deployment, so it holds every admin capability, checked by the same
`intel.service` façades the pages use.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from intel.accounts.auth import SYSTEM
from intel.config import get_settings
from intel.errors import IntelError
from intel.service.boundary import database_errors

# The shared benchmark folder beside the checkout (../shared), where CI and developers keep it.
DEFAULT_UMSAB = Path(__file__).resolve().parents[2] / "shared" / "data" / "sentiment" / "multilingual"

log = logging.getLogger(__name__)
Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m intel", description=__doc__)
    groups = parser.add_subparsers(dest="group", required=True, metavar="GROUP")

    db = groups.add_parser("db", help="database schema").add_subparsers(dest="cmd", required=True)
    _command(db, "upgrade", "apply migrations up to the newest (safe to repeat)", _db_upgrade)
    aggregates = _command(db, "aggregates", "check the per-post comment aggregates against a recount of the "
                          "comments (exit 1 if they differ), or rebuild them", _db_aggregates)
    aggregates.add_argument("--rebuild", action="store_true",
                            help="recount every group from the comments (drops affected talents' cache)")

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
    evaluate.add_argument("file", help="TSV with columns id, human_mean, text; with --format umsab, a folder")
    evaluate.add_argument("--engine", default=None,
                          help="TSV: English engine (blend, vader, textblob); umsab: auto (detect and route, "
                               "the default), given (the file's language assumed) or english")
    evaluate.add_argument("--format", choices=("tsv", "umsab"), default="tsv",
                          help="umsab: {language}_text.txt / {language}_labels.txt (0 neg, 1 neu, 2 pos)")
    trainer = _command(sentiment, "train", "train the multilingual model on a UMSAB training folder",
                       _sentiment_train)
    trainer.add_argument("--data", default=str(DEFAULT_UMSAB / "train"), help="UMSAB training folder")
    trainer.add_argument("--out", default=None, help="artifact path (default: the shipped one)")
    again = _command(sentiment, "rescore", "re-score captions and comments scored by another engine version",
                     _sentiment_rescore)
    again.add_argument("--all", action="store_true", help="re-score every text, not only stale ones")

    cache = groups.add_parser("cache", help="intelligence cache").add_subparsers(dest="cmd", required=True)
    _command(cache, "stats", "print cache counters and compute-time percentiles as JSON", _cache_stats)
    clear = _command(cache, "clear", "delete one talent's cached intelligence, or all of it", _cache_clear)
    clear.add_argument("talent", nargs="?", type=int, help="talent id (default: every entry)")
    warm = _command(cache, "warm", "compute and cache talents missing from the cache", _cache_warm)
    warm.add_argument("--all", action="store_true", help="recompute every talent, cached or not")

    refresh = groups.add_parser("refresh", help="rate-limited refresh of one talent, as the button does",
                                description="rate-limited refresh of one talent, as the button does")
    refresh.add_argument("talent", type=int, help="talent id")
    refresh.set_defaults(handler=_refresh)

    worker = groups.add_parser("worker", help="sync connected profiles and keep the cache warm",
                               description="run sync jobs (Dramatiq, with REDIS_URL; else in-process), queue the "
                               "due syncs, refresh-ahead and recompute invalidated talents")
    worker.add_argument("--once", action="store_true", help="one pass, then exit (with REDIS_URL: queue the due "
                        "syncs and warm the cache; the queued syncs wait for a running worker; without: run them)")
    worker.set_defaults(handler=_worker)

    alerts = groups.add_parser("alerts", help="alert and digest delivery").add_subparsers(dest="cmd", required=True)
    _command(alerts, "deliver", "send the due alert and digest messages once (the worker does this every pass)",
             _alerts_deliver)

    static = groups.add_parser("static", help="front-end bundles").add_subparsers(dest="cmd", required=True)
    build = _command(static, "build", "write the compressed copy of Streamlit's bundles the server sends",
                     _static_build)
    build.add_argument("--force", action="store_true", help="rebuild even when a copy for this version exists")

    metrics = groups.add_parser("metrics", help="print the Prometheus metrics /metrics serves (text format)",
                                description="print the Prometheus metrics /metrics serves (text format): every "
                                "process writing to PROMETHEUS_MULTIPROC_DIR, else only this one")
    metrics.set_defaults(handler=_metrics)

    _users_parser(groups)
    from intel.cli_connectors import add_parser as add_connectors

    add_connectors(groups, _command)
    from intel.cli_report import add_parser as add_report

    add_report(groups)
    from intel.ingest.importer import add_parser as add_import

    add_import(groups, _import)

    return parser


def _users_parser(groups: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = groups.add_parser("users", help="accounts, roles and API tokens").add_subparsers(dest="cmd", required=True)
    add = _command(users, "add", "create an account; the password is prompted or read from stdin, never argv",
                   _users_add)
    add.add_argument("email")
    add.add_argument("--role", choices=("agent", "manager", "admin"), required=True)
    add.add_argument("--name", default="", help="display name (default: the email)")
    _command(users, "list", "list accounts", _users_list)
    role = _command(users, "role", "change an account's role", _users_role)
    role.add_argument("email")
    role.add_argument("role", choices=("agent", "manager", "admin"))
    for name, text in (("deactivate", "deactivate an account and end its sessions"), ("activate", "activate")):
        cmd = _command(users, name, text, _users_active)
        cmd.add_argument("email")
    reset = _command(users, "reset-password", "set a new password (prompted or stdin)", _users_reset)
    reset.add_argument("email")
    assign = _command(users, "assign", "assign talents to an agent", _users_assign)
    assign.add_argument("email")
    assign.add_argument("talent_ids", nargs="+", type=int)
    token = _command(users, "token", "issue an API token (printed once) or revoke all of a user's", _users_token)
    token.add_argument("email")
    token.add_argument("--revoke", action="store_true")
    token.add_argument("--name", default="cli")


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
        with database_errors():  # db upgrade / demo load touch the engine directly
            return int(args.handler(args))
    except IntelError as exc:  # ConfigError and DatabaseUnavailable included
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _db_upgrade(_args: argparse.Namespace) -> int:
    from intel.db.migrate import upgrade
    from intel.runtime import get_runtime

    engine = get_runtime().engine
    upgrade(engine)
    print(f"database at newest schema: {engine.url.render_as_string(hide_password=True)}")
    return 0


def _db_aggregates(args: argparse.Namespace) -> int:
    from intel.service.operations import comment_aggregates

    report = comment_aggregates(SYSTEM, rebuild=args.rebuild)
    if args.rebuild:
        print(f"comment aggregates rebuilt: {report.groups} groups; {len(report.drifted_posts)} posts had "
              "differed and their talents' cached figures were dropped")
        return 0
    if report.drifted_groups:
        print(f"{report.drifted_groups} comment aggregate groups differ from the comments: "
              "run python -m intel db aggregates --rebuild")
        return 1
    print("comment aggregates match the comments")
    return 0


def _demo_load(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from intel.db.migrate import upgrade
    from intel.db.models import Talent
    from intel.demo.generate import DEFAULT_SEED
    from intel.runtime import get_runtime
    from intel.service.operations import reload_demo

    engine = get_runtime().engine
    upgrade(engine)
    if args.if_empty:
        with engine.connect() as conn:
            if conn.scalar(select(func.count()).select_from(Talent)):
                print("database already has talents; demo roster not loaded")
                return 0
    summary = reload_demo(SYSTEM, DEFAULT_SEED if args.seed is None else args.seed)
    print(
        f"demo roster loaded: {summary.talents} talents, {summary.profiles} profiles, "
        f"{summary.snapshots} snapshots, {summary.posts} posts, {summary.comments} comments"
    )
    return 0


def _sentiment_eval(args: argparse.Namespace) -> int:
    from intel.text.sentiment import evaluate, read_eval_file
    from intel.text.umsab import evaluate_folder

    try:
        if args.format == "umsab":
            print(json.dumps(evaluate_folder(args.file, args.engine or "auto"), indent=2))
            return 0
        rows = read_eval_file(args.file)
        print(json.dumps(evaluate(rows, engine=args.engine)))
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _sentiment_train(args: argparse.Namespace) -> int:
    from intel.text.multilingual import ARTIFACT
    from intel.text.train import train

    out = Path(args.out) if args.out else ARTIFACT
    try:
        header = train(args.data, out)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out} ({out.stat().st_size:,} bytes), model {header['version']}")
    return 0


def _sentiment_rescore(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from intel.service.operations import rescore_sentiment

    with tqdm(desc="rescoring", unit="text", file=sys.stderr) as bar:
        report = rescore_sentiment(SYSTEM, everything=args.all, progress=bar.update)
    print(f"re-scored {report.posts} captions and {report.comments} comments; "
          f"{len(report.talent_ids)} talents' caches invalidated")
    return 0


def _cache_stats(_args: argparse.Namespace) -> int:
    from intel.service.operations import cache_stats

    print(json.dumps(cache_stats(SYSTEM), indent=2))
    return 0


def _cache_clear(args: argparse.Namespace) -> int:
    from intel.service.operations import cache_clear

    deleted = cache_clear(SYSTEM, args.talent)
    print(f"cleared talent {args.talent}" if args.talent is not None else f"cleared {deleted} entries")
    return 0


def _cache_warm(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from intel.service.operations import cache_warm, talent_ids

    ids = talent_ids(SYSTEM)
    with tqdm(total=len(ids), desc="warming", unit="talent", file=sys.stderr) as bar:
        report = cache_warm(SYSTEM, ids, force=args.all, progress=bar.update)
    print(f"computed {report.computed}, already cached {report.already_cached}, failed {report.failed}")
    return 1 if report.failed else 0


def _refresh(args: argparse.Namespace) -> int:
    from intel.service.talents import refresh_for

    outcome = refresh_for(SYSTEM, args.talent)
    print(f"{outcome.status}: {outcome.message}")
    return {"refreshed": 0, "joined": 0, "queued": 0, "rate_limited": 3, "failed": 1}[outcome.status]


def _read_password() -> str:
    """Prompt twice on a terminal; read one line from stdin otherwise (never from argv)."""
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise IntelError("The two passwords differ.")
    return first


def _static_build(args: argparse.Namespace) -> int:
    from intel.web import static

    report = static.build(get_settings().static_dir, force=args.force)
    print(json.dumps({"folder": str(report.folder), "files": report.files, "compressed": report.compressed,
                      "original_mb": round(report.original_bytes / 1e6, 2),
                      "brotli_mb": round(report.brotli_bytes / 1e6, 2)}))
    return 0


def _users_add(args: argparse.Namespace) -> int:
    from intel.service.accounts import create_user

    user_id = create_user(SYSTEM, args.email, args.name, args.role, _read_password())
    print(f"created {args.role} {args.email.strip().lower()} (id {user_id})")
    return 0


def _users_list(_args: argparse.Namespace) -> int:
    from intel.service.accounts import list_users

    for u in list_users(SYSTEM):
        print(f"{u.email}\t{u.role}\t{'active' if u.is_active else 'inactive'}\t{u.talents} talents")
    return 0


def _users_role(args: argparse.Namespace) -> int:
    from intel.service.accounts import set_role

    set_role(SYSTEM, args.email, args.role)
    print(f"{args.email} is now {args.role}")
    return 0


def _users_active(args: argparse.Namespace) -> int:
    from intel.service.accounts import set_active

    set_active(SYSTEM, args.email, args.cmd == "activate")
    print(f"{args.email} {args.cmd}d")
    return 0


def _users_reset(args: argparse.Namespace) -> int:
    from intel.service.accounts import reset_password

    reset_password(SYSTEM, args.email, _read_password())
    print(f"password of {args.email} reset; their sessions ended")
    return 0


def _users_assign(args: argparse.Namespace) -> int:
    from intel.service.accounts import assign_talents

    assign_talents(SYSTEM, args.email, args.talent_ids)
    print(f"{len(args.talent_ids)} talents assigned to {args.email}")
    return 0


def _users_token(args: argparse.Namespace) -> int:
    from intel.service.accounts import issue_api_token, revoke_api_tokens

    if args.revoke:
        print(f"revoked {revoke_api_tokens(SYSTEM, args.email)} tokens of {args.email}")
    else:
        print(issue_api_token(SYSTEM, args.email, args.name))
    return 0


def _worker(args: argparse.Namespace) -> int:
    from intel.jobs.worker import main as worker_main
    from intel.runtime import get_runtime
    from intel.service.refresh import run_due_refreshes

    return worker_main(get_runtime(), once=args.once, due_refreshes=run_due_refreshes)


def _alerts_deliver(_args: argparse.Namespace) -> int:
    from intel.jobs.alert_jobs import alert_pass
    from intel.runtime import get_runtime

    report = alert_pass(get_runtime())
    print(f"sent {report.sent}, retry later {report.retried}, failed {report.failed}, skipped {report.skipped}")
    return 0


def _metrics(_args: argparse.Namespace) -> int:
    from intel.metrics.exposition import render

    body, _content_type = render(None)
    sys.stdout.write(body.decode("utf-8"))
    return 0


def _import(args: argparse.Namespace) -> int:
    """One import as the system identity, with a progress bar on stderr; 1 when some rows were refused."""
    from pathlib import Path

    from tqdm import tqdm
    from tqdm.contrib.logging import logging_redirect_tqdm

    from intel.ingest.importer import Progress, source_size
    from intel.service.imports import import_file

    out = sys.stdout
    root = logging.getLogger()
    level = root.level
    # Log lines below WARNING only with --verbose, printed through the bar so it stays whole.
    root.setLevel(min(level, logging.INFO) if args.verbose else max(level, logging.WARNING))
    try:
        with logging_redirect_tqdm(), tqdm(total=source_size(args.file) if Path(args.file).is_file() else None,
                                           unit="B", unit_scale=True, unit_divisor=1024,
                                           desc=f"importing {args.kind}", file=sys.stderr) as bar:

            def progress(p: Progress) -> None:
                bar.update(p.bytes_read - bar.n)
                bar.set_postfix(rows=p.rows, refused=p.refused, refresh=False)

            report = import_file(SYSTEM, args.kind, args.file, mapping=",".join(args.map), talent=args.talent,
                                 dry_run=args.dry_run, errors_to=args.errors, progress=progress, fmt=args.format,
                                 batch_size=args.batch_size, encoding=args.encoding)
    finally:
        root.setLevel(level)
    out.write(("dry run — nothing written: " if report.dry_run else "") + report.summary() + "\n")
    for error in report.errors[:20]:
        out.write(f"  refused {error}\n")
    if report.refused > 20:
        out.write(f"  … and {report.refused - 20:,} more\n")
    if report.errors_path:
        out.write(f"refused rows written to {report.errors_path} (fix them and import that file again)\n")
    if report.talent_ids and not report.dry_run:
        out.write(f"{len(report.talent_ids)} talents' cached intelligence invalidated\n")
    return 1 if report.refused else 0
