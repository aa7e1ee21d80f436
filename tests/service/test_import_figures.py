"""After an import the roster has the imported talents' figures without anyone opening them (SQLite and
PostgreSQL, embedded store and real Redis); the computation after an import is bounded."""

from __future__ import annotations

import csv
import io
import itertools

from sqlalchemy import select

from intel.accounts.auth import SYSTEM
from intel.db.models import SocialProfile
from intel.service import imports
from intel.service import talents as service
from tests.factories import make_talent


def posts_csv(account: str, post_id: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([["platform", "account_id", "platform_post_id", "posted_at", "likes"],
                               ["instagram", account, post_id, "2024-05-01T10:00:00Z", 500]])
    return out.getvalue().encode()


def roster_row(talent: int):
    return next(r for r in service.roster(SYSTEM) if r.talent_id == talent)


def test_an_imported_talent_has_roster_figures_without_being_opened(live, engine):
    talent = make_talent(engine)  # written straight to the database: never computed
    assert roster_row(talent).state == "not computed yet"
    with engine.connect() as conn:
        account = conn.scalar(select(SocialProfile.account_id).where(SocialProfile.talent_id == talent))
    imports.import_file(SYSTEM, "posts", posts_csv(account, "imported-1"))
    row = roster_row(talent)
    assert row.state == "fresh" and row.has_data
    assert row.total_followers == 10_000 and row.engagement_platform == "instagram"
    assert row.engagement_rate is not None
    # The cache is warm too: opening the talent now is a hit.
    assert service.serve_social_intelligence(talent).source == "cache"


def test_a_dry_run_computes_nothing(live, engine):
    talent = make_talent(engine)
    with engine.connect() as conn:
        account = conn.scalar(select(SocialProfile.account_id).where(SocialProfile.talent_id == talent))
    imports.import_file(SYSTEM, "posts", posts_csv(account, "dry-1"), dry_run=True)
    assert roster_row(talent).state == "not computed yet"


def test_the_computation_after_an_import_stops_at_its_talent_and_time_bounds():
    asked: list[int] = []

    def recompute(talent_id: int) -> bool:
        asked.append(talent_id)
        return True

    assert imports.compute_summaries([5, 3, 3, 9, 1], recompute, max_talents=3) == 3
    assert asked == [1, 3, 5]  # each talent once, in id order
    ticks = itertools.count(0.0, 10.0)  # every look at the clock is 10 s later
    asked.clear()
    assert imports.compute_summaries(range(1, 100), recompute, budget_s=25.0, clock=lambda: next(ticks)) == 2
    assert asked == [1, 2]


def test_a_failure_computing_one_talent_skips_it_and_keeps_going():
    from intel.errors import IntelError

    def recompute(talent_id: int) -> bool:
        if talent_id == 2:
            raise IntelError("gone")
        return True

    assert imports.compute_summaries([1, 2, 3], recompute) == 2
