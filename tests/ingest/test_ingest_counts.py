"""Counts of an import are exact for any file size: a dry run reports what the import does, duplicates are
duplicates however far apart (batches kept small with batch_size so that files of a few rows span batches)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intel.cli import build_parser
from intel.db.models import Comment, Talent
from intel.ingest.importer import import_file
from tests.ingest.test_ingest import COMMENT_HEADER, EXAMPLES, count, csv_bytes, load_examples

POST = ["instagram", "C6xAbCdEfGh"]
WHEN = "2024-05-01T17:00:00Z"
SAVED = ("2024-05-01T16:20:00Z", "This looks amazing, making it tonight 😍")  # comment …001 of comments.csv


@pytest.fixture(autouse=True)
def error_files_in_tmp_path(tmp_path, monkeypatch):
    """Temporary error files of imports land in the test's folder, not in /tmp."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def comments_over_four_batches() -> bytes:
    """305 comment rows for batches of 100: repeats far apart and next door, stored keys, refusals."""
    rows = [[*POST, f"c{n}", WHEN, f"comment {n}"] for n in range(240)]
    rows += [[*POST, f"c{n}", WHEN, f"comment {n}" if n % 2 == 0 else f"edited {n}"] for n in range(30)]
    rows += [[*POST, "18000000000000001", *SAVED],  # stored, unchanged so far
             [*POST, "18000000000000002", WHEN, "changed reply"]]  # stored, updated
    rows += [[*POST, f"c{n}", WHEN, f"comment {n}"] for n in range(240, 268)]  # c267 is the batch's last row
    rows += [[*POST, "18000000000000001", SAVED[0], "changed after all"],  # batch 4: the unchanged key changes
             ["instagram", "nope", "x1", WHEN, "unknown post"],
             [*POST, "x2", "31/12/2024", "bad date"],
             [*POST, "c100", WHEN, "comment 100"],
             [*POST, "c267", WHEN, "last word"]]  # its first row is in the batch still being written
    assert len(rows) == 305
    return csv_bytes(COMMENT_HEADER, *rows)


def counts(report) -> tuple[int, ...]:
    return report.rows, report.inserted, report.updated, report.unchanged, report.duplicates, report.refused


def test_a_dry_run_over_several_batches_counts_exactly_what_the_import_then_does(engine):
    load_examples(engine)
    data = comments_over_four_batches()
    dry = import_file("comments", data, engine=engine, dry_run=True, batch_size=100, parallel=False)
    real = import_file("comments", data, engine=engine, batch_size=100, parallel=False)
    assert counts(dry) == counts(real) == (305, 268, 2, 0, 33, 2)
    assert (dry.batches, real.batches) == (4, 4)
    assert count(engine, Comment) == 5 + 268
    with engine.connect() as conn:
        texts = dict(conn.execute(select(Comment.platform_comment_id, Comment.text)).all())
    assert (texts["c1"], texts["c2"], texts["c267"]) == ("edited 1", "comment 2", "last word")  # the last row wins
    assert texts["18000000000000001"] == "changed after all"
    # Importing the same file again: every key is stored now; dry and real still agree.
    dry_again = import_file("comments", data, engine=engine, dry_run=True, batch_size=100, parallel=False)
    again = import_file("comments", data, engine=engine, batch_size=100, parallel=False)
    assert counts(dry_again) == counts(again)
    assert (again.inserted, again.duplicates, again.refused) == (0, 33, 2)


def talents_over_four_batches() -> bytes:
    """305 talent rows for batches of 100: handles repeated far apart in another spelling, stored talents."""
    header = ["primary_handle", "name", "category", "tier"]
    rows = [["@noor.cooks", "Noor Haddad", "food", "mid"]]  # stored, unchanged so far
    rows += [[f"@talent{n}", f"Talent {n}", "x", "micro"] for n in range(250)]
    rows += [[f"TALENT{n}", f"Talent {n}", "x", "micro"] for n in range(50)]  # the same keys: case and @ ignored
    rows += [["noor.cooks", "Noor H.", "food", "mid"], ["", "No handle", "x", "micro"],
             ["@kai_runs", "Kai Tanaka", "fitness", "micro"], ["@kai_runs", "Kai", "fitness", "huge"]]
    assert len(rows) == 305
    return csv_bytes(header, *rows)


def test_talent_dry_runs_over_several_batches_count_exactly_what_the_import_does(engine):
    load_examples(engine, "talents.csv")
    data = talents_over_four_batches()
    dry = import_file("talents", data, engine=engine, dry_run=True, batch_size=100)
    real = import_file("talents", data, engine=engine, batch_size=100)
    assert counts(dry) == counts(real) == (305, 250, 1, 1, 51, 2)
    assert count(engine, Talent) == 2 + 250


def test_the_same_key_far_apart_is_a_duplicate_not_an_update(engine):
    load_examples(engine, "talents.csv", "profiles.csv", "posts.jsonl")
    data = csv_bytes(COMMENT_HEADER, [*POST, "a", WHEN, "first"], [*POST, "b", WHEN, "other"],
                     [*POST, "c", WHEN, "other"], [*POST, "a", WHEN, "second"])
    report = import_file("comments", data, engine=engine, batch_size=1, parallel=False)
    assert (report.inserted, report.updated, report.unchanged, report.duplicates) == (3, 0, 0, 1)
    assert ", duplicates 1 — the last row of a key wins (" in report.summary()
    with engine.connect() as conn:
        assert conn.scalar(select(Comment.text).where(Comment.platform_comment_id == "a")) == "second"
    again = import_file("comments", data, engine=engine, batch_size=1, parallel=False)
    assert (again.inserted, again.updated, again.unchanged, again.duplicates) == (0, 1, 2, 1)  # a: first, then back


def test_the_cli_dry_run_reports_the_counts_and_exit_code_of_the_real_import(
        engine, database_url, make_runtime, installed_runtime, tmp_path, capsys):
    load_examples(engine)
    installed_runtime(make_runtime(database_url))
    path = tmp_path / "comments.csv"
    path.write_bytes(comments_over_four_batches())
    parser = build_parser()
    codes, lines = [], []
    for extra in (["--dry-run"], []):
        args = parser.parse_args(["import", "comments", str(path), "--batch-size", "100", *extra])
        codes.append(args.handler(args))
        lines.append(capsys.readouterr().out.splitlines()[0])
    assert codes == [1, 1]  # rows were refused, dry or not
    assert lines[0].startswith("dry run — nothing written: comments from comments.csv: 305 rows — would insert "
                               "268, would update 2, unchanged 0, refused 2, duplicates 33")
    assert lines[1].startswith("comments from comments.csv: 305 rows — inserted 268, updated 2, unchanged 0, "
                               "refused 2, duplicates 33")


def test_a_dry_run_says_what_it_would_do_and_that_nothing_was_written(engine):
    load_examples(engine, "talents.csv", "profiles.csv")
    report = import_file("posts", EXAMPLES / "posts.jsonl", engine=engine, dry_run=True)
    assert report.summary().startswith("posts from posts.jsonl: 3 rows — would insert 3, would update 0, "
                                       "unchanged 0, refused 0 (")
