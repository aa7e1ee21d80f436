"""Queueing one alert for one person: a delivery per channel they chose, held back until their quiet hours end.

This is the `notify` hook of the evaluation, run in its transaction: the alert, its inbox rows and its
deliveries commit together or not at all. Each delivery is rendered now (the same message on every retry) and
keyed `alert:{alert}:{person}:{channel}`, so queueing it again does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy.orm import Session

from intel.alerts.outbox import enqueue
from intel.alerts.quiet import release_at
from intel.alerts.render import alert_email, alert_view, alert_webhook
from intel.alerts.unsubscribe import make_token
from intel.config import Settings
from intel.db.alerts import Alert, AlertPreference
from intel.db.models import Talent, User


@dataclass(frozen=True)
class Preferences:
    """One person's channel choices, as stored or the defaults (email on, webhook off, no quiet hours); never the
    webhook URL itself, only whether there is one."""

    email_enabled: bool = True
    webhook_enabled: bool = False
    has_webhook: bool = False
    digest_enabled: bool = True
    timezone: str | None = None  # None: the deployment's zone (default_timezone)
    quiet_start: time | None = None
    quiet_end: time | None = None
    default_timezone: str = "UTC"


def preferences_of(session: Session, user_id: int, default_zone: str = "UTC") -> Preferences:
    """The person's preferences, or the defaults when they never saved any."""
    row = session.get(AlertPreference, user_id)
    if row is None:
        return Preferences(default_timezone=default_zone)
    return Preferences(bool(row.email_enabled), bool(row.webhook_enabled), row.webhook_url_encrypted is not None,
                       bool(row.digest_enabled), row.timezone, row.quiet_start, row.quiet_end, default_zone)


def zone_of(prefs: Preferences, settings: Settings) -> str:
    """The person's own zone, else INTEL_TIMEZONE."""
    return prefs.timezone or settings.timezone


def unsubscribe_url(settings: Settings, user_id: int, kind: str) -> str | None:
    """The one-click unsubscribe link, when the public URL and a secret key are configured."""
    keys = settings.connectors.secret_keys
    if not settings.public_url or not keys:
        return None
    return f"{settings.public_url}/unsubscribe/{make_token(user_id, kind, keys)}"


def channels_for(prefs: Preferences, settings: Settings, *, digest: bool = False) -> list[str]:
    """The push channels a message goes out on: email when configured and wanted, the webhook when set up."""
    wanted = prefs.digest_enabled if digest else prefs.email_enabled
    found = ["email"] if wanted and settings.alerts.smtp_host else []
    if not digest and prefs.webhook_enabled and prefs.has_webhook:
        found.append("webhook")
    return found


def queue_alert(settings: Settings, session: Session, alert: Alert, person: User, now: datetime) -> int:
    """Queue the alert on each of the person's channels (the evaluation's notify hook); how many were queued."""
    prefs = preferences_of(session, person.id)
    channels = channels_for(prefs, settings)
    if not channels:
        return 0
    talent = session.get(Talent, alert.talent_id)
    zone = zone_of(prefs, settings)
    view = alert_view(alert, talent.name if talent else f"talent {alert.talent_id}", zone, settings.public_url)
    not_before = release_at(now, zone, prefs.quiet_start, prefs.quiet_end)
    queued = 0
    for channel in channels:
        payload: dict[str, Any]
        if channel == "email":
            link = unsubscribe_url(settings, person.id, "alert")
            payload = {**alert_email(view, link), "unsubscribe_url": link}
        else:
            payload = {"body": alert_webhook(view)}
        queued += enqueue(session, key=f"alert:{alert.id}:{person.id}:{channel}", user_id=person.id,
                          channel=channel, kind="alert", payload=payload, not_before=not_before, now=now,
                          alert_id=alert.id)
    return queued
