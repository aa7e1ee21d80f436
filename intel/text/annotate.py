"""Annotate texts when they are written (demo load, import, bench seed): sentiment and comment kind.

This is the one place text is scored; reading never scores (see intel.rescore for engine changes).
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any

from intel.text.comment_kind import classify_comment
from intel.text.scoring import engine_version, score_all


def annotate(rows: Sequence[MutableMapping[str, Any]], column: str, *, comments: bool = False) -> None:
    """Add language, sentiment_score/label/engine (and `kind` for comments) to each row, in one batch.

    A text in a language no engine knows gets language and engine but score and label None (unavailable).
    """
    version = engine_version()
    scores = score_all(row[column] for row in rows)
    for row, score in zip(rows, scores, strict=True):
        row.update(sentiment_score=score.score, sentiment_label=score.label, sentiment_engine=version,
                   language=score.language, language_confidence=score.language_confidence)
        if comments:
            row["kind"] = classify_comment(row[column])
