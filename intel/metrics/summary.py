"""The figures of the metric families as plain values, read from the same collector a scrape reads (so the Ops
page and Prometheus never disagree): counter totals and histogram quantiles estimated from the buckets."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from prometheus_client.samples import Sample

from intel.metrics.exposition import collecting_registry
from intel.metrics.families import multiproc_dir

PREFIX = "intel_"
Labels = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Distribution:
    """One histogram series: observations, their sum (seconds) and cumulative bucket counts by upper bound."""

    name: str
    labels: Labels
    count: float
    total: float
    buckets: tuple[tuple[float, float], ...]  # (upper bound, cumulative count), ascending, the last +Inf

    def quantile(self, q: float) -> float | None:
        """The q-quantile (0–1), interpolated within its bucket as Prometheus' histogram_quantile does."""
        return bucket_quantile(self.buckets, q)

    def label(self, name: str) -> str:
        """The value of label `name` ("" when absent)."""
        return dict(self.labels).get(name, "")


@dataclass(frozen=True)
class MetricsSummary:
    """Every `intel_*` counter sample and histogram series at one moment; `source` says whose figures they are."""

    source: str
    counters: tuple[tuple[str, Labels, float], ...]
    distributions: tuple[Distribution, ...]

    def total(self, name: str, **labels: str) -> float:
        """The sum of counter `name` (e.g. intel_cache_hits_total) over the series matching `labels`."""
        return sum(value for sample, have, value in self.counters if sample == name and _matches(have, labels))

    def distribution(self, name: str, **labels: str) -> Distribution | None:
        """Histogram `name` merged over the series matching `labels`; None when it has no series."""
        found = [d for d in self.distributions if d.name == name and _matches(d.labels, labels)]
        return merged(found) if found else None

    def label_values(self, name: str, label: str) -> list[str]:
        """The values label `label` takes in histogram `name`, sorted."""
        return sorted({d.label(label) for d in self.distributions if d.name == name})


def read(path: Path | None = None) -> MetricsSummary:
    """The current figures: every process writing to `path` (default PROMETHEUS_MULTIPROC_DIR), else this one."""
    directory = path or multiproc_dir()
    source = f"every process writing to {directory}" if directory else "this process"
    counters: list[tuple[str, Labels, float]] = []
    distributions: list[Distribution] = []
    for family in collecting_registry(directory).collect():
        if not family.name.startswith(PREFIX):
            continue
        if family.type == "counter":
            counters += [(s.name, _labels(s.labels), s.value) for s in family.samples if s.name.endswith("_total")]
        elif family.type == "histogram":
            distributions += _distributions(family.name, family.samples)
    return MetricsSummary(source, tuple(counters), tuple(distributions))


@dataclass
class _Series:
    count: float = 0.0
    total: float = 0.0
    buckets: dict[float, float] = field(default_factory=dict)


def _distributions(name: str, samples: Iterable[Sample]) -> list[Distribution]:
    series: dict[Labels, _Series] = {}
    for sample in samples:
        entry = series.setdefault(_labels({k: v for k, v in sample.labels.items() if k != "le"}), _Series())
        suffix = sample.name.removeprefix(name)
        if suffix == "_bucket":
            entry.buckets[float(sample.labels["le"])] = sample.value
        elif suffix == "_count":
            entry.count = sample.value
        elif suffix == "_sum":
            entry.total = sample.value
    return [Distribution(name, labels, e.count, e.total, tuple(sorted(e.buckets.items())))
            for labels, e in sorted(series.items())]


def merged(distributions: Sequence[Distribution]) -> Distribution:
    """One distribution adding up series of the same histogram (same buckets), keeping the labels they share."""
    first = distributions[0]
    shared = tuple(pair for pair in first.labels if all(pair in d.labels for d in distributions))
    bounds = [bound for bound, _ in first.buckets]
    buckets = tuple((bound, sum(dict(d.buckets).get(bound, 0.0) for d in distributions)) for bound in bounds)
    return Distribution(first.name, shared, sum(d.count for d in distributions),
                        sum(d.total for d in distributions), buckets)


def bucket_quantile(buckets: Sequence[tuple[float, float]], q: float) -> float | None:
    """The q-quantile from cumulative (upper bound, count) buckets; None without observations.

    Linear within the bucket the rank falls in (from 0 for the first); a rank in the +Inf bucket gives the
    highest finite bound, as Prometheus does.
    """
    total = buckets[-1][1] if buckets else 0.0
    if total <= 0:
        return None
    rank = q * total
    lower, below = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if math.isinf(bound):
                return lower
            return lower + (bound - lower) * (rank - below) / (count - below)
        lower, below = bound, count
    return lower


def _labels(labels: Mapping[str, str]) -> Labels:
    return tuple(sorted(labels.items()))


def _matches(have: Labels, wanted: Mapping[str, str]) -> bool:
    present = dict(have)
    return all(present.get(k) == v for k, v in wanted.items())
