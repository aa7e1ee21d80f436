"""Invalidation wins: a change of a talent's data is never undone by a computation, or an outage, of before it.

Real Redis (the suite's, and private redis-server processes for the outage), on SQLite and PostgreSQL.
A computation is slowed down with a compute function that waits on an event after it read the facts.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
import redis
from sqlalchemy import select, update

from intel.accounts.auth import SYSTEM
from intel.analytics.compute import compute_for_talent
from intel.analytics.result import SocialIntelligence
from intel.cache.entries import cache_key, encode, generation_key
from intel.cache.provider import IntelligenceProvider, Served
from intel.cache.store import MemoryStore
from intel.db.engine import session_factory, transaction
from intel.db.generations import bump_generations, current_generation
from intel.db.models import Talent, TalentGeneration, TalentSummary
from intel.ingest.importer import import_file
from intel.service import imports
from tests.factories import make_talent
from tests.redis_procs import RedisServer, processes_on_port, redis_server_available
from tests.services import require

TTL_REAL = 43_200


class HeldCompute:
    """compute_for_talent that, once it has read the facts, waits until released (a slow computation)."""

    def __init__(self) -> None:
        self.read_facts, self.release = threading.Event(), threading.Event()

    def __call__(self, session, talent_id, now) -> SocialIntelligence:
        intel = compute_for_talent(session, talent_id, now)
        self.read_facts.set()
        assert self.release.wait(30), "the test never released the computation"
        return intel


def rename(engine, talent: int, name: str) -> None:
    with transaction(engine) as s:
        s.execute(update(Talent).where(Talent.id == talent).values(name=name))


def second_process(rt, **kwargs: object) -> IntelligenceProvider:
    """Another process's provider: same database and Redis, its own embedded store."""
    s = rt.settings
    return IntelligenceProvider(rt.sessions, rt.store, MemoryStore(), rt.stats, ttl_real=s.cache_ttl_real,
                                ttl_demo=s.cache_ttl_demo, prefix=s.cache_prefix, **kwargs)


def in_thread(call: Callable[[], Served]) -> tuple[threading.Thread, dict[str, object]]:
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["served"] = call()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


@pytest.fixture
def client(redis_url) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_url)
    yield c
    c.close()


def test_an_invalidation_during_a_computation_drops_its_late_write_and_the_next_read_is_fresh(
        engine, database_url, redis_url, key_prefix, make_runtime, client, caplog):
    talent = make_talent(engine, name="Old Name")
    rt = make_runtime(database_url, redis_url, cache_prefix=key_prefix)
    held = HeldCompute()
    slow = second_process(rt, compute=held)
    thread, box = in_thread(lambda: slow.get(talent))
    assert held.read_facts.wait(30)  # the computation has read "Old Name" and is still running

    rename(engine, talent, "New Name")
    rt.provider.invalidate(talent)  # the import's invalidation lands in the middle
    with caplog.at_level(logging.INFO, logger="intel.cache.provider"):
        held.release.set()
        thread.join(30)
    assert "error" not in box
    late = box["served"]
    assert (late.intel.talent_name, late.source, late.store) == ("Old Name", "computed", "none")
    assert "result not written" in caplog.text
    assert client.exists(cache_key(talent, key_prefix)) == 0  # no old entry with a 12-hour TTL

    fresh = rt.provider.get(talent)
    assert (fresh.source, fresh.intel.talent_name) == ("computed", "New Name")
    assert TTL_REAL - 10 <= client.ttl(cache_key(talent, key_prefix)) <= TTL_REAL
    again = rt.provider.get(talent)
    assert (again.source, again.intel.talent_name) == ("cache", "New Name")


def handle_of(engine, talent: int) -> str:
    with engine.connect() as conn:
        return str(conn.scalar(select(Talent.primary_handle).where(Talent.id == talent)))


def test_an_import_that_lands_during_a_computation_wins_over_it(engine, database_url, redis_url, key_prefix,
                                                               make_runtime, installed_runtime):
    talent = make_talent(engine, name="Old Name")
    rt = installed_runtime(make_runtime(database_url, redis_url, cache_prefix=key_prefix))
    held = HeldCompute()
    thread, box = in_thread(lambda: second_process(rt, compute=held).get(talent))
    assert held.read_facts.wait(30)
    renamed = f"primary_handle,name\n{handle_of(engine, talent)},New Name\n".encode()
    assert imports.import_file(SYSTEM, "talents", renamed).updated == 1  # the process runtime's provider invalidates
    held.release.set()
    thread.join(30)
    assert box["served"].store == "none"
    served = rt.provider.get(talent)
    assert (served.source, served.intel.talent_name) == ("computed", "New Name")


