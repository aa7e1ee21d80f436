"""The worker's alert step: queue the weekly digests that are due, then send the due deliveries."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from intel.alerts.deliver import DeliveryReport, deliver_due
from intel.alerts.digest_mail import queue_digests
from intel.db.base import utcnow
from intel.runtime import Runtime

log = logging.getLogger(__name__)


def alert_pass(rt: Runtime, *, now: Callable[[], datetime] = utcnow, worker: str | None = None) -> DeliveryReport:
    """One pass over the outbox (several workers may run it: claims keep each send to one of them)."""
    queue_digests(rt.sessions, rt.settings, now())
    report = deliver_due(rt.sessions, rt.settings, worker=worker, now=now)
    if report.sent or report.retried or report.failed or report.skipped:
        log.info("alerts: %s sent, %s to retry, %s failed, %s skipped", report.sent, report.retried, report.failed,
                 report.skipped)
    return report
