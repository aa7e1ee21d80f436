"""Report share links through the service façade, on SQLite and PostgreSQL: a live link gives the frozen report
and counts the view; expired, revoked, tampered and other talents' links give nothing; who may create, list and
revoke; every creation, view and revocation audited."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from intel.accounts import auth
from intel.accounts.auth import DEMO_VIEWER, SYSTEM, Identity
from intel.db.base import utcnow
from intel.db.engine import transaction
from intel.db.models import AdminActivity, Talent
from intel.db.share_links import ShareLink
from intel.errors import IntelError, PermissionDenied, TalentNotFound
from intel.service import accounts
from intel.service.share_links import create_share_link, list_share_links, resolve_share, revoke_share_link
from tests.factories import make_talent

PASSWORD = "correct horse battery staple"
HOSTILE = "<script>alert(1)</script> **x**"


@dataclass(frozen=True)
class World:
    """Two agents (each with one talent), a manager, an admin."""

    agent: Identity
    other_agent: Identity
    manager: Identity
    admin: Identity
    mine: int
    theirs: int


def _user(email: str, role: str) -> Identity:
    return Identity(accounts.create_user(SYSTEM, email, role.title(), role, PASSWORD), email, role.title(), role)


@pytest.fixture
def world(engine, database_url, make_runtime, installed_runtime, monkeypatch) -> World:
    """The process runtime on the test database (embedded cache) with the accounts and talents."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    installed_runtime(make_runtime(database_url))
    mine, theirs = make_talent(engine, name="Sofia Marques"), make_talent(engine, name="Other Person")
    w = World(_user("agent@agency.test", "agent"), _user("other@agency.test", "agent"),
              _user("manager@agency.test", "manager"), _user("admin@agency.test", "admin"), mine, theirs)
    accounts.assign_talents(SYSTEM, "agent@agency.test", [mine])
    accounts.assign_talents(SYSTEM, "other@agency.test", [theirs])
    return w


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _audit(engine, action: str) -> list[AdminActivity]:
    with transaction(engine) as s:
        return list(s.scalars(select(AdminActivity).where(AdminActivity.action == action).order_by(AdminActivity.id)))


def test_a_live_link_gives_the_report_frozen_at_creation_and_counts_each_view(world, engine):
    created = create_share_link(world.agent, world.mine, period="90d", note=HOSTILE, base_url="http://brand.test")
    assert created.url.startswith(f"http://brand.test/share/{world.mine}/")
    token = _token(created.url)
    assert len(token) >= 43  # 32 random bytes: 256 bits
    with transaction(engine) as s:
        row = s.scalars(select(ShareLink)).one()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in row.html
        frozen = row.html
    html = resolve_share(world.mine, token)
    assert html == frozen and "Sofia Marques" in html and "Last 90 days" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    with transaction(engine) as s:  # the talent is renamed: the brand still sees what the agent approved
        s.execute(update(Talent).where(Talent.id == world.mine).values(name="Renamed"))
    assert resolve_share(world.mine, token) == frozen
    (view,) = list_share_links(world.agent, world.mine)
    assert (view.status, view.view_count, view.period, view.has_note, view.created_by) == (
        "active", 2, "90d", True, "agent@agency.test")
    assert view.last_viewed_at is not None and view.can_revoke
    assert (view.expires_at - view.created_at) == timedelta(days=14)
    assert [a.details["link_id"] for a in _audit(engine, "share_link_created")] == [view.id]
    viewed = _audit(engine, "share_link_viewed")
    assert [(a.actor, a.target, a.details["views"]) for a in viewed] == [
        ("share-link", f"talent:{world.mine}", 1), ("share-link", f"talent:{world.mine}", 2)]


def test_expired_revoked_tampered_unknown_and_other_talents_links_give_nothing(world, engine):
    token = _token(create_share_link(world.admin, world.mine).url)
    assert resolve_share(world.mine, token) is not None
    assert resolve_share(world.theirs, token) is None  # a valid token under another talent's id
    assert resolve_share(world.mine, token[:-1] + ("A" if token[-1] != "A" else "B")) is None  # tampered
    assert resolve_share(world.mine, "x" * 43) is None and resolve_share(world.mine, "short") is None
    assert resolve_share(world.mine, token, now=utcnow() + timedelta(days=15)) is None  # a fake clock: expired
    with transaction(engine) as s:
        s.execute(update(ShareLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert resolve_share(world.mine, token) is None
    assert [v.status for v in list_share_links(world.admin, world.mine)] == ["expired"]
    live = _token(create_share_link(world.admin, world.mine).url)
    newest = list_share_links(world.admin, world.mine)[0]
    revoke_share_link(world.admin, newest.id)
    assert resolve_share(world.mine, live) is None
    assert [v.status for v in list_share_links(world.admin, world.mine)] == ["revoked", "expired"]
    assert len(_audit(engine, "share_link_viewed")) == 1  # refused views are not views


@pytest.mark.parametrize("days", [0, -1, 91, 365])
def test_a_link_lasts_one_to_ninety_days(world, days):
    with pytest.raises(IntelError, match="1 to 90 days"):
        create_share_link(world.agent, world.mine, days=days)


def test_the_longest_and_shortest_links_are_allowed(world):
    for days in (1, 90):
        link = create_share_link(world.agent, world.mine, days=days).link
        assert link.expires_at - link.created_at == timedelta(days=days)


def test_an_agent_shares_only_their_talents_and_the_demo_viewer_shares_nothing(world):
    with pytest.raises(TalentNotFound):
        create_share_link(world.agent, world.theirs)
    with pytest.raises(TalentNotFound):
        list_share_links(world.agent, world.theirs)
    for who in (DEMO_VIEWER, None):
        with pytest.raises(PermissionDenied):
            create_share_link(who, world.mine)
    assert create_share_link(world.manager, world.theirs).link.created_by == "manager@agency.test"


def test_only_the_creator_or_an_admin_revokes_a_link(world, engine):
    link = create_share_link(world.agent, world.mine).link
    with pytest.raises(PermissionDenied, match="created this link"):
        revoke_share_link(world.manager, link.id)
    for who in (DEMO_VIEWER, None):
        with pytest.raises(PermissionDenied):
            revoke_share_link(who, link.id)
    with pytest.raises(IntelError, match="not found"):  # not even told the link exists
        revoke_share_link(world.other_agent, link.id)
    assert [v.can_revoke for v in list_share_links(world.manager, world.mine)] == [False]
    revoked = revoke_share_link(world.agent, link.id)
    assert (revoked.status, revoked.revoked_by, revoked.can_revoke) == ("revoked", "agent@agency.test", False)
    assert revoke_share_link(world.agent, link.id).status == "revoked"  # again: harmless, audited once
    other = create_share_link(world.manager, world.mine).link
    assert revoke_share_link(world.admin, other.id).revoked_by == "admin@agency.test"
    assert [a.actor for a in _audit(engine, "share_link_revoked")] == ["agent@agency.test", "admin@agency.test"]
