"""`GET /api/admin/talent/{id}/report` through the routes server.py mounts, on SQLite and PostgreSQL: the PDF and
HTML files with safe names and no caching, and the same 400/401/403/404 JSON answers as the other endpoints."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from starlette.applications import Starlette
from starlette.testclient import TestClient

from intel.accounts import auth
from intel.accounts.auth import SYSTEM
from intel.service import accounts
from intel.web.routes import SignInRedirect, routes
from tests.factories import make_talent

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Site:
    """A test client over the app's routes, API tokens per role and two talents (the agent's and another)."""

    client: TestClient
    tokens: dict[str, str]
    mine: int
    theirs: int

    def get(self, path: str, role: str | None = "admin"):
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return self.client.get(path, headers=headers)


@pytest.fixture
def site(engine, database_url, make_runtime, installed_runtime, monkeypatch) -> Iterator[Site]:
    """The routes on the test database (embedded cache) with an agent, a manager and an admin."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    installed_runtime(make_runtime(database_url))
    mine, theirs = make_talent(engine, name="Sofia Marques-Ørsted"), make_talent(engine, name="Other Person")
    tokens = {}
    for role in ("agent", "manager", "admin"):
        accounts.create_user(SYSTEM, f"{role}@agency.test", role.title(), role, PASSWORD)
        tokens[role] = accounts.issue_api_token(SYSTEM, f"{role}@agency.test", "test")
    accounts.assign_talents(SYSTEM, "agent@agency.test", [mine])
    with TestClient(SignInRedirect(Starlette(routes=routes()))) as client:
        yield Site(client, tokens, mine, theirs)


def path(talent: int | str, query: str = "") -> str:
    return f"/api/admin/talent/{talent}/report" + (f"?{query}" if query else "")


def pdf_text(body: bytes, tmp_path: Path) -> str:
    file = tmp_path / "report.pdf"
    file.write_bytes(body)
    return subprocess.run(["pdftotext", str(file), "-"], capture_output=True, text=True, check=True).stdout


def test_the_pdf_is_a_download_named_for_the_talent_and_period_never_cached(site, tmp_path):
    response = site.get(path(site.mine, "period=90d&format=pdf&paper=letter"), role="agent")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="sofia-marques-orsted-90d.pdf"'
    assert response.headers["cache-control"] == "no-store"
    text = pdf_text(response.content, tmp_path)
    assert "Sofia Marques-Ørsted" in text and "Last 90 days" in text


def test_the_html_variant_is_utf8_html_and_all_data_without_a_period(site):
    response = site.get(path(site.theirs, "format=html"), role="manager")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="other-person-all.html"'
    assert response.headers["cache-control"] == "no-store"
    assert "Other Person" in response.text and "All data up to" in response.text


@pytest.mark.parametrize(("query", "says"), [
    ("period=7d", "not one of the periods offered"),
    ("period=2026-02-30..2026-03-01", "does not exist"),
    ("period=soon", "is not a period"),
    ("format=docx", "`format` must be one of pdf, html"),
    ("paper=a3", "`paper` must be one of a4, letter"),
])
def test_a_bad_period_format_or_paper_is_a_400_saying_what_is_accepted(site, query, says):
    response = site.get(path(site.mine, query))
    assert response.status_code == 400 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["success"] is False and says in body["message"] and "Traceback" not in response.text


def test_refusals_answer_as_the_other_endpoints_do(site):
    response = site.get(path(site.mine), role=None)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert site.client.get(path(site.mine), headers={"Authorization": "Bearer ti_nope"}).status_code == 401
    # An agent asking for another agent's talent: the 403 the social-intelligence endpoint gives.
    theirs = site.get(path(site.theirs, "format=html"), role="agent")
    intel = site.get(f"/api/admin/talent/{site.theirs}/social-intelligence", role="agent")
    assert theirs.status_code == intel.status_code == 403 and theirs.json() == intel.json()
    assert site.get(path(999_999), role="agent").json()["message"] == "No talent with id 999999."
    assert site.get(path(999_999), role="agent").status_code == 404
    assert site.get(path("abc")).status_code == 404
    assert site.client.post(path(site.mine)).status_code == 405
