"""Audience quality: signs of bought or purged followers, as an explained ESTIMATE (pure pandas / numpy).

Four rules, each a component with its figure, sample and basis:
- follower_spikes: a day whose net follower change is far above the profile's own robust baseline (robust
  z-score against the trailing 90 days), large in itself, and that no viral post explains;
- follower_purges: a one-day loss far below that baseline and large in itself (platforms remove accounts in
  one sweep);
- engagement_vs_tier: the engagement rate of the talent's largest platform far below the median of the other
  talents of its tier on that platform (bought followers do not engage, so they dilute the rate);
- comment_quality: the share of spam and generic comments among audience comments.
Together they say "no / some / strong signs"; never how many followers are fake.

Snapshot gaps are skipped, not spread: a change across missing days is neither a baseline point nor a
candidate event, because the day it happened is unknown and spreading it would invent daily values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from intel.analytics.facts import TierPeers
from intel.analytics.result import (
    AUDIENCE_ESTIMATE_NOTE,
    AudienceComponent,
    AudienceLevel,
    AudienceQuality,
    Community,
    FollowerEvent,
    FollowerEventKind,
    Overview,
    metric,
    platform_label,
)

# The baseline is the profile's own last quarter: long enough to hold its usual ups and downs (a plateau,
# a good week), short enough to follow a profile that has grown into another size.
BASELINE_DAYS = 90
# Fewer daily changes than a month in the window and the "usual day" is not known: that day is not assessed.
MIN_BASELINE_DAYS = 30
# 1.4826 × MAD estimates the standard deviation of normal noise while ignoring the few extreme days.
MAD_TO_SIGMA = 1.4826
# A perfectly steady series (MAD 0, e.g. rounded counts) would divide by zero; 0.01 % of the followers (at
# least one follower) is far below any real day-to-day noise, so the size rules below decide such days.
SCALE_FLOOR_SHARE, SCALE_FLOOR_MIN = 0.0001, 1.0
# |z| ≥ 6: with normal noise once in ~500 million days; follower changes are fat-tailed, so 3–4 would fire
# every month or two on an ordinary profile, 6 only on days unlike anything in its last quarter.
SPIKE_Z = 6.0
PURGE_Z = 6.0
# A gain under 1.5 % in a day is within what a good post or a mention brings (the demo's post-viral growth
# days reach ~0.6 %); bought packages that matter commercially add several % at once.
SPIKE_MIN_PCT = 1.5
# A loss of 3 % in one day: unfollow waves (a controversy, a quiet spell) spread over days, ~2 % a day at
# most; a platform's purge lands in one day's snapshot.
PURGE_MIN_PCT = 3.0
# A viral post reaches several times the profile's usual audience: ≥ 3 × the median interactions (or views)
# of its posts. Below 5 posts there is no usual audience, and any post counts as a possible explanation
# (the rule errs towards not flagging). A post on the jump's first day, or the day before (the snapshot is
# taken early in the day, after the evening's post), explains the whole run of consecutive jump days.
VIRAL_FACTOR = 3.0
MIN_POSTS_FOR_VIRAL = 5
# A third of the tier median: ordinary accounts of one tier and platform spread widely around it (the demo
# roster: 44–238 % of its tier median over seeds 10–14), so only a rate under a third is "far below".
ENGAGEMENT_FLOOR_RATIO = 1 / 3
# With fewer peers the "median" is one or two other accounts, no baseline.
MIN_TIER_PEERS = 2
# Spam + generic ("nice", "wow") comments at 40 % of audience comments or more: real fans write short praise
# too (6–13 % in the demo roster; no real benchmark is at hand), so only an audience writing mostly that,
# three times the roster's highest, counts as a sign.
LOW_QUALITY_COMMENTS_PCT = 40.0
MIN_AUDIENCE_COMMENTS = 50

METHOD = {
    "audience_quality": (
        "An estimate, not a measurement of fake followers. Per profile, daily net follower change Δ (days "
        f"after a snapshot gap are skipped); robust z = (Δ − median) ÷ (1.4826 × MAD) over the trailing "
        f"{BASELINE_DAYS} days without the day itself (at least {MIN_BASELINE_DAYS} days). Spike: z ≥ "
        f"{SPIKE_Z:g} and a gain ≥ {SPIKE_MIN_PCT:g} % with no viral post (≥ {VIRAL_FACTOR:g} × the profile's "
        "median interactions or views) on the run's first day or the day before. Purge: z ≤ "
        f"−{PURGE_Z:g} and a one-day loss ≥ {PURGE_MIN_PCT:g} %. Engagement: the largest platform's rate "
        f"below a third of the median of the tier's other talents on that platform "
        f"(stored roster figures, at least {MIN_TIER_PEERS}). Comments: spam + generic ≥ "
        f"{LOW_QUALITY_COMMENTS_PCT:g} % of audience comments (at least {MIN_AUDIENCE_COMMENTS}). "
        "No flag: no signs; one rule: some signs; two or more: strong signs."
    ),
}


@dataclass(frozen=True)
class _Day:
    """One assessed day of one profile."""

    day: pd.Timestamp
    change: float
    previous: float
    z: float


@dataclass(frozen=True)
class _Scan:
    """What the follower rules found on every profile."""

    assessed: int
    skipped: int
    events: tuple[FollowerEvent, ...]
    explained: int


def audience_quality(snapshots: pd.DataFrame, posts: pd.DataFrame, overview: Overview, community: Community,
                     peers: TierPeers | None, since: pd.Timestamp | None = None) -> AudienceQuality:
    """The audience-quality estimate from snapshots, posts (with interactions), the overview and comment kinds.

    `since` (a window's first day): only days from then on are assessed; their baseline may lie before it.
    """
    scan = scan_followers(snapshots, posts, since)
    components = (
        _events_component("follower_spikes", scan, "spike"),
        _events_component("follower_purges", scan, "purge"),
        engagement_component(overview, peers),
        comment_component(community),
    )
    assessed = [c for c in components if c.status != "unavailable"]
    flags = sum(c.status == "flag" for c in assessed)
    return AudienceQuality(
        level=_level(len(assessed), flags),
        signs=metric(flags if assessed else None, len(assessed), "audience-quality rules that flag, of those "
                     "that could be applied", estimated=True),
        components=components,
        events=scan.events,
        note=AUDIENCE_ESTIMATE_NOTE,
    )


def _level(assessed: int, flags: int) -> AudienceLevel:
    if not assessed:
        return "unavailable"
    return "no signs" if flags == 0 else "some signs" if flags == 1 else "strong signs"


# ---------------------------------------------------------------- follower spikes and purges


def scan_followers(snapshots: pd.DataFrame, posts: pd.DataFrame, since: pd.Timestamp | None = None) -> _Scan:
    """Spikes and purges on every profile's daily series (from `since` on, if given), oldest first."""
    assessed = skipped = explained = 0
    events: list[FollowerEvent] = []
    for (profile_id, platform), group in snapshots.groupby(["profile_id", "platform"], sort=True):
        series = group.drop_duplicates("day", keep="last").set_index("day")["followers"].astype("float64")
        count, days, gaps = unusual_days(series, since)
        assessed, skipped = assessed + count, skipped + gaps
        viral = viral_days(posts[posts["profile_id"] == profile_id])
        spikes, runs_explained = _spikes(days, viral)
        explained += runs_explained
        events += [_event(d, str(platform), "spike") for d in spikes]
        events += [_event(d, str(platform), "purge") for d in days if _is_purge(d)]
    events.sort(key=lambda e: (e.day, e.platform, e.kind))
    return _Scan(assessed=assessed, skipped=skipped, events=tuple(events), explained=explained)


def unusual_days(series: pd.Series, since: pd.Timestamp | None = None) -> tuple[int, list[_Day], int]:
    """How many days could be assessed (a change from the calendar day before, and a baseline), those of them
    with |z| at the spike or purge threshold, and how many changes were skipped at snapshot gaps.

    `since`: only days from then on are assessed and counted (the baseline before them still counts).
    """
    series = series.sort_index()
    if len(series) < 2:
        return 0, [], 0
    full = series.reindex(pd.date_range(series.index[0], series.index[-1], freq="D"))
    change, previous = full.diff().to_numpy(), full.shift(1).to_numpy()
    # A snapshot whose calendar day before is missing: its change spans a gap and is skipped.
    steps = series.index.to_series().diff() > pd.Timedelta(days=1)
    gaps = int((steps if since is None else steps[series.index >= since]).sum())
    # windows[i] = the changes of the BASELINE_DAYS days before day i (NaN where missing), all at once.
    padded = np.concatenate([np.full(BASELINE_DAYS, np.nan), change])
    windows = sliding_window_view(padded, BASELINE_DAYS)[: len(change)]
    with np.errstate(invalid="ignore"):  # a gap or no followers: no share to take, no day to assess
        ok = ~np.isnan(change) & (previous > 0) & ((~np.isnan(windows)).sum(axis=1) >= MIN_BASELINE_DAYS)
    if since is not None:
        ok &= np.asarray(full.index >= since)
    if not ok.any():
        return 0, [], gaps
    baseline = windows[ok]
    median = _row_medians(baseline)
    mad = _row_medians(np.abs(baseline - median[:, None]))
    scale = np.maximum(np.maximum(MAD_TO_SIGMA * mad, SCALE_FLOOR_SHARE * previous[ok]), SCALE_FLOOR_MIN)
    z = (change[ok] - median) / scale
    days = full.index[ok]
    unusual = [_Day(day=days[k], change=float(change[ok][k]), previous=float(previous[ok][k]), z=float(z[k]))
               for k in np.flatnonzero((z >= SPIKE_Z) | (z <= -PURGE_Z))]
    return int(ok.sum()), unusual, gaps


def _row_medians(rows: np.ndarray) -> np.ndarray:
    """The median of each row, ignoring NaN (every row has some values): one sort, NaN sorted last
    (np.nanmedian loops row by row through masked arrays, ~10 × slower on a year of windows)."""
    ordered = np.sort(rows, axis=1)
    count = (~np.isnan(rows)).sum(axis=1)
    index = np.arange(len(rows))
    return np.asarray((ordered[index, (count - 1) // 2] + ordered[index, count // 2]) / 2)


def viral_days(posts: pd.DataFrame) -> frozenset[pd.Timestamp]:
    """UTC days of the profile's viral posts; with too few posts to know its usual audience, of every post."""
    if posts.empty:
        return frozenset()
    days = posts["posted_at"].dt.tz_convert("UTC").to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    viral = np.full(len(posts), len(posts) < MIN_POSTS_FOR_VIRAL)
    if len(posts) >= MIN_POSTS_FOR_VIRAL:
        interactions = posts["interactions"].to_numpy(dtype="float64")
        views = pd.to_numeric(posts["views"], errors="coerce").to_numpy(dtype="float64")
        viral |= interactions >= VIRAL_FACTOR * np.median(interactions)
        seen = views[~np.isnan(views)]
        if len(seen) >= MIN_POSTS_FOR_VIRAL:
            with np.errstate(invalid="ignore"):  # NaN views compare False: no view count, no viral view count
                viral |= views >= VIRAL_FACTOR * np.median(seen)
    return frozenset(pd.Timestamp(day) for day in days[viral])


def _spikes(days: list[_Day], viral: frozenset[pd.Timestamp]) -> tuple[list[_Day], int]:
    """Jump days no viral post explains, and how many runs of jump days a viral post did explain (`days`: the
    unusual days, so a run is consecutive days that all pass the jump rule)."""
    flagged: list[_Day] = []
    explained = 0
    for run in _runs([d for d in days if _is_jump(d)]):
        first, last = run[0].day - pd.Timedelta(days=1), run[-1].day
        if any(first <= v <= last for v in viral):
            explained += 1
        else:
            flagged += run
    return flagged, explained


def _runs(jumps: list[_Day]) -> Iterator[list[_Day]]:
    """Consecutive calendar days of jumps, as runs: one viral post drives follows for several days."""
    run: list[_Day] = []
    for day in jumps:
        if run and day.day - run[-1].day > pd.Timedelta(days=1):
            yield run
            run = []
        run.append(day)
    if run:
        yield run


def _is_jump(day: _Day) -> bool:
    return day.z >= SPIKE_Z and day.change > 0 and day.change / day.previous * 100 >= SPIKE_MIN_PCT


def _is_purge(day: _Day) -> bool:
    return day.z <= -PURGE_Z and day.change < 0 and -day.change / day.previous * 100 >= PURGE_MIN_PCT


def _event(day: _Day, platform: str, kind: FollowerEventKind) -> FollowerEvent:
    return FollowerEvent(day=day.day.strftime("%Y-%m-%d"), platform=platform, kind=kind, change=round(day.change),
                         percent=round(float(day.change / day.previous * 100), 2), z=round(float(day.z), 1))


def _events_component(name: str, scan: _Scan, kind: FollowerEventKind) -> AudienceComponent:
    found = [e for e in scan.events if e.kind == kind]
    gaps = f"; {scan.skipped} change(s) across snapshot gaps skipped" if scan.skipped else ""
    basis = f"daily follower changes with a {BASELINE_DAYS}-day baseline{gaps}"
    if not scan.assessed:
        return AudienceComponent(name, None, 0, basis, "unavailable",
                                 f"Fewer than {MIN_BASELINE_DAYS} days of daily snapshots before any day: no "
                                 "baseline to compare with.")
    days = ", ".join(f"{e.day} {platform_label(e.platform)} {e.percent:+.1f}%" for e in found)
    if kind == "spike":
        viral = (f" {scan.explained} jump(s) (runs of consecutive days) explained by a viral post."
                 if scan.explained else "")
        text = (f"Jumps no viral post explains: {days}.{viral}" if found else
                f"No unexplained jump of {SPIKE_MIN_PCT:g} % or more.{viral}")
    else:
        text = (f"One-day losses far outside the usual: {days}." if found else
                f"No one-day loss of {PURGE_MIN_PCT:g} % or more outside the usual.")
    return AudienceComponent(name, float(len(found)), scan.assessed, basis, "flag" if found else "ok", text)


# ---------------------------------------------------------------- engagement and comments


def engagement_component(overview: Overview, peers: TierPeers | None) -> AudienceComponent:
    """The largest platform's engagement rate as a % of the tier's median on that platform."""
    name = "engagement_vs_tier"
    platforms = overview.platforms
    # The platform the roster shows (summary.summarize): the peers' stored rates are of their largest platform.
    largest = max(platforms, key=lambda p: platforms[p].followers.value or -1, default=None)
    rate = None if largest is None else platforms[largest].engagement_rate.value
    if largest is None or rate is None or peers is None:
        return AudienceComponent(name, None, 0, "engagement rate against the tier median", "unavailable",
                                 "No engagement rate, or no tier to compare with.")
    same = [r for p, r in peers.rates if p == largest]
    label = platform_label(largest)
    basis = (f"{label} engagement rate ÷ median of {len(same)} other {peers.tier} talents on {label} "
             "(their stored roster figures)")
    median = float(np.median(same)) if same else 0.0
    if len(same) < MIN_TIER_PEERS or median <= 0:
        return AudienceComponent(name, None, len(same), basis, "unavailable",
                                 f"Fewer than {MIN_TIER_PEERS} other {peers.tier} talents with a computed "
                                 f"engagement rate on {label}.")
    ratio = rate / median * 100
    low = ratio < ENGAGEMENT_FLOOR_RATIO * 100
    verdict = "under a third of it, as a diluted (partly inactive) audience would be." if low else \
        "within the usual range."
    text = f"{rate:.2f}% against a tier median of {median:.2f}%: {verdict}"
    return AudienceComponent(name, round(ratio, 1), len(same), basis, "flag" if low else "ok", text)


def comment_component(community: Community) -> AudienceComponent:
    """Spam + generic comments as a % of audience comments."""
    name = "comment_quality"
    spam, generic = community.spam_share, community.generic_share
    n = spam.n
    basis = "spam + generic comments, % of fetched audience comments"
    if spam.value is None or generic.value is None or n < MIN_AUDIENCE_COMMENTS:
        return AudienceComponent(name, None, n, basis, "unavailable",
                                 f"Fewer than {MIN_AUDIENCE_COMMENTS} audience comments fetched.")
    share = spam.value + generic.value
    low = share >= LOW_QUALITY_COMMENTS_PCT
    text = (f"{spam.value:.1f}% spam and {generic.value:.1f}% generic comments: "
            + ("mostly what bot accounts write." if low else "within what real audiences write."))
    return AudienceComponent(name, round(share, 1), n, basis, "flag" if low else "ok", text)
