"""The talent page's refresh queue: limited → "Refresh when allowed" → queued (seen by everyone) → the queued
refresh runs when the window opens and its queuer gets a toast on their next page run, once."""

from __future__ import annotations

import time

import pytest

from intel import runtime
from intel.config import get_settings
from intel.service import refresh
from tests.app_pages import run_page, sign_in_as, talent_id
from tests.markdown import shown

pytestmark = pytest.mark.slow  # AppTest runs of the talent page, and a wait for the window to open

WINDOW_S = 12  # long enough for the clicks below on a busy machine, short enough to wait for
QUEUED_TOAST = "Queued refresh of Sofia Marques: Analytics refreshed and recalculated"


def captions(at) -> list[str]:
    return [shown(c.value) for c in at.caption]


def toasts(at) -> list[str]:
    return [shown(t.value) for t in at.toast]


def queue_buttons(at) -> list:
    return [b for b in at.button if b.key == "refresh_queue"]


def test_limited_then_queued_then_run_with_a_toast_for_the_queuer(app_db, monkeypatch):
    monkeypatch.setenv("INTEL_REFRESH_INTERVAL", str(WINDOW_S))
    runtime.configure(get_settings())
    tid = talent_id(app_db, "Sofia Marques")
    at = run_page("pages/talent.py", talent=str(tid))
    assert queue_buttons(at) == []  # nothing refused yet: nothing to queue
    at.button(key="refresh").click().run()
    assert toasts(at) == ["Analytics refreshed and recalculated"]
    at.button(key="refresh").click().run()
    assert toasts(at) == ["Analytics refresh limited to once every 1 min. Try again in 1 min."]
    assert [b.label for b in queue_buttons(at)] == ["Refresh when allowed · in 1 min"]
    at.button(key="refresh_queue").click().run()
    assert not at.exception
    assert "Refresh queued · runs in 1 min" in captions(at)
    assert queue_buttons(at) == []
    runs_at = refresh.queued_refresh(tid).runs_at.timestamp()

    sign_in_as(monkeypatch, "admin")  # anyone viewing the talent sees it queued
    other = run_page("pages/talent.py", talent=str(tid))
    assert "Refresh queued · runs in 1 min" in captions(other)
    assert QUEUED_TOAST not in toasts(other)

    sign_in_as(monkeypatch, "manager")
    while time.time() < runs_at:
        time.sleep(0.1)
    at.run()  # this run's serve of the talent runs the queued refresh (no worker here)
    assert not at.exception
    assert QUEUED_TOAST in toasts(at)
    assert not any(c.startswith("Refresh queued") for c in captions(at))
    at.run()
    assert QUEUED_TOAST not in toasts(at)  # shown once
