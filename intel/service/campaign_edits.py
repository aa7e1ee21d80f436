"""Changing campaigns: create, edit, talents and fees, tracking rules, deliverables, and manual post decisions.

Each function checks access (`campaign_access`), validates in plain words before writing, writes in one
transaction, re-runs the campaign's attribution when what it matches on changed, and is audited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from intel.accounts import audit
from intel.accounts.access import check_talent, require
from intel.accounts.auth import Identity
from intel.campaigns.attribute import attribute_campaign, decide, undo_decision
from intel.campaigns.money import currency_code
from intel.campaigns.rules import normalise
from intel.config import get_settings
from intel.db.campaigns import CAMPAIGN_STATUSES, Campaign, CampaignPost, CampaignTalent, Deliverable, TrackingRule
from intel.db.models import MEDIA_TYPES, PLATFORMS, SocialPost, SocialProfile, Talent
from intel.errors import IntelError
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary, database_errors
from intel.service.campaign_access import campaign_to_edit

log = logging.getLogger(__name__)
MAX_TEXT = 200
MAX_NOTES = 5_000
MAX_DELIVERABLE_COUNT = 100


@dataclass(frozen=True)
class CampaignInput:
    """What an agent types for a campaign; validated by `check()`."""

    brand: str
    name: str
    starts_on: date
    ends_on: date
    status: str = "planned"
    currency: str = "EUR"
    notes: str = ""

    def check(self) -> CampaignInput:
        """The input with text trimmed, or IntelError naming the first problem."""
        brand, name, notes = self.brand.strip(), self.name.strip(), self.notes.strip()
        if not brand or len(brand) > MAX_TEXT or not name or len(name) > MAX_TEXT:
            raise IntelError(f"A campaign needs a brand and a name, each 1 to {MAX_TEXT} characters.")
        if self.ends_on < self.starts_on:
            raise IntelError("The campaign ends before it starts: check the dates.")
        if self.status not in CAMPAIGN_STATUSES:
            raise IntelError(f"A campaign's status is one of {', '.join(CAMPAIGN_STATUSES)}, not {self.status!r}.")
        currency = currency_code(self.currency)
        if currency is None:
            raise IntelError(f"The currency must be a three-letter code like EUR, not {self.currency!r}.")
        if len(notes) > MAX_NOTES:
            raise IntelError(f"The notes are {len(notes):,} characters; at most {MAX_NOTES:,}.")
        return CampaignInput(brand, name, self.starts_on, self.ends_on, self.status, currency, notes)


def _write(identity: Identity, action: str, campaign_id: int | None, **details: object) -> None:
    audit.record(get_runtime().sessions, identity.email, action, f"campaign:{campaign_id}", **details)


def _stored_user(identity: Identity) -> int | None:
    """The identity's user id when it is a stored account (the command line's SYSTEM is not)."""
    return identity.user_id if identity.role in {"agent", "manager", "admin"} else None


def _zone() -> str:
    return get_settings().timezone


@database_boundary
def create_campaign(identity: Identity | None, data: CampaignInput, talent_ids: list[int]) -> int:
    """A new campaign owned by the identity, with these talents (each one the identity may see); its id."""
    identity = require(identity, "edit_campaign")
    data = data.check()
    if not talent_ids:
        raise IntelError("A campaign needs at least one talent.")
    with database_errors(), get_runtime().sessions.begin() as session:
        demo = _talents_demo_flag(session, identity, talent_ids)
        campaign = Campaign(brand=data.brand, name=data.name, starts_on=data.starts_on, ends_on=data.ends_on,
                            status=data.status, currency=data.currency, notes=data.notes, is_demo=demo,
                            owner_id=_stored_user(identity))
        session.add(campaign)
        session.flush()
        session.add_all(CampaignTalent(campaign_id=campaign.id, talent_id=t) for t in dict.fromkeys(talent_ids))
        session.flush()
        campaign_id = campaign.id
    _write(identity, "campaign_created", campaign_id, brand=data.brand, talents=len(talent_ids))
    return campaign_id


def _talents_demo_flag(session: Session, identity: Identity, talent_ids: list[int]) -> bool:
    """Whether the talents are demo ones; all must be of one kind (demo and real never mix)."""
    for talent_id in talent_ids:
        check_talent(session, identity, talent_id)
    flags = set(session.scalars(select(Talent.is_demo).where(Talent.id.in_(talent_ids))))
    if len(flags) > 1:
        raise IntelError("A campaign cannot mix demo talents with real ones.")
    return flags.pop()


@database_boundary
def update_campaign(identity: Identity | None, campaign_id: int, data: CampaignInput) -> None:
    """Change a campaign's brand, name, dates, status, currency or notes; attribution follows the dates."""
    identity = require(identity, "edit_campaign")
    data = data.check()
    with database_errors(), get_runtime().sessions.begin() as session:
        campaign = campaign_to_edit(session, identity, campaign_id)
        for field in ("brand", "name", "starts_on", "ends_on", "status", "currency", "notes"):
            setattr(campaign, field, getattr(data, field))
        session.flush()
        attribute_campaign(session, campaign_id, zone=_zone())
    _write(identity, "campaign_updated", campaign_id, status=data.status)


