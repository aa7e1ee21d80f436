"""The Weekly digest page (AppTest, demo roster on SQLite): a manager sees every talent's week with sample
sizes, estimates marked and demo data labelled; an agent sees only their own talents; none: an explanation."""

from __future__ import annotations

from sqlalchemy import update

from intel.db.engine import transaction
from intel.db.models import Talent
from tests.app_pages import run_page, sign_in_as, talent_id


def test_a_manager_sees_each_talents_week_labelled_as_demo_data(app_db, monkeypatch):
    sign_in_as(monkeypatch, "manager")
    at = run_page("pages/digest.py")
    assert not at.exception, at.exception
    assert "Demo data" in at.warning[-1].value
    names = [h.value for h in at.subheader]
    assert len(names) == 14 and "Sofia Marques" in names
    week = at.dataframe[names.index("Sofia Marques")].value
    assert week["Figure"].iloc[0] == "Followers"
    assert week["Now"].iloc[0].endswith("(estimate)") and "(n = 2 profiles)" in week["Now"].iloc[0]
    texts = [t.value for t in at.text]
    assert any(t.startswith("Best post of the week: ") for t in texts)


def test_an_agent_sees_only_their_talents_and_without_any_an_explanation(app_db, monkeypatch):
    agent = sign_in_as(monkeypatch, "agent")
    at = run_page("pages/digest.py")
    assert not at.exception and "No talents to report on yet" in at.info[0].value
    with transaction(app_db) as s:
        s.execute(update(Talent).where(Talent.id == talent_id(app_db, "Maya Chen")).values(agent_id=agent.user_id))
    at = run_page("pages/digest.py")
    at.button(key="digest_rebuild").click().run()  # the digest of a minute ago is kept: rebuild it
    assert not at.exception, at.exception
    assert [h.value for h in at.subheader] == ["Maya Chen"]
