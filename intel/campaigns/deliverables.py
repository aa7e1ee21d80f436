"""Deliverables: which are done, still due, or overdue, from the posts attributed to the campaign (pure).

A deliverable is `count` posts of one format on one platform by a due date (a date in the agency's zone).
Posts are matched to the deliverables of their talent, platform and format in posting order, earliest due
date first, so two "1 reel" deliverables need two reels. A deliverable is overdue from the day after its due
date until enough posts arrive; one done after its due date is done, and marked late.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

State = Literal["done", "due", "overdue"]


@dataclass(frozen=True)
class DeliverableSpec:
    """One deliverable as the status needs it."""

    id: int
    talent_id: int
    platform: str
    media_type: str
    count: int
    due_on: date


@dataclass(frozen=True)
class DeliveredPost:
    """An attributed (not excluded) post: whose, where, which format, when."""

    post_id: int
    talent_id: int
    platform: str
    media_type: str
    posted_at: datetime


@dataclass(frozen=True)
class DeliverableStatus:
    """How far one deliverable is: posts counted towards it (at most `count`), its state, and lateness."""

    spec: DeliverableSpec
    delivered: int
    state: State
    late: bool
    post_ids: tuple[int, ...]
    days_overdue: int | None = None  # whole days past the due date, while overdue


def statuses(specs: list[DeliverableSpec], posts: list[DeliveredPost], *, now: datetime,
             zone: str) -> list[DeliverableStatus]:
    """The status of every deliverable, in the order given."""
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    pools: dict[tuple[int, str, str], list[DeliveredPost]] = defaultdict(list)
    for post in sorted(posts, key=lambda p: (p.posted_at, p.post_id)):
        pools[(post.talent_id, post.platform, post.media_type)].append(post)
    taken: dict[int, tuple[DeliveredPost, ...]] = {}
    for spec in sorted(specs, key=lambda s: (s.due_on, s.id)):
        pool = pools[(spec.talent_id, spec.platform, spec.media_type)]
        taken[spec.id], pools[(spec.talent_id, spec.platform, spec.media_type)] = (
            tuple(pool[: spec.count]), pool[spec.count:])
    return [_status(spec, taken[spec.id], today, tz) for spec in specs]


def _status(spec: DeliverableSpec, used: tuple[DeliveredPost, ...], today: date, tz: ZoneInfo) -> DeliverableStatus:
    ids = tuple(p.post_id for p in used)
    if len(used) >= spec.count:
        late = any(p.posted_at.astimezone(tz).date() > spec.due_on for p in used)
        return DeliverableStatus(spec, len(used), "done", late, ids)
    if today > spec.due_on:
        return DeliverableStatus(spec, len(used), "overdue", False, ids, (today - spec.due_on).days)
    return DeliverableStatus(spec, len(used), "due", False, ids)


@dataclass(frozen=True)
class DeliverableCounts:
    """Totals over a campaign: deliverables done, still due, overdue (each a count of deliverables)."""

    done: int
    due: int
    overdue: int

    @property
    def total(self) -> int:
        """Every deliverable."""
        return self.done + self.due + self.overdue


def counts(found: list[DeliverableStatus]) -> DeliverableCounts:
    """Done / due / overdue totals."""
    states = [s.state for s in found]
    return DeliverableCounts(states.count("done"), states.count("due"), states.count("overdue"))
