"""Report share links: an expiring, revocable link a brand opens without signing in, to one frozen report —
a talent's media kit (`/share/{talent_id}/{token}`) or a campaign's report (`/share/c/{campaign_id}/{token}`).

A link's token is `secrets.token_urlsafe(32)` (256 bits), shown once at creation; only its SHA-256 is stored,
and a link is found by that hash AND the talent (or campaign) id of its URL, so a valid token under another id
opens nothing. The report is the self-contained HTML rendered at creation (`build_report` / `build_campaign_report`,
HTML): a brand sees exactly what the agent approved, never figures computed later. Creation, every view and
revocation are audited.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from intel.accounts import audit
from intel.accounts.access import check_talent, require
from intel.accounts.auth import Identity, token_hash
from intel.db.base import utcnow
from intel.db.engine import rowcount
from intel.db.share_links import ShareLink
from intel.errors import IntelError, PermissionDenied
from intel.reports.model import Paper
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary
from intel.service.campaign_access import campaign_for
from intel.service.campaign_report import build_campaign_report
from intel.service.reports import build_report

log = logging.getLogger(__name__)
DEFAULT_DAYS, MAX_DAYS = 14, 90
ALL_DATA = "all"
CAMPAIGN = "campaign"  # the period of a campaign link: the campaign's own dates
# What secrets.token_urlsafe(32) produces: anything else is refused before the database is asked.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
Status = Literal["active", "expired", "revoked"]
SHARE_ACTOR = "share-link"  # the audit actor of a view: whoever holds the link, never a signed-in person


@dataclass(frozen=True)
class ShareLinkView:
    """One link as the talent page lists it (never its token nor its report). period: "90d"… or "all";
    can_revoke: the identity that listed it may revoke it (its creator or an admin, while it is active)."""

    id: int
    talent_id: int | None
    campaign_id: int | None
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None
    period: str
    paper: str
    has_note: bool
    view_count: int
    last_viewed_at: datetime | None
    status: Status
    can_revoke: bool


@dataclass(frozen=True)
class CreatedShareLink:
    """A new link and its URL: the only time the token is seen (it is not stored)."""

    link: ShareLinkView
    url: str


def share_path(talent_id: int, token: str) -> str:
    """The path a talent's share link opens."""
    return f"/share/{talent_id}/{token}"


def campaign_share_path(campaign_id: int, token: str) -> str:
    """The path a campaign's share link opens."""
    return f"/share/c/{campaign_id}/{token}"


def _status(link: ShareLink, now: datetime) -> Status:
    if link.revoked_at is not None:
        return "revoked"
    return "active" if link.expires_at > now else "expired"


def _may_revoke(identity: Identity, link: ShareLink) -> bool:
    return identity.role in ("admin", "system") or identity.email == link.created_by


def _view(link: ShareLink, identity: Identity, now: datetime) -> ShareLinkView:
    status = _status(link, now)
    return ShareLinkView(
        id=link.id, talent_id=link.talent_id, campaign_id=link.campaign_id, created_by=link.created_by,
        created_at=link.created_at,
        expires_at=link.expires_at, revoked_at=link.revoked_at, revoked_by=link.revoked_by, period=link.period,
        paper=link.paper, has_note=link.has_note, view_count=link.view_count, last_viewed_at=link.last_viewed_at,
        status=status, can_revoke=status == "active" and _may_revoke(identity, link))


