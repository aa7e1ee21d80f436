"""Access in the UI: navigation by role, and every page checking again (hidden is not protected)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from intel.accounts.auth import SYSTEM
from intel.service import accounts
from tests.app_pages import PAGE_FILES, run_page, sign_in_as, talent_id
from tests.markdown import shown

ALL = set(PAGE_FILES)


def allowed(at: AppTest, page: str) -> bool:
    """True when AppTest can switch to `page` (it is in the role's navigation)."""
    try:
        at.switch_page(page)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(("role", "expected"), [
    ("agent", {"pages/roster.py", "pages/talent.py", "pages/campaigns.py", "pages/alerts.py", "pages/digest.py",
               "pages/account.py"}),
    ("manager", {"pages/roster.py", "pages/talent.py", "pages/campaigns.py", "pages/alerts.py", "pages/digest.py",
                 "pages/compare.py", "pages/account.py"}),
    ("admin", ALL),
])
def test_navigation_is_built_from_the_role(app_db, monkeypatch, role, expected):
    sign_in_as(monkeypatch, role)
    at = AppTest.from_file("../../app.py", default_timeout=60)
    at.run()
    assert {p for p in PAGE_FILES if allowed(at, p)} == expected


@pytest.mark.parametrize("page", PAGE_FILES)
def test_signed_out_every_page_asks_to_sign_in_and_shows_no_data(app_db, monkeypatch, page):
    monkeypatch.setattr("pages._wiring.session_token", lambda: None)
    at = AppTest.from_file(f"../../{page}", default_timeout=60)
    at.run()
    assert not at.exception
    assert any("Please sign in" in i.value for i in at.info)
    assert len(at.dataframe) == 0 and len(at.metric) == 0


@pytest.mark.parametrize("page", ["pages/users.py", "pages/compare.py"])
def test_an_agent_opening_a_page_outside_their_role_gets_a_plain_refusal(app_db, monkeypatch, page):
    sign_in_as(monkeypatch, "agent")
    at = AppTest.from_file(f"../../{page}", default_timeout=60)
    at.run()
    assert any("Your role does not allow this page" in e.value for e in at.error)
    assert len(at.dataframe) == 0


def test_an_agent_deep_linking_to_another_agents_talent_sees_no_data(app_db, monkeypatch):
    sign_in_as(monkeypatch, "agent")
    mine, theirs = talent_id(app_db, "Sofia Marques"), talent_id(app_db, "Tyler Brooks")
    accounts.assign_talents(SYSTEM, "agent@agency.test", [mine])
    at = run_page("pages/talent.py", talent=str(theirs))
    assert any(f"Talent {theirs} was not found, or you may not see it." in shown(e.value) for e in at.error)
    assert len(at.metric) == 0 and len(at.header) == 0
    at = run_page("pages/talent.py", talent=str(mine))
    assert at.header[0].value == "Sofia Marques"


def test_an_agents_roster_lists_only_their_talents(app_db, monkeypatch):
    sign_in_as(monkeypatch, "agent")
    accounts.assign_talents(SYSTEM, "agent@agency.test", [talent_id(app_db, "Sofia Marques")])
    at = run_page("pages/roster.py")
    assert list(at.dataframe[0].value["Talent"]) == ["Sofia Marques"]


def test_the_identity_is_looked_up_once_per_script_run(app_db, monkeypatch):
    import pages._wiring as wiring

    sign_in_as(monkeypatch, "manager")
    lookups = []
    real = wiring.accounts.identity_for_session
    monkeypatch.setattr(wiring.accounts, "identity_for_session", lambda token: lookups.append(token) or real(token))
    at = AppTest.from_file("../../app.py", default_timeout=60)
    at.run()
    assert not at.exception and at.title  # the roster page ran, signed in
    assert len(lookups) == 1
    at.run()
    assert len(lookups) == 2  # and again on the next run: sign-out and deactivation still bite at once
