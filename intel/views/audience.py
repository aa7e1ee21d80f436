"""What the talent page shows of the audience-quality estimate: the indicator card and two plain tables.

Every label says "estimate"; no value here counts fake followers. Texts are program text (rule names,
numbers, platform labels); the tables go to st.dataframe, which never renders Markdown or HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from intel.analytics.result import AudienceComponent, AudienceQuality, FollowerEvent, platform_label
from intel.views.tables import PLACEHOLDER, Kpi, number_column

TITLE = "Audience quality (estimate)"
COMPONENT_LABELS: Mapping[str, str] = {
    "follower_spikes": "Unexplained follower jumps",
    "follower_purges": "One-day follower losses (purges)",
    "engagement_vs_tier": "Engagement against the tier",
    "comment_quality": "Spam and generic comments",
}
STATUS_LABELS: Mapping[str, str] = {"ok": "no sign", "flag": "sign", "unavailable": "unavailable"}
EVENT_LABELS: Mapping[str, str] = {"spike": "possible bought followers", "purge": "possible purge"}
COMPONENT_COLUMNS: Mapping[str, dict[str, Any]] = {"n": number_column("count", help="What the rule rests on: days "
                                                                                  "assessed, tier peers or comments")}
EVENT_COLUMNS: Mapping[str, dict[str, Any]] = {
    "Change": number_column("count"), "Change %": number_column("percent"),
    "z": {"help": "Robust z-score against the profile's trailing 90 days", "type_config": {"type": "number",
                                                                                          "format": "%.1f"}},
}


def audience_kpi(audience: AudienceQuality) -> Kpi:
    """The indicator card: "some signs (estimate)" with how many rules flag of how many applied."""
    signs = audience.signs
    value = "unavailable" if audience.level == "unavailable" else f"{audience.level} (estimate)"
    help_text = (f"{audience.note}. {int(signs.value or 0)} of {signs.n} rules that could be applied flag; "
                 "see the table below." if signs.value is not None else
                 f"{audience.note}. No rule could be applied: not enough snapshots, posts or comments yet.")
    return Kpi(TITLE, value, None, help_text)


def _component_value(component: AudienceComponent) -> str:
    value = component.value
    if value is None:
        return PLACEHOLDER
    if component.name in ("follower_spikes", "follower_purges"):
        return f"{int(value)} day" + ("" if int(value) == 1 else "s")
    if component.name == "engagement_vs_tier":
        return f"{value:.1f}% of the tier median"
    return f"{value:.1f}%"


def components_frame(audience: AudienceQuality) -> pd.DataFrame:
    """One row per rule: what it found, what it rests on (n, basis) and why."""
    items = audience.components
    return pd.DataFrame({
        "Rule": [COMPONENT_LABELS.get(c.name, c.name) for c in items],
        "Finding": [STATUS_LABELS[c.status] for c in items],
        "Value": [_component_value(c) for c in items],
        "n": [c.n for c in items],
        "Basis": [c.basis for c in items],
        "Explanation": [c.explanation for c in items],
    })


def events_frame(events: tuple[FollowerEvent, ...]) -> pd.DataFrame:
    """The flagged days, oldest first."""
    return pd.DataFrame({
        "Day": [e.day for e in events],
        "Platform": [platform_label(e.platform) for e in events],
        "Possible": [EVENT_LABELS[e.kind] for e in events],
        "Change": [e.change for e in events],
        "Change %": [e.percent for e in events],
        "z": [e.z for e in events],
    })
