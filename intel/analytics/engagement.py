"""Per-post engagement: followers at posting time and interaction rates (pure pandas)."""

from __future__ import annotations

import pandas as pd

from intel.db.models import VIDEO_PLATFORMS

# A post's rate needs followers counted near its day; farther than this the rate is unavailable.
SNAPSHOT_TOLERANCE = pd.Timedelta(days=3)
INTERACTIONS = ("likes", "comments", "shares", "saves")
RECENT_POSTS = 12


def with_rates(posts: pd.DataFrame, snapshots: pd.DataFrame) -> pd.DataFrame:
    """Posts plus `followers_at_post`, `interactions`, `rate` and `view_rate` (percent)."""
    frame = posts.copy()
    frame["interactions"] = frame[list(INTERACTIONS)].sum(axis=1).astype("float64")
    frame["followers_at_post"] = _followers_at(frame, snapshots)
    followers = frame["followers_at_post"].where(frame["followers_at_post"] > 0)
    frame["rate"] = frame["interactions"] / followers * 100
    views = pd.to_numeric(frame["views"], errors="coerce")
    frame["view_rate"] = (frame["interactions"] / views.where(views > 0) * 100).where(
        frame["platform"].isin(VIDEO_PLATFORMS)
    )
    return frame


def _followers_at(posts: pd.DataFrame, snapshots: pd.DataFrame) -> pd.Series:
    """Followers of the post's profile on its posting day, else the nearest earlier, else later, day."""
    if posts.empty or snapshots.empty:
        return pd.Series(float("nan"), index=posts.index, dtype="float64")
    left = posts[["profile_id"]].assign(
        at=posts["posted_at"].dt.tz_convert(None).dt.normalize().astype("datetime64[ns]"), _row=range(len(posts))
    ).sort_values("at")
    right = snapshots[["profile_id", "day", "followers"]].rename(columns={"day": "at"})
    right = right.assign(at=right["at"].astype("datetime64[ns]")).sort_values("at")
    found = pd.merge_asof(left, right, on="at", by="profile_id", direction="backward",
                          tolerance=SNAPSHOT_TOLERANCE).set_index("_row")["followers"]
    missing = found.isna()
    if missing.any():  # posts before the first snapshot: take the next one within the tolerance
        later = pd.merge_asof(left[left["_row"].isin(found.index[missing])], right, on="at", by="profile_id",
                              direction="forward", tolerance=SNAPSHOT_TOLERANCE).set_index("_row")["followers"]
        found = found.fillna(later)
    return pd.Series(found.sort_index().astype("float64").to_numpy(), index=posts.index)


def recent(posts: pd.DataFrame, count: int = RECENT_POSTS) -> pd.DataFrame:
    """The newest `count` posts (posts are sorted by posting time)."""
    return posts.tail(count)
