"""Concurrent agents for `python -m bench`: N simulated browser tabs on the talent page, for a fixed time.

Each agent is one `bench.st_client.StreamlitClient` (the browser's WebSocket protocol, no browser). It
opens the talent page by deep link (`/talent?talent=ID`, a random talent of the demo roster), then, until
the time is up, waits a think time (uniform THINK_S) and switches talent with the page's "Talent"
selectbox, as a user does in the open page: the widget's new value goes in the rerun's widget states,
and the page's on_change callback moves `?talent=` along. A run counts as rendered only when its
`script_finished` says FINISHED_SUCCESSFULLY, it carried no exception element and its header is the
requested talent's name; anything else, and a closed socket or a run that never finishes, is an error
(the agent then opens the page anew, like a user pressing reload). Switch latency is rerun sent → that run's
`script_finished`. Agents start spread over the first RAMP_S seconds.

`load_figures` serves the app (1 process, or `replicas` processes behind HAProxy with sticky sessions,
docs/haproxy.cfg), warms each process (every demo talent once, directly on its port), runs the agents and
returns the figures.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from bench import proxy
from bench.browser import streamlit_server
from bench.st_client import ProtocolError, Run, StreamlitClient, http_error_text
from intel.cache.stats import percentile
from intel.db.models import Talent
from intel.demo.generate import load_demo
from intel.views.text import plain

log = logging.getLogger(__name__)

AGENTS, DURATION_S, THINK_S, RAMP_S = 40, 60.0, (2.0, 4.0), 5.0
# The saturation runs: agents that switch again at once (think 0–0.1 s) ask for more runs than the servers
# can make, so runs/s is the capacity of 1 process vs 2 replicas.
SATURATE_THINK_S, SATURATE_DURATION_S = (0.0, 0.1), 30.0
PAGE, TALENT_BOX = "/talent", "Talent"
GOAL_P95_S = 1.5
STICKY_TABS = 6


@dataclass
class Tally:
    """What all agents saw: switch latencies, open latencies, runs, errors by kind and a few examples."""

    switch_s: list[float] = field(default_factory=list)
    open_s: list[float] = field(default_factory=list)
    runs: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    upstreams: Counter[str] = field(default_factory=Counter)

    def error(self, kind: str, detail: str) -> None:
        """Count one error of `kind`; keep the first few details for the report."""
        self.errors[kind] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{kind}: {detail}")


def demo_talents(engine: Engine) -> list[tuple[int, str]]:
    """(id, name) of the demo roster in the bench database, loaded first when it has none."""
    query = select(Talent.id, Talent.name).where(Talent.is_demo.is_(True)).order_by(Talent.id)
    with engine.connect() as conn:
        found = [(int(i), str(n)) for i, n in conn.execute(query)]
    if found:
        return found
    log.info("bench: loading the demo roster into the bench database (the talents the agents open)")
    load_demo(engine)
    with engine.connect() as conn:
        return [(int(i), str(n)) for i, n in conn.execute(query)]


def check_run(run: Run, name: str) -> str | None:
    """None when `run` rendered the talent page of `name`, else what was wrong (one line)."""
    if run.exceptions:
        return f"exception: {run.exceptions[0]}"
    if run.status != "FINISHED_SUCCESSFULLY":
        return f"run ended {run.status}"
    if plain(name) not in run.headings:
        return f"header shows {run.headings[:1]} instead of {name!r}"
    return None


# --- the agents -----------------------------------------------------------------------------------------------

async def run_agents(base_url: str, talents: Sequence[tuple[int, str]], *, agents: int = AGENTS,
                     duration_s: float = DURATION_S, think_s: tuple[float, float] = THINK_S,
                     ramp_s: float = RAMP_S, seed: int = 7) -> dict[str, Any]:
    """`agents` concurrent agents on `base_url` for `duration_s`; the tally as figures."""
    tally, rng = Tally(), random.Random(seed)
    started = time.perf_counter()
    deadline = started + duration_s
    plans = [(random.Random(rng.random()), rng.uniform(0, min(ramp_s, duration_s))) for _ in range(agents)]
    await asyncio.gather(*(_agent(base_url, talents, tally, r, delay, deadline, think_s) for r, delay in plans))
    elapsed = time.perf_counter() - started
    return _figures(tally, elapsed, agents, duration_s, think_s)


async def _agent(base_url: str, talents: Sequence[tuple[int, str]], tally: Tally, rng: random.Random,
                 delay: float, deadline: float, think_s: tuple[float, float]) -> None:
    await asyncio.sleep(delay)
    while time.perf_counter() < deadline:
        opened = await _open(base_url, talents, tally, rng)
        if opened is None:
            await asyncio.sleep(1.0)  # a failed open is retried like a user pressing reload, not in a hot loop
            continue
        client, current = opened
        try:
            await _switches(client, current, talents, tally, rng, deadline, think_s)
        finally:
            await client.close()


async def _open(base_url: str, talents: Sequence[tuple[int, str]], tally: Tally,
                rng: random.Random) -> tuple[StreamlitClient, str] | None:
    talent_id, name = rng.choice(talents)
    started = time.perf_counter()
    try:
        client = await StreamlitClient.open(base_url, PAGE, {"talent": str(talent_id)})
    except Exception as exc:  # HTTP, socket or handshake errors: counted, and the agent goes on
        tally.error("open failed", http_error_text(exc))
        return None
    tally.upstreams[client.cookies.get("SERVERID", "direct")] += 1
    run = await _run(client, name, tally)
    if run is None:
        await client.close()
        return None
    tally.open_s.append(time.perf_counter() - started)
    return client, name


async def _switches(client: StreamlitClient, current: str, talents: Sequence[tuple[int, str]], tally: Tally,
                    rng: random.Random, deadline: float, think_s: tuple[float, float]) -> None:
    while True:
        await asyncio.sleep(rng.uniform(*think_s))
        if time.perf_counter() >= deadline:
            return
        box = client.selectboxes.get(TALENT_BOX)
        choices = [n for _, n in talents if n != current and box is not None and n in box.options]
        if box is None or not choices:
            tally.error("no talent picker", f"{client.url}: {box.options[:3] if box else 'no selectbox'}")
            return
        name = rng.choice(choices)
        client.set_widget(box.id, string_value=name)
        run = await _run(client, name, tally)
        if run is None:
            return  # the socket is gone or the page is broken: reconnect
        tally.switch_s.append(run.seconds)
        current = name


async def _run(client: StreamlitClient, name: str, tally: Tally) -> Run | None:
    try:
        run = await client.run()
    except ProtocolError as exc:
        tally.error("disconnect or no finish", str(exc))
        return None
    tally.runs += 1
    problem = check_run(run, name)
    if problem is not None:
        tally.error("exception" if problem.startswith("exception") else "wrong page", problem)
        return None
    return run


def _figures(tally: Tally, elapsed: float, agents: int, duration_s: float,
             think_s: tuple[float, float]) -> dict[str, Any]:
    def ms(values: list[float], p: float) -> float | None:
        found = percentile(values, p)
        return None if found is None else round(found * 1000, 1)

    return {"agents": agents, "duration_s": duration_s, "elapsed_s": round(elapsed, 2), "think_s": list(think_s),
            "switches": len(tally.switch_s), "opens": len(tally.open_s), "runs": tally.runs,
            "runs_per_s": round(tally.runs / elapsed, 2), "errors": sum(tally.errors.values()),
            "errors_by_kind": dict(tally.errors), "error_examples": tally.examples,
            "switch_p50_ms": ms(tally.switch_s, 50), "switch_p95_ms": ms(tally.switch_s, 95),
            "switch_max_ms": ms(tally.switch_s, 100), "open_p50_ms": ms(tally.open_s, 50),
            "open_p95_ms": ms(tally.open_s, 95), "sessions_per_upstream": dict(tally.upstreams),
            "switch_samples_ms": [round(s * 1000, 1) for s in tally.switch_s]}


# --- serving --------------------------------------------------------------------------------------------------

def server_env(db_url: str, redis_url: str | None, prefix: str) -> dict[str, str]:
    """The environment of a bench server: demo mode on the bench database, the shared Redis and prefix."""
    return {"INTEL_DEMO": "1", "INTEL_DEMO_DATABASE_URL": db_url, "DATABASE_URL": db_url,
            "REDIS_URL": redis_url or "", "INTEL_CACHE_PREFIX": prefix}


@contextmanager
def served(env: Mapping[str, str], replicas: int) -> Iterator[tuple[str, list[str], proxy.Proxy | None]]:
    """(URL the agents use, each process's own URL, the proxy): one process, or `replicas` behind HAProxy."""
    if replicas > 1 and proxy.haproxy_path() is None:
        raise proxy.Unavailable("haproxy is not installed (apt-get install haproxy)")
    with ExitStack() as stack:
        urls = [stack.enter_context(streamlit_server("server.py", env)) for _ in range(replicas)]
        front = stack.enter_context(proxy.sticky_proxy(urls)) if replicas > 1 else None
        yield (front.url if front else urls[0]), urls, front


async def warm(urls: Sequence[str], talents: Sequence[tuple[int, str]]) -> list[str]:
    """Open every talent once on each process (imports, Redis entries), outside the measured time; what
    did not render (an error of the row, like the agents' own)."""
    problems = []
    for url in urls:
        for talent_id, name in talents:
            async with await StreamlitClient.open(url, PAGE, {"talent": str(talent_id)}) as client:
                problem = check_run(await client.run(), name)
                if problem is not None:
                    problems.append(f"talent {talent_id} on {url}: {problem}")
    return problems


async def sticky_check(url: str, talents: Sequence[tuple[int, str]], tabs: int = STICKY_TABS) -> dict[str, int]:
    """Tabs that open the page, drop their WebSocket and reconnect with their cookies: how many got their own
    session back (only the process holding it can resume it, so this counts tabs the proxy kept in place)."""
    kept, upstreams = 0, Counter[str]()
    for talent_id, name in talents[:tabs]:
        async with await StreamlitClient.open(url, PAGE, {"talent": str(talent_id)}) as client:
            await client.run()
            before = client.session_id
            await client.reconnect()
            kept += check_run(await client.run(), name) is None and client.session_id == before
            upstreams[client.cookies.get("SERVERID", "direct")] += 1
    return {"tabs": min(tabs, len(talents)), "kept_session": kept, "upstreams": len(upstreams)}


def server_pids(urls: Sequence[str]) -> list[int]:
    """The pids of the bench's `streamlit run` processes behind `urls` (their command line names the port;
    Linux /proc, else none)."""
    ports = {url.rsplit(":", 1)[-1] for url in urls}
    found = []
    for entry in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = entry.read_bytes().split(b"\0")
        except OSError:
            continue  # the process ended while we looked
        if b"streamlit" in args and b"--server.port" in args:
            port = args[args.index(b"--server.port") + 1].decode()
            if port in ports:
                found.append(int(entry.parent.name))
    return found


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds used so far by `pids` (0 for a pid that is gone)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime (fields 14 and 15 of stat)
    return total


def load_figures(engine: Engine, db_url: str, redis_url: str | None, prefix: str, *, replicas: int = 1,
                 agents: int = AGENTS, duration_s: float = DURATION_S,
                 think_s: tuple[float, float] = THINK_S) -> dict[str, Any]:
    """Serve (1 process or `replicas` behind HAProxy), warm up, run the agents; figures plus the load average."""
    talents = demo_talents(engine)
    with served(server_env(db_url, redis_url, prefix), replicas) as (front, urls, haproxy):
        warm_errors = asyncio.run(warm(urls, talents))
        sticky = asyncio.run(sticky_check(front, talents)) if haproxy else None
        load_before, pids = os.getloadavg()[0], server_pids(urls)
        cpu_before = cpu_seconds(pids)
        figures = asyncio.run(run_agents(front, talents, agents=agents, duration_s=duration_s, think_s=think_s))
        cpu = cpu_seconds(pids) - cpu_before
        events = [e for e in haproxy.events() if "Server " in e] if haproxy else []
    figures["errors"] += len(warm_errors)
    figures["error_examples"] = (warm_errors + figures["error_examples"])[:5]
    return {**figures, "replicas": replicas, "talents": len(talents), "nproc": os.cpu_count(),
            "warmup_errors": len(warm_errors), **_capacity(figures, cpu, len(pids), agents),
            "sticky_reconnects": sticky, "proxy_server_events": events[:10],
            "loadavg_1m_before": round(load_before, 2), "loadavg_1m_after": round(os.getloadavg()[0], 2)}


def _capacity(figures: Mapping[str, Any], cpu_s: float, processes: int, agents: int) -> dict[str, Any]:
    """What the servers spent: CPU seconds per run and cores busy, against the runs per second the agents
    ask for (one per think time each) — a process runs one script at a time under the GIL, so it saturates
    near 1 / cpu_s_per_run runs/s whatever the cores."""
    runs, elapsed = figures["runs"], figures["elapsed_s"]
    per_run = cpu_s / runs if runs and processes else None
    return {"server_processes_measured": processes, "server_cpu_s": round(cpu_s, 2),
            "server_cpu_s_per_run": None if per_run is None else round(per_run, 3),
            "server_cores_busy": round(cpu_s / elapsed, 2) if elapsed else None,
            "offered_runs_per_s": round(agents / (sum(figures["think_s"]) / 2), 2),
            "per_process_capacity_runs_per_s": None if not per_run else round(1 / per_run, 2)}


def verdict(figures: Mapping[str, Any], baseline: Mapping[str, Any] | None = None) -> str:
    """The table's result: PASS with no errors and switch p95 within the goal; the gain over `baseline`."""
    p95, errors = figures["switch_p95_ms"], figures["errors"]
    passed = errors == 0 and p95 is not None and p95 <= GOAL_P95_S * 1000
    text = (f"{'PASS' if passed else 'FAIL'}: {errors} errors, {figures['runs_per_s']} runs/s, "
            f"{figures['agents']} agents × {figures['duration_s']:.0f} s, load {figures['loadavg_1m_after']}")
    if baseline and baseline.get("switch_p95_ms") and p95 and baseline.get("runs_per_s"):
        text += (f"; vs 1 process: p95 × {p95 / baseline['switch_p95_ms']:.2f}, "
                 f"runs/s × {figures['runs_per_s'] / baseline['runs_per_s']:.2f}")
    if figures.get("server_cpu_s_per_run"):
        text += (f"; server CPU {figures['server_cpu_s_per_run'] * 1000:.0f} ms/run, "
                 f"{figures['server_cores_busy']} cores busy, agents ask {figures['offered_runs_per_s']} runs/s")
    sticky = figures.get("sticky_reconnects")
    if sticky:
        text += f"; sticky: {sticky['kept_session']}/{sticky['tabs']} reconnects kept their session"
    return text


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.load`: one load run with other agents, duration or replicas than the bench rows."""
    import argparse
    import json

    from bench import seed
    from bench.runner import DEFAULT_REDIS_URL

    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, default=AGENTS)
    parser.add_argument("--duration", type=float, default=DURATION_S, help="seconds of load")
    parser.add_argument("--replicas", type=int, default=1, help="2 or more: behind HAProxy (docs/haproxy.cfg)")
    parser.add_argument("--think", type=float, nargs=2, default=THINK_S, metavar=("MIN_S", "MAX_S"),
                        help=f"think time between switches, uniform (default {THINK_S[0]:g} {THINK_S[1]:g})")
    parser.add_argument("--database-url", default=seed.DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    engine, prefix = seed.ensure_database(args.database_url), f"bench:load:{os.getpid()}:"
    try:
        figures = load_figures(engine, args.database_url, args.redis_url, prefix, replicas=args.replicas,
                               agents=args.agents, duration_s=args.duration, think_s=tuple(args.think))
    finally:
        engine.dispose()
        seed.cleanup_prefix(args.redis_url, prefix)
    figures.pop("switch_samples_ms")
    print(json.dumps(figures, indent=2))
    print(f"switch p50 {figures['switch_p50_ms']} ms, p95 {figures['switch_p95_ms']} ms "
          f"(goal ≤ {GOAL_P95_S * 1000:.0f}); {verdict(figures)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
