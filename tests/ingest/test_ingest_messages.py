"""What an import says when something is wrong: the cause first, in the user's terms, with the file's line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from intel.db.models import SocialPost, SocialProfile
from intel.ingest.importer import ImportRefused, import_file
from tests.factories import make_talent
from tests.ingest.test_ingest import EXAMPLES, load_examples

ROOT = Path(__file__).resolve().parents[2]
POST_HEADER = "platform,account_id,platform_post_id,posted_at,caption"
ACCOUNT = "instagram,17841400000000001"
LATIN = ("it looks like Latin-1 / Windows-1252; re-save the file as UTF-8, or import the file with encoding cp1252 "
         "(--encoding cp1252)")


@pytest.fixture(autouse=True)
def error_files_in_tmp_path(tmp_path, monkeypatch):
    """Temporary error files of imports land in the test's folder, not in /tmp."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


@pytest.fixture
def profiles(engine):
    """The example talents and profiles, imported."""
    load_examples(engine, "talents.csv", "profiles.csv")
    return engine


def captions(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(SocialPost.platform_post_id, SocialPost.caption)).all())


def test_a_broken_json_lines_record_is_reported_at_its_own_line_and_column(profiles):
    good = json.dumps({"platform": "instagram", "account_id": "17841400000000001", "platform_post_id": "j1",
                       "posted_at": "2024-05-01"})
    lines = [good, good.replace("j1", "j2"), '{"platform": "instagram" "account_id": "1"}']
    report = import_file("posts", "\n".join(lines).encode(), engine=profiles, fmt="jsonl")
    assert str(report.errors[0]) == "line 3: not valid JSON (expecting ',' delimiter at column 26)"


