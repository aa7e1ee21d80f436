"""AppTest: the talent page's audience-quality section says "estimate" and shows the demo's flagged days."""

from __future__ import annotations

from datetime import UTC, datetime

from intel.demo.followers import AUDIENCE_TALENT, audience_event_days
from tests.app_pages import run_page, talent_id

NOTE = "estimate — not a measurement of fake followers"


def table(at, first_column: str):
    """The page's table whose first column is `first_column` (None when there is none)."""
    found = [d.value for d in at.dataframe if list(d.value.columns[:1]) == [first_column]]
    return found[0] if found else None


def test_the_section_shows_the_indicator_its_rules_and_the_flagged_days_as_an_estimate(app_db):
    at = run_page("pages/talent.py", talent=str(talent_id(app_db, AUDIENCE_TALENT)))
    assert not at.exception
    assert "Audience quality (estimate)" in [s.value for s in at.subheader]
    assert NOTE in [c.value for c in at.caption]
    (card,) = [m for m in at.metric if m.label == "Audience quality (estimate)"]
    assert card.value == "strong signs (estimate)" and NOTE in card.help
    rules = table(at, "Rule")
    assert list(rules["Finding"][:2]) == ["sign", "sign"] and (rules["n"][:2] > 0).all()
    # No other macro talent was computed in this fresh database: no tier median, unavailable rather than 0.
    tier = rules[rules["Rule"] == "Engagement against the tier"].iloc[0]
    assert (tier["Finding"], tier["Value"], tier["n"]) == ("unavailable", "—", 0)
    events = table(at, "Day")
    # The demo roster was generated for the day the template was built: the injected days are relative to it.
    bought, purged = audience_event_days(datetime.now(UTC).date())
    assert list(events["Day"]) == [bought.isoformat(), purged.isoformat()]
    assert list(events["Possible"]) == ["possible bought followers", "possible purge"]


def test_a_talent_without_flags_shows_the_section_and_no_event_table(app_db):
    at = run_page("pages/talent.py", talent=str(talent_id(app_db, "Maya Chen")))
    assert not at.exception
    (card,) = [m for m in at.metric if m.label == "Audience quality (estimate)"]
    assert card.value.endswith("(estimate)") and card.value != "strong signs (estimate)"
    assert NOTE in [c.value for c in at.caption]
    assert table(at, "Rule") is not None and table(at, "Day") is None
