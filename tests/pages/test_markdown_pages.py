"""User text on every page shows literally: never a link, image, formatting, colour, icon or formula.

Each check reads the element's Markdown body from AppTest and renders it with a CommonMark renderer:
it must be one plain paragraph whose text is the user's string. Option labels of selectboxes and
multiselects are plain text in Streamlit 1.67 (checked in Chromium), so they must carry the string as is.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from intel.accounts.auth import SYSTEM
from intel.service import accounts
from tests.app_pages import PASSWORD, run_page, sign_in_as
from tests.factories import make_talent
from tests.markdown import HOSTILE, rendered, shown, streamlit_markup

pytestmark = pytest.mark.slow  # AppTest runs or real servers: seconds each


def assert_plain(markdown: str, text: str) -> None:
    """`markdown` renders as one paragraph of exactly `text`, with no other markup."""
    assert set(re.findall(r"</?(\w+)", rendered(markdown))) <= {"p"}, rendered(markdown)
    assert shown(markdown) == text
    assert not streamlit_markup(markdown)


def clicked(at: AppTest, label: str) -> AppTest:
    """Click the (form submit) button labelled `label` and run."""
    next(b for b in at.button if b.label == label).click().run()
    return at


@pytest.mark.parametrize("name", HOSTILE)
def test_a_talent_name_shows_literally_in_the_header_picker_and_roster(app_db, name):
    tid = make_talent(app_db, name=name)
    at = run_page("pages/talent.py", talent=str(tid))
    assert not at.exception
    assert_plain(at.header[0].value, name)
    assert name in at.selectbox(key="talent_pick").options
    roster = run_page("pages/roster.py").dataframe[0].value
    assert name in set(roster["Talent"])


@pytest.mark.parametrize("name", HOSTILE)
def test_a_display_name_shows_literally_in_the_sidebar(app_db, monkeypatch, name):
    import pages._wiring as wiring

    accounts.create_user(SYSTEM, "named@agency.test", name, "agent", PASSWORD)
    token = accounts.start_session(accounts.authenticate("named@agency.test", PASSWORD, client="test"))
    monkeypatch.setattr(wiring, "session_token", lambda: token)
    at = run_page("pages/roster.py")
    assert_plain(at.sidebar.caption[0].value, f"Signed in as {name} (agent)")


@pytest.mark.parametrize("local", HOSTILE)
def test_emails_show_literally_in_users_page_toasts_and_pickers(app_db, monkeypatch, local):
    sign_in_as(monkeypatch, "admin")
    email = f"{local}@agency.test"
    at = run_page("pages/users.py")
    at.text_input(key="new_email").input(email)
    at.text_input(key="new_pw").input(PASSWORD)
    at.selectbox(key="new_role").set_value("agent")
    clicked(at, "Create account")
    assert not at.exception
    assert_plain(at.toast[0].value, f"Account created for {email}")
    assert email in at.selectbox(key="manage_email").options
    at.selectbox(key="manage_email").set_value(email)
    at.button(key="deactivate").click().run()
    assert_plain(at.toast[0].value, f"{email} deactivated and signed out everywhere")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_file_and_header_names_show_literally_in_import_messages(app_db, monkeypatch, hostile):
    sign_in_as(monkeypatch, "admin")
    at = run_page("pages/import_data.py")
    at.selectbox(key="import_kind").set_value("talents")
    at.checkbox(key="import_dry_run").check()
    body = b"primary_handle,name\n@hostile,Hostile\n"
    file_name = hostile.replace("/", "") + ".csv"  # a browser sends the name without any folder
    at.file_uploader(key="import_file").set_value((file_name, body, "text/csv")).run()
    at.button(key="import_go").click().run()
    assert not at.exception
    summary = shown(at.info[0].value)
    assert_plain(at.info[0].value, summary)
    assert summary.startswith(f"talents from {file_name}: 1 rows")

    twice = f"primary_handle,name,{hostile},{hostile}\n@hostile,Hostile,1,2\n".encode()
    at.file_uploader(key="import_file").set_value(("twice.csv", twice, "text/csv")).run()
    at.button(key="import_go").click().run()
    message = shown(at.error[0].value)
    assert_plain(at.error[0].value, message)
    assert f"column {hostile!r} appears twice" in message
