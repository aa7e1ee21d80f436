"""The UMSAB benchmark's file format and its metric: per-language macro-F1 and their unweighted mean.

A folder holds `{language}_text.txt` (one tweet per line) and `{language}_labels.txt` (0 negative,
1 neutral, 2 positive on the same line) for each language, e.g. `arabic_text.txt`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

LABELS: tuple[str, ...] = ("negative", "neutral", "positive")  # label 0, 1, 2
LANGUAGE_CODES: dict[str, str] = {
    "arabic": "ar", "english": "en", "french": "fr", "german": "de", "hindi": "hi", "italian": "it",
    "portuguese": "pt", "spanish": "es",
}


@dataclass(frozen=True)
class Split:
    """One language's tweets and their gold labels ('negative' / 'neutral' / 'positive')."""

    language: str  # the benchmark's name, e.g. "portuguese"
    texts: tuple[str, ...]
    labels: tuple[str, ...]

    @property
    def code(self) -> str:
        """ISO 639-1 code of the language ('pt'), or its name when the benchmark adds one we do not know."""
        return LANGUAGE_CODES.get(self.language, self.language)


def read_split(folder: str | os.PathLike[str], language: str) -> Split:
    """One language's texts and labels; ValueError naming the file and line when they do not match."""
    base = Path(folder)
    text_path, label_path = base / f"{language}_text.txt", base / f"{language}_labels.txt"
    labels_raw = label_path.read_text(encoding="utf-8").splitlines()
    texts = text_path.read_text(encoding="utf-8").split("\n")
    if texts and texts[-1] == "":
        texts.pop()  # the file's final newline (a tweet is one line, so never the whole of one)
    if len(texts) != len(labels_raw):
        raise ValueError(f"{text_path}: {len(texts)} lines but {label_path.name} has {len(labels_raw)}")
    labels = []
    for number, raw in enumerate(labels_raw, 1):
        if raw.strip() not in ("0", "1", "2"):
            raise ValueError(f"{label_path} line {number}: label {raw!r} is not 0, 1 or 2")
        labels.append(LABELS[int(raw)])
    return Split(language, tuple(texts), tuple(labels))


def read_folder(folder: str | os.PathLike[str]) -> list[Split]:
    """Every language in a UMSAB folder, in name order; ValueError when there is none."""
    base = Path(folder)
    if not base.is_dir():
        raise ValueError(f"{os.fspath(folder)}: not a folder")
    names = sorted(p.name.removesuffix("_text.txt") for p in base.glob("*_text.txt"))
    if not names:
        raise ValueError(f"{os.fspath(folder)}: no *_text.txt files (expected e.g. english_text.txt and "
                         "english_labels.txt)")
    return [read_split(base, name) for name in names]


def macro_f1(truth: Sequence[str], predicted: Sequence[str | None]) -> float:
    """Mean F1 over the three classes; a prediction outside them (unavailable) counts as wrong."""
    scores = []
    for label in LABELS:
        hits = sum(t == label and p == label for t, p in zip(truth, predicted, strict=True))
        called = sum(p == label for p in predicted)
        actual = sum(t == label for t in truth)
        precision = hits / called if called else 0.0
        recall = hits / actual if actual else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def _predict(split: Split, engine: str) -> tuple[list[str | None], list[str | None]]:
    """Predicted labels and detected language codes of one split's tweets under an evaluation engine."""
    from intel.text.scoring import score_all, score_known_language
    from intel.text.sentiment import score_texts

    if engine == "english":
        return [s.label for s in score_texts(split.texts)], [None] * len(split.texts)
    scores = score_known_language(split.texts, split.code) if engine == "given" else score_all(split.texts)
    return [s.label for s in scores], [s.language for s in scores]


def evaluate_folder(folder: str | os.PathLike[str], engine: str = "auto") -> dict[str, object]:
    """Per-language and average macro-F1 of an engine on a UMSAB folder, as a JSON-ready dict.

    Engines: "auto" — what the product does (detect each tweet's language, route it);
    "given" — the benchmark's language assumed (no detection); "english" — the English engine on all.
    """
    if engine not in EVAL_ENGINES:
        raise ValueError(f"unknown evaluation engine {engine!r}; choose one of {', '.join(EVAL_ENGINES)}")
    languages: dict[str, dict[str, object]] = {}
    for split in read_folder(folder):
        labels, codes = _predict(split, engine)
        n = len(split.texts)
        languages[split.language] = {
            "n": n, "macro_f1": round(macro_f1(split.labels, labels), 4),
            "unavailable": sum(label is None for label in labels),
            "detected_as_language": None if engine == "english" else round(
                sum(code == split.code for code in codes) / n, 4) if n else None,
        }
    scores = [float(v["macro_f1"]) for v in languages.values()]  # type: ignore[arg-type]
    return {"engine": engine, "languages": languages, "average_macro_f1": round(sum(scores) / len(scores), 4)}


EVAL_ENGINES: tuple[str, ...] = ("auto", "given", "english")
