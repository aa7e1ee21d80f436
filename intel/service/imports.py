"""The import entry point for the Import page and `python -m intel import`: checks the "import" capability,
imports into the process database, drops the cached intelligence of the talents written, then computes
their figures so the roster shows them without anyone opening each talent.

The computation after an import is bounded: at most WARM_MAX_TALENTS talents and WARM_BUDGET_S seconds,
in talent id order, so an import touching thousands of talents returns in seconds. The rest keep the
roster's "not computed yet" state until the worker (`python -m intel worker`, which computes talents
without a summary first), `python -m intel cache warm`, or someone opening the talent computes them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from sqlalchemy.exc import SQLAlchemyError

from intel.accounts.access import require
from intel.accounts.auth import Identity
from intel.cache.store import StoreUnavailable
from intel.campaigns.attribute import attribute_written
from intel.errors import IntelError
from intel.ingest import importer
from intel.ingest.importer import ImportReport
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary

log = logging.getLogger(__name__)
WARM_MAX_TALENTS = 50
WARM_BUDGET_S = 20.0


@database_boundary
def import_file(identity: Identity | None, kind: str, source: str | Path | bytes | IO[bytes],
                **options: Any) -> ImportReport:
    """Import one file as `identity` (audited as its email); options as `intel.ingest.importer.import_file`.

    After a real (not dry) run, the figures of the talents written are computed (bounded, see the module).
    """
    actor = require(identity, "import").email
    rt = get_runtime()
    report = importer.import_file(kind, source, engine=rt.engine, invalidate=rt.provider.invalidate, actor=actor,
                                  **options)
    if report.talent_ids and not report.dry_run:
        attribute_written(rt.sessions, report.talent_ids, zone=rt.settings.timezone)
        compute_summaries(report.talent_ids, rt.provider.recompute_if_free)
    return report


def compute_summaries(talent_ids: Sequence[int], recompute: Callable[[int], bool], *,
                      max_talents: int = WARM_MAX_TALENTS, budget_s: float = WARM_BUDGET_S,
                      clock: Callable[[], float] = time.monotonic) -> int:
    """Compute (through the provider: cache entry and roster summary) the first talents of `talent_ids`
    within the bounds; the number computed. A failure is logged and never undoes the import."""
    deadline = clock() + budget_s
    ordered = sorted(set(talent_ids))
    done = 0
    for talent_id in ordered[:max_talents]:
        if clock() >= deadline:
            break
        try:
            done += bool(recompute(talent_id))  # False: another process holds its lock and is computing it
        except (IntelError, StoreUnavailable, SQLAlchemyError) as exc:
            log.warning("figures of talent=%s not computed after the import: %s", talent_id, exc)
    left = len(ordered) - done
    log.info("computed the figures of %d of %d imported talents%s", done, len(ordered),
             f"; {left} left to the worker or their first view" if left else "")
    return done
