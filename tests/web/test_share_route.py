"""`GET /share/{talent_id}/{token}` through the routes server.py mounts (behind the sign-in redirect), on SQLite
and PostgreSQL: a live link serves its frozen report with no sign-in and locked-down headers; every failure is
the same plain 404; the route sets no cookie and ignores a session cookie."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import update
from starlette.applications import Starlette
from starlette.testclient import TestClient

from intel.accounts.auth import SYSTEM
from intel.db.base import utcnow
from intel.db.engine import transaction
from intel.db.share_links import ShareLink
from intel.service.share_links import create_share_link, list_share_links, revoke_share_link
from intel.web.routes import SignInRedirect, routes
from intel.web.share import CSP
from tests.factories import make_talent

HTML = {"Accept": "text/html"}  # what a browser sends: the sign-in redirect applies to such requests


@dataclass(frozen=True)
class Shared:
    """A client over the routes, a talent with one live link (`path`), and another talent."""

    client: TestClient
    talent: int
    other: int
    path: str


@pytest.fixture
def shared(engine, database_url, make_runtime, installed_runtime) -> Iterator[Shared]:
    """One live share link of "Sofia Marques" on the test database (embedded cache)."""
    installed_runtime(make_runtime(database_url))
    talent, other = make_talent(engine, name="Sofia Marques"), make_talent(engine, name="Other Person")
    url = create_share_link(SYSTEM, talent, period="30d").url
    with TestClient(SignInRedirect(Starlette(routes=routes()))) as client:
        yield Shared(client, talent, other, url)


def test_a_live_link_serves_the_report_without_sign_in_and_with_locked_down_headers(shared):
    response = shared.client.get(shared.path, headers=HTML, follow_redirects=False)
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    assert "Sofia Marques" in response.text and "Last 30 days" in response.text
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    headers = response.headers
    assert headers["x-robots-tag"] == "noindex, nofollow" and headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer" and headers["x-frame-options"] == "DENY"
    assert headers["content-security-policy"] == CSP and "default-src 'none'" in CSP and "script-src" not in CSP
    assert "set-cookie" not in headers
    assert "<script" not in response.text and 'href="/' not in response.text  # no way into the app


def test_a_session_cookie_changes_nothing_and_no_cookie_is_set(shared):
    shared.client.cookies.set("intel_session", "not-a-session")
    response = shared.client.get(shared.path, headers=HTML, follow_redirects=False)
    assert response.status_code == 200 and "set-cookie" not in response.headers
    shared.client.cookies.clear()


def _failures(shared: Shared, engine) -> dict[str, str]:
    """Path of each kind of failure (the live link is revoked or expired last)."""
    token = shared.path.rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    return {
        "tampered": f"/share/{shared.talent}/{tampered}",
        "unknown": f"/share/{shared.talent}/{'Z' * 43}",
        "other talent": f"/share/{shared.other}/{token}",
        "no such talent": f"/share/999999/{token}",
        "malformed id": f"/share/x1/{token}",
        "malformed token": f"/share/{shared.talent}/%3Cscript%3E",
        "missing token": f"/share/{shared.talent}",
        "extra segment": f"{shared.path}/more",
    }


def test_every_failure_is_the_same_plain_404(shared, engine):
    bodies = {}
    for kind, path in _failures(shared, engine).items():
        response = shared.client.get(path, headers=HTML, follow_redirects=False)
        assert response.status_code == 404, kind
        assert response.headers["cache-control"] == "no-store" and "set-cookie" not in response.headers
        bodies[kind] = response.text
    with transaction(engine) as s:
        s.execute(update(ShareLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    bodies["expired"] = shared.client.get(shared.path, headers=HTML).text
    with transaction(engine) as s:
        s.execute(update(ShareLink).values(expires_at=utcnow() + timedelta(days=1)))
    assert shared.client.get(shared.path, headers=HTML).status_code == 200
    revoke_share_link(SYSTEM, list_share_links(SYSTEM, shared.talent)[0].id)
    revoked = shared.client.get(shared.path, headers=HTML)
    assert revoked.status_code == 404
    bodies["revoked"] = revoked.text
    assert len(set(bodies.values())) == 1, bodies
    assert "Sofia" not in bodies["revoked"] and "revoked" not in bodies["revoked"].lower()


def test_the_view_counter_counts_served_reports_only(shared, engine):
    for path in _failures(shared, engine).values():
        shared.client.get(path, headers=HTML)
    shared.client.get(shared.path, headers=HTML)
    assert list_share_links(SYSTEM, shared.talent)[0].view_count == 1
