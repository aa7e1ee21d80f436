"""Demo follower curves: a year of daily counts per profile, and the audience-quality story injected into one.

Curves compound with noise, with a plateau, a viral spike and a drop on some profiles. `AUDIENCE_TALENT`'s
primary profile also gets bought followers and a later purge at the `*_DAYS_AGO` days (see
`audience_event_days`), which the audience-quality tests look for.
"""

from __future__ import annotations

import itertools
import math
import random
from datetime import date, datetime, timedelta

HISTORY_DAYS = 365  # daily snapshots for the 365 days ending `today`
HOSTILE_DAYS = 7  # the controversy window before today's sync
# The audience-quality story, on the talent's primary profile: followers bought on one day and a purge on a
# later one, both on days without a post (nor one the day before), so no viral post explains them. In days
# before `today` (the snapshot of that day shows the change); see `audience_event_days`.
AUDIENCE_TALENT = "Luca Romano"
BOUGHT_SPIKE_DAYS_AGO, BOUGHT_SPIKE_PCT = 230, 8.0
PURGE_DAYS_AGO, PURGE_PCT = 75, 5.0


def audience_event_days(today: date) -> tuple[date, date]:
    """The snapshot days of `AUDIENCE_TALENT`'s bought-follower jump and purge in the year ending `today`."""
    return today - timedelta(days=BOUGHT_SPIKE_DAYS_AGO), today - timedelta(days=PURGE_DAYS_AGO)


def follower_series(rng: random.Random, end: int, *, drop_at_end: bool,
                    random_drop: bool = True) -> tuple[list[int], int | None]:
    """Daily followers ending at `end`: compounding growth with noise, maybe a plateau, spike and drop (no random
    drop when `random_drop` is False: the calm roster that injected events are measured on)."""
    daily = math.log1p(rng.uniform(0.03, 0.7)) / HISTORY_DAYS
    rates = [daily] * HISTORY_DAYS
    if rng.random() < 0.6:  # plateau: growth stalls for a month or two
        begin, length = rng.randrange(0, 300), rng.randint(25, 60)
        rates[begin : begin + length] = [daily * 0.05] * len(rates[begin : begin + length])
    spike_day = None
    early_spike = rng.random() < 0.5
    if rng.random() < 0.55:  # viral spike: a jump over a few days, then faster growth for a while
        spike_day = rng.randrange(30, 170) if early_spike else rng.randrange(200, 330)
        days, gain = rng.randint(2, 5), math.log1p(rng.uniform(0.12, 0.6))
        for d in range(spike_day, spike_day + days):
            rates[d] += gain / days
        for d in range(spike_day + days, min(HISTORY_DAYS, spike_day + days + 40)):
            rates[d] += daily * 0.8
    if drop_at_end:  # the controversy: followers leave over the last days
        add_loss(rates, HISTORY_DAYS - HOSTILE_DAYS + 1, HOSTILE_DAYS - 1, rng.uniform(0.04, 0.08))
    elif random_drop and rng.random() < 0.35:  # a drop: a purge of inactive accounts or a misstep
        begin = rng.randrange(200, 340) if early_spike else rng.randrange(30, 170)
        add_loss(rates, begin, rng.randint(4, 12), rng.uniform(0.02, 0.08))
    levels = list(itertools.accumulate(rate + rng.gauss(0, 0.0012) for rate in rates))
    return [max(1, round(end * math.exp(level - levels[-1]))) for level in levels], spike_day


def bought_and_purged(
    first_day: date, series: list[int], schedule: list[tuple[datetime, bool]]
) -> tuple[list[int], list[tuple[datetime, bool]]]:  # fmt: skip
    """The series with a one-day bought jump and a later one-day purge (today's count kept), and the schedule
    with any post on those days or the day before moved two days later (no random draw: the rest of the
    roster stays as it was)."""
    last = len(series) - 1
    bought, purged = last - BOUGHT_SPIKE_DAYS_AGO, last - PURGE_DAYS_AGO
    jump, loss = 1 + BOUGHT_SPIKE_PCT / 100, 1 - PURGE_PCT / 100
    # Scale the days before each event down (before the jump) and up (before the purge): the later days keep
    # the organic curve, the snapshot of each event day shows the step.
    scaled = [round(f / (jump if d < bought else 1) / (loss if d < purged else 1)) for d, f in enumerate(series)]
    quiet = {bought - 1, bought, purged - 1, purged}
    moved = [(t + timedelta(days=2) if (t.date() - first_day).days in quiet else t, viral) for t, viral in schedule]
    return scaled, sorted(moved)


def add_loss(rates: list[float], begin: int, days: int, loss: float) -> None:
    """Spread a relative follower loss over `days` days from `begin`."""
    for d in range(begin, min(HISTORY_DAYS, begin + days)):
        rates[d] = math.log1p(-loss) / days


def with_drop(series: list[int], begin: int, days: int, loss: float) -> list[int]:
    """The series with `loss` of the followers lost in equal steps over `days` snapshots from index `begin`."""
    return [round(f * (1 - loss * min(max(d - begin + 1, 0), days) / days)) for d, f in enumerate(series)]
