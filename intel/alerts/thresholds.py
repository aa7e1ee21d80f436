"""Each talent's thresholds: the settings' values, with the manager-set per-talent ones in their place."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from intel.config import RuleThresholds
from intel.db.alerts import AlertThreshold

# The rule a per-talent threshold belongs to -> the RuleThresholds field it replaces, and its type.
OVERRIDABLE: dict[str, tuple[str, type]] = {
    "follower_drop": ("follower_drop_pct", float),
    "engagement_drop": ("engagement_ratio", float),
    "negative_comments": ("negative_ratio", float),
    "spam_surge": ("spam_points", float),
    "sync_failing": ("sync_failures", int),
}


def thresholds_for(session: Session, talent_id: int, defaults: RuleThresholds) -> RuleThresholds:
    """The defaults with this talent's overrides applied."""
    rows = session.execute(select(AlertThreshold.rule, AlertThreshold.value)
                           .where(AlertThreshold.talent_id == talent_id)).all()
    changes: dict[str, Any] = {}
    for rule, value in rows:
        if rule in OVERRIDABLE:
            name, kind = OVERRIDABLE[rule]
            changes[name] = kind(value)
    return replace(defaults, **changes) if changes else defaults
