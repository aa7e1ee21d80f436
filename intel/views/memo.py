"""Figures kept per computed value: a page run on a value it has drawn before builds no figure again.

Building a Plotly figure (validating every property, copying the template) is most of a talent page's
server time, while the value it is built from is immutable and, on a cache hit, the very object decoded
before (`intel.cache.entries.DecodedEntries`). So the figures are kept by the identity of that object,
and the object itself is held beside them, so an identity is never reused while its figures are kept.
Callers must not mutate a figure they get from here: it is shared with every other page run.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import plotly.graph_objects as go

V = TypeVar("V")
KEEP_VALUES = 64  # values whose figures are kept; a talent page holds 7 figures per value


class FigureMemo:
    """Thread-safe LRU of built figures per (value identity, builder, arguments)."""

    def __init__(self, keep_values: int = KEEP_VALUES) -> None:
        self.keep_values = keep_values
        self._values: OrderedDict[int, tuple[object, dict[Hashable, go.Figure]]] = OrderedDict()
        self._lock = threading.Lock()

    def figure(self, value: V, builder: Callable[..., go.Figure], *args: Hashable) -> go.Figure:
        """`builder(value, *args)`, built once per value object and kept."""
        key: Hashable = (builder.__module__, builder.__qualname__, args)
        with self._lock:
            held = self._values.get(id(value))
            if held is not None and held[0] is value:
                self._values.move_to_end(id(value))
                kept = held[1].get(key)
                if kept is not None:
                    return kept
        built = builder(value, *args)
        self._keep(value, key, built)
        return built

    def _keep(self, value: object, key: Hashable, built: go.Figure) -> None:
        with self._lock:
            held = self._values.get(id(value))
            if held is None or held[0] is not value:
                held = (value, {})
                self._values[id(value)] = held
            held[1][key] = built
            self._values.move_to_end(id(value))
            while len(self._values) > self.keep_values:
                self._values.popitem(last=False)

    def clear(self) -> None:
        """Forget every kept figure."""
        with self._lock:
            self._values.clear()


FIGURES = FigureMemo()


def figure(value: V, builder: Callable[..., go.Figure], *args: Hashable) -> go.Figure:
    """The process-wide memo's `builder(value, *args)`."""
    return FIGURES.figure(value, builder, *args)
