"""Server time of one warm page run, without a browser beside the server: for `python -m bench`.

One `bench.st_client.StreamlitClient` opens the talent page (demo roster, every talent already cached) and
the hello page, then asks for RUNS reruns of each in turn, one at a time, each timed from the rerun request
to its `script_finished` message: the first and last frames of the run as a browser sees them, but with no
Chromium competing with the server for this machine's two cores (the browser row `browser_server_run`
includes that contention). Every talent-page run must show the talent's name, so an empty or failed run
cannot count.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Engine

from bench import load
from bench.browser import HELLO_APP, streamlit_server
from bench.st_client import StreamlitClient

RUNS = 40
GOAL_P95_MS = 150.0


async def _samples(url: str, path: str, query: dict[str, str], name: str | None, runs: int) -> list[float]:
    async with await StreamlitClient.open(url, path, query) as client:
        await client.run()  # the session's first run (imports, figures) is not timed
        samples = []
        for _ in range(runs):
            run = await client.run()
            problem = load.check_run(run, name) if name else None
            if problem is not None:
                raise RuntimeError(f"a warm run of {path} did not render: {problem}")
            samples.append(run.seconds * 1000)
    return samples


def server_run_figures(engine: Engine, db_url: str, redis_url: str | None, prefix: str,
                       runs: int = RUNS) -> dict[str, Any]:
    """ms of `runs` warm reruns of the talent page and of the hello page (same machine, one after the other)."""
    talents = load.demo_talents(engine)
    talent_id, name = talents[0]
    with load.served(load.server_env(db_url, redis_url, prefix), 1) as (url, _, _):
        problems = asyncio.run(load.warm([url], talents))
        if problems:
            raise RuntimeError(f"warm-up failed: {problems[0]}")
        talent = asyncio.run(_samples(url, load.PAGE, {"talent": str(talent_id)}, name, runs))
    with streamlit_server(HELLO_APP, {}) as url:
        hello = asyncio.run(_samples(url, "/", {}, None, runs))
    return {"talent_ms": talent, "hello_ms": hello, "talent": name, "runs": runs}
