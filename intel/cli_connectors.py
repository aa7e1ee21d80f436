"""`python -m intel connectors …`: the encryption key, linking a YouTube channel, one sync now, the sync status.

Like the rest of the CLI, the commands act as `intel.accounts.auth.SYSTEM` through the service façades.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from intel.accounts.auth import SYSTEM

if TYPE_CHECKING:  # argparse's generic subparser type cannot be subscripted at run time
    Handler = Callable[[argparse.Namespace], int]
    Command = Callable[[argparse._SubParsersAction[argparse.ArgumentParser], str, str, Handler],
                       argparse.ArgumentParser]


def add_parser(groups: argparse._SubParsersAction[argparse.ArgumentParser], command: Command) -> None:
    """The `connectors` group: keygen, link-youtube, sync, status."""
    connectors = groups.add_parser("connectors", help="platform connectors: keys, links, syncs").add_subparsers(
        dest="cmd", required=True)
    command(connectors, "keygen", "print a new Fernet key for INTEL_SECRET_KEY (tokens are encrypted with it)",
             _connectors_keygen)
    link = command(connectors, "link-youtube", "link a YouTube channel (UC… id, @handle or link) to a talent",
                    _connectors_link_youtube)
    link.add_argument("talent", type=int, help="talent id")
    link.add_argument("channel", help="channel id, @handle or youtube.com link")
    sync = command(connectors, "sync", "sync one connected profile now, in this process", _connectors_sync)
    sync.add_argument("profile", type=int, help="profile id (see `connectors status`)")
    command(connectors, "status", "every connection with its sync state, the queue and today's quota, as JSON",
             _connectors_status)


def _connectors_keygen(_args: argparse.Namespace) -> int:
    from intel.connectors.crypto import new_key

    print(new_key())
    return 0


def _connectors_link_youtube(args: argparse.Namespace) -> int:
    from intel.service.connections import connect_youtube

    view = connect_youtube(SYSTEM, args.talent, args.channel, first_sync=False)
    print(f"linked profile {view.profile_id}: youtube {view.handle} (due now: the worker's next pass syncs it, "
          f"or `python -m intel connectors sync {view.profile_id}`)")
    return 0


def _connectors_sync(args: argparse.Namespace) -> int:
    from intel.service.syncs import run_sync_here

    report = run_sync_here(SYSTEM, args.profile)
    print(f"{report.status}: {report.posts_written} posts, {report.comments_written} comments written, "
          f"{report.api_calls} calls, {report.quota_units} quota units — {report.message}")
    return 0 if report.status in {"synced", "skipped"} else 1


def _connectors_status(_args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from intel.service.syncs import sync_overview

    overview = sync_overview(SYSTEM)
    print(json.dumps(asdict(overview), default=str, indent=2))
    return 0