def test_an_import_without_a_cache_at_hand_still_voids_the_entries_at_the_next_resync(
        engine, database_url, redis_url, key_prefix, make_runtime):
    talent = make_talent(engine, name="Old Name")
    page = second_process(make_runtime(database_url, redis_url, cache_prefix=key_prefix), resync_s=0.3)
    assert [page.get(talent).source for _ in range(2)] == ["computed", "cache"]
    renamed = f"primary_handle,name\n{handle_of(engine, talent)},New Name\n".encode()
    import_file("talents", renamed, engine=engine)  # e.g. the benchmark: no provider, only the database
    threading.Event().wait(0.4)
    served = page.get(talent)
    assert (served.source, served.intel.talent_name) == ("computed", "New Name")


@pytest.mark.slow
def test_the_roster_row_of_a_computation_overtaken_by_an_invalidation_is_not_written(
        engine, database_url, redis_url, key_prefix, make_runtime):
    talent = make_talent(engine, name="Old Name")
    rt = make_runtime(database_url, redis_url, cache_prefix=key_prefix)
    rt.provider.get(talent)
    held = HeldCompute()
    thread, _ = in_thread(lambda: second_process(rt, compute=held).get(talent, bypass_cache=True))
    assert held.read_facts.wait(30)
    rt.provider.invalidate(talent)
    fresh = rt.provider.get(talent)  # recomputed at the new generation while the old one still runs
    held.release.set()
    thread.join(30)
    with rt.sessions() as s:
        row = s.get(TalentSummary, talent)
        assert row.data_generation == current_generation(s, talent) == 1
        assert row.computed_at == datetime.fromisoformat(fresh.intel.computed_at)


def test_an_entry_of_an_older_generation_is_a_miss_even_when_it_got_written(engine, database_url, redis_url,
                                                                            key_prefix, make_runtime, client):
    talent = make_talent(engine, name="Old Name")
    rt = make_runtime(database_url, redis_url, cache_prefix=key_prefix)
    old = rt.provider.get(talent).intel
    rename(engine, talent, "New Name")
    bump_generations(rt.sessions, [talent])  # bumped by another process, whose Redis write never came
    client.set(generation_key(talent, key_prefix), 1)
    client.set(cache_key(talent, key_prefix), encode(old, 1.0, generation=0), ex=TTL_REAL)
    served = rt.provider.get(talent)
    assert (served.source, served.intel.talent_name) == ("computed", "New Name")


def test_a_late_write_of_an_older_generation_does_not_replace_the_mirror_or_the_entry(
        engine, database_url, redis_url, key_prefix, make_runtime, client):
    talent = make_talent(engine)
    rt = make_runtime(database_url, redis_url, cache_prefix=key_prefix)
    intel = rt.provider.get(talent).intel
    assert rt.provider.primary.raise_generation(talent, 3) == 3
    assert rt.provider.primary.write(intel, 1.0, generation=2) is False
    assert rt.provider.primary.raise_generation(talent, 2) == 3  # the mirror only ever goes up
    assert int(client.get(generation_key(talent, key_prefix))) == 3


def test_with_the_embedded_store_an_invalidation_from_another_process_is_seen_by_the_next_read(
        engine, database_url, make_runtime):
    talent = make_talent(engine, name="Old Name")
    page = make_runtime(database_url)  # no Redis: its cache lives in this process only
    cli = make_runtime(database_url)
    assert page.provider.get(talent).intel.talent_name == "Old Name"
    rename(engine, talent, "New Name")
    cli.provider.invalidate(talent)  # e.g. `python -m intel import`, another process
    served = page.provider.get(talent)
    assert (served.source, served.intel.talent_name) == ("computed", "New Name")


