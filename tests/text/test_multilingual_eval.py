"""The multilingual engine against the bar: UMSAB validation tweets it never trained on, and the English
human-rated tweets through the same detection and routing the product uses."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from intel.text.multilingual import ARTIFACT, model, read_model
from intel.text.scoring import engine_version, score_all
from intel.text.sentiment import read_eval_file, truth_label
from intel.text.umsab import evaluate_folder, macro_f1, read_folder, read_split

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "sentiment"
VAL = SHARED / "multilingual" / "val"
TRAIN = SHARED / "multilingual" / "train"
AVERAGE_BAR = 0.56  # measured 0.565 (docs/sentiment-model.md); the goal of 0.60 is not met


def _need(path: Path) -> Path:
    """A shared data path: skipped locally when absent, a failure on CI."""
    if not path.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"shared data not found: {path}")
        pytest.skip(f"shared data not found: {path}")
    return path


@pytest.fixture(scope="module")
def routed() -> dict:
    return evaluate_folder(_need(VAL), "auto")


@pytest.fixture(scope="module")
def today() -> dict:
    return evaluate_folder(_need(VAL), "english")


def test_the_eval_command_prints_per_language_and_average_macro_f1_as_json() -> None:
    done = subprocess.run([sys.executable, "-m", "intel", "sentiment", "eval", "--format", "umsab", str(_need(VAL))],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report["languages"]) == {"arabic", "english", "french", "german", "hindi", "italian", "portuguese",
                                        "spanish"}
    assert all(v["n"] == 323 or v["n"] == 324 for v in report["languages"].values())
    mean = statistics.fmean(v["macro_f1"] for v in report["languages"].values())
    assert report["average_macro_f1"] == pytest.approx(mean, abs=1e-4)


def test_the_routed_engine_clears_the_average_bar(routed: dict) -> None:
    assert routed["average_macro_f1"] >= AVERAGE_BAR


def test_no_language_is_below_todays_engine_and_english_is_todays_engine(routed: dict, today: dict) -> None:
    for language, result in routed["languages"].items():
        assert result["macro_f1"] >= today["languages"][language]["macro_f1"], language
    for language in ("arabic", "french", "german", "italian", "portuguese", "spanish"):
        assert routed["languages"][language]["macro_f1"] >= today["languages"][language]["macro_f1"] + 0.1
    assert routed["languages"]["english"]["macro_f1"] == today["languages"]["english"]["macro_f1"]


def test_english_human_rated_tweets_keep_their_agreement_through_detection() -> None:
    rows = read_eval_file(_need(SHARED / "tweets_dev.tsv"))
    scores = score_all(t for _, t in rows)
    assert sum(s.language == "en" for s in scores) >= 0.98 * len(rows)
    rated = [(s.score, h) for s, (h, _) in zip(scores, rows, strict=True) if s.score is not None]
    assert statistics.correlation([s for s, _ in rated], [h for _, h in rated]) >= 0.88
    hits = sum(s.label == truth_label(h) for s, (h, _) in zip(scores, rows, strict=True))
    assert hits / len(rows) >= 0.82


def test_the_artifact_is_plain_arrays_and_names_its_version() -> None:
    with np.load(ARTIFACT, allow_pickle=False) as arrays:  # refuses object arrays: loading runs no code
        assert all(arrays[name].dtype != object for name in arrays.files)
    assert engine_version().startswith(model().version + "+")
    assert ARTIFACT.stat().st_size < 8_000_000


@pytest.mark.slow
def test_training_reproduces_the_shipped_model(tmp_path: Path) -> None:
    out = tmp_path / "model.npz"
    done = subprocess.run([sys.executable, "-m", "intel", "sentiment", "train", "--data", str(_need(TRAIN)),
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr
    fresh, shipped = read_model(out), model()
    split = read_split(VAL, "portuguese")
    for code in shipped.languages:
        texts = list(read_folder(VAL)[0].texts[:50]) + list(split.texts[:50])
        assert np.allclose(fresh.probabilities(code, texts), shipped.probabilities(code, texts), atol=1e-4)
    assert fresh.identify(list(split.texts[:50])) == shipped.identify(list(split.texts[:50]))


def test_macro_f1_counts_unavailable_as_wrong() -> None:
    truth = ["positive", "negative", "neutral"]
    assert macro_f1(truth, truth) == 1.0
    assert macro_f1(truth, ["positive", "negative", None]) == pytest.approx((1 + 1 + 0) / 3)


def test_a_malformed_benchmark_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "klingon_text.txt").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "klingon_labels.txt").write_text("0\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"2 lines but klingon_labels\.txt has 1"):
        read_folder(tmp_path)
    (tmp_path / "klingon_labels.txt").write_text("0\n7\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2: label '7' is not 0, 1 or 2"):
        read_folder(tmp_path)
    done = subprocess.run([sys.executable, "-m", "intel", "sentiment", "eval", "--format", "umsab",
                           str(tmp_path / "missing")], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 2 and "not a folder" in done.stderr and "Traceback" not in done.stderr
