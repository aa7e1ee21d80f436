"""The talents import's optional `timezone` column: IANA names only, a refused row writes nothing, an empty cell
is the INTEL_TIMEZONE default, an absent column leaves the zone alone. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from intel.db.models import Talent
from intel.ingest.importer import import_file
from intel.ingest.parse import RowError, parse_row

HEADER = ["primary_handle", "name", "timezone"]


@pytest.fixture(autouse=True)
def error_files_in_tmp_path(tmp_path, monkeypatch):
    """Temporary error files of imports land in the test's folder, not in /tmp."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def csv_bytes(header: list[str], *rows: list[object]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode()


def zones(engine) -> dict[str, str | None]:
    with engine.connect() as conn:
        return dict(conn.execute(select(Talent.primary_handle, Talent.timezone)).all())


def test_zones_are_stored_as_the_tz_database_spells_them_and_an_unknown_one_refuses_its_row(engine):
    report = import_file("talents", csv_bytes(HEADER, ["@lisbon", "Lis", "europe/lisbon"],
                                              ["@mars", "Mars", "Mars/Olympus_Mons"],
                                              ["@plain", "Plain", ""]), engine=engine)
    assert (report.inserted, report.refused) == (2, 1)
    assert [str(e) for e in report.errors] == [
        "line 3, timezone 'Mars/Olympus_Mons': unknown time zone (use an IANA name like Europe/Lisbon, "
        "America/New_York or UTC)"]
    assert zones(engine) == {"@lisbon": "Europe/Lisbon", "@plain": None}  # nothing of the refused row


def test_a_refused_zone_leaves_an_existing_talent_as_it_was(engine):
    import_file("talents", csv_bytes(HEADER, ["@ny", "New York", "America/New_York"]), engine=engine)
    report = import_file("talents", csv_bytes(HEADER, ["@ny", "Renamed", "EST5EDT-ish"]), engine=engine)
    assert (report.updated, report.refused) == (0, 1)
    with engine.connect() as conn:
        assert conn.execute(select(Talent.name, Talent.timezone)).one() == ("New York", "America/New_York")


def test_a_changed_zone_updates_the_talent_and_drops_its_cached_result_while_an_absent_column_keeps_it(engine):
    import_file("talents", csv_bytes(HEADER, ["@tz", "Tee", "Asia/Tokyo"]), engine=engine)
    changed = import_file("talents", csv_bytes(HEADER, ["@tz", "Tee", "Europe/Paris"]), engine=engine)
    assert changed.updated == 1 and len(changed.talent_ids) == 1  # the talents whose caches are dropped
    slim = import_file("talents", csv_bytes(["primary_handle", "name"], ["@tz", "Tee"]), engine=engine)
    assert slim.unchanged == 1 and zones(engine) == {"@tz": "Europe/Paris"}
    cleared = import_file("talents", csv_bytes(HEADER, ["@tz", "Tee", ""]), engine=engine)
    assert cleared.updated == 1 and zones(engine) == {"@tz": None}  # empty: back to INTEL_TIMEZONE


@pytest.mark.parametrize(("raw", "parsed"), [("UTC", "UTC"), (" asia/kolkata ", "Asia/Kolkata"), ("", None)])
def test_the_timezone_cell_is_parsed_to_a_canonical_name_or_the_default(raw, parsed):
    row = parse_row("talents", {"primary_handle": "@a", "name": "A", "timezone": raw})
    assert not isinstance(row, RowError) and row.values["timezone"] == parsed


def test_a_timezone_cell_that_is_a_utc_offset_is_refused():
    row = parse_row("talents", {"primary_handle": "@a", "name": "A", "timezone": "+02:00"}, line=4)
    assert isinstance(row, RowError) and (row.line, row.column) == (4, "timezone")