@database_boundary
def set_talent(identity: Identity | None, campaign_id: int, talent_id: int, *, fee_minor: int | None) -> None:
    """Add a talent to the campaign, or change its fee (minor units of the campaign's currency)."""
    identity = require(identity, "edit_campaign")
    if fee_minor is not None and fee_minor < 0:
        raise IntelError("A fee cannot be negative.")
    with database_errors(), get_runtime().sessions.begin() as session:
        campaign = campaign_to_edit(session, identity, campaign_id)
        if _talents_demo_flag(session, identity, [talent_id]) != campaign.is_demo:
            raise IntelError("A campaign cannot mix demo talents with real ones.")
        link = next((t for t in campaign.talents if t.talent_id == talent_id), None)
        if link is None:
            link = CampaignTalent(campaign_id=campaign_id, talent_id=talent_id)
            session.add(link)
        link.fee_minor = fee_minor
        session.flush()
        attribute_campaign(session, campaign_id, zone=_zone())
    _write(identity, "campaign_talent_set", campaign_id, talent=talent_id, fee_recorded=fee_minor is not None)


@database_boundary
def remove_talent(identity: Identity | None, campaign_id: int, talent_id: int) -> None:
    """Take a talent (with its deliverables) off the campaign; its posts leave the campaign."""
    identity = require(identity, "edit_campaign")
    with database_errors(), get_runtime().sessions.begin() as session:
        campaign = campaign_to_edit(session, identity, campaign_id)
        if len(campaign.talents) == 1:
            raise IntelError("A campaign needs at least one talent: add another before removing this one.")
        session.execute(delete(CampaignTalent).where(CampaignTalent.campaign_id == campaign_id,
                                                     CampaignTalent.talent_id == talent_id))
        their_posts = (select(SocialPost.id).join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
                       .where(SocialProfile.talent_id == talent_id))
        # Manual decisions about their posts go too: they were about this talent's part in the campaign.
        session.execute(delete(CampaignPost).where(CampaignPost.campaign_id == campaign_id,
                                                   CampaignPost.post_id.in_(their_posts)))
        session.expire_all()
        attribute_campaign(session, campaign_id, zone=_zone())
    _write(identity, "campaign_talent_removed", campaign_id, talent=talent_id)


@database_boundary
def add_rule(identity: Identity | None, campaign_id: int, kind: str, value: str) -> int:
    """A tracking rule (hashtag, mention, promo code, URL or post id); matching posts are attributed at once."""
    identity = require(identity, "edit_campaign")
    normalised = normalise(kind, value)
    with database_errors(), get_runtime().sessions.begin() as session:
        campaign_to_edit(session, identity, campaign_id)
        existing = session.scalar(select(TrackingRule.id).where(
            TrackingRule.campaign_id == campaign_id, TrackingRule.kind == kind, TrackingRule.value == normalised))
        if existing is not None:
            return existing
        rule = TrackingRule(campaign_id=campaign_id, kind=kind, value=normalised)
        session.add(rule)
        session.flush()
        rule_id, added = rule.id, attribute_campaign(session, campaign_id, zone=_zone()).added
    _write(identity, "campaign_rule_added", campaign_id, kind=kind, attributed=added)
    return rule_id


