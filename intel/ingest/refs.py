"""Resolving an import row's references: talent handle, profile (platform + account_id), post.

One SELECT per batch for the keys not yet known, and a bounded LRU cache of resolved parents across
batches (misses are asked again, since the parent may be imported meanwhile). Parents of the demo
roster refuse the row; so does a parent of another talent than --talent.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from intel.db.models import SocialPost, SocialProfile, Talent
from intel.errors import ImportRefused
from intel.ingest.parse import KindSpec, ParsedRow, RowError, normalize_handle, shown
from intel.ingest.read import Record

PARENT_CACHE = 100_000  # parent keys remembered across batches (LRU)
HANDLE_KEY = func.lower(func.ltrim(func.trim(Talent.primary_handle), "@"))  # talents' natural key in SQL


@dataclass
class Item:
    """A valid row on its way to the database."""

    record: Record
    row: ParsedRow
    db: dict[str, Any] = field(default_factory=dict)
    talent_id: int | None = None
    key: tuple[Any, ...] = ()
    stored_id: int | None = None  # the id of the stored row it updates (talents)
    is_new: bool = False  # classified as a row to insert


@dataclass
class BatchResult:
    """What one batch did (or, in a dry run, would do)."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    refused: list[tuple[Record, RowError]] = field(default_factory=list)
    talent_ids: set[int] = field(default_factory=set)


class _LRU(OrderedDict[Any, Any]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: Any, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)