def _days(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise IntelError(f"A share link lasts 1 to {MAX_DAYS} days, not {days!r}.")
    return days


@database_boundary
def create_share_link(identity: Identity | None, talent_id: int, *, days: int = DEFAULT_DAYS,
                      period: str | None = None, paper: Paper = "a4", note: str | None = None,
                      base_url: str | None = None) -> CreatedShareLink:
    """A new link to the talent's report as rendered now, valid `days` (1..90) days; audited.

    The URL starts with INTEL_PUBLIC_URL, else `base_url` (the request's origin), else it is the path alone.
    """
    identity = require(identity, "share")
    days = _days(days)
    with get_runtime().sessions() as session:
        check_talent(session, identity, talent_id)
    html = build_report(identity, talent_id, fmt="html", paper=paper, note=note, period=period).decode("utf-8")
    link, token = _store(identity, html, days, talent_id=talent_id, period=(period or "").strip().lower() or ALL_DATA,
                         paper=paper, has_note=bool((note or "").strip()))
    log.info("share link %s of talent %s created by %s, %d days", link.id, talent_id, identity.email, days)
    return CreatedShareLink(link, _base(base_url) + share_path(talent_id, token))


@database_boundary
def create_campaign_share_link(identity: Identity | None, campaign_id: int, *, days: int = DEFAULT_DAYS,
                               paper: Paper = "a4", base_url: str | None = None) -> CreatedShareLink:
    """A new link to the campaign's report as the identity sees it now, valid `days` (1..90) days; audited."""
    identity = require(identity, "share")
    days = _days(days)
    html = build_campaign_report(identity, campaign_id, fmt="html", paper=paper).decode("utf-8")  # checks access
    link, token = _store(identity, html, days, campaign_id=campaign_id, period=CAMPAIGN, paper=paper,
                         has_note=False)
    log.info("share link %s of campaign %s created by %s, %d days", link.id, campaign_id, identity.email, days)
    return CreatedShareLink(link, _base(base_url) + campaign_share_path(campaign_id, token))


def _base(base_url: str | None) -> str:
    """INTEL_PUBLIC_URL, else the request's origin, else nothing (the path alone)."""
    return (get_runtime().settings.public_url or base_url or "").rstrip("/")


def _target(link: ShareLink | ShareLinkView) -> str:
    """The audit target of a link: its talent or its campaign."""
    return f"talent:{link.talent_id}" if link.talent_id is not None else f"campaign:{link.campaign_id}"


def _store(identity: Identity, html: str, days: int, *, talent_id: int | None = None, campaign_id: int | None = None,
           period: str, paper: str, has_note: bool) -> tuple[ShareLinkView, str]:
    """Write a new link holding `html` and audit it; the link and its token (shown once, never stored)."""
    runtime = get_runtime()
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with runtime.sessions.begin() as session:
        link = ShareLink(talent_id=talent_id, campaign_id=campaign_id, created_by=identity.email, created_at=now,
                         expires_at=now + timedelta(days=days), token_hash=token_hash(token), period=period,
                         paper=paper, has_note=has_note, view_count=0, html=html)
        session.add(link)
        session.flush()
        view = _view(link, identity, now)
    audit.record(runtime.sessions, identity.email, "share_link_created", _target(view), link_id=view.id,
                 days=days, period=view.period, paper=paper, has_note=view.has_note)
    return view, token


@database_boundary
def list_share_links(identity: Identity | None, talent_id: int) -> list[ShareLinkView]:
    """Every link of the talent (active, expired and revoked), newest first, with their view counts."""
    identity = require(identity, "share")
    return _listed(identity, ShareLink.talent_id == talent_id,
                   lambda session: check_talent(session, identity, talent_id))


@database_boundary
def list_campaign_share_links(identity: Identity | None, campaign_id: int) -> list[ShareLinkView]:
    """Every link of the campaign, newest first, with their view counts (to those who may see the campaign)."""
    identity = require(identity, "share")
    return _listed(identity, ShareLink.campaign_id == campaign_id,
                   lambda session: campaign_for(session, identity, campaign_id))


def _listed(identity: Identity, scope: ColumnElement[bool], check: Callable[[Session], object]) -> list[ShareLinkView]:
    now = utcnow()
    with get_runtime().sessions() as session:
        check(session)
        links = session.scalars(select(ShareLink).where(scope)
                                .order_by(ShareLink.created_at.desc(), ShareLink.id.desc()))
        return [_view(link, identity, now) for link in links]


@database_boundary
def revoke_share_link(identity: Identity | None, link_id: int) -> ShareLinkView:
    """Revoke a link at once (its creator or an admin only); revoking a revoked link changes nothing."""
    identity = require(identity, "share")
    runtime = get_runtime()
    now = utcnow()
    with runtime.sessions.begin() as session:
        link = _visible_link(session, identity, link_id)
        if not _may_revoke(identity, link):
            raise PermissionDenied("Only the person who created this link, or an administrator, may revoke it.")
        changed = rowcount(session.execute(
            update(ShareLink).where(ShareLink.id == link_id, ShareLink.revoked_at.is_(None))
            .values(revoked_at=now, revoked_by=identity.email)))
        session.refresh(link)
        view = _view(link, identity, now)
    if changed:
        audit.record(runtime.sessions, identity.email, "share_link_revoked", _target(view),
                     link_id=link_id, views=view.view_count)
    return view


def _visible_link(session: Session, identity: Identity, link_id: int) -> ShareLink:
    """The link, if its talent or campaign is one the identity may see (one message for unknown and hidden)."""
    link = session.get(ShareLink, link_id)
    missing = IntelError(f"Share link {link_id} was not found, or you may not see it.")
    if link is None:
        raise missing
    try:
        if link.talent_id is not None:
            check_talent(session, identity, link.talent_id)
        else:
            campaign_for(session, identity, int(link.campaign_id or 0))
    except IntelError:
        raise missing from None
    return link


@database_boundary
def resolve_share(talent_id: int, token: str, *, now: datetime | None = None) -> str | None:
    """The frozen report HTML of a live talent link, counting the view; None for anything else (no reason given).

    Needs no identity: holding the token is the permission. Expired, revoked, unknown, malformed or another
    talent's token all give None, and the database is asked only for a well-formed token.
    """
    return _resolve(ShareLink.talent_id == talent_id, f"talent:{talent_id}", token, now)


@database_boundary
def resolve_campaign_share(campaign_id: int, token: str, *, now: datetime | None = None) -> str | None:
    """The frozen report HTML of a live campaign link, counting the view; None for anything else."""
    return _resolve(ShareLink.campaign_id == campaign_id, f"campaign:{campaign_id}", token, now)


def _resolve(scope: ColumnElement[bool], target: str, token: str, now: datetime | None) -> str | None:
    if not _TOKEN.fullmatch(token):
        return None
    now = now or utcnow()
    live = (ShareLink.token_hash == token_hash(token), scope, ShareLink.revoked_at.is_(None),
            ShareLink.expires_at > now)
    runtime = get_runtime()
    with runtime.sessions.begin() as session:
        # One UPDATE both checks the link is live and counts the view: no check-then-count race.
        if rowcount(session.execute(update(ShareLink).where(*live)
                                    .values(view_count=ShareLink.view_count + 1, last_viewed_at=now))) != 1:
            return None
        link_id, html, views = session.execute(select(ShareLink.id, ShareLink.html, ShareLink.view_count)
                                               .where(*live)).one()
    audit.record(runtime.sessions, SHARE_ACTOR, "share_link_viewed", target, link_id=link_id, views=views)
    return str(html)