@database_boundary
def remove_rule(identity: Identity | None, campaign_id: int, rule_id: int) -> None:
    """Delete a tracking rule; posts only it matched leave the campaign (manual decisions stay)."""
    identity = require(identity, "edit_campaign")
    with database_errors(), get_runtime().sessions.begin() as session:
        campaign_to_edit(session, identity, campaign_id)
        session.execute(delete(TrackingRule).where(TrackingRule.id == rule_id, TrackingRule.campaign_id == campaign_id))
        session.expire_all()
        attribute_campaign(session, campaign_id, zone=_zone())
    _write(identity, "campaign_rule_removed", campaign_id, rule=rule_id)


@database_boundary
def add_deliverable(identity: Identity | None, campaign_id: int, talent_id: int, *, platform: str, media_type: str,
                    count: int, due_on: date) -> int:
    """A deliverable: `count` posts of `media_type` on `platform` by `due_on` (a date in the agency's zone)."""
    identity = require(identity, "edit_campaign")
    if platform not in PLATFORMS or media_type not in MEDIA_TYPES:
        raise IntelError(f"A deliverable is on {' / '.join(PLATFORMS)} as {' / '.join(MEDIA_TYPES)}.")
    if not 1 <= count <= MAX_DELIVERABLE_COUNT:
        raise IntelError(f"A deliverable is 1 to {MAX_DELIVERABLE_COUNT} posts.")
    with database_errors(), get_runtime().sessions.begin() as session:
        campaign = campaign_to_edit(session, identity, campaign_id)
        link = next((t for t in campaign.talents if t.talent_id == talent_id), None)
        if link is None:
            raise IntelError("That talent is not on this campaign: add them first.")
        row = Deliverable(campaign_talent_id=link.id, platform=platform, media_type=media_type, count=count,
                          due_on=due_on)
        session.add(row)
        session.flush()
        row_id = row.id
    _write(identity, "campaign_deliverable_added", campaign_id, talent=talent_id, platform=platform, count=count)
    return row_id


@database_boundary
def remove_deliverable(identity: Identity | None, campaign_id: int, deliverable_id: int) -> None:
    """Delete one deliverable of the campaign."""
    identity = require(identity, "edit_campaign")
    with database_errors(), get_runtime().sessions.begin() as session:
        campaign = campaign_to_edit(session, identity, campaign_id)
        links = [t.id for t in campaign.talents]
        session.execute(delete(Deliverable).where(Deliverable.id == deliverable_id,
                                                  Deliverable.campaign_talent_id.in_(links)))
    _write(identity, "campaign_deliverable_removed", campaign_id, deliverable=deliverable_id)


@database_boundary
def decide_post(identity: Identity | None, campaign_id: int, post_id: int, *, include: bool) -> None:
    """Include or exclude one post by hand; later attribution passes keep the decision."""
    identity = require(identity, "edit_campaign")
    with database_errors(), get_runtime().sessions.begin() as session:
        campaign_to_edit(session, identity, campaign_id)
        decide(session, campaign_id, post_id, include=include, user_id=_stored_user(identity))
    _write(identity, "campaign_post_included" if include else "campaign_post_excluded", campaign_id, post=post_id)


@database_boundary
def include_by_platform_id(identity: Identity | None, campaign_id: int, platform_post_id: str) -> int:
    """Include by hand the campaign talents' post with this platform id (any date); the post's id."""
    identity = require(identity, "edit_campaign")
    wanted = platform_post_id.strip()
    if not wanted:
        raise IntelError("Type the post's id as the platform shows it (e.g. the part after /p/ or /watch?v=).")
    with database_errors(), get_runtime().sessions.begin() as session:
        campaign = campaign_to_edit(session, identity, campaign_id)
        post_id = session.scalar(
            select(SocialPost.id).join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
            .where(SocialPost.platform_post_id == wanted,
                   SocialProfile.talent_id.in_([t.talent_id for t in campaign.talents])))
        if post_id is None:
            raise IntelError("No post with that id among this campaign's talents' posts.")
        decide(session, campaign_id, post_id, include=True, user_id=_stored_user(identity))
    _write(identity, "campaign_post_included", campaign_id, post=post_id)
    return post_id


@database_boundary
def undo_post_decision(identity: Identity | None, campaign_id: int, post_id: int) -> None:
    """Forget a manual include or exclude: the rules decide again."""
    identity = require(identity, "edit_campaign")
    with database_errors(), get_runtime().sessions.begin() as session:
        campaign_to_edit(session, identity, campaign_id)
        undo_decision(session, campaign_id, post_id, zone=_zone())
    _write(identity, "campaign_post_decision_undone", campaign_id, post=post_id)
