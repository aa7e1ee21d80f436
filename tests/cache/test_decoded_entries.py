"""A hit on bytes decoded before returns that value without parsing again; any change to the bytes decodes
afresh; what cannot be decoded is still a corrupt entry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from intel.analytics.assemble import compute_intelligence
from intel.analytics.demo_facts import demo_facts
from intel.cache.entries import CorruptEntry, DecodedEntries, IntelCache, encode
from intel.cache.store import MemoryStore

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
INTEL = compute_intelligence(demo_facts(1, "Talent 1", NOW), NOW)


def test_the_same_bytes_give_the_same_value() -> None:
    memo, raw = DecodedEntries(), encode(INTEL, 12.5, generation=3)
    first = memo.get_or_decode(raw)
    assert memo.get_or_decode(bytes(raw)) is first
    assert first.intel == INTEL and first.generation == 3 and first.compute_ms == 12.5


def test_different_bytes_decode_afresh() -> None:
    memo = DecodedEntries()
    a = memo.get_or_decode(encode(INTEL, 12.5, generation=3))
    b = memo.get_or_decode(encode(INTEL, 12.5, generation=4))
    assert a is not b and b.generation == 4


def test_undecodable_bytes_are_corrupt_and_not_kept() -> None:
    memo = DecodedEntries()
    for _ in range(2):
        with pytest.raises(CorruptEntry):
            memo.get_or_decode(b'{"meta": {"schema_version": 1}}')


def test_the_bound_holds() -> None:
    memo = DecodedEntries(size=2)
    raws = [encode(INTEL, 1.0, generation=g) for g in (1, 2, 3)]
    first = memo.get_or_decode(raws[0])
    for raw in raws[1:]:
        memo.get_or_decode(raw)
    assert memo.get_or_decode(raws[0]) is not first


def test_a_hit_after_a_write_returns_the_value_that_was_written() -> None:
    cache = IntelCache(MemoryStore(), ttl_real=60, ttl_demo=60)
    assert cache.write(INTEL, 10.0, generation=1)
    entry = cache.read(INTEL.talent_id)
    assert entry is not None and entry.intel is INTEL and entry.generation == 1
