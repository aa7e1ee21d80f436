"""The talent page's "Connected accounts" section in AppTest runs, on SQLite and PostgreSQL: who sees which
controls, how each connection's state is told, user text shown literally, Connect through a local Instagram
stand-in's authorisation page, Disconnect, and the one-off notice after the OAuth callback."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from bench.platforms.instagram import InstagramServer
from bench.platforms.tiktok import TikTokServer
from bench.platforms.youtube import YouTubeServer
from intel import runtime
from intel.accounts.auth import SYSTEM
from intel.config import get_settings
from intel.connectors.crypto import TokenBox, new_key
from intel.connectors.profiles import link_profile
from intel.db.connections import OAuthState, PlatformConnection, SyncState
from intel.db.engine import transaction
from intel.runtime import get_runtime
from intel.service import accounts
from tests import platforms
from tests.app_pages import run_page, sign_in_as, talent_id
from tests.factories import make_talent
from tests.markdown import rendered, shown, streamlit_markup

# The platform stand-ins' fixtures (tests/platforms.py), shared with the connector and web tests.
instagram_server = platforms.instagram_server
tiktok_server = platforms.tiktok_server

PUBLIC_URL = "http://intel.test:8501"
TIKTOK_NOTE = "Comment sentiment unavailable for TikTok accounts synced by API"
HOSTILE_HANDLES = ("**bold** [x](http://evil)", "<b>x</b>")


@dataclass(frozen=True)
class Site:
    """The app on a real (emptied afterwards) database with connector settings pointing at the stand-ins."""

    engine: Engine
    monkeypatch: pytest.MonkeyPatch
    instagram: InstagramServer
    tiktok: TikTokServer

    def configure(self, **env: str | None) -> None:
        """Change settings (None: unset) and rebuild the process runtime from the environment."""
        for name, value in env.items():
            if value is None:
                self.monkeypatch.delenv(name, raising=False)
            else:
                self.monkeypatch.setenv(name, value)
        runtime.configure(get_settings())

    def talent(self, agent_email: str | None = None) -> int:
        """A real (non-demo) talent with figures, assigned to `agent_email` when given."""
        tid = make_talent(self.engine, name="Real Person")
        if agent_email:
            accounts.assign_talents(SYSTEM, agent_email, [tid])
        return tid

    def connect(self, tid: int, platform: str, handle: str, *, reason: str | None = None) -> int:
        """A linked profile of `platform` (needing reconnecting, for `reason`, when given); its id."""
        with transaction(self.engine) as s:
            profile = link_profile(s, talent_id=tid, platform=platform, account_id=f"{platform}-{uuid.uuid4().hex[:8]}",
                                   handle=handle, connected_by=None)
            if reason is not None:
                connection = s.scalars(select(PlatformConnection)
                                       .where(PlatformConnection.profile_id == profile.id)).one()
                connection.status, connection.status_reason = "needs_reconnect", reason
            return profile.id

    def connect_instagram(self, tid: int, username: str) -> int:
        """A profile linked to a new account of the Instagram stand-in, with a real token of it; its id."""
        account = self.instagram.add_account(username, media=2, comments=1)
        box = TokenBox(get_runtime().settings.connectors.secret_keys)
        with transaction(self.engine) as s:
            return link_profile(s, talent_id=tid, platform="instagram", account_id=account.user_id,
                                handle=username, connected_by=None, box=box,
                                access_token=self.instagram.issue_token(account.user_id)).id

    def status(self, profile_id: int) -> str | None:
        """The last sync's status of the profile."""
        with self.engine.connect() as conn:
            return conn.execute(select(SyncState.last_status).where(SyncState.profile_id == profile_id)).scalar()

    def count(self, table: type) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.fixture
