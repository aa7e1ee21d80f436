"""Known events injected into a calm demo roster, to measure the alert rules against ground truth.

`load_demo(engine, events=[...])` generates the roster without its built-in story (no controversy, no random
follower drops, no bought followers or purge, no campaigns), so every alert on it is either one of the
injected events or a false alarm, and then writes exactly these events into the data:

- backlash: a post at `start` drawing 80 comments (twice the demo's most), 80 % of them hostile, arriving over
  the following hours, and the same share hostile under the profile's other posts of the week;
- spam_wave: the same with spam comments (bots flooding one account);
- follower_drop: the platform loses `FOLLOWER_LOSS` of its followers over the 3 snapshots from `start` (moved
  past the profile's viral spike when drawn within days of it);
- engagement_slump: the platform's posts of the 16 days from `start` (at least `SLUMP_POSTS` of them: posts are
  added when the schedule has fewer) reach `SLUMP_FACTOR` of their usual audience; on a profile with fewer than
  `SLUMP_POSTS_BEFORE` posts before `start`, it starts the day after its 11th post (`PlacedEvent.start` says).

Each placed event says when the data first shows it (`detectable_on`): the day of the post or of the first
snapshot of the drop, and for a slump the day its 5th post is 2 days old (the engagement rule leaves out posts
under 2 days old; from then on 5 of the 6 latest settled posts are slumped: the slump is established, not one
or two weak posts). `schedule_events` draws a year of them from a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

EventKind = Literal["backlash", "spam_wave", "follower_drop", "engagement_slump"]
KINDS: tuple[EventKind, ...] = ("backlash", "spam_wave", "follower_drop", "engagement_slump")
FOLLOWER_LOSS = 0.075  # 2.5 % a day over 3 days: ≥ 2 % in 7 days from the first snapshot on
FOLLOWER_DROP_DAYS = 3
SLUMP_DAYS, SLUMP_POSTS, SLUMP_FACTOR = 16, 6, 0.25
# What the engagement rule needs to judge a slump on its 5th post: 10 posts before the last 6, so 11 before the
# slump. A slump drawn earlier on a profile that posts rarely starts the day after its 11th post instead.
SLUMP_POSTS_BEFORE = 11
# A viral spike gains 12–60 % in 2–5 days: a 7.5 % drop in the same week is a net gain, invisible in any data.
# A drop drawn that close to the profile's spike starts once the spike's days are out of the 7-day window.
SPIKE_CLEAR_DAYS = 12
EVENT_POST_COMMENTS, EVENT_SHARE, EVENT_DAYS = 80, 0.8, 7
EVENT_POST_TIME = time(3, 0)  # UTC: its comments have arrived by the next morning's computation
SETTLE = timedelta(days=2)  # the engagement rule leaves out posts younger than this


@dataclass(frozen=True)
class InjectedEvent:
    """An event to write into the data: whose, what, from when, on which platform (default: the primary)."""

    talent: str
    kind: EventKind
    start: date
    platform: str | None = None


@dataclass(frozen=True)
class PlacedEvent:
    """An injected event as written: its platform and the day the data first shows it."""

    talent: str
    kind: EventKind
    platform: str
    start: date
    detectable_on: date


def event_post_time(day: date) -> datetime:
    """When the post carrying a backlash or spam wave goes up."""
    return datetime.combine(day, EVENT_POST_TIME, UTC)


def slump_detectable(posted: list[datetime], start: date) -> date:
    """The day the 5th slumped post (of those posted in the slump window) is 2 days old."""
    window_end = start + timedelta(days=SLUMP_DAYS)
    slumped = sorted(p for p in posted if start <= p.date() < window_end)
    return (slumped[SLUMP_POSTS - 2] + SETTLE).date()


def slump_start(posted: list[datetime], start: date) -> date:
    """`start`, or the day after the profile's 11th post when fewer posts come before it."""
    earlier = sorted(posted)[:SLUMP_POSTS_BEFORE]
    if len(earlier) < SLUMP_POSTS_BEFORE or earlier[-1].date() < start:
        return start
    return earlier[-1].date() + timedelta(days=1)


def drop_start(start: date, spike: date | None) -> date:
    """`start`, or `SPIKE_CLEAR_DAYS` after the profile's viral spike when it is drawn within that of it."""
    if spike is None or not spike - timedelta(days=FOLLOWER_DROP_DAYS + 7) <= start < spike + timedelta(
            days=SPIKE_CLEAR_DAYS):
        return start
    return spike + timedelta(days=SPIKE_CLEAR_DAYS)


def schedule_events(seed: int, talents: list[tuple[str, tuple[str, ...]]], today: date, *,
                    first_day_offset: int = 100, spacing: int = 60) -> list[InjectedEvent]:
    """Each talent gets every kind once over the year, in a random order, `spacing` days apart (± 7) from
    `first_day_offset` days into the history (so every rule has its baseline); follower drops on a random
    platform, the others on the talent's main one."""
    rng = random.Random(seed)
    first = today - timedelta(days=364)
    events: list[InjectedEvent] = []
    for name, platforms in talents:
        kinds = list(KINDS)
        rng.shuffle(kinds)
        for i, kind in enumerate(kinds):
            day = first + timedelta(days=first_day_offset + i * spacing + rng.randint(-7, 7))
            # A slump needs the posts to judge it by: on the main platform (a secondary one may post too rarely
            # for the engagement rule's 10 posts in 90 days). Follower drops hit any platform.
            platform = rng.choice(platforms) if kind == "follower_drop" else platforms[0]
            events.append(InjectedEvent(name, kind, day, platform))
    return events