def test_generation_bumps_are_atomic_under_concurrent_invalidations(engine):
    sessions = session_factory(engine)
    talent = make_talent(engine)
    threads = [threading.Thread(target=bump_generations, args=(sessions, [talent])) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    with sessions() as s:
        assert current_generation(s, talent) == 10
        assert s.scalar(select(TalentGeneration.undelivered).where(TalentGeneration.talent_id == talent))


# --- Redis down at invalidation time -------------------------------------------------------------------------

@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    """A throwaway redis-server; SIGKILLed at teardown and checked gone."""
    require(redis_server_available(), "the redis-server binary")
    server = RedisServer().start()
    yield server
    if server.proc is not None and server.proc.poll() is None:
        server.thaw()
    server.kill()
    assert processes_on_port(server.port) == []


def invalidate_while_frozen(engine, rt, server: RedisServer, talent: int) -> None:
    """Freeze Redis (nothing answers), change the data and invalidate, thaw: the old entry is still inside."""
    server.freeze()
    try:
        rename(engine, talent, "New Name")
        rt.provider.invalidate(talent)
    finally:
        server.thaw()
    probe = redis.Redis.from_url(server.url, socket_timeout=2)
    try:
        assert probe.exists(cache_key(talent, rt.settings.cache_prefix)) == 1
    finally:
        probe.close()


def read_once_redis_answers(provider: IntelligenceProvider, talent: int) -> Served:
    """Read until a read is served through Redis again (the breaker's cooldown), at most 5 s."""
    deadline = threading.Event()
    timer = threading.Timer(5.0, deadline.set)
    timer.start()
    try:
        while True:
            served = provider.get(talent)
            if served.store == "redis" or deadline.is_set():
                return served
            deadline.wait(0.05)
    finally:
        timer.cancel()


def test_an_invalidation_redis_missed_is_delivered_when_it_answers_again(engine, database_url, make_runtime,
                                                                         private_redis):
    talent = make_talent(engine, name="Old Name")
    prefix = f"inv:{uuid.uuid4().hex[:8]}:"
    rt = make_runtime(database_url, private_redis.url, redis_cooldown_s=0.3, cache_prefix=prefix)
    assert [rt.provider.get(talent).source for _ in range(2)] == ["computed", "cache"]

    invalidate_while_frozen(engine, rt, private_redis, talent)
    with rt.sessions() as s:
        assert s.get(TalentGeneration, talent).undelivered  # the database keeps the missed invalidation

    served = read_once_redis_answers(rt.provider, talent)
    assert (served.store, served.source, served.intel.talent_name) == ("redis", "computed", "New Name")
    assert rt.provider.get(talent).intel.talent_name == "New Name"
    with rt.sessions() as s:
        assert not s.get(TalentGeneration, talent).undelivered


@pytest.mark.slow
def test_another_process_stops_serving_the_entry_an_outage_kept_within_its_resync_interval(
        engine, database_url, make_runtime, private_redis):
    talent = make_talent(engine, name="Old Name")
    prefix = f"inv:{uuid.uuid4().hex[:8]}:"
    importer = make_runtime(database_url, private_redis.url, redis_cooldown_s=0.3, cache_prefix=prefix)
    pages = make_runtime(database_url, private_redis.url, redis_cooldown_s=0.3, cache_prefix=prefix)
    page = second_process(pages, resync_s=0.5)
    assert [page.get(talent).source for _ in range(2)] == ["computed", "cache"]

    invalidate_while_frozen(engine, importer, private_redis, talent)  # the page process never saw Redis down
    threading.Event().wait(0.6)  # its resync interval
    served = page.get(talent)
    assert (served.store, served.source, served.intel.talent_name) == ("redis", "computed", "New Name")


def test_clearing_the_cache_counts_entries_only_and_clearing_one_talent_bumps_its_generation(
        engine, database_url, redis_url, key_prefix, make_runtime, installed_runtime, client):
    from intel.service.operations import cache_clear

    rt = installed_runtime(make_runtime(database_url, redis_url, cache_prefix=key_prefix))
    talents = [make_talent(engine) for _ in range(2)]
    for talent in talents:
        rt.provider.get(talent)
    cache_clear(SYSTEM, talents[0])
    with rt.sessions() as s:
        assert current_generation(s, talents[0]) == 1
    rt.provider.get(talents[0])
    assert cache_clear(SYSTEM) == 2  # two entries; their mirrored generations go too, uncounted
    assert list(client.scan_iter(f"{key_prefix}social_intel:v*")) == []  # stats stay


def test_an_invalidation_of_thousands_of_talents_bumps_each_once(engine):
    sessions = session_factory(engine)
    bumped = bump_generations(sessions, range(1, 2_501))  # more rows than one statement may bind
    assert len(bumped) == 2_500 and set(bumped.values()) == {1}
    assert set(bump_generations(sessions, [7, 7, 2_600]).items()) == {(7, 2), (2_600, 1)}


def test_an_invalidation_from_a_process_without_redis_reaches_the_processes_that_have_it(
        engine, database_url, redis_url, key_prefix, make_runtime):
    talent = make_talent(engine, name="Old Name")
    page = second_process(make_runtime(database_url, redis_url, cache_prefix=key_prefix), resync_s=0.3)
    assert [page.get(talent).source for _ in range(2)] == ["computed", "cache"]
    rename(engine, talent, "New Name")
    make_runtime(database_url).provider.invalidate(talent)  # a CLI run with REDIS_URL unset
    threading.Event().wait(0.4)
    assert page.get(talent).intel.talent_name == "New Name"
