"""The import entry point for the Import page and `python -m intel import`: checks the "import" capability,
then imports into the process database and drops the cached intelligence of the talents written."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from intel.accounts.access import require
from intel.accounts.auth import Identity
from intel.ingest import importer
from intel.ingest.importer import ImportReport
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary


@database_boundary
def import_file(identity: Identity | None, kind: str, source: str | Path | bytes | IO[bytes],
                **options: Any) -> ImportReport:
    """Import one file as `identity` (audited as its email); options as `intel.ingest.importer.import_file`."""
    actor = require(identity, "import").email
    rt = get_runtime()
    return importer.import_file(kind, source, engine=rt.engine, invalidate=rt.provider.invalidate, actor=actor,
                                **options)
