"""Is a change bigger than chance? The tests the rules add to their thresholds, so a quiet week of ordinary
variation raises nothing.

Thresholds alone fire on noise: 25 % negative comments of 30 against 15 % of 200 is "1.5× and 10 points
above", yet well within what chance gives a small sample. A rule also asks that the change be unlikely under
no change at all (one-sided, p ≤ `ALPHA`): for shares the two-proportion z-test, for post interactions the
Mann–Whitney U test (ranks, so one viral post does not make the baseline).
"""

from __future__ import annotations

import math

from scipy.stats import mannwhitneyu

# The share rules look every day at overlapping 7-day windows, a year of looks per talent. On the replay of
# injected events (bench.alert_replay's roster, three seeds), p ≤ 0.005 raised 61 false negative-comment and
# spam alerts over 180 talent-quarters; p ≤ 0.0005 raised 19, and still raised 70 of the 72 injected backlashes
# and spam waves within a day (the two others: a sparse poster's thin baseline, and a late spam wave).
ALPHA = 0.0005
Z_MIN = 3.291  # one-sided z for ALPHA


def share_z(recent_hits: int, recent_n: int, base_hits: int, base_n: int) -> float:
    """The pooled two-proportion z of the recent share above the baseline share (0 without a spread)."""
    if recent_n == 0 or base_n == 0:
        return 0.0
    pooled = (recent_hits + base_hits) / (recent_n + base_n)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / recent_n + 1 / base_n))
    if spread == 0:
        return 0.0
    return (recent_hits / recent_n - base_hits / base_n) / spread


def share_rose(recent_hits: int, recent_n: int, base_hits: int, base_n: int) -> bool:
    """Whether the recent share is significantly above the baseline's."""
    return share_z(recent_hits, recent_n, base_hits, base_n) >= Z_MIN


def values_fell(recent: list[float], baseline: list[float], *, alpha: float = ALPHA) -> bool:
    """Whether the recent values are significantly lower than the baseline's (one-sided Mann–Whitney U)."""
    if len(recent) < 2 or len(baseline) < 2:
        return False
    return bool(mannwhitneyu(recent, baseline, alternative="less").pvalue <= alpha)
