"""Horizontal bar charts as small vector drawings: the geometry of each bar, drawn by a template as inline SVG.

Pure: labels and values go out as text fields (the template escapes them), never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, LABEL_W, VALUE_W, ROW, BAR = 480.0, 170.0, 90.0, 18.0, 12.0
LABEL_CHARS = 30


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value as text ("unavailable" without one), and where it is drawn."""

    label: str
    value: str
    x: float
    y: float
    width: float
    color: str


@dataclass(frozen=True)
class BarChart:
    """A titled chart of bars, one per row, and the drawing's size."""

    title: str
    bars: tuple[Bar, ...]
    width: float
    height: float
    bar_height: float = BAR


def short(label: str, limit: int = LABEL_CHARS) -> str:
    """A label cut to `limit` characters, so it fits left of its bar."""
    flat = " ".join(label.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def bar_chart(title: str, items: Sequence[tuple[str, float | None, str, str]]) -> BarChart:
    """Bars of (label, value, value text, colour) scaled to the largest value; a missing value gets no bar."""
    top = max((v for _, v, _, _ in items if v is not None and v > 0), default=0.0)
    span = WIDTH - LABEL_W - VALUE_W
    bars = tuple(Bar(short(label), text, LABEL_W, i * ROW + 3, _length(value, top, span), color)
                 for i, (label, value, text, color) in enumerate(items))
    return BarChart(title, bars, WIDTH, len(items) * ROW + 6)


def _length(value: float | None, top: float, span: float) -> float:
    if value is None or value <= 0 or top <= 0:
        return 0.0
    return round(value / top * span, 1)
