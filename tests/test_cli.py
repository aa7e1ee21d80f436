"""The commands `make run` relies on, as real subprocesses on a temporary SQLite database in demo mode."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from intel.db.models import Talent

pytestmark = pytest.mark.slow  # every command starts a fresh interpreter

ROOT = Path(__file__).resolve().parents[1]


def intel_command(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m intel ARGS` in demo mode on `url`, embedded cache; its completed process."""
    env = {**os.environ, "INTEL_DEMO": "1", "INTEL_DEMO_DATABASE_URL": url, "DATABASE_URL": url, "REDIS_URL": ""}
    return subprocess.run([sys.executable, "-m", "intel", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def talents(url: str) -> list[tuple[int, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(select(Talent.id, Talent.name).order_by(Talent.id))]
    finally:
        engine.dispose()


def test_make_runs_commands_migrate_then_load_the_demo_roster_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"

    upgraded = intel_command(url, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "database at newest schema" in upgraded.stdout
    engine = create_engine(url)
    assert {"talents", "alembic_version"} <= set(inspect(engine).get_table_names())
    engine.dispose()

    first = intel_command(url, "demo", "load", "--if-empty")
    assert first.returncode == 0, first.stderr
    loaded = re.search(r"demo roster loaded: (\d+) talents", first.stdout)
    assert loaded and int(loaded.group(1)) > 0
    roster = talents(url)
    assert len(roster) == int(loaded.group(1))

    second = intel_command(url, "demo", "load", "--if-empty")  # the next `make run` keeps the roster
    assert second.returncode == 0, second.stderr
    assert "already has talents" in second.stdout
    assert talents(url) == roster


def test_sentiment_rescore_rescores_every_stored_text_with_all(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert intel_command(url, "demo", "load").returncode == 0
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Talent)) > 0
    engine.dispose()

    done = intel_command(url, "sentiment", "rescore", "--all")
    assert done.returncode == 0, done.stderr
    counts = re.search(r"re-scored (\d+) captions and (\d+) comments; (\d+) talents' caches invalidated", done.stdout)
    assert counts and int(counts.group(1)) > 0 and int(counts.group(2)) > 0

    again = intel_command(url, "sentiment", "rescore")  # nothing changed since: nothing left to re-score
    assert again.returncode == 0, again.stderr
    assert "re-scored 0 captions and 0 comments" in again.stdout


def test_db_aggregates_finds_drifted_comment_aggregates_and_rebuild_repairs_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert intel_command(url, "demo", "load").returncode == 0
    checked = intel_command(url, "db", "aggregates")
    assert checked.returncode == 0, checked.stderr
    assert "comment aggregates match the comments" in checked.stdout
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE comment_days SET comments = comments + 1 WHERE rowid % 50 = 0"))
    engine.dispose()

    drifted = intel_command(url, "db", "aggregates")
    assert drifted.returncode == 1 and "groups differ from the comments" in drifted.stdout
    rebuilt = intel_command(url, "db", "aggregates", "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert re.search(r"rebuilt: \d+ groups; [1-9]\d* posts had differed", rebuilt.stdout)
    assert intel_command(url, "db", "aggregates").returncode == 0
