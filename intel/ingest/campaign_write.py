"""Writing imported campaigns and deliverables: the importer's writer for the two campaign kinds.

Same contract as `write.BatchWriter` (start / write / finish / close / analyze): each batch in ONE
transaction, rows refused with their line and reason, counted inserted / updated / unchanged / duplicate,
idempotent on the natural keys (brand + name + starts_on, then the talent; deliverables also by platform,
format and due day). An import never removes anything: rules are added, not replaced, and the manual
include / exclude decisions of `campaign_posts` are never touched; the service re-runs attribution for the
talents written. Demo talents and campaigns are never read or written. A dry run reads and rolls back.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from intel.campaigns.money import to_minor
from intel.campaigns.rules import normalise
from intel.db.campaigns import Campaign, CampaignTalent, Deliverable, TrackingRule
from intel.db.models import Talent
from intel.errors import IntelError
from intel.ingest.parse import KindSpec, ParsedRow, RowError, normalize_handle, shown
from intel.ingest.read import Record
from intel.ingest.refs import HANDLE_KEY, BatchResult

log = logging.getLogger(__name__)
_PREFIXES = {"code": "promo_code", "url": "url", "post": "post_id", "hashtag": "hashtag", "mention": "mention"}


class _Refused(Exception):
    """One row cannot be written: which column, which value, why."""

    def __init__(self, column: str, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


def parse_rules(text: str) -> list[tuple[str, str]]:
    """(kind, normalised value) of each `;`-separated rule: #tag, @handle, code:X, url:X, post:X."""
    found = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        prefix, sep, rest = part.partition(":")
        if part.startswith("#"):
            kind, raw = "hashtag", part
        elif part.startswith("@"):
            kind, raw = "mention", part
        elif sep and prefix.strip().lower() in _PREFIXES:
            kind, raw = _PREFIXES[prefix.strip().lower()], rest
        else:
            raise _Refused("rules", part, "a rule is #hashtag, @mention, code:PROMO, url:brand.example/x or post:ID")
        try:
            found.append((kind, normalise(kind, raw)))
        except IntelError as exc:
            raise _Refused("rules", part, str(exc)) from None
    return found