def test_a_file_whose_first_line_is_not_json_is_refused_naming_that_line(profiles, tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text("\n\n{broken\n")
    with pytest.raises(ImportRefused) as refused:
        import_file("posts", path, engine=profiles)
    assert str(refused.value) == ("posts.jsonl line 3: not valid JSON (expecting property name enclosed in double "
                                  "quotes at column 2) — the file is not JSON Lines (one JSON object per line)")
    path.write_text('[{"platform": "instagram"}]\n')
    with pytest.raises(ImportRefused, match=r"^posts.jsonl line 1: a JSON array, not a JSON object — "):
        import_file("posts", path, engine=profiles)


def test_a_latin1_row_names_the_byte_and_the_likely_encoding_and_shows_the_text_as_written(profiles):
    data = (f"{POST_HEADER}\n{ACCOUNT},a,2024-05-01,fine\n".encode()
            + f"{ACCOUNT},b,2024-05-01,Café crème\n".encode("cp1252"))
    report = import_file("posts", data, engine=profiles)
    assert (report.inserted, report.refused) == (1, 1)
    assert str(report.errors[0]) == f"line 3, caption 'Café crème': not UTF-8: byte 0xE9 — {LATIN}"


def test_a_latin1_file_is_refused_naming_the_byte_its_line_and_the_likely_encoding_and_imports_with_encoding(
        profiles, tmp_path):
    rows = [f"{ACCOUNT},p{n},2024-05-01,{'ASCII only' if n < 2 else 'Crème brûlée à la française déjà vu'}"
            for n in range(40)]
    path = tmp_path / "posts.csv"
    path.write_bytes("\n".join([POST_HEADER, *rows]).encode("cp1252"))
    with pytest.raises(ImportRefused) as refused:
        import_file("posts", path, engine=profiles)
    assert str(refused.value) == ("posts.csv is not UTF-8: byte 0xE8 on line 4 — it looks like Latin-1 / "
                                  "Windows-1252; re-save it as UTF-8, or import it with encoding cp1252 "
                                  "(--encoding cp1252)")
    report = import_file("posts", path, engine=profiles, encoding="cp1252")
    assert (report.inserted, report.refused) == (40, 0)
    assert captions(profiles)["p3"] == "Crème brûlée à la française déjà vu"
    with pytest.raises(ImportRefused, match=r"^unknown encoding 'klingon'"):
        import_file("posts", path, engine=profiles, encoding="klingon")


def test_bytes_of_a_multi_byte_encoding_are_not_taken_for_latin1(profiles):
    data = f"{POST_HEADER}\n{ACCOUNT},a,2024-05-01,".encode() + "日本語のキャプション".encode("shift_jis") + b"\n"
    with pytest.raises(ImportRefused) as refused:
        import_file("posts", data, engine=profiles)
    assert str(refused.value) == ("upload is not UTF-8: byte 0x93 on line 2; re-save it as UTF-8, or name its "
                                  "encoding (--encoding, e.g. cp1252, latin-1)")
    report = import_file("posts", data, engine=profiles, encoding="shift_jis")
    assert report.inserted == 1 and captions(profiles)["a"] == "日本語のキャプション"


def test_a_semicolon_separated_file_is_refused_saying_so_first(profiles, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text("platform;account_id;platform_post_id;posted_at\ninstagram;1;2;2024-05-01\n")
    with pytest.raises(ImportRefused) as refused:
        import_file("posts", path, engine=profiles)
    assert str(refused.value) == ("posts.csv seems to use ';' as separator, not a comma: export it comma-separated "
                                  "(its header reads as one column, 'platform;account_id;platform_post_id;posted_at')")


def test_missing_columns_are_named_once_and_the_required_ones_only_when_they_differ(profiles):
    with pytest.raises(ImportRefused) as refused:
        import_file("posts", b"id,when\n1,2\n", engine=profiles)
    assert str(refused.value) == ("upload is not a posts file: the header lacks platform, account_id, "
                                  "platform_post_id, posted_at; found: 'id', 'when'")
    with pytest.raises(ImportRefused) as refused:
        import_file("posts", b"platform,account_id,when\n", engine=profiles)
    assert str(refused.value) == ("upload is not a posts file: the header lacks platform_post_id, posted_at "
                                  "(required: platform, account_id, platform_post_id, posted_at); found: "
                                  "'platform', 'account_id', 'when'")


def test_a_row_colliding_with_a_demo_key_says_what_the_user_can_do(profiles):
    demo = make_talent(profiles, is_demo=True, posts=1, comments_per_post=0)
    with profiles.connect() as conn:
        post_id = conn.scalar(select(SocialPost.platform_post_id).join(SocialProfile)
                              .where(SocialProfile.talent_id == demo))
    report = import_file("posts", f"{POST_HEADER}\n{ACCOUNT},{post_id},2024-05-01,hi\n".encode(), engine=profiles)
    assert report.refused == 1
    assert str(report.errors[0]) == (
        f"line 2, platform_post_id {post_id!r}: the demo roster already uses this platform_post_id (imports never "
        "change demo rows): give the row its own platform_post_id, or reload the demo roster with another seed "
        "(python -m intel demo load --seed 2) and import again")


def run_cli(database_url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": "", "INTEL_LOG_LEVEL": "INFO",
           "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "intel", "import", "talents", str(EXAMPLES / "talents.csv"),
                           "--dry-run", *extra], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@pytest.mark.slow
def test_the_cli_prints_log_lines_only_with_verbose_and_the_report_always(sqlite_url, tmp_path):
    quiet = run_cli(sqlite_url, tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert "INFO" not in quiet.stderr and "importing talents" in quiet.stderr  # the progress bar
    assert quiet.stdout.startswith("dry run — nothing written: talents from talents.csv: 2 rows — would insert 2")
    verbose = run_cli(sqlite_url, tmp_path, "--verbose")
    assert verbose.returncode == 0, verbose.stderr
    assert "INFO intel.ingest.importer: import talents from talents.csv" in verbose.stderr
    assert verbose.stdout.startswith("dry run — nothing written: talents from talents.csv: 2 rows")
