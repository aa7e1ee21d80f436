"""The intelligence cache: versioned keys, self-describing entries, TTL by data kind.

An entry is JSON `{"meta": {...}, "payload": {...}}`. Anything that cannot be decoded, or that
carries another schema version, is a miss: it is deleted, logged and recomputed.

The meta carries the talent's data generation the value was computed from. Beside the entries, the
store mirrors each talent's current generation (`generation_key`), only ever raised (`set_max`): a
hit reads both in one MGET, and an entry whose generation is not the current one is void.

Decoded entries are kept per process by the digest of their bytes (`DecodedEntries`): a hit on bytes seen
before costs a hash, not a JSON parse, and hands back the same immutable value, which lets the page reuse
the figures it built from it (`intel.views.memo`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
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
    # -1 for an entry written before generations existed: it matches no generation.
    generation: int = -1


def cache_key(talent_id: int, prefix: str = "") -> str:
    """`social_intel:v{schema}:{talent_id}` (with a namespace prefix in demo mode)."""
    return f"{prefix}social_intel:v{SCHEMA_VERSION}:{talent_id}"


def generation_key(talent_id: int, prefix: str = "") -> str:
    """The store's mirror of the talent's data generation (under the entries' prefix, so a clear drops it)."""
    return f"{generations_prefix(prefix)}{talent_id}"


def entries_prefix(prefix: str = "") -> str:
    """What every entry key (and every mirrored generation) of this schema starts with."""
    return f"{prefix}social_intel:v{SCHEMA_VERSION}:"


def generations_prefix(prefix: str = "") -> str:
    """What every mirrored generation's key starts with."""
    return f"{entries_prefix(prefix)}gen:"


def window_key(talent_id: int, period: str, prefix: str = "") -> str:
    """The entry of one talent's intelligence for a period (`Window.label()`), beside its all-time entry.

    Under the entries' prefix, so a cache clear drops it; it is voided like the all-time entry by the talent's
    mirrored data generation (an invalidation does not delete it: a scan per bump would cost more than the
    few such entries, which the generation check turns into misses and the TTL removes).
    """
    return f"{entries_prefix(prefix)}window:{talent_id}:{period}"


def lock_key(talent_id: int, prefix: str = "") -> str:
    """The single-flight lock of one talent's computation."""
    return f"{prefix}social_intel:lock:{talent_id}"


def encode(intel: SocialIntelligence, compute_ms: float, generation: int = -1) -> bytes:
    """Serialise an entry with its metadata."""
    return encode_entry(intel, compute_ms, generation)[0]


def encode_entry(intel: SocialIntelligence, compute_ms: float, generation: int = -1) -> tuple[bytes, CachedEntry]:
    """The entry's bytes and the entry they decode to."""
    entry = CachedEntry(intel=intel, computed_at=intel.computed_at, compute_ms=round(compute_ms, 3),
                        written_at=time.time(), schema_version=SCHEMA_VERSION, generation=generation)
    meta = {"schema_version": SCHEMA_VERSION, "computed_at": entry.computed_at, "compute_ms": entry.compute_ms,
            "written_at": entry.written_at, "generation": generation}
    raw = json.dumps({"meta": meta, "payload": intel.to_dict()}, separators=(",", ":"),
                     ensure_ascii=False, allow_nan=False).encode()
    return raw, entry


def decode(raw: bytes) -> CachedEntry:
    """Deserialise an entry (the one decoded from the same bytes before, if kept); CorruptEntry when it is not ours."""
    return DECODED.get_or_decode(raw)


def _decode(raw: bytes) -> CachedEntry:
    try:
        data = json.loads(raw)
        meta = data["meta"]
        if meta["schema_version"] != SCHEMA_VERSION:
            raise CorruptEntry(f"schema {meta['schema_version']} is not {SCHEMA_VERSION}")
        return CachedEntry(intel=SocialIntelligence.from_dict(data["payload"]), computed_at=meta["computed_at"],
                           compute_ms=float(meta["compute_ms"]), written_at=float(meta["written_at"]),
                           schema_version=int(meta["schema_version"]), generation=int(meta.get("generation", -1)))
    except CorruptEntry:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise CorruptEntry(f"undecodable entry: {exc!r:.200}") from exc


class DecodedEntries:
    """The last `size` entries decoded in this process, by the digest of their bytes (thread-safe LRU).

    Values are frozen dataclasses, so sharing one between sessions and threads is safe; the digest covers
    the whole entry, so bytes that differ in anything (a recomputation, a new generation) decode afresh.
    """

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._entries: OrderedDict[bytes, CachedEntry] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def digest(raw: bytes) -> bytes:
        """A 128-bit BLAKE2b digest of the entry's bytes."""
        return hashlib.blake2b(raw, digest_size=16).digest()

    def get_or_decode(self, raw: bytes) -> CachedEntry:
        """The entry of these bytes, decoded now if it is not kept."""
        key = self.digest(raw)
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None:
                self._entries.move_to_end(key)
                return kept
        entry = _decode(raw)
        self.keep(key, entry)
        return entry

    def keep(self, key: bytes, entry: CachedEntry) -> None:
        """Remember `entry` as the decoding of the bytes with digest `key`."""
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every kept entry."""
        with self._lock:
            self._entries.clear()


DECODED = DecodedEntries()

# Outlives every entry TTL, so a live entry keeps its mirror; an expired mirror is read again from the database.
GENERATION_TTL_S = 2 * 86_400


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

    def generation_key(self, talent_id: int) -> str:
        """The key of the talent's mirrored data generation."""
        return generation_key(talent_id, self.prefix)

    def read(self, talent_id: int, key: str | None = None) -> CachedEntry | None:
        """The entry whatever its generation, or None on a miss (a corrupt entry is deleted: a miss).

        `key`: another entry of the talent (a window's, `window_key`) instead of its all-time one.
        """
        key = key or self.key(talent_id)
        return self._decode(talent_id, self.store.get(key), key)

    def read_with_generation(self, talent_id: int, key: str | None = None) -> tuple[CachedEntry | None, int | None]:
        """The entry (as `read`) and the mirrored generation (None when absent), in one round trip."""
        key = key or self.key(talent_id)
        raw, generation = self.store.get_many(key, self.generation_key(talent_id))
        return self._decode(talent_id, raw, key), None if generation is None else int(generation)

    def _decode(self, talent_id: int, raw: bytes | None, key: str) -> CachedEntry | None:
        if raw is None:
            return None
        try:
            return decode(raw)
        except CorruptEntry as exc:
            log.warning("cache corrupt talent=%s store=%s: %s; deleted", talent_id, self.store.name, exc)
            self.store.delete(key)
            return None

    def raise_generation(self, talent_id: int, generation: int) -> int:
        """Raise the mirrored generation to at least `generation`; the mirror's value now."""
        return self.store.set_max(self.generation_key(talent_id), generation, GENERATION_TTL_S)

    def write(self, intel: SocialIntelligence, compute_ms: float, generation: int, ttl_s: int | None = None,
              key: str | None = None) -> bool:
        """Write an entry of `generation` with the TTL for its kind of data (or `ttl_s`); False when dropped.

        `key`: as in `read` (default: the talent's all-time entry).

        The mirror is raised first: when it already holds a newer generation (an invalidation came in
        since the computation read its data), the entry would be void, so it is not written.
        """
        if self.raise_generation(intel.talent_id, generation) > generation:
            return False
        raw, entry = encode_entry(intel, compute_ms, generation)
        self.store.set(key or self.key(intel.talent_id), raw, ttl_s or self.ttl_for(intel))
        # The next hit on these bytes returns the value just computed, whose figures the page may already hold.
        DECODED.keep(DecodedEntries.digest(raw), entry)
        return True

    def delete(self, *talent_ids: int) -> int:
        """Delete the entries of these talents."""
        return self.store.delete(*(self.key(t) for t in talent_ids)) if talent_ids else 0