class References:
    """Parents of one import's rows, resolved per batch and cached across batches."""

    def __init__(self, spec: KindSpec, talent: str | None, key_cols: tuple[str, ...]) -> None:
        self.spec, self.talent, self.key_cols = spec, talent, key_cols
        self.talent_id: int | None = None
        self._talent_profiles: dict[str, list[int]] = {}
        self._parents = _LRU(PARENT_CACHE)

    def start(self, conn: Connection) -> None:
        """Resolve --talent (not for a talents import, which may create it); ImportRefused if unknown."""
        if not self.talent or self.spec.name == "talents":
            return
        ids = conn.scalars(select(Talent.id).where(Talent.is_demo.is_(False),
                                                   HANDLE_KEY.in_([normalize_handle(self.talent)]))).all()
        if len(ids) != 1:
            raise ImportRefused(f"--talent {self.talent}: " + (
                "no imported talent has this handle" if not ids else f"{len(ids)} talents have this handle"))
        self.talent_id = ids[0]
        for pid, platform in conn.execute(select(SocialProfile.id, SocialProfile.platform)
                                          .where(SocialProfile.talent_id == self.talent_id)):
            self._talent_profiles.setdefault(platform, []).append(pid)

    @staticmethod
    def _refuse(result: BatchResult, item: Item, column: str, value: Any, reason: str) -> None:
        result.refused.append((item.record, RowError(item.record.line, column, shown(value or ""), reason)))

    def resolve(self, conn: Connection, items: list[Item], result: BatchResult) -> list[Item]:
        """The items whose parents exist (db row and key set); the others refused into `result`."""
        kind = self.spec.name
        if kind == "talents":
            return self._own_talents(items, result)
        if kind == "profiles":
            found = self._lookup(conn, "talent", {normalize_handle(i.row.values["talent_handle"]) for i in items})
        elif kind in ("snapshots", "posts"):
            found = self._lookup(conn, "profile", {(i.row.values["platform"], i.row.values["account_id"])
                                                   for i in items if i.row.values["account_id"]})
        else:
            found = self._lookup(conn, "post", {(i.row.values["platform"], i.row.values["platform_post_id"])
                                                for i in items})
        kept = []
        for item in items:
            parent = self._parent_of(item, found, result)
            if parent is not None:
                item.db = self._db_row(item.row.values, parent)
                item.key = tuple(item.db[c] for c in self.key_cols)
                kept.append(item)
        return kept

    def _parent_of(self, item: Item, found: dict[Any, Any], result: BatchResult) -> int | None:
        """The parent id of a row, with its talent set on the item; None (and a refusal) when it has none."""
        v, kind = item.row.values, self.spec.name
        if kind == "profiles":
            column, value, what = "talent_handle", v["talent_handle"], "talent"
            hit = found.get(normalize_handle(value))
        elif kind in ("snapshots", "posts"):
            column, value, what = "account_id", v["account_id"], "profile"
            hit = found.get((v["platform"], value)) if value else self._only_profile(v["platform"])
            if not value and hit is None:
                self._refuse(result, item, "platform", v["platform"], f"--talent {self.talent} has no single "
                             f"profile on {v['platform']}; give account_id")
                return None
        else:
            column, value, what = "platform_post_id", v["platform_post_id"], "post"
            hit = found.get((v["platform"], value))
        if hit is None:
            where = f" on {v['platform']}" if "platform" in v and kind != "profiles" else ""
            self._refuse(result, item, column, value, f"unknown {what}{where} (import the {what}s first)")
            return None
        if hit == "ambiguous":
            self._refuse(result, item, column, value, "several talents have this handle")
            return None
        parent_id, talent_id, is_demo = hit
        if is_demo:
            self._refuse(result, item, column, value, f"the {what} belongs to the demo roster")
            return None
        if self.talent_id is not None and talent_id != self.talent_id:
            self._refuse(result, item, column, value, f"the {what} does not belong to --talent {self.talent}")
            return None
        item.talent_id = talent_id
        return int(parent_id)

    def _only_profile(self, platform: str) -> tuple[int, int, bool] | None:
        ids = self._talent_profiles.get(platform, [])
        return (ids[0], self.talent_id, False) if len(ids) == 1 and self.talent_id else None

    def _lookup(self, conn: Connection, what: str, keys: set[Any]) -> dict[Any, Any]:
        """Parents by natural key: cached ones, the rest with one SELECT … IN (misses are not cached)."""
        found = {k: self._parents[(what, k)] for k in keys if (what, k) in self._parents}
        missing = [k for k in keys if k not in found]
        if not missing:
            return found
        if what == "talent":
            rows = conn.execute(select(HANDLE_KEY, Talent.id)
                                .where(Talent.is_demo.is_(False), HANDLE_KEY.in_(missing))).all()
            fresh: dict[Any, Any] = {}
            for key, tid in rows:
                fresh[key] = "ambiguous" if key in fresh else (tid, tid, False)
        else:
            model = SocialProfile if what == "profile" else SocialPost
            id_col = SocialProfile.account_id if what == "profile" else SocialPost.platform_post_id
            query = select(model.platform, id_col, model.id, SocialProfile.talent_id, SocialProfile.is_demo)
            if what == "post":
                query = query.join(SocialProfile, SocialProfile.id == SocialPost.profile_id)
            query = query.where(model.platform.in_(sorted({k[0] for k in missing})),
                                id_col.in_(sorted({k[1] for k in missing})))
            wanted = set(missing)
            fresh = {(p, i): (pid, tid, demo) for p, i, pid, tid, demo in conn.execute(query) if (p, i) in wanted}
        for key, value in fresh.items():
            self._parents.put((what, key), value)
        found.update(fresh)
        return found

    def _own_talents(self, items: list[Item], result: BatchResult) -> list[Item]:
        kept = []
        for item in items:
            v = item.row.values
            if self.talent and normalize_handle(v["primary_handle"]) != normalize_handle(self.talent):
                self._refuse(result, item, "primary_handle", v["primary_handle"], f"not --talent {self.talent}")
                continue
            item.db = {"primary_handle": v["primary_handle"], "name": v["name"], "category": v["category"],
                       "tier": v["tier"], "timezone": v["timezone"], "is_demo": False}
            item.key = (normalize_handle(v["primary_handle"]),)
            kept.append(item)
        return kept

    def _db_row(self, v: dict[str, Any], parent: int) -> dict[str, Any]:
        kind = self.spec.name
        if kind == "profiles":
            return {"talent_id": parent, "platform": v["platform"], "account_id": v["account_id"],
                    "handle": v["handle"], "connected": v["connected"], "last_synced_at": v["last_synced_at"],
                    "is_demo": False}
        if kind == "snapshots":
            return {"profile_id": parent, "captured_on": v["captured_on"], "captured_at": v["captured_at"],
                    "followers": v["followers"], "following": v["following"], "posts_count": v["posts_count"]}
        if kind == "posts":
            return {"profile_id": parent, "platform": v["platform"], "platform_post_id": v["platform_post_id"],
                    "posted_at": v["posted_at"], "media_type": v["media_type"], "caption": v["caption"],
                    "likes": v["likes"], "comments": v["comments"], "shares": v["shares"], "saves": v["saves"],
                    "views": v["views"], "is_sponsored": v["is_sponsored"]}
        return {"post_id": parent, "platform_comment_id": v["platform_comment_id"], "text": v["text"],
                "author_handle": v["author_handle"], "created_at": v["created_at"],
                "is_talent_reply": v["is_talent_reply"]}

