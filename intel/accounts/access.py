"""Who may see and do what. Every entry point a page or the API uses checks here again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.accounts.auth import Identity
from intel.db.models import Talent
from intel.errors import PermissionDenied, TalentNotFound

# Capability → roles allowed. The demo viewer ("demo") only reads the demo database. "system" is the
# command line (auth.SYSTEM): every admin capability, never a stored account.
CAPABILITIES: dict[str, frozenset[str]] = {
    "view": frozenset({"agent", "manager", "admin", "demo", "system"}),
    # The demo viewer may refresh: sales walkthroughs show the button; it recomputes demo data only.
    "refresh": frozenset({"agent", "manager", "admin", "demo", "system"}),
    "compare": frozenset({"manager", "admin", "demo", "system"}),
    # Change a talent's settings (its time zone): within the talents the identity may see, so an agent
    # edits only their own talents. Not the demo viewer: it is read-only.
    "edit_talent": frozenset({"agent", "manager", "admin", "system"}),
    # Connect or disconnect a talent's platform accounts (OAuth, a YouTube channel): within the talents the
    # identity may see, so an agent connects only their own talents. Not managers: they read, agents own.
    "connect": frozenset({"agent", "admin", "system"}),
    # Create and change campaigns (brand deals) of the talents the identity may see; the demo viewer reads.
    "edit_campaign": frozenset({"agent", "manager", "admin", "system"}),
    # Create (and list) report share links a brand opens without signing in: within the talents the identity
    # may see, so an agent shares only their own talents. Not the demo viewer: it is read-only.
    "share": frozenset({"agent", "manager", "admin", "system"}),
    # A person's own alert settings (mutes, channels, quiet hours): stored accounts only. The demo viewer and the
    # command line have no inbox, so nothing to mute or deliver to.
    "alert_settings": frozenset({"agent", "manager", "admin"}),
    # Follow a talent, so its alerts reach you too (recipients takes managers and admins): a stored account.
    "follow": frozenset({"manager", "admin"}),
    # Set a talent's own alert thresholds in place of the settings' values.
    "manage_alerts": frozenset({"manager", "admin", "system"}),
    "ops": frozenset({"admin", "system"}),
    "import": frozenset({"admin", "system"}),
    "users": frozenset({"admin", "system"}),
}


def can(identity: Identity | None, capability: str) -> bool:
    """True when the identity's role has the capability."""
    return identity is not None and identity.role in CAPABILITIES[capability]


def require(identity: Identity | None, capability: str) -> Identity:
    """The identity, or PermissionDenied in plain words."""
    if identity is None:
        raise PermissionDenied("Please sign in.")
    if not can(identity, capability):
        raise PermissionDenied("Your role does not allow this. Ask an administrator if you need access.")
    return identity


def visible_talent_ids(session: Session, identity: Identity | None) -> set[int] | None:
    """Talent ids the identity may see; None means all (managers, admins, the demo viewer)."""
    identity = require(identity, "view")
    if identity.role != "agent":
        return None
    return set(session.scalars(select(Talent.id).where(Talent.agent_id == identity.user_id)))


def check_talent(session: Session, identity: Identity, talent_id: int) -> None:
    """TalentNotFound unless the talent exists and the identity may see it (one message for both)."""
    visible = visible_talent_ids(session, identity)
    exists = session.get(Talent, talent_id) is not None
    if not exists or (visible is not None and talent_id not in visible):
        raise TalentNotFound(f"Talent {talent_id} was not found, or you may not see it.")