def site(engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch, instagram_server: InstagramServer,
         tiktok_server: TikTokServer) -> Iterator[Site]:
    """The app on the test database (embedded cache), Instagram and TikTok configured, YouTube not."""
    app = Site(engine, monkeypatch, instagram_server, tiktok_server)
    app.configure(
        DATABASE_URL=database_url, REDIS_URL=None, INTEL_DEMO=None, INTEL_PUBLIC_URL=PUBLIC_URL,
        INTEL_SECRET_KEY=new_key(), INTEL_YOUTUBE_API_KEY=None,
        INTEL_INSTAGRAM_CLIENT_ID=instagram_server.client_id,
        INTEL_INSTAGRAM_CLIENT_SECRET=instagram_server.client_secret, INTEL_INSTAGRAM_API_URL=instagram_server.url,
        INTEL_INSTAGRAM_AUTH_URL=f"{instagram_server.url}/oauth/authorize",
        INTEL_INSTAGRAM_TOKEN_URL=f"{instagram_server.url}/oauth/access_token",
        INTEL_TIKTOK_CLIENT_KEY=tiktok_server.client_key, INTEL_TIKTOK_CLIENT_SECRET=tiktok_server.client_secret,
        INTEL_TIKTOK_API_URL=tiktok_server.url, INTEL_TIKTOK_AUTH_URL=f"{tiktok_server.url}/v2/auth/authorize/")
    yield app
    runtime.configure(get_settings({}))


def as_agent(site: Site) -> int:
    """Sign in as an agent (session token handed to the section too); a talent of theirs."""
    identity = sign_in_as(site.monkeypatch, "agent")
    return site.talent(identity.email)


def section(at: AppTest) -> Block:
    """The "Connected accounts" expander (exactly one)."""
    found = [e for e in at.expander if e.label.startswith("Connected accounts")]
    assert len(found) == 1, [e.label for e in at.expander]
    return found[0]


def labels(block: Block) -> dict[str, bool]:
    """Button label → disabled, of the buttons in `block`."""
    return {shown(b.label): b.disabled for b in block.button}


def popovers(node: Block) -> list[Block]:
    """The popovers inside `node` (AppTest has no accessor for them)."""
    found = []
    for child in node.children.values():
        if isinstance(child, Block):
            if child.type == "popover":
                found.append(child)
            found.extend(popovers(child))
    return found


def texts(block: Block) -> list[str]:
    """What every Markdown-rendering element of the block shows (markdown, captions, alerts)."""
    return [shown(e.value) for kind in ("markdown", "caption", "warning", "error")
            for e in getattr(block, kind)]


def test_an_agent_sees_connect_for_every_platform_disabled_with_the_missing_setting(site):
    tid = as_agent(site)
    site.configure(INTEL_TIKTOK_CLIENT_KEY=None)
    at = run_page("pages/talent.py", talent=str(tid))
    assert not at.exception, at.exception
    box = section(at)
    assert box.label == "Connected accounts · none"
    assert labels(box) == {"Connect YouTube": True, "Connect Instagram": False, "Connect TikTok": True}
    assert box.button(key=f"connect_tiktok_{tid}").help == "INTEL_TIKTOK_CLIENT_KEY is not set"
    youtube = box.text_input(key=f"youtube_ref_{tid}")
    assert youtube.disabled and youtube.help == "INTEL_YOUTUBE_API_KEY is not set"
    assert any("Connect an account so its data arrives by itself" in t for t in texts(box))


def test_without_the_secret_key_no_oauth_platform_can_be_connected_and_the_page_says_why(site):
    tid = as_agent(site)
    site.configure(INTEL_SECRET_KEY=None)
    at = run_page("pages/talent.py", talent=str(tid))
    box = section(at)
    for platform in ("instagram", "tiktok"):
        button = box.button(key=f"connect_{platform}_{tid}")
        assert button.disabled and button.help == "INTEL_SECRET_KEY is not set"


def test_a_manager_sees_the_connections_but_no_connect_or_disconnect(site):
    sign_in_as(site.monkeypatch, "manager")
    tid = site.talent()
    site.connect(tid, "instagram", "ada.ig")
    at = run_page("pages/talent.py", talent=str(tid))
    assert not at.exception, at.exception
    box = section(at)
    assert box.label == "Connected accounts · Instagram"
    shown_texts = texts(box)
    assert "Instagram · ada.ig" in shown_texts
    assert any(t.startswith("Connected · last sync never (not run yet) · next ") for t in shown_texts)
    assert labels(box) == {} and popovers(box) == []
    assert len(box.text_input) == 0 and len(at.link_button) == 0


