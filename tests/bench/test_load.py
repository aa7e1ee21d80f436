"""The load bench's protocol client and agents against a real `streamlit run server.py` (demo mode, PostgreSQL)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench import load
from bench.browser import streamlit_server
from bench.seed import cleanup_prefix, ensure_database
from bench.st_client import Run, StreamlitClient
from intel.db.engine import make_engine
from intel.views.text import plain
from tests.services import POSTGRES_ADMIN_URL, port_open, require


@pytest.fixture(scope="module")
def demo_database() -> Iterator[tuple[str, list[tuple[int, str]]]]:
    """(URL, demo talents) of a fresh PostgreSQL database holding the demo roster; dropped afterwards."""
    admin_url = make_url(POSTGRES_ADMIN_URL)
    require(port_open(admin_url.host or "127.0.0.1", admin_url.port or 5432), "PostgreSQL")
    name = f"intel_loadtest_{uuid.uuid4().hex[:10]}"
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    engine = ensure_database(url)
    try:
        yield url, load.demo_talents(engine)
    finally:
        engine.dispose()
        admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def server(demo_database, redis_url) -> Iterator[str]:
    """The base URL of `streamlit run server.py` in demo mode on the demo database and the real Redis."""
    prefix = f"test:load:{uuid.uuid4().hex[:8]}:"
    with streamlit_server("server.py", load.server_env(demo_database[0], redis_url, prefix)) as url:
        yield url
    cleanup_prefix(redis_url, prefix)


async def _open_and_switch(url: str, first: tuple[int, str], second: tuple[int, str]) -> tuple[Run, Run, str]:
    async with await StreamlitClient.open(url, load.PAGE, {"talent": str(first[0])}) as client:
        opened = await client.run()
        box = client.selectboxes[load.TALENT_BOX]
        client.set_widget(box.id, string_value=second[1])
        switched = await client.run()
        return opened, switched, client.query


@pytest.mark.slow
def test_protocol_client_renders_the_deep_linked_talent_then_the_picked_one(server, demo_database):
    talents = demo_database[1]
    first, second = talents[0], talents[1]

    opened, switched, query = asyncio.run(_open_and_switch(server, first, second))

    assert opened.status == switched.status == "FINISHED_SUCCESSFULLY"
    assert opened.headings[0] == plain(first[1]) and switched.headings[0] == plain(second[1])
    assert not opened.exceptions and not switched.exceptions
    assert load.check_run(switched, second[1]) is None
    assert query == f"talent={second[0]}"  # the page's on_change moved the deep link along, as in the browser


async def _reconnect_keeps_session(url: str, talent: tuple[int, str]) -> tuple[str, str, Run]:
    async with await StreamlitClient.open(url, load.PAGE, {"talent": str(talent[0])}) as client:
        await client.run()
        before = client.session_id
        await client.reconnect()
        return before, client.session_id, await client.run()


@pytest.mark.slow
def test_a_reconnecting_tab_gets_its_session_back(server, demo_database):
    talent = demo_database[1][2]

    before, after, run = asyncio.run(_reconnect_keeps_session(server, talent))

    assert before and after == before
    assert load.check_run(run, talent[1]) is None


@pytest.mark.slow
def test_a_short_load_run_has_no_errors(server, demo_database):
    figures = asyncio.run(load.run_agents(server, demo_database[1], agents=3, duration_s=10, ramp_s=1))

    assert figures["errors"] == 0, figures["error_examples"]
    assert figures["opens"] == 3  # each agent opened the page once: nobody had to reconnect
    assert figures["switches"] > 0 and figures["runs"] == figures["opens"] + figures["switches"]
    assert len(figures["switch_samples_ms"]) == figures["switches"]


def test_a_run_counts_only_when_it_rendered_the_requested_talent():
    rendered = Run(seconds=0.4, status="FINISHED_SUCCESSFULLY", headings=[plain("Chloé Dubois"), "Top posts"])
    crashed = Run(seconds=0.4, status="FINISHED_SUCCESSFULLY", headings=[plain("Chloé Dubois")],
                  exceptions=["KeyError: 'x'"])

    assert load.check_run(rendered, "Chloé Dubois") is None
    assert "instead of 'Aisha Rahman'" in (load.check_run(rendered, "Aisha Rahman") or "")
    assert (load.check_run(crashed, "Chloé Dubois") or "").startswith("exception")
    assert load.check_run(Run(seconds=0.1, status="FINISHED_WITH_COMPILE_ERROR"), "Chloé Dubois") is not None
