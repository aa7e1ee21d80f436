"""Time server-side runs of the talent page with AppTest (for `python -m bench`; Streamlit-side).

`python -m bench.page_timing DB_URL REDIS_URL PREFIX TALENT_ID N` prints one JSON object:
{"samples_ms": [...], "cache_store": ...}. Demo mode, so the demo viewer needs no sign-in. The first
run (imports, the harness's component scan) is not timed; each timed run executes the whole script,
as every page load and interaction does.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def page_samples(db_url: str, redis_url: str, prefix: str, talent_id: int, n: int) -> dict[str, object]:
    """ms of `n` warm runs of app.py with the talent page open on `talent_id`."""
    os.environ.update({"INTEL_DEMO": "1", "INTEL_DEMO_DATABASE_URL": db_url, "REDIS_URL": redis_url,
                       "INTEL_CACHE_PREFIX": prefix})
    from intel import runtime
    from intel.config import get_settings

    rt = runtime.configure(get_settings())
    name = rt.provider.get(talent_id).intel.talent_name  # computes and caches (under the demo: prefix)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["talent"] = str(talent_id)
    at.switch_page("pages/talent.py")

    def load() -> float:
        started = time.perf_counter()
        at.run()
        ms = (time.perf_counter() - started) * 1000
        if at.exception or not at.header or at.header[0].value != name:
            raise RuntimeError(f"the talent page did not show {name!r}: {at.exception or at.error}")
        return ms

    load()
    return {"samples_ms": [load() for _ in range(n)], "cache_store": rt.store.name}


if __name__ == "__main__":
    db, redis_url, prefix, talent, count = sys.argv[1:6]
    sys.stdout.write(json.dumps(page_samples(db, redis_url, prefix, int(talent), int(count))) + "\n")