def test_a_connection_needing_reconnecting_shows_the_platforms_reason_and_reconnect(site):
    tid = as_agent(site)
    reason = "Instagram says: Error validating access token: the user changed their password"
    site.connect(tid, "instagram", "ada.ig", reason=reason)
    at = run_page("pages/talent.py", talent=str(tid))
    box = section(at)
    assert box.label == "Connected accounts · Instagram · 1 needs reconnecting"
    assert box.proto.expanded  # attention needed: open without a click
    warnings = [shown(w.value) for w in box.warning]
    assert warnings == [f"Needs reconnecting: {reason}. Syncing has stopped until someone connects the account "
                        "again."]
    assert labels(box) == {"Disconnect now": False, "Connect YouTube": True, "Reconnect Instagram": False,
                           "Connect TikTok": False}  # no "Sync now" for a connection that cannot sync


def test_a_tiktok_connection_says_its_comments_have_no_sentiment(site):
    tid = as_agent(site)
    site.connect(tid, "tiktok", "ada.tt")
    at = run_page("pages/talent.py", talent=str(tid))
    assert not at.exception, at.exception
    assert any(t.startswith(TIKTOK_NOTE) for t in texts(section(at)))
    # Under the sentiment chart as well, outside the section (the talent has comments from Instagram).
    notes = [c for c in at.caption if shown(c.value).startswith(TIKTOK_NOTE)]
    assert len(notes) == 2


@pytest.mark.parametrize("handle", HOSTILE_HANDLES)
def test_a_hostile_handle_shows_as_literal_text(site, handle):
    tid = as_agent(site)
    site.connect(tid, "instagram", handle)
    at = run_page("pages/talent.py", talent=str(tid))
    assert not at.exception, at.exception
    box = section(at)
    mentions = [e.value for kind in ("markdown", "caption") for e in getattr(box, kind) if handle in shown(e.value)]
    assert [shown(m) for m in mentions] == [
        f"Instagram · {handle}", f"Stop syncing {handle} and delete its stored token. Data already synced stays."]
    for markdown in mentions:
        html = rendered(markdown)
        assert "<a " not in html and "<strong>" not in html and "<b>" not in html, html
        assert streamlit_markup(markdown) == []


@pytest.mark.parametrize("connected", ["<b>x</b> [y](http://evil)", "Your password expired: call us", "tiktok", ""])
def test_a_crafted_connected_parameter_shows_no_notice_and_is_dropped(site, connected):
    tid = as_agent(site)
    site.connect(tid, "instagram", "ada.ig")  # connected, but not by the platform the link names
    at = run_page("pages/talent.py", talent=str(tid), connected=connected)
    assert not at.exception, at.exception
    assert len(at.toast) == 0
    assert "connected" not in at.query_params


def test_connect_instagram_offers_the_link_to_the_stand_ins_authorisation_page(site):
    tid = as_agent(site)
    at = run_page("pages/talent.py", talent=str(tid))
    assert len(at.link_button) == 0
    at.button(key=f"connect_instagram_{tid}").click().run()
    assert not at.exception, at.exception
    assert [shown(b.label) for b in at.link_button] == ["Continue to Instagram to approve"]
    url = at.link_button[0].proto.url
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{site.instagram.url}/oauth/authorize"
    query = parse_qs(parts.query)
    assert query["client_id"] == [site.instagram.client_id]
    assert query["redirect_uri"] == [f"{PUBLIC_URL}/oauth/instagram/callback"]
    assert len(query["state"][0]) >= 32
    assert site.count(OAuthState) == 1  # the pending authorisation the callback will claim
    page = httpx.get(url)  # the stand-in's consent page, with the Approve / Deny choice
    assert page.status_code == 200 and "approve" in page.text.lower()
    at.run()
    assert [b.proto.url for b in at.link_button] == [url]  # the link stays until it is used


