"""Alert settings: each person's channels, quiet hours and digest choice; managers' follows and per-talent
thresholds.

The webhook URL is a credential (whoever has it posts into the channel): it is stored Fernet-encrypted with
INTEL_SECRET_KEY and never handed back, only whether one is set. Follows and thresholds check the talent
(`check_talent`), every change is audited.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.accounts import audit
from intel.accounts.access import check_talent, require, visible_talent_ids
from intel.accounts.auth import Identity
from intel.alerts.queue import Preferences, preferences_of
from intel.alerts.thresholds import OVERRIDABLE
from intel.config import canonical_timezone
from intel.connectors.crypto import TokenBox
from intel.db.alerts import AlertPreference, AlertThreshold, TalentFollow
from intel.db.base import utcnow
from intel.db.models import Talent
from intel.errors import IntelError
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})  # plain http only here: a test's local receiver
MAX_URL = 2000
# What each overridable threshold means, in words, and its limits (low, high exclusive; None: no upper limit).
THRESHOLD_LIMITS: dict[str, tuple[str, float, float | None]] = {
    "follower_drop": ("followers down by at least this many percent", 0, 100),
    "engagement_drop": ("engagement below this fraction of usual (e.g. 0.5)", 0, 1),
    "negative_comments": ("negative comment share this many times usual (e.g. 1.5)", 0, None),
    "spam_surge": ("spam share up by at least this many percentage points", 0, 100),
    "sync_failing": ("this many failed syncs in a row", 0, None),
}


@dataclass(frozen=True)
class FollowEntry:
    """A talent the manager follows."""

    talent_id: int
    talent_name: str
    since: datetime


@dataclass(frozen=True)
class ThresholdEntry:
    """One overridable rule of a talent: the setting's value and the talent's own, if a manager set one."""

    rule: str
    meaning: str
    default: float
    value: float | None
    set_by: str | None
    updated_at: datetime | None


@database_boundary
def preferences(identity: Identity) -> Preferences:
    """The identity's alert preferences; the defaults when they never saved any."""
    require(identity, "alert_settings")
    runtime = get_runtime()
    with runtime.sessions() as session:
        return preferences_of(session, identity.user_id or 0, runtime.settings.timezone)


@database_boundary
def save_preferences(identity: Identity, *, email_enabled: bool, webhook_enabled: bool, digest_enabled: bool,
                     timezone: str | None, quiet_start: time | None, quiet_end: time | None,
                     webhook_url: str | None = None, remove_webhook: bool = False) -> Preferences:
    """Store the identity's preferences. `webhook_url` None keeps the stored URL; `remove_webhook` drops it."""
    require(identity, "alert_settings")
    zone = canonical_timezone(timezone) if timezone and timezone.strip() else None
    if timezone and timezone.strip() and zone is None:
        raise IntelError(f"{timezone.strip()[:64]!r} is not a time zone: choose an IANA zone like Europe/Lisbon.")
    if (quiet_start is None) != (quiet_end is None):
        raise IntelError("Quiet hours need both a start and an end (or neither, for no quiet hours).")
    if quiet_start is not None and quiet_start == quiet_end:
        raise IntelError("Quiet hours must start and end at different times.")
    url = webhook_url.strip() if webhook_url and webhook_url.strip() else None
    if url is not None:
        check_webhook_url(url)
    runtime = get_runtime()
    with runtime.sessions.begin() as session:
        row = session.get(AlertPreference, identity.user_id)
        if row is None:
            row = AlertPreference(user_id=identity.user_id)
            session.add(row)
        if remove_webhook:
            row.webhook_url_encrypted = None
        if url is not None:
            row.webhook_url_encrypted = _box(runtime.settings.connectors.secret_keys).seal(url)
        if webhook_enabled and not row.webhook_url_encrypted:
            raise IntelError("Add a webhook URL to send alerts to a webhook.")  # leaving the block rolls back
        row.email_enabled, row.webhook_enabled, row.digest_enabled = email_enabled, webhook_enabled, digest_enabled
        row.timezone, row.quiet_start, row.quiet_end = zone, quiet_start, quiet_end
        row.updated_at = utcnow()
        session.flush()
        saved = preferences_of(session, row.user_id, runtime.settings.timezone)
    audit.record(runtime.sessions, identity.email, "alert_preferences_saved", f"user:{identity.email}",
                 email=email_enabled, webhook=webhook_enabled, digest=digest_enabled, timezone=zone,
                 quiet=f"{quiet_start:%H:%M}-{quiet_end:%H:%M}" if quiet_start and quiet_end else None,
                 webhook_url_changed=url is not None or remove_webhook)
    return saved


def check_webhook_url(url: str) -> None:
    """IntelError unless `url` is an https URL with a host (plain http only to this machine, for tests)."""
    if len(url) > MAX_URL or any(c.isspace() for c in url):
        raise IntelError("The webhook URL is not valid: paste the address exactly as the chat tool gave it.")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        host = None
    if not host:
        raise IntelError("The webhook URL is not valid: it must look like https://hooks.example.com/…")
    if parts.username or parts.password:
        raise IntelError("The webhook URL must not carry a user name or password.")
    if parts.scheme == "https" or (parts.scheme == "http" and host in LOCAL_HOSTS):
        return
    raise IntelError("The webhook URL must start with https:// (messages carry talent data).")


def _follow_row(session: Session, identity: Identity, talent_id: int) -> TalentFollow | None:
    """The identity's follow of a talent they may see (TalentNotFound otherwise), if any."""
    check_talent(session, identity, talent_id)
    return session.scalar(select(TalentFollow).where(TalentFollow.user_id == identity.user_id,
                                                     TalentFollow.talent_id == talent_id))


