"""Every script run of app.py lands in the page-run histogram under its page, and Streamlit's control flow is told
apart: a refusal (st.stop) is "stopped", the refresh button's st.rerun is "rerun".

These run entry/app.py, the script server.py serves: with app.py itself as AppTest's main script, the `pages/`
folder next to it makes AppTest run a switched-to page file on its own, as a legacy multipage app, without
app.py around it (so without its timer).
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from intel.metrics import summary
from tests.app_pages import talent_id


def run_page(page: str, **query: str) -> AppTest:
    """Run the served app with `page` selected (and query parameters), as a browser would."""
    at = AppTest.from_file("../../entry/app.py", default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"../{page}")
    at.run()
    return at


def runs(page: str, outcome: str) -> float:
    found = summary.read().distribution("intel_page_run_seconds", page=page, outcome=outcome)
    return found.count if found else 0.0


def counts(page: str) -> dict[str, float]:
    return {outcome: runs(page, outcome) for outcome in ("ok", "stopped", "rerun", "error")}


def moved(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: after[k] - before[k] for k in before if after[k] != before[k]}


def test_opening_the_talent_page_counts_a_roster_run_and_a_talent_run(app_db):
    roster, talent = counts("roster"), counts("talent")
    at = run_page("pages/talent.py", talent=str(talent_id(app_db, "Sofia Marques")))
    assert not at.exception
    assert moved(roster, counts("roster")) == {"ok": 1}
    assert moved(talent, counts("talent")) == {"ok": 1}


def test_a_refused_deep_link_is_a_stopped_run(app_db):
    before = counts("talent")
    at = run_page("pages/talent.py", talent="999999")
    assert any("was not found" in e.value for e in at.error)
    assert moved(before, counts("talent")) == {"stopped": 1}


def test_the_refresh_click_is_a_rerun_then_an_ok_run(app_db):
    at = run_page("pages/talent.py", talent=str(talent_id(app_db, "Sofia Marques")))
    before = counts("talent")
    at.button(key="refresh").click().run()
    assert not at.exception
    assert moved(before, counts("talent")) == {"rerun": 1, "ok": 1}
