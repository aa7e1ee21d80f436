"""The intelligence cache: versioned keys, self-describing entries, TTL by data kind.

An entry is JSON `{"meta": {...}, "payload": {...}}`. Anything that cannot be decoded, or that
carries another schema version, is a miss: it is deleted, logged and recomputed.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

from intel.analytics.result import SCHEMA_VERSION, SocialIntelligence
from intel.cache.store import Store
from intel.cache.ttl import smart_ttl

log = logging.getLogger(__name__)


class CorruptEntry(ValueError):
    """A cache entry that cannot be decoded into the current schema (treated as a miss)."""


@dataclass(frozen=True)
class CachedEntry:
    """A decoded entry: the intelligence and how it came to be."""

    intel: SocialIntelligence
    computed_at: str
    compute_ms: float
    written_at: float
    schema_version: int


def cache_key(talent_id: int, prefix: str = "") -> str:
    """`social_intel:v{schema}:{talent_id}` (with a namespace prefix in demo mode)."""
    return f"{prefix}social_intel:v{SCHEMA_VERSION}:{talent_id}"


def lock_key(talent_id: int, prefix: str = "") -> str:
    """The single-flight lock of one talent's computation."""
    return f"{prefix}social_intel:lock:{talent_id}"


def encode(intel: SocialIntelligence, compute_ms: float) -> bytes:
    """Serialise an entry with its metadata."""
    meta = {"schema_version": SCHEMA_VERSION, "computed_at": intel.computed_at,
            "compute_ms": round(compute_ms, 3), "written_at": time.time()}
    return json.dumps({"meta": meta, "payload": intel.to_dict()}, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False).encode()


def decode(raw: bytes) -> CachedEntry:
    """Deserialise an entry; CorruptEntry when it is not one of ours in the current schema."""
    try:
        data = json.loads(raw)
        meta = data["meta"]
        if meta["schema_version"] != SCHEMA_VERSION:
            raise CorruptEntry(f"schema {meta['schema_version']} is not {SCHEMA_VERSION}")
        return CachedEntry(intel=SocialIntelligence.from_dict(data["payload"]), computed_at=meta["computed_at"],
                           compute_ms=float(meta["compute_ms"]), written_at=float(meta["written_at"]),
                           schema_version=int(meta["schema_version"]))
    except CorruptEntry:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise CorruptEntry(f"undecodable entry: {exc!r:.200}") from exc


class IntelCache:
    """Read, write and delete intelligence entries in one store."""

    def __init__(self, store: Store, *, ttl_real: int, ttl_demo: int, prefix: str = "",
                 smart_ttl_floor: int | None = None) -> None:
        self.store = store
        self.ttl_real, self.ttl_demo, self.prefix = ttl_real, ttl_demo, prefix
        self.smart_ttl_floor = smart_ttl_floor  # None: fixed TTLs

    def key(self, talent_id: int) -> str:
        """The key of one talent's entry."""
        return cache_key(talent_id, self.prefix)

    def ttl_for(self, intel: SocialIntelligence) -> int:
        """12 h for real data, 6 h for demo data (configurable); shorter for fast-moving talents if smart."""
        if intel.is_demo:
            return self.ttl_demo
        if self.smart_ttl_floor is None:
            return self.ttl_real
        return smart_ttl(intel, self.ttl_real, self.smart_ttl_floor)

    def read(self, talent_id: int) -> CachedEntry | None:
        """The entry, or None on a miss (a corrupt entry is deleted and counts as a miss)."""
        raw = self.store.get(self.key(talent_id))
        if raw is None:
            return None
        try:
            return decode(raw)
        except CorruptEntry as exc:
            log.warning("cache corrupt talent=%s store=%s: %s; deleted", talent_id, self.store.name, exc)
            self.store.delete(self.key(talent_id))
            return None

    def write(self, intel: SocialIntelligence, compute_ms: float, ttl_s: int | None = None) -> None:
        """Write an entry with the TTL for its kind of data (or `ttl_s`)."""
        self.store.set(self.key(intel.talent_id), encode(intel, compute_ms), ttl_s or self.ttl_for(intel))

    def delete(self, *talent_ids: int) -> int:
        """Delete the entries of these talents."""
        return self.store.delete(*(self.key(t) for t in talent_ids)) if talent_ids else 0