@database_boundary
def follow(identity: Identity, talent_id: int) -> FollowEntry:
    """Follow a talent: its alerts reach the manager too."""
    require(identity, "follow")
    runtime = get_runtime()
    with runtime.sessions.begin() as session:
        row = _follow_row(session, identity, talent_id)
        created = row is None
        if row is None:
            row = TalentFollow(user_id=identity.user_id, talent_id=talent_id, created_at=utcnow())
            session.add(row)
        entry = FollowEntry(talent_id, session.get_one(Talent, talent_id).name, row.created_at)
    if created:
        audit.record(runtime.sessions, identity.email, "talent_followed", f"talent:{talent_id}")
    return entry


@database_boundary
def unfollow(identity: Identity, talent_id: int) -> bool:
    """Stop following a talent; False when not following it."""
    require(identity, "follow")
    runtime = get_runtime()
    with runtime.sessions.begin() as session:
        row = _follow_row(session, identity, talent_id)
        if row is not None:
            session.delete(row)
    if row is not None:
        audit.record(runtime.sessions, identity.email, "talent_unfollowed", f"talent:{talent_id}")
    return row is not None


@database_boundary
def follows(identity: Identity) -> list[FollowEntry]:
    """The talents the identity follows, by name."""
    require(identity, "follow")
    with get_runtime().sessions() as session:
        visible = visible_talent_ids(session, identity)  # None for managers and admins; kept for safety
        query = (select(TalentFollow, Talent.name).join(Talent, Talent.id == TalentFollow.talent_id)
                 .where(TalentFollow.user_id == identity.user_id).order_by(Talent.name))
        if visible is not None:
            query = query.where(TalentFollow.talent_id.in_(visible) if visible else TalentFollow.id.is_(None))
        return [FollowEntry(f.talent_id, name, f.created_at) for f, name in session.execute(query).all()]


@database_boundary
def thresholds(identity: Identity, talent_id: int) -> list[ThresholdEntry]:
    """Each overridable rule of the talent: the setting's value and the talent's own."""
    require(identity, "manage_alerts")
    runtime = get_runtime()
    defaults = runtime.settings.alerts.rules
    with runtime.sessions() as session:
        check_talent(session, identity, talent_id)
        own = {t.rule: t for t in session.scalars(select(AlertThreshold).where(AlertThreshold.talent_id == talent_id))}
    return [ThresholdEntry(rule, THRESHOLD_LIMITS[rule][0], float(getattr(defaults, name)),
                           own[rule].value if rule in own else None, own[rule].set_by if rule in own else None,
                           own[rule].updated_at if rule in own else None)
            for rule, (name, _kind) in OVERRIDABLE.items()]


@database_boundary
def set_threshold(identity: Identity, talent_id: int, rule: str, value: float) -> float:
    """Give the talent its own threshold for `rule` (validated); the stored value."""
    require(identity, "manage_alerts")
    number = threshold_value(rule, value)
    runtime = get_runtime()
    with runtime.sessions.begin() as session:
        check_talent(session, identity, talent_id)
        row = session.scalar(select(AlertThreshold).where(AlertThreshold.talent_id == talent_id,
                                                          AlertThreshold.rule == rule))
        previous = row.value if row is not None else None
        if row is None:
            row = AlertThreshold(talent_id=talent_id, rule=rule)
            session.add(row)
        row.value, row.set_by, row.updated_at = number, identity.email, utcnow()
    audit.record(runtime.sessions, identity.email, "alert_threshold_set", f"talent:{talent_id}", rule=rule,
                 previous=previous, value=number)
    return number


@database_boundary
def clear_threshold(identity: Identity, talent_id: int, rule: str) -> bool:
    """Back to the setting's value for `rule`; False when the talent had none of its own."""
    require(identity, "manage_alerts")
    if rule not in OVERRIDABLE:
        raise IntelError(f"{rule[:40]!r} has no per-talent threshold.")
    runtime = get_runtime()
    with runtime.sessions.begin() as session:
        check_talent(session, identity, talent_id)
        row = session.scalar(select(AlertThreshold).where(AlertThreshold.talent_id == talent_id,
                                                          AlertThreshold.rule == rule))
        previous = row.value if row is not None else None
        if row is not None:
            session.delete(row)
    if previous is not None:
        audit.record(runtime.sessions, identity.email, "alert_threshold_cleared", f"talent:{talent_id}", rule=rule,
                     previous=previous)
    return previous is not None


def threshold_value(rule: str, value: float) -> float:
    """`value` checked against the rule's limits (a whole number for sync failures), or IntelError in words."""
    if rule not in OVERRIDABLE:
        raise IntelError(f"{rule[:40]!r} has no per-talent threshold.")
    meaning, low, high = THRESHOLD_LIMITS[rule]
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise IntelError(f"The threshold must be a number ({meaning}).") from None
    if not math.isfinite(number) or number <= low or (high is not None and number >= high):
        limit = f"between {low:g} and {high:g}" if high is not None else f"above {low:g}"
        raise IntelError(f"The threshold must be {limit} ({meaning}); got {number:g}.")
    if OVERRIDABLE[rule][1] is int and not number.is_integer():
        raise IntelError(f"The threshold must be a whole number ({meaning}); got {number:g}.")
    return number


def _box(keys: tuple[str, ...]) -> TokenBox:
    if not keys:
        raise IntelError("Webhook URLs are stored encrypted with INTEL_SECRET_KEY, which is not set here: ask an "
                         "administrator to set it (`python -m intel connectors keygen` makes one).")
    return TokenBox(keys)
