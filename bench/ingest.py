"""Measure an import at scale: generated comment files imported in a subprocess (rows/s, peak RSS).

`bench_import(engine, rows=1_000_000)` writes a talent, its three profiles, `posts` posts and `rows`
comments to a temporary folder (comments look like the bench seed's: mostly unique texts mixing
templates, random words and emoji), imports the parents in this process, then the comments in a
fresh spawned process whose peak resident memory (VmHWM) is the figure reported. The bench talent
("@bench_import") is replaced before and deleted after (unless keep=True); its comments are real
rows while it exists, so use the bench database.
"""

from __future__ import annotations

import csv
import json
import random
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete

from bench.child import peak_rss_mb, run_child
from bench.seed import EMOJI, WORDS
from intel.db.models import PLATFORMS, Talent
from intel.demo import text as demo_text
from intel.demo.generate import MEDIA_MIX

HANDLE = "@bench_import"
TIMEOUT_S = 3_600


def write_files(folder: Path, rows: int, *, posts: int = 2_000, seed: int = 11) -> dict[str, Path]:
    """The bench talent's talents/profiles/posts/comments files in `folder` (CSV, comments streamed)."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    paths = {kind: folder / f"{kind}.csv" for kind in ("talents", "profiles", "posts", "comments")}
    _write(paths["talents"], ["primary_handle", "name", "category", "tier"],
           [[HANDLE, "Bench import talent", "lifestyle", "macro"]])
    _write(paths["profiles"], ["talent_handle", "platform", "account_id", "handle"],
           [[HANDLE, p, f"bench-import-{p}", "bench_import"] for p in PLATFORMS])
    post_rows, times = [], []
    for i in range(posts):
        platform = rng.choice(PLATFORMS)
        posted = now - timedelta(seconds=rng.randint(86_400, 365 * 86_400))
        times.append(posted)
        post_rows.append([platform, f"bench-import-{platform}", f"bi-{i}", posted.isoformat(),
                          rng.choice(MEDIA_MIX[platform][0]), f"caption {i} {_words(rng, 3, 12)}",
                          rng.randint(100, 90_000), rng.randint(0, 900)])
    _write(paths["posts"], ["platform", "account_id", "platform_post_id", "posted_at", "media_type", "caption",
                            "likes", "comments"], post_rows)
    fans = demo_text.fan_handles(rng, 400)
    with paths["comments"].open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["platform", "platform_post_id", "platform_comment_id", "created_at", "author_handle",
                         "text", "is_talent_reply"])
        for serial in range(rows):
            post = rng.randrange(posts)
            author, body = demo_text.comment(rng, fans, hostile=rng.random() < 0.05)
            if rng.random() < 0.7:
                body = f"{body} {_words(rng, 1, 8)} {rng.choice(EMOJI)}".strip()
            created = times[post] + timedelta(minutes=rng.randint(1, 20_000))
            writer.writerow([post_rows[post][0], f"bi-{post}", f"c{serial}",
                             int(min(created, now).timestamp() * 1000), author, body, "false"])
    return paths


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high)))


def bench_import(engine: Engine, *, rows: int = 1_000_000, posts: int = 2_000, folder: str | Path | None = None,
                 keep: bool = False) -> dict[str, Any]:
    """Import `rows` generated comments in a subprocess; a dict of the figures (rows/s, peak RSS MB…)."""
    from intel.ingest.importer import import_file

    with tempfile.TemporaryDirectory(prefix="intel-import-bench-") as tmp:
        base = Path(folder or tmp)
        started = time.perf_counter()
        paths = write_files(base, rows, posts=posts)
        generated_s = time.perf_counter() - started
        _drop_talent(engine)
        for kind in ("talents", "profiles", "posts"):
            import_file(kind, paths[kind], engine=engine, actor="bench@intel.local")
        url = engine.url.render_as_string(hide_password=False)
        outcome = run_child(_child, url, str(paths["comments"]), timeout_s=TIMEOUT_S)
        size_mb = paths["comments"].stat().st_size / 2**20
        if not keep:
            _drop_talent(engine)
    if "error" in outcome:
        raise RuntimeError(f"import bench failed: {outcome['error']}")
    return {"rows": rows, "posts": posts, "file_mb": round(size_mb, 1), "generate_s": round(generated_s, 1),
            "database": engine.dialect.name, **outcome,
            "goal": {"rows_per_s": 5_000, "peak_rss_mb": 500},
            "pass": outcome["rows_per_s"] >= 5_000 and outcome["peak_rss_mb"] < 500
            and outcome["helper_peak_rss_mb"] < 500}


def _drop_talent(engine: Engine) -> None:
    """Delete the bench talent; profiles, posts and comments follow by ON DELETE CASCADE."""
    with engine.begin() as conn:
        conn.execute(delete(Talent).where(Talent.primary_handle == HANDLE, Talent.is_demo.is_(False)))


def _child(url: str, path: str, results: Any) -> None:
    """Subprocess body: import the comments file, report throughput and this process's peak RSS."""
    try:
        from intel.db.engine import make_engine
        from intel.ingest.importer import import_file

        engine = make_engine(url)
        report = import_file("comments", path, engine=engine, actor="bench@intel.local")
        engine.dispose()
        results.put({"inserted": report.inserted, "refused": report.refused, "elapsed_s": report.elapsed_s,
                     "rows_per_s": round(report.rows_per_s), "peak_rss_mb": round(peak_rss_mb(), 1),
                     # the scoring helper is a child of this process, waited for when the import ends
                     "helper_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
                     "phases_s": report.timings})
    except Exception as exc:  # reported to the parent, which raises
        results.put({"error": repr(exc)})


if __name__ == "__main__":  # python -m bench.ingest URL [ROWS]: prints the figures as JSON
    import sys

    from intel.db.engine import make_engine

    figures = bench_import(make_engine(sys.argv[1]), rows=int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
    sys.stdout.write(json.dumps(figures, indent=2) + "\n")