class CampaignWriter:
    """Writes batches of `campaigns` or `deliverables` rows (see the module docstring)."""

    def __init__(self, engine: Engine, spec: KindSpec, *, dry_run: bool = False, talent: str | None = None,
                 parallel: bool = True) -> None:
        del parallel  # nothing to score: campaign rows carry no captions or comments
        self.engine, self.spec, self.dry_run = engine, spec, dry_run
        self.talent = normalize_handle(talent) if talent else None
        self.timings: dict[str, float] = {}
        self._seen: set[tuple[Any, ...]] = set()

    def start(self) -> None:
        """Nothing to prepare (the BatchWriter's contract)."""

    def write(self, batch: list[tuple[Record, ParsedRow]]) -> tuple[list[tuple[Record, RowError]], list[BatchResult]]:
        """Write one batch in one transaction; the refused rows and the batch's counts."""
        result, refused = BatchResult(), []
        with Session(self.engine) as session:
            for record, row in batch:
                try:
                    self._row(session, row.values, result)
                except _Refused as exc:
                    refused.append((record, RowError(record.line, exc.column, shown(exc.value), exc.reason)))
            if self.dry_run:
                session.rollback()  # a dry run reads and checks exactly what the import would write
            else:
                session.commit()
        return refused, [result]

    def finish(self) -> list[BatchResult]:
        """Every batch is committed as it is written: nothing is pending."""
        return []

    def close(self) -> None:
        """Nothing is held open."""

    def analyze(self) -> None:
        """Campaign tables stay small: no statistics refresh needed."""

    def _row(self, session: Session, v: dict[str, Any], result: BatchResult) -> None:
        key = tuple(v[c] for c in self.spec.key)
        talent_id = self._talent(session, v["talent_handle"])
        # Each row is checked whole before it writes anything, so a refused row leaves nothing of itself (no
        # savepoint: pysqlite's legacy transactions would commit one on release).
        changed = (self._campaign_row(session, v, talent_id) if self.spec.name == "campaigns"
                   else self._deliverable_row(session, v, talent_id))
        duplicate = key in self._seen  # a refused row does not count: the next row with its key is no duplicate
        self._seen.add(key)
        result.talent_ids.add(talent_id)
        if duplicate:
            result.duplicates += 1
        elif changed == "inserted":
            result.inserted += 1
        elif changed == "updated":
            result.updated += 1
        else:
            result.unchanged += 1

    def _talent(self, session: Session, handle: str) -> int:
        wanted = normalize_handle(handle)
        if self.talent is not None and wanted != self.talent:
            raise _Refused("talent_handle", handle, "another talent than the one this import is about")
        found = session.execute(select(Talent.id, Talent.is_demo).where(HANDLE_KEY.in_([wanted]))).first()
        if found is None:
            raise _Refused("talent_handle", handle, "no talent with this handle: import the talent first")
        if found.is_demo:
            raise _Refused("talent_handle", handle, "a demo talent: imports never touch demo data")
        return int(found.id)

    def _find(self, session: Session, v: dict[str, Any]) -> Campaign | None:
        campaign = session.scalar(select(Campaign).where(Campaign.brand == v["brand"], Campaign.name == v["name"],
                                                         Campaign.starts_on == v["starts_on"]))
        if campaign is not None and campaign.is_demo:
            raise _Refused("name", v["name"], "a demo campaign: imports never touch demo data")
        return campaign

    def _campaign_row(self, session: Session, v: dict[str, Any], talent_id: int) -> str:
        if v["ends_on"] < v["starts_on"]:
            raise _Refused("ends_on", v["ends_on"].isoformat(), "the campaign ends before it starts")
        rules = parse_rules(v["rules"])
        fields = {k: v[k] for k in ("ends_on", "status", "currency", "notes") if v[k] is not None}
        campaign = self._find(session, v)
        changed = False
        if campaign is None:
            campaign = Campaign(brand=v["brand"], name=v["name"], starts_on=v["starts_on"],
                                **{"status": "planned", "currency": "EUR", "notes": "", **fields})
            session.add(campaign)
            session.flush()
        elif any(getattr(campaign, k) != value for k, value in fields.items()):
            for k, value in fields.items():
                setattr(campaign, k, value)
            changed = True
        link = session.scalar(select(CampaignTalent).where(CampaignTalent.campaign_id == campaign.id,
                                                           CampaignTalent.talent_id == talent_id))
        fee = to_minor(v["fee"], campaign.currency)
        is_new = link is None
        if link is None:
            session.add(CampaignTalent(campaign_id=campaign.id, talent_id=talent_id, fee_minor=fee))
        elif v["fee"] is not None and link.fee_minor != fee:
            link.fee_minor, changed = fee, True
        known = {(k, value) for k, value in session.execute(
            select(TrackingRule.kind, TrackingRule.value).where(TrackingRule.campaign_id == campaign.id))}
        for kind, value in dict.fromkeys(rules):
            if (kind, value) not in known:
                session.add(TrackingRule(campaign_id=campaign.id, kind=kind, value=value))
                changed = True
        session.flush()
        # The row's key is the campaign and talent: a new pair is inserted, a change to what it carries updated.
        return "inserted" if is_new else "updated" if changed else "unchanged"

    def _deliverable_row(self, session: Session, v: dict[str, Any], talent_id: int) -> str:
        if v["count"] < 1:
            raise _Refused("count", str(v["count"]), "a deliverable is 1 to 100 posts")
        campaign = self._find(session, v)
        if campaign is None:
            raise _Refused("name", v["name"], "no campaign with this brand, name and start: import campaigns first")
        link = session.scalar(select(CampaignTalent).where(CampaignTalent.campaign_id == campaign.id,
                                                           CampaignTalent.talent_id == talent_id))
        if link is None:
            raise _Refused("talent_handle", v["talent_handle"], "this talent is not on the campaign")
        row = session.scalar(select(Deliverable).where(
            Deliverable.campaign_talent_id == link.id, Deliverable.platform == v["platform"],
            Deliverable.media_type == v["media_type"], Deliverable.due_on == v["due_on"]))
        if row is None:
            session.add(Deliverable(campaign_talent_id=link.id, platform=v["platform"], media_type=v["media_type"],
                                    count=v["count"], due_on=v["due_on"]))
            session.flush()
            return "inserted"
        if row.count != v["count"]:
            row.count = v["count"]
            session.flush()
            return "updated"
        return "unchanged"
