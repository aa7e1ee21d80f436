"""Who may see and change which campaign.

Managers, admins and the demo viewer see every campaign. An agent sees a campaign with at least one of their
talents on it, and within it only their talents' posts and figures; they change a campaign only when every
talent on it is theirs (a campaign shared with another agent's talent is the manager's to change).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.accounts.access import require, visible_talent_ids
from intel.accounts.auth import Identity
from intel.db.campaigns import Campaign, CampaignTalent
from intel.errors import IntelError, PermissionDenied

NOT_FOUND = "Campaign {id} was not found, or you may not see it."


class CampaignNotFound(IntelError):
    """No such campaign, or the identity may not see it (one message for both)."""


def visible_campaign_ids(session: Session, identity: Identity) -> set[int] | None:
    """The campaigns the identity may see; None means all."""
    talents = visible_talent_ids(session, identity)
    if talents is None:
        return None
    return set(session.scalars(select(CampaignTalent.campaign_id).where(CampaignTalent.talent_id.in_(talents))))


def campaign_for(session: Session, identity: Identity, campaign_id: int) -> tuple[Campaign, set[int] | None]:
    """The campaign and the talent ids of it the identity may see (None: all), or CampaignNotFound."""
    campaign = session.get(Campaign, campaign_id)
    talents = visible_talent_ids(session, identity)
    if campaign is None or (talents is not None and not talents & {t.talent_id for t in campaign.talents}):
        raise CampaignNotFound(NOT_FOUND.format(id=campaign_id))
    return campaign, talents


def campaign_to_edit(session: Session, identity: Identity, campaign_id: int) -> Campaign:
    """The campaign, if the identity may change it; else CampaignNotFound or PermissionDenied."""
    identity = require(identity, "edit_campaign")
    campaign, talents = campaign_for(session, identity, campaign_id)
    on_it = {t.talent_id for t in campaign.talents}
    if talents is not None and not on_it <= talents:
        raise PermissionDenied("This campaign includes another agent's talent: ask a manager to change it.")
    return campaign
