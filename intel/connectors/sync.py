"""PLACEHOLDER — replaced at merge by the sync engine of branch wt-youtube (same name, same signature).

Only the report type and the signature the job system calls are here, so `intel.jobs` can be written and
tested against them; `sync_profile` itself raises NotImplementedError. Do not build on this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Engine

from intel.config import Settings
from intel.db.base import utcnow

SyncStatus = Literal["synced", "paused", "needs_reconnect", "failed", "skipped"]


@dataclass(frozen=True)
class SyncReport:
    """What one sync of one profile did."""

    profile_id: int
    talent_id: int
    status: SyncStatus
    posts_written: int
    comments_written: int
    snapshot_written: bool
    api_calls: int
    quota_units: int
    next_sync_at: datetime | None
    message: str

    @property
    def changed(self) -> bool:
        """True when the sync wrote something the talent's intelligence is computed from."""
        return bool(self.posts_written or self.comments_written or self.snapshot_written)


def sync_profile(engine: Engine, profile_id: int, settings: Settings, *, now: Callable[[], datetime] = utcnow,
                 connector: Any = None) -> SyncReport:
    """PLACEHOLDER: the real sync (wt-youtube) replaces this at merge."""
    raise NotImplementedError("the sync engine is not merged yet (placeholder of intel.connectors.sync)")
