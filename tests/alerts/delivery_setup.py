"""What the delivery tests share: settings pointing at the test SMTP server, a talent whose followers dropped,
its agent, and raising its alert through the evaluation with the delivery hook wired (as the runtime does)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial

from sqlalchemy import Engine

from intel.alerts.evaluate import evaluate_talent
from intel.alerts.queue import queue_alert
from intel.analytics.compute import compute_for_talent
from intel.config import Settings, get_settings
from intel.connectors.crypto import new_key
from intel.db.alerts import Alert
from intel.db.engine import session_factory, transaction
from intel.db.models import FollowerSnapshot, SocialProfile, Talent, User

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
PUBLIC_URL = "https://intel.agency.test"
KEY = new_key()


def alert_settings(smtp: dict[str, object] | None, **alerts: object) -> Settings:
    """Settings with the SMTP relay (None: no email), a public URL and a secret key."""
    base = get_settings({})
    return base.replace(public_url=PUBLIC_URL, connectors=replace(base.connectors, secret_keys=(KEY,)),
                        alerts=base.alerts.replace(**{**(smtp or {}), **alerts}))


@dataclass(frozen=True)
class Cast:
    """The people of a delivery test."""

    agent: int
    other: int
    manager: int


def cast(engine: Engine) -> Cast:
    """Two agents and a manager with addresses."""
    with transaction(engine) as s:
        users = [User(email=f"{n}@agency.test", display_name=n.title(), role=r)
                 for n, r in (("agent", "agent"), ("other", "agent"), ("manager", "manager"))]
        s.add_all(users)
        s.flush()
        return Cast(*(u.id for u in users))


def dropping_talent(engine: Engine, agent_id: int, *, name: str = "Ana", end: datetime = NOW) -> int:
    """A talent whose Instagram followers fell 3 % in the last 7 days (a follower_drop alert)."""
    with transaction(engine) as s:
        talent = Talent(name=name, primary_handle="@ana", agent_id=agent_id)
        profile = SocialProfile(talent=talent, platform="instagram", handle="ana", account_id=f"ig-{name}",
                                connected=True, last_synced_at=end)
        s.add_all([talent, profile])
        s.flush()
        for back in range(30):
            day: date = end.date() - timedelta(days=back)
            s.add(FollowerSnapshot(profile_id=profile.id, captured_on=day, followers=9_700 if back < 7 else 10_000,
                                   captured_at=datetime(day.year, day.month, day.day, tzinfo=UTC)))
        return talent.id


def raise_alerts(engine: Engine, talent_id: int, settings: Settings, now: datetime = NOW) -> list[int]:
    """Compute the talent and evaluate it with deliveries queued; the ids of the alerts raised."""
    sessions = session_factory(engine)
    with sessions() as s:
        intel = compute_for_talent(s, talent_id, now)
    with sessions.begin() as s:
        raised: list[Alert] = evaluate_talent(s, intel, now, settings, notify=partial(queue_alert, settings))
        return [a.id for a in raised]