def wait_for_first_sync(site: Site, profile_id: int) -> str:
    """The outcome of the background sync the connect started (so nothing writes after the test)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = site.status(profile_id)
        if status not in (None, "running"):
            return str(status)
        time.sleep(0.2)
    raise AssertionError("the first sync did not finish within 60 s")


def test_connect_youtube_by_handle_links_the_channel_and_a_bad_one_is_refused_in_plain_words(site):
    tid = as_agent(site)
    with YouTubeServer(videos=2, comments=4, seed=3) as api:
        site.configure(INTEL_YOUTUBE_API_KEY=api.key, INTEL_YOUTUBE_API_URL=api.url)
        at = run_page("pages/talent.py", talent=str(tid))
        assert at.button(key=f"connect_youtube_{tid}").disabled  # nothing typed yet
        at.text_input(key=f"youtube_ref_{tid}").input("[x](http://evil) !").run()
        at.button(key=f"connect_youtube_{tid}").click().run()
        assert not at.exception, at.exception
        assert [shown(e.value) for e in at.error] == [
            "'[x](http://evil) !' is not a YouTube channel id (UC…) or handle (@name)"]
        assert site.count(PlatformConnection) == 0

        at.text_input(key=f"youtube_ref_{tid}").input(api.handle).run()
        at.button(key=f"connect_youtube_{tid}").click().run()
        assert not at.exception, at.exception
        assert [shown(t.value) for t in at.toast] == ["YouTube connected: first sync scheduled."]
        box = section(at)
        assert "YouTube · " + api.handle.lstrip("@") in texts(box)
        assert "Connect YouTube" not in labels(box)
        with site.engine.connect() as conn:
            profile_id = conn.execute(select(PlatformConnection.profile_id)).scalar_one()
        assert wait_for_first_sync(site, profile_id) == "synced"


def test_sync_now_syncs_and_a_revoked_token_turns_into_needs_reconnecting_with_reconnect(site):
    tid = as_agent(site)
    profile_id = site.connect_instagram(tid, "ada.ig")
    at = run_page("pages/talent.py", talent=str(tid))
    at.button(key=f"sync_{profile_id}").click().run()
    assert not at.exception, at.exception
    assert [shown(t.value) for t in at.toast] == ["Sync of Instagram scheduled."]
    assert wait_for_first_sync(site, profile_id) == "synced"
    at.run()
    assert any(t.startswith("Connected · last sync just now (synced)") for t in texts(section(at)))

    user_id = next(iter(site.instagram.accounts))
    site.instagram.revoke_all(user_id)  # the person removed the app in Instagram
    at.button(key=f"sync_{profile_id}").click().run()
    deadline = time.monotonic() + 60
    while site.status(profile_id) in ("synced", "running", None):  # until the sync it started has run
        assert time.monotonic() < deadline, "the second sync did not finish within 60 s"
        time.sleep(0.2)
    at.run()
    box = section(at)
    assert box.label == "Connected accounts · Instagram · 1 needs reconnecting"
    [warning] = [shown(w.value) for w in box.warning]
    assert warning.startswith("Needs reconnecting: Instagram refused the access token (Error validating access "
                              "token: Session has expired")  # the platform's own words
    assert warning.endswith("the account again. Syncing has stopped until someone connects the account again.")
    assert ".." not in warning
    assert "Reconnect Instagram" in labels(box) and "Sync now" not in labels(box)


def test_disconnect_now_removes_the_connection(site):
    tid = as_agent(site)
    profile_id = site.connect(tid, "instagram", "ada.ig")
    at = run_page("pages/talent.py", talent=str(tid))
    assert popovers(section(at))[0].proto.popover.label == "Disconnect"
    at.button(key=f"disconnect_{profile_id}").click().run()
    assert not at.exception, at.exception
    assert [shown(t.value) for t in at.toast] == ["Instagram disconnected."]
    box = section(at)
    assert box.label == "Connected accounts · none"
    assert "Instagram · ada.ig" not in texts(box)
    assert "Connect Instagram" in labels(box)
    assert site.count(PlatformConnection) == 0


def test_the_connected_notice_is_toasted_once(site):
    tid = as_agent(site)
    site.connect(tid, "instagram", "ada.ig")  # what the OAuth callback linked before redirecting here
    at = run_page("pages/talent.py", talent=str(tid), connected="instagram")
    assert not at.exception, at.exception
    assert [shown(t.value) for t in at.toast] == ["Instagram connected: the first sync is scheduled."]
    assert "connected" not in at.query_params and at.query_params["talent"] == str(tid)
    at.run()
    assert len(at.toast) == 0


def test_a_demo_talent_has_no_connected_accounts_section(app_db, monkeypatch):
    sign_in_as(monkeypatch, "admin")  # may connect any real talent
    at = run_page("pages/talent.py", talent=str(talent_id(app_db, "Sofia Marques")))
    assert not at.exception, at.exception
    assert [e.label for e in at.expander if "Connected accounts" in e.label] == []
    assert not [b for b in at.button if "Connect" in b.label]
