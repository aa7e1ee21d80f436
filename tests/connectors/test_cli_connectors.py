"""`python -m intel connectors …` as real subprocesses on a temporary SQLite database: keygen prints a key the
token box accepts; link-youtube then sync reads the local YouTube API; status lists the connection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.platforms.youtube import YouTubeServer
from intel.connectors.crypto import TokenBox
from intel.db.engine import make_engine, transaction
from intel.db.migrate import upgrade
from intel.db.models import SocialPost, Talent

pytestmark = pytest.mark.slow  # every command starts a fresh interpreter
ROOT = Path(__file__).resolve().parents[2]


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "intel", "connectors", *args], cwd=ROOT,
                          env={**os.environ, "REDIS_URL": "", "INTEL_DEMO": "0", **env}, capture_output=True,
                          text=True, timeout=300, check=False)


def test_keygen_prints_a_key_the_token_box_uses():
    done = run({}, "keygen")
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip()
    box = TokenBox((key,))
    assert box.open(box.seal("token")) == "token"


def test_link_a_channel_then_sync_it_now_and_see_it_in_the_status(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with transaction(engine) as s:
        talent = Talent(name="Cli Talent", primary_handle="@clitalent")
        s.add(talent)
        s.flush()
        talent_id = talent.id
    with YouTubeServer(videos=4, comments=12, seed=5) as api:
        env = {"DATABASE_URL": url, "INTEL_YOUTUBE_API_KEY": api.key, "INTEL_YOUTUBE_API_URL": api.url}
        linked = run(env, "link-youtube", str(talent_id), api.handle)
        assert linked.returncode == 0, linked.stderr
        profile_id = linked.stdout.split("linked profile ")[1].split(":")[0]
        synced = run(env, "sync", profile_id)
        assert synced.returncode == 0, synced.stderr
        assert synced.stdout.startswith("synced: 4 posts")
        status = json.loads(run(env, "status").stdout)
    assert [(c["platform"], c["last_status"]) for c in status["connections"]] == [("youtube", "synced")]
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(SocialPost)) == 4
    engine.dispose()


def test_syncing_an_unknown_profile_says_so_and_exits_2(tmp_path):
    url = f"sqlite:///{tmp_path / 'none.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    done = run({"DATABASE_URL": url}, "sync", "99")
    assert done.returncode == 2 and "Profile 99 was not found" in done.stderr
