"""The app's page files and helpers for AppTest runs (signing in, finding talents, opening pages)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from intel.accounts.auth import SYSTEM, Identity
from intel.db.models import Talent
from intel.service import accounts

PAGE_FILES: tuple[str, ...] = ("pages/roster.py", "pages/talent.py", "pages/campaigns.py", "pages/compare.py",
                               "pages/import_data.py", "pages/ops.py", "pages/users.py", "pages/account.py",
                               "pages/alerts.py", "pages/digest.py")
PASSWORD = "correct horse battery staple"


def sign_in_as(monkeypatch: pytest.MonkeyPatch, role: str, email: str | None = None) -> Identity:
    """Create an account and a real session; only the browser's HttpOnly cookie transport is stood in for."""
    import pages._wiring as wiring

    email = email or f"{role}@agency.test"
    if not any(u.email == email for u in accounts.list_users(SYSTEM)):
        accounts.create_user(SYSTEM, email, role.title(), role, PASSWORD)
    identity = accounts.authenticate(email, PASSWORD, client="test")
    token = accounts.start_session(identity)
    monkeypatch.setattr(wiring, "session_token", lambda: token)
    return identity


def talent_id(engine: Engine, name: str) -> int:
    """The id of the talent called `name`."""
    with engine.connect() as conn:
        return int(conn.execute(select(Talent.id).where(Talent.name == name)).scalar_one())


def run_page(page: str, **query: str) -> AppTest:
    """Run the app with `page` selected (and query parameters), as a browser would."""
    at = AppTest.from_file("../app.py", default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page != PAGE_FILES[0]:
        at.switch_page(page)
        at.run()
    return at
