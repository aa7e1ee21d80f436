"""Evaluation after every computation: findings become conditions, and a condition that opens or gets worse
raises one alert, with an inbox item for each recipient and its deliveries queued.

One alert per rule, talent and scope while the condition lasts (a condition back within `REOPEN_QUIET` of
clearing resumes its episode): the condition row is unique, and the alert's
`dedup_key` (condition, episode, level) is unique, so two processes evaluating the same computation raise it
once (the loser's transaction fails on the key and is retried, and then finds nothing new).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from intel.alerts.db_rules import campaign_findings, engagement_drop, spam_surge, sync_failing
from intel.alerts.recipients import recipients
from intel.alerts.rules import Finding, intelligence_findings
from intel.alerts.thresholds import thresholds_for
from intel.analytics.result import SocialIntelligence
from intel.campaigns.events import campaign_events
from intel.config import RuleThresholds, Settings
from intel.db.alerts import Alert, AlertCondition, InboxItem
from intel.db.models import AdminActivity, User

log = logging.getLogger(__name__)

Notify = Callable[[Session, Alert, User, datetime], object]  # queues the deliveries of one alert to one person
ATTEMPTS = 3
# A condition that holds again this soon after clearing is the same episode: a share hovering at its threshold
# would otherwise re-alert every other day (on the replay of injected events, 3 of 15 false negative-comment
# alerts over three seeds were such returns).
REOPEN_QUIET = timedelta(days=3)


def findings_for(session: Session, intel: SocialIntelligence, now: datetime, limits: RuleThresholds, *,
                 zone: str = "UTC", campaigns: bool = True) -> list[Finding]:
    """Every finding of every rule for the talent of `intel`, as of `now`."""
    tid, name = intel.talent_id, intel.talent_name
    found = [*intelligence_findings(intel, limits), *engagement_drop(session, tid, name, now, limits),
             *spam_surge(session, tid, name, now, limits), *sync_failing(session, tid, name, limits)]
    if campaigns:
        found += campaign_findings(campaign_events(session, now=now, zone=zone, talent_id=tid), tid)
    return found


def evaluate_talent(session: Session, intel: SocialIntelligence, now: datetime, settings: Settings, *,
                    notify: Notify | None = None) -> list[Alert]:
    """Open, worsen and clear the talent's conditions from its findings now; the alerts raised (flushed)."""
    limits = thresholds_for(session, intel.talent_id, settings.alerts.rules)
    findings = findings_for(session, intel, now, limits, zone=settings.timezone)
    conditions = {(c.rule, c.scope): c for c in session.scalars(
        select(AlertCondition).where(AlertCondition.talent_id == intel.talent_id))}
    raised: list[Alert] = []
    for finding in findings:
        condition = conditions.pop((finding.rule, finding.scope), None)
        if _advance(session, intel.talent_id, condition, finding, now):
            raised.append(_raise(session, intel, finding, now, notify))
    for condition in conditions.values():  # held before, not found now: cleared
        if condition.is_open:
            _clear(session, condition, now)
    session.flush()
    return raised


def evaluate_computed(sessions: sessionmaker[Session], settings: Settings, intel: SocialIntelligence,
                      now: datetime, notify: Notify | None = None) -> int:
    """Evaluate one fresh computation in its own transaction (retried when another process raced us); the
    number of alerts raised. Never raises: a failed evaluation is logged, the computation stands."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with sessions.begin() as session:
                return len(evaluate_talent(session, intel, now, settings, notify=notify))
        except IntegrityError:
            log.info("alerts: talent %s evaluated concurrently (attempt %s); retrying", intel.talent_id, attempt)
        except SQLAlchemyError as exc:
            log.error("alerts: evaluation of talent %s failed: %s", intel.talent_id, exc)
            return 0
    return 0


def _advance(session: Session, talent_id: int, condition: AlertCondition | None, finding: Finding,
             now: datetime) -> bool:
    """Bring the condition up to the finding; True when that raises an alert (opened, reopened or worse)."""
    if condition is None:
        session.add(AlertCondition(talent_id=talent_id, rule=finding.rule, scope=finding.scope, is_open=True,
                                   episode=1, level=finding.level, opened_at=now, evaluated_at=now))
        session.flush()  # a concurrent evaluator's row makes this fail here, before any alert is written
        return True
    condition.evaluated_at = now
    if not condition.is_open and condition.cleared_at is not None and now - condition.cleared_at < REOPEN_QUIET:
        _resume(session, condition)  # back within days: the same episode, alerted again only if worse
    elif not condition.is_open:
        condition.is_open, condition.episode, condition.level = True, condition.episode + 1, finding.level
        condition.opened_at, condition.cleared_at = now, None
        return True
    if finding.level > condition.level:
        condition.level = finding.level
        return True
    return False


def _raise(session: Session, intel: SocialIntelligence, finding: Finding, now: datetime,
           notify: Notify | None) -> Alert:
    condition = session.scalars(select(AlertCondition).where(
        AlertCondition.talent_id == intel.talent_id, AlertCondition.rule == finding.rule,
        AlertCondition.scope == finding.scope)).one()
    alert = Alert(talent_id=intel.talent_id, rule=finding.rule, scope=finding.scope, level=finding.level,
                  dedup_key=f"{intel.talent_id}:{finding.rule}:{finding.scope}:{condition.episode}:{finding.level}",
                  title=finding.title, message=finding.message, figures=finding.figures, raised_at=now,
                  is_demo=intel.is_demo)
    session.add(alert)
    session.flush()  # the unique dedup_key: a second evaluator of the same computation stops here
    people = recipients(session, intel.talent_id, finding.rule)
    for person in people:
        session.add(InboxItem(alert_id=alert.id, user_id=person.id, created_at=now))
        if notify is not None:
            notify(session, alert, person, now)
    session.add(AdminActivity(actor="system:alerts", action="alert_raised", target=f"alert:{alert.id}",
                              details={"talent_id": intel.talent_id, "rule": finding.rule, "scope": finding.scope,
                                       "level": finding.level, "recipients": len(people)}))
    log.info("alert raised talent=%s rule=%s scope=%s level=%s recipients=%s", intel.talent_id, finding.rule,
             finding.scope, finding.level, len(people))
    return alert


def _resume(session: Session, condition: AlertCondition) -> None:
    session.execute(update(Alert).where(Alert.talent_id == condition.talent_id, Alert.rule == condition.rule,
                                        Alert.scope == condition.scope, Alert.cleared_at == condition.cleared_at)
                    .values(cleared_at=None))
    condition.is_open, condition.cleared_at = True, None


def _clear(session: Session, condition: AlertCondition, now: datetime) -> None:
    condition.is_open, condition.cleared_at, condition.evaluated_at = False, now, now
    session.execute(update(Alert).where(Alert.talent_id == condition.talent_id, Alert.rule == condition.rule,
                                        Alert.scope == condition.scope, Alert.cleared_at.is_(None))
                    .values(cleared_at=now))
