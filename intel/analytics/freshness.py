"""The connected accounts and how fresh the talent's data is (pure pandas)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from intel.analytics.facts import TalentFacts
from intel.analytics.result import Freshness, Profile, ProfileSync, StaleThresholds

SNAPSHOT_STALE_HOURS = 48
SYNC_STALE_HOURS = 24

METHOD = {
    "freshness": f"Snapshots stale after {SNAPSHOT_STALE_HOURS} h; a profile's sync stale after {SYNC_STALE_HOURS} h.",
}


def iso_or_none(value: object) -> str | None:
    """A timestamp as ISO 8601, None when missing."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).isoformat()


def connected_profiles(profiles: pd.DataFrame) -> tuple[Profile, ...]:
    """Every profile of the talent, connected or not."""
    return tuple(
        Profile(platform=str(r.platform), handle=str(r.handle), connected=bool(r.connected),
                last_synced_at=iso_or_none(r.last_synced_at))
        for r in profiles.itertuples()
    )


def freshness_section(facts: TalentFacts, now: datetime) -> Freshness:
    """Newest post and snapshot, each connected profile's sync, and whether any of it is stale."""
    stamp = pd.Timestamp(now)
    newest_snapshot = facts.snapshots["day"].max() if not facts.snapshots.empty else None
    newest_post = facts.posts["posted_at"].max() if not facts.posts.empty else None
    connected = facts.profiles[facts.profiles["connected"].astype(bool)]
    syncs = tuple(
        ProfileSync(platform=str(r.platform), handle=str(r.handle), last_synced_at=iso_or_none(r.last_synced_at),
                    stale=_older(r.last_synced_at, stamp, SYNC_STALE_HOURS))
        for r in connected.itertuples()
    )
    snapshot_stale = _older(newest_snapshot, stamp, SNAPSHOT_STALE_HOURS)
    sync_stale = any(s.stale for s in syncs)
    return Freshness(
        computed_at=now.isoformat(),
        newest_post_at=iso_or_none(newest_post),
        newest_snapshot_on=None if newest_snapshot is None else newest_snapshot.date().isoformat(),
        profiles=syncs,
        snapshot_stale=snapshot_stale,
        sync_stale=sync_stale,
        is_stale=snapshot_stale or sync_stale,
        thresholds_hours=StaleThresholds(snapshot=SNAPSHOT_STALE_HOURS, sync=SYNC_STALE_HOURS),
    )


def _older(value: object, now: pd.Timestamp, hours: int) -> bool:
    """True when `value` is missing or older than `hours` (a missing timestamp is stale)."""
    if value is None or pd.isna(value):
        return True
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return bool(now - stamp > pd.Timedelta(hours=hours))
