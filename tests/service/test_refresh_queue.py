"""Joined and queued refreshes, on both databases, with real Redis and with the embedded store.

A refresh asked while one is computing joins it; one asked while limited can be queued, is seen queued by
everyone, runs once when the window opens (whoever notices first), and each queuer gets its outcome once.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from intel.accounts.auth import Identity
from intel.db.models import AdminActivity
from intel.errors import TalentNotFound
from intel.service import refresh
from intel.service import talents as service
from tests.factories import make_talent

MANAGER = Identity(1, "manager@agency.test", "Manager", "manager")
AGENT = Identity(2, "agent@agency.test", "Agent", "agent")
WINDOW_S = 2  # a short limiter window, so the queued refresh comes due within the test


def audit(engine, action: str) -> list[tuple[str, dict]]:
    with engine.connect() as conn:
        rows = conn.execute(select(AdminActivity.actor, AdminActivity.details)
                            .where(AdminActivity.action == action).order_by(AdminActivity.id)).all()
    return [(actor, details) for actor, details in rows]


@pytest.fixture(params=["redis", "embedded"])
def short(request, engine, database_url, make_runtime, installed_runtime):
    """Like `live`, with a refresh window of WINDOW_S seconds."""
    overrides: dict = {"refresh_interval": WINDOW_S}
    if request.param == "redis":
        overrides["cache_prefix"] = request.getfixturevalue("key_prefix")
        return installed_runtime(make_runtime(database_url, request.getfixturevalue("redis_url"), **overrides))
    return installed_runtime(make_runtime(database_url, **overrides))


def in_thread(fn):
    """Start fn in a thread; a function returning its result (or raising its exception) once it finished."""
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()

    def result():
        thread.join(timeout=60)
        if "error" in box:
            raise box["error"]
        return box["value"]

    return result


def wait_until(condition, within_s: float = 30.0) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.002)


def test_a_refresh_asked_while_one_is_computing_joins_it_and_gets_its_result(live, engine):
    talent = make_talent(engine, posts=200, comments_per_post=50)  # a real computation of a few hundred ms
    first = in_thread(lambda: service.refresh_social_intelligence(talent, actor="ann@agency.test"))
    wait_until(lambda: live.limiter.running(talent))
    second = service.refresh_social_intelligence(talent, actor="bob@agency.test")
    assert second.status == "joined"
    assert second.message == "Joined the refresh already running: analytics refreshed and recalculated"
    ran = first()
    assert ran.status == "refreshed"
    assert second.served.intel.computed_at == ran.served.intel.computed_at
    assert [(a, d["outcome"]) for a, d in audit(engine, "refresh")] == [
        ("ann@agency.test", "refreshed"), ("bob@agency.test", "joined")]
    # Once it is over, a refresh is limited again, not joined.
    assert service.refresh_social_intelligence(talent, actor="bob@agency.test").status == "rate_limited"


def test_a_refresh_asked_while_the_worker_recomputes_joins_that_computation(live, engine):
    talent = make_talent(engine, posts=200, comments_per_post=50)
    assert service.refresh_social_intelligence(talent, actor="ann@agency.test").status == "refreshed"
    recompute = in_thread(lambda: live.provider.recompute_if_free(talent))  # what the worker's pass does
    wait_until(lambda: live.provider.computing(talent))
    joined = service.refresh_social_intelligence(talent, actor="bob@agency.test")
    assert recompute() is True
    assert joined.status == "joined"
    assert joined.served.intel.computed_at == service.get_social_intelligence(talent).computed_at


def test_a_refresh_queued_while_limited_is_seen_queued_by_another_user(live, engine):
    talent = make_talent(engine)
    assert service.refresh_social_intelligence(talent, actor="ann@agency.test").status == "refreshed"
    assert service.queued_refresh_for(MANAGER, talent) is None
    queued = service.queue_refresh_for(Identity(3, "ann@agency.test", "Ann", "admin"), talent)
    assert queued.status == "queued" and queued.message == "Refresh queued · runs in 60 min"
    assert 3590 <= queued.retry_after_s <= 3600
    seen = service.queued_refresh_for(MANAGER, talent)
    assert seen is not None and seen.label == "Refresh queued · runs in 60 min"
    assert abs((seen.runs_at - queued.runs_at).total_seconds()) < 1
    # A second queuer joins the same queued refresh (same time), it is not queued twice.
    again = service.queue_refresh_for(MANAGER, talent)
    assert again.status == "queued" and again.runs_at == seen.runs_at
    when = seen.runs_at.isoformat(timespec="seconds")
    assert audit(engine, "refresh_queued") == [("ann@agency.test", {"runs_at": when}),
                                               ("manager@agency.test", {"runs_at": when})]
    # Nothing runs before its time.
    assert refresh.run_due_refresh(talent) is None


def test_queue_when_allowed_refreshes_at_once_when_the_slot_is_free(live, engine):
    talent = make_talent(engine)
    outcome = service.queue_refresh_for(MANAGER, talent)
    assert outcome.status == "refreshed" and service.queued_refresh_for(MANAGER, talent) is None


def test_an_agent_cannot_queue_or_see_the_queue_of_a_talent_not_theirs(live, engine):
    talent = make_talent(engine)
    with pytest.raises(TalentNotFound):
        service.queue_refresh_for(AGENT, talent)
    with pytest.raises(TalentNotFound):
        service.queued_refresh_for(AGENT, talent)
    assert audit(engine, "refresh_queued") == []


def test_the_queued_refresh_runs_once_when_the_window_opens_and_each_queuer_gets_its_outcome_once(short, engine):
    talent = make_talent(engine, name="Queued Talent")
    assert service.refresh_social_intelligence(talent, actor="ann@agency.test").status == "refreshed"
    before = service.get_social_intelligence(talent).computed_at
    queuers = ["q1@agency.test", "q2@agency.test", "q3@agency.test"]
    queued = [refresh.queue_refresh(talent, actor=q) for q in queuers]
    assert {q.status for q in queued} == {"queued"} and len({q.runs_at for q in queued}) == 1
    runs_at = queued[0].runs_at
    wait_until(lambda: time.time() >= runs_at.timestamp())
    ran = refresh.run_due_refresh(talent)
    assert ran is not None and ran.status == "refreshed"
    assert refresh.run_due_refresh(talent) is None  # once
    assert service.get_social_intelligence(talent).computed_at > before
    assert service.queued_refresh_for(MANAGER, talent) is None
    for queuer in queuers:
        assert refresh.pop_outcomes(queuer) == [
            ("Queued refresh of Queued Talent: Analytics refreshed and recalculated", "refreshed")]
        assert refresh.pop_outcomes(queuer) == []
    runs = audit(engine, "refresh_queue_run")
    assert [(a, d["outcome"], d["queuers"]) for a, d in runs] == [(refresh.QUEUE_ACTOR, "refreshed", 3)]
    # The run took the limiter's slot like any refresh.
    assert refresh.refresh_social_intelligence(talent, actor="ann@agency.test").status == "rate_limited"


def test_serving_the_talent_after_its_time_runs_the_queued_refresh_without_a_worker(short, engine):
    talent = make_talent(engine)
    service.refresh_social_intelligence(talent, actor="ann@agency.test")
    runs_at = refresh.queue_refresh(talent, actor="q@agency.test").runs_at
    wait_until(lambda: time.time() >= runs_at.timestamp())
    served = service.serve_for(MANAGER, talent)
    assert served.source == "cache"  # the queued run just wrote it
    assert [m for m, _ in refresh.pop_outcomes("q@agency.test")] == [
        f"Queued refresh of {served.intel.talent_name}: Analytics refreshed and recalculated"]


def test_a_queued_refresh_whose_window_was_taken_waits_for_the_next_one(short, engine):
    talent = make_talent(engine)
    service.refresh_social_intelligence(talent, actor="ann@agency.test")
    runs_at = refresh.queue_refresh(talent, actor="q@agency.test").runs_at
    wait_until(lambda: time.time() >= runs_at.timestamp())
    # Someone refreshed by hand as the window opened: the queued refresh moves to the next window.
    assert service.refresh_social_intelligence(talent, actor="bob@agency.test").status == "refreshed"
    assert refresh.run_due_refresh(talent) is None
    later = service.queued_refresh_for(MANAGER, talent)
    assert later is not None and later.runs_at > runs_at
    wait_until(lambda: time.time() >= later.runs_at.timestamp())
    assert refresh.run_due_refreshes([talent]) == 1
    assert len(refresh.pop_outcomes("q@agency.test")) == 1


def test_with_redis_unreachable_queueing_says_so_in_plain_words_and_writes_nothing(engine, database_url,
                                                                                  make_runtime, installed_runtime):
    from tests.services import free_port

    installed_runtime(make_runtime(database_url, f"redis://127.0.0.1:{free_port()}/0"))
    talent = make_talent(engine)
    # The per-process limiter stands in, so the refresh runs and the next is limited…
    assert service.refresh_social_intelligence(talent, actor="ann@agency.test").status == "refreshed"
    # …but a queue only this process could see would never run elsewhere: refused, plainly.
    outcome = service.queue_refresh_for(MANAGER, talent)
    assert outcome.status == "failed"
    assert outcome.message == "The refresh could not be queued right now. Try again in a minute."
    assert audit(engine, "refresh_queued") == []
    assert service.queued_refresh_for(MANAGER, talent) is None
