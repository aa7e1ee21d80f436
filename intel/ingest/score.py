"""Sentiment for imports: `intel.annotate` on the texts of each batch, in a helper process for big files.

Scoring is the largest cost of an import (the default "blend" engine runs ~8-15k short texts/s on one
core) and is pure CPU, so a thread would only queue on the GIL. From the second batch of a file on,
most of each batch's texts go to one helper process (`python -m intel.ingest_score`, started once per
import and stopped at its end, JSON lines over its stdin/stdout) while this process scores the rest,
writes the previous batch and parses the next; the split adapts so that neither process waits for
the other. The first batch, and so every one-batch upload, is scored here without the helper's
start-up (~1-2 s). If the helper cannot start or dies, scoring carries on in this process. Results are
identical either way: the helper calls the same annotate().
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, MutableMapping, Sequence
from pathlib import Path
from typing import IO, Any

from intel.text.annotate import annotate

log = logging.getLogger(__name__)

Scores = list[list[Any]]
SHARE_START, SHARE_MIN, SHARE_STEP = 0.8, 0.3, 0.04
WAIT_TOLERANCE_S = 0.02
_COLUMNS = {"posts": ("caption", False), "comments": ("text", True)}
_FIELDS = ("sentiment_score", "sentiment_label", "sentiment_engine", "language", "language_confidence")
_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the intel package (intel/ingest/score.py)


def score_texts_of(kind: str, texts: Sequence[str]) -> Scores:
    """[score, label, engine, language, confidence(, kind)] per text via intel.annotate (the helper runs this too)."""
    column, comments = _COLUMNS[kind]
    rows: list[MutableMapping[str, Any]] = [{column: text} for text in texts]
    annotate(rows, column, comments=comments)
    fields = (*_FIELDS, "kind") if comments else _FIELDS
    return [[row[f] for f in fields] for row in rows]


def apply_scores(kind: str, rows: Sequence[MutableMapping[str, Any]], scores: Scores) -> None:
    """Put scores from score_texts_of onto the rows they were computed for (no-op for other kinds)."""
    if kind not in _COLUMNS:
        return
    fields = (*_FIELDS, "kind") if _COLUMNS[kind][1] else _FIELDS
    for row, values in zip(rows, scores, strict=True):
        row.update(zip(fields, values, strict=True))


class Scorer:
    """Hands batches of texts to annotate(): here for the first batch, in the helper process afterwards."""

    def __init__(self, timings: MutableMapping[str, float], *, parallel: bool = True) -> None:
        self.timings, self.parallel = timings, parallel
        self._batches = 0
        self._helper: subprocess.Popen[bytes] | None = None
        # Share of each batch's texts sent to the helper; the rest is scored here while it works. Lowered
        # when this process had to wait for the helper, raised when it did not: both processes stay busy.
        self.share = SHARE_START

    def submit(self, kind: str, rows: Sequence[MutableMapping[str, Any]]) -> Callable[[], Scores]:
        """Start scoring the rows' texts; call the result for the scores (blocks until they are ready).

        Call the previous batch's result before submitting the next: the helper holds one batch at a time.
        """
        self._batches += 1
        if kind not in _COLUMNS or not rows:
            return list
        texts = [row[_COLUMNS[kind][0]] for row in rows]
        helper = self._start() if self._batches > 1 else None
        if helper is not None:
            cut = round(len(texts) * self.share)
            try:
                _send(helper.stdin, {"kind": kind, "texts": texts[:cut]})
            except (OSError, ValueError) as exc:
                self._give_up(exc)
            else:
                here = self._here(kind, texts[cut:])
                return lambda: self._receive(helper, kind, texts[:cut]) + here()
        return self._here(kind, texts)

    def _here(self, kind: str, texts: list[str]) -> Callable[[], Scores]:
        clock = time.perf_counter()
        scores = score_texts_of(kind, texts)
        self.timings["score here"] += time.perf_counter() - clock
        return lambda: scores

    def _start(self) -> subprocess.Popen[bytes] | None:
        if self._helper is None and self.parallel:
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT),
                                                                             os.environ.get("PYTHONPATH")]))}
            try:
                self._helper = subprocess.Popen([sys.executable, "-m", "intel.ingest.score"], stdin=subprocess.PIPE,
                                                stdout=subprocess.PIPE, cwd=_ROOT, env=env)
            except OSError as exc:
                self._give_up(exc)
        return self._helper

    def _receive(self, helper: subprocess.Popen[bytes], kind: str, texts: list[str]) -> Scores:
        try:
            clock = time.perf_counter()
            line = helper.stdout.readline() if helper.stdout else b""
            waited = time.perf_counter() - clock
            step = -SHARE_STEP if waited > WAIT_TOLERANCE_S else SHARE_STEP / 2
            self.share = min(1.0, max(SHARE_MIN, self.share + step))
            scores = json.loads(line) if line else None
            if not isinstance(scores, list) or len(scores) != len(texts):
                raise ValueError("the helper ended or answered out of step")
            return scores
        except (OSError, ValueError) as exc:
            self._give_up(exc)
            return score_texts_of(kind, texts)

    def _give_up(self, exc: BaseException) -> None:
        log.warning("import: scoring helper process unavailable (%s); scoring in this process", exc)
        self.parallel = False
        self.close()

    def close(self) -> None:
        """Stop the helper process (safe to repeat)."""
        helper, self._helper = self._helper, None
        if helper is None:
            return
        for stream in (helper.stdin, helper.stdout):
            if stream is not None:
                stream.close()
        try:
            helper.wait(timeout=10)
        except subprocess.TimeoutExpired:
            helper.kill()
            helper.wait()


def _send(stream: IO[bytes] | None, message: Any) -> None:
    if stream is None:
        raise OSError("no pipe to the helper")
    stream.write(json.dumps(message).encode() + b"\n")
    stream.flush()


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """The helper's loop: one JSON request per line in, one JSON list of scores per line out, until EOF."""
    for line in requests:
        request = json.loads(line)
        _send(replies, score_texts_of(request["kind"], request["texts"]))


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the importing process's: it closes our stdin
    serve(sys.stdin.buffer, sys.stdout.buffer)
