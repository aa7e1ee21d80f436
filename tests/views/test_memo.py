"""A page run on a value it has drawn before gets the figures built then; another value, even an equal one,
gets figures built from itself."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import plotly.graph_objects as go

from intel.analytics.assemble import compute_intelligence
from intel.analytics.demo_facts import demo_facts
from intel.analytics.result import SocialIntelligence
from intel.views import charts
from intel.views.memo import FigureMemo

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _intel(talent_id: int = 1) -> SocialIntelligence:
    return compute_intelligence(demo_facts(talent_id, f"Talent {talent_id}", NOW), NOW)


class Counting:
    """A builder that counts its calls and returns the real figure."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[int, tuple[object, ...]]] = Counter()
        self.__module__, self.__qualname__ = __name__, "Counting"

    def __call__(self, intel: SocialIntelligence, *args: object) -> go.Figure:
        self.calls[(id(intel), args)] += 1
        return charts.best_time_figure(intel, *args) if args else charts.health_figure(intel)


def test_the_same_value_builds_each_figure_once() -> None:
    memo, builder, intel = FigureMemo(), Counting(), _intel()
    first = memo.figure(intel, builder)
    assert memo.figure(intel, builder) is first
    assert memo.figure(intel, builder, "instagram") is memo.figure(intel, builder, "instagram")
    assert memo.figure(intel, builder, "instagram") is not first  # arguments are part of the key
    assert sorted(builder.calls.values()) == [1, 1]
    assert first.to_dict() == charts.health_figure(intel).to_dict()


def test_an_equal_but_different_value_builds_its_own_figures() -> None:
    memo, builder = FigureMemo(), Counting()
    a, b = _intel(), _intel()
    assert a == b and a is not b
    memo.figure(a, builder)
    memo.figure(b, builder)
    assert sum(builder.calls.values()) == 2


def test_a_recomputed_talent_is_drawn_from_its_new_value() -> None:
    memo = FigureMemo()
    before = memo.figure(_intel(1), charts.health_figure)
    after = memo.figure(_intel(2), charts.health_figure)
    assert before is not after


def test_old_values_are_forgotten_beyond_the_bound() -> None:
    memo, builder = FigureMemo(keep_values=2), Counting()
    values = [_intel(i) for i in (1, 2, 3)]
    for intel in values:
        memo.figure(intel, builder)
    memo.figure(values[2], builder)  # kept
    memo.figure(values[0], builder)  # forgotten: built again
    assert builder.calls[(id(values[2]), ())] == 1
    assert builder.calls[(id(values[0]), ())] == 2
