"""The Ops page (admins): known counters in, the same figures out; other roles are refused."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from intel.db.connections import PlatformConnection
from intel.db.engine import transaction
from intel.db.models import SocialProfile
from intel.metrics import summary
from intel.runtime import get_runtime
from intel.service import talents as service
from tests.app_pages import run_page, sign_in_as, talent_id

TALENT = "Sofia Marques"
# The page's tables in page order (read-only st.dataframe elements carry no user key in AppTest).
TABLES = ("page_runs", "jobs", "refresh_per_talent", "refresh_per_actor", "connections", "failed_deliveries",
          "freshness", "activity_log")


@pytest.fixture(autouse=True)
def main_module_kept() -> Iterator[None]:
    """AppTest leaves the last page script as `__main__`; spawned processes of later tests would re-run it."""
    saved = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = saved


def tables(at: AppTest) -> dict[str, pd.DataFrame]:
    """The page's tables by name."""
    assert len(at.dataframe) == len(TABLES)
    return {name: frame.value for name, frame in zip(TABLES, at.dataframe, strict=True)}


def test_an_admin_sees_hit_rate_refresh_counts_activity_and_freshness(app_db, monkeypatch):
    admin = sign_in_as(monkeypatch, "admin")
    talent = talent_id(app_db, TALENT)
    provider = get_runtime().provider
    assert [provider.get(talent).source for _ in range(3)] == ["computed", "cache", "cache"]  # 1 miss + 2 hits
    outcomes = [service.refresh_for(admin, talent).status for _ in range(2)]
    assert outcomes == ["refreshed", "rate_limited"]

    at = run_page("pages/ops.py")
    assert not at.exception, at.exception

    metrics = {m.label: m for m in at.metric}
    assert metrics["Cache hit rate"].value == "66.7%"
    assert "2 hits, 1 misses" in metrics["Cache hit rate"].help
    assert metrics["Redis"].value == "embedded (no Redis)"
    assert metrics["Cache errors"].value == "0"

    shown = tables(at)
    per_talent = shown["refresh_per_talent"]
    row = per_talent[per_talent["talent"] == f"talent:{talent}"].iloc[0]
    assert (row["refreshed"], row["rate_limited"], row["failed"]) == (1, 1, 0)
    per_actor = shown["refresh_per_actor"]
    row = per_actor[per_actor["actor"] == admin.email].iloc[0]
    assert (row["refreshed"], row["rate_limited"], row["failed"]) == (1, 1, 0)

    log = shown["activity_log"]
    refreshes = log[log["action"] == "refresh"]
    assert list(refreshes["actor"]) == [admin.email, admin.email]
    assert set(refreshes["target"]) == {f"talent:{talent}"}
    assert ["outcome=rate_limited" in d for d in refreshes["details"]] == [True, False]  # newest first
    assert "outcome=refreshed" in refreshes["details"].iloc[1]

    fresh = shown["freshness"]
    assert len(fresh) == 14 and TALENT in set(fresh["talent"])
    assert fresh.loc[fresh["talent"] == TALENT, "computed at"].notna().all()

    download = at.download_button(key="activity_csv")
    assert download.label == "Download activity log (CSV)"


def test_the_prometheus_panel_shows_the_figures_metrics_serves(app_db, monkeypatch):
    admin = sign_in_as(monkeypatch, "admin")
    talent = talent_id(app_db, TALENT)
    before = summary.read()
    provider = get_runtime().provider
    assert [provider.get(talent).source for _ in range(3)] == ["computed", "cache", "cache"]
    assert service.refresh_for(admin, talent).status == "refreshed"

    at = run_page("pages/ops.py")
    assert not at.exception, at.exception
    now = summary.read()  # the collector /metrics reads, after the page ran

    def moved(name: str, **labels: str) -> float:
        return now.total(name, **labels) - before.total(name, **labels)

    assert (moved("intel_cache_hits_total"), moved("intel_cache_misses_total")) == (2, 1)
    assert moved("intel_refresh_total", outcome="refreshed") == 1
    shown = {m.label: m for m in at.metric}
    assert shown["Hits (Prometheus)"].value == f"{now.total('intel_cache_hits_total'):.0f}"
    assert shown["Misses (Prometheus)"].value == f"{now.total('intel_cache_misses_total'):.0f}"
    assert shown["Refreshes"].value == f"{now.total('intel_refresh_total'):.0f}"
    assert "refreshed: " in shown["Refreshes"].help
    assert shown["Computations p50 / p95"].value.endswith(" ms")
    assert any("serves now" in c.value and "this process" in c.value for c in at.caption)

    runs = tables(at)["page_runs"]
    roster = runs[runs["page"] == "roster"].iloc[0]  # run_page opened the roster first: that run is counted
    assert roster["runs"] >= 1 and roster["ok"] >= 1 and roster["ok p95 ms"] > 0


def test_the_activity_log_filters_by_action(app_db, monkeypatch):
    admin = sign_in_as(monkeypatch, "admin")
    service.refresh_for(admin, talent_id(app_db, TALENT))
    at = run_page("pages/ops.py")
    at.selectbox(key="log_action").select("refresh").run()
    log = tables(at)["activity_log"]
    assert len(log) == 1 and set(log["action"]) == {"refresh"}


def test_a_manager_opening_the_ops_page_is_refused(app_db):
    at = AppTest.from_file("../../pages/ops.py", default_timeout=60)  # app_db signs in as a manager
    at.run()
    assert any("Your role does not allow this page" in e.value for e in at.error)
    assert len(at.metric) == 0 and len(at.dataframe) == 0


def test_a_connection_that_needs_reconnecting_is_listed_first_with_the_platforms_reason(app_db, monkeypatch):
    sign_in_as(monkeypatch, "admin")
    talent = talent_id(app_db, TALENT)
    with transaction(app_db) as s:
        profiles = list(s.scalars(select(SocialProfile).where(SocialProfile.talent_id == talent)
                                  .order_by(SocialProfile.platform)))
        s.add_all([PlatformConnection(profile_id=profiles[0].id, platform=profiles[0].platform, status="connected"),
                   PlatformConnection(profile_id=profiles[1].id, platform=profiles[1].platform,
                                      status="needs_reconnect", status_reason="Error validating access token")])
    at = run_page("pages/ops.py")
    assert not at.exception, at.exception
    metrics = {m.label: m for m in at.metric}
    assert metrics["Need reconnecting"].value == "1"
    assert metrics["Syncs queued"].value == "unavailable"  # no Redis: no shared queue to count
    shown = tables(at)["connections"]
    assert list(shown["Connection"]) == ["needs reconnecting", "connected"]
    assert shown["Message"].iloc[0] == "Error validating access token"
    assert set(shown["Talent"]) == {TALENT}


def test_deliveries_that_failed_every_retry_are_counted_and_listed_with_their_error(app_db, monkeypatch):
    from intel.db.alerts import Delivery

    admin = sign_in_as(monkeypatch, "admin")
    with transaction(app_db) as s:
        for status, key in (("failed", "digest:a"), ("sent", "digest:b"), ("pending", "digest:c")):
            s.add(Delivery(key=key, user_id=admin.user_id, channel="email", kind="digest", status=status, attempts=5,
                           last_error="SMTP 451: try again later" if status == "failed" else None))
    at = run_page("pages/ops.py")
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Failed every retry"], metrics["Sent"], metrics["Waiting"]) == ("1", "1", "1")
    failed = tables(at)["failed_deliveries"]
    assert list(failed["Last error"]) == ["SMTP 451: try again later"] and list(failed["To"]) == [admin.email]
