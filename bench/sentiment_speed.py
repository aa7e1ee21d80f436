"""Scoring throughput of the multilingual router (language detection + sentiment) on one core.

Two text sets, each scored cold (memo cleared) in this one process: 10,000 unique demo-style comments
(a counter appended so none repeats) and, when the shared benchmark is present, the 2,592 UMSAB
validation tweets in eight languages (longer, mostly not English: the slow path).
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from intel.demo.text import comment, fan_handles
from intel.text import scoring
from intel.text.umsab import read_folder

GOAL_TEXTS_S = 3_000
COMMENTS = 10_000
UMSAB_VAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "sentiment" / "multilingual" / "val"


def _rate(texts: list[str]) -> float:
    scoring._memo.clear()  # cold: every text detected and scored
    start = time.perf_counter()
    scoring.score_all(texts)
    return len(texts) / (time.perf_counter() - start)


def throughput_figures() -> dict[str, float | int | None]:
    """texts/s for unique comments and for the UMSAB tweets (None without the shared data)."""
    rng = random.Random(7)
    fans = fan_handles(rng, 50)
    comments = [f"{comment(rng, fans, hostile=rng.random() < 0.2)[1]} {i}" for i in range(COMMENTS)]
    scoring.score_all(["warm up the detectors", "aquecer os modelos"])  # loading is not throughput
    tweets = [t for split in read_folder(UMSAB_VAL) for t in split.texts] if UMSAB_VAL.is_dir() else []
    return {"comments": len(comments), "comments_per_s": round(_rate(comments)),
            "tweets": len(tweets), "tweets_per_s": round(_rate(tweets)) if tweets else None}
