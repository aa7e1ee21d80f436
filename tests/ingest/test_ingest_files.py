"""Malformed import files: what is read, what is refused row by row, what is refused whole."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from intel.cli import build_parser
from intel.db.models import AdminActivity, Comment, SocialPost, Talent
from intel.ingest.importer import ImportRefused, import_file

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
POST_HEADER = "platform,account_id,platform_post_id,posted_at,likes,caption"
ACCOUNT = "instagram,17841400000000001"


@pytest.fixture
def profiles(engine):
    """The example talents and profiles, imported."""
    for kind, name in (("talents", "talents.csv"), ("profiles", "profiles.csv")):
        assert import_file(kind, EXAMPLES / name, engine=engine).refused == 0
    return engine



@pytest.fixture(autouse=True)
def error_files_in_tmp_path(tmp_path, monkeypatch):
    """Temporary error files of imports land in the test's folder, not in /tmp."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

def posts(engine) -> dict[str, tuple[int, str]]:
    with engine.connect() as conn:
        return {r[0]: (r[1], r[2]) for r in conn.execute(select(SocialPost.platform_post_id, SocialPost.likes,
                                                                SocialPost.caption))}


def error_rows(report) -> list[dict[str, str]]:
    with open(report.errors_path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_utf8_bom_and_windows_line_endings_are_read(profiles):
    data = "\ufeff" + POST_HEADER + "\r\n" + f"{ACCOUNT},p1,2024-05-01T10:00:00Z,5,hi\r\n"
    report = import_file("posts", data.encode(), engine=profiles)
    assert (report.inserted, report.refused) == (1, 0)
    assert posts(profiles) == {"p1": (5, "hi")}


def test_quoted_newlines_commas_and_quotes_inside_captions_are_kept(profiles):
    caption = 'Line one, still one\r\nline "two"\n\nthree'
    out = io.StringIO()
    csv.writer(out).writerows([POST_HEADER.split(","), [*ACCOUNT.split(","), "p1", "2024-05-01", "1", caption],
                               [*ACCOUNT.split(","), "p2", "2024-05-01", "2", "plain"]])
    report = import_file("posts", out.getvalue().encode(), engine=profiles)
    assert (report.inserted, report.refused) == (2, 0)
    assert posts(profiles)["p1"] == (1, caption)


def test_emoji_and_non_latin_text_are_stored_as_written(profiles):
    caption = "東京でラーメン 🍜🔥 — Привет! مرحبا 👩🏽‍🍳"
    data = f'{POST_HEADER}\n{ACCOUNT},p1,2024-05-01,1,"{caption}"\n'.encode()
    assert import_file("posts", data, engine=profiles).inserted == 1
    assert posts(profiles)["p1"][1] == caption


def test_a_10_mb_caption_refuses_its_row_as_over_long_and_the_others_import(profiles):
    huge = "a" * (10 * 1024 * 1024)
    data = f"{POST_HEADER}\n{ACCOUNT},big,2024-05-01,1,{huge}\n{ACCOUNT},ok,2024-05-01,2,fine\n".encode()
    report = import_file("posts", data, engine=profiles)
    assert (report.inserted, report.refused) == (1, 1)
    error = report.errors[0]
    assert (error.line, error.column) == (2, "caption") and "capped at 100,000" in error.reason
    assert len(error.value) < 120
    assert error_rows(report)[0]["caption"] == huge  # the original row, for fixing and re-importing


def test_invalid_dates_and_negative_or_non_numeric_counts_refuse_their_rows_only(profiles):
    data = "\n".join([POST_HEADER, f"{ACCOUNT},a,2024-05-01,1,ok", f"{ACCOUNT},b,31/12/2024,1,bad date",
                      f"{ACCOUNT},c,,1,no date", f"{ACCOUNT},d,2024-05-01,-4,negative",
                      f"{ACCOUNT},e,2024-05-01,lots,words", f"{ACCOUNT},f,2024-05-01,3"]).encode()
    report = import_file("posts", data, engine=profiles)
    assert (report.inserted, report.refused) == (1, 5)
    refused = error_rows(report)
    assert [(r["error_line"], r["error_column"]) for r in refused] == [
        ("3", "posted_at"), ("4", "posted_at"), ("5", "likes"), ("6", "likes"), ("7", "")]
    assert refused[0]["platform_post_id"] == "b" and refused[0]["posted_at"] == "31/12/2024"
    assert [r["error_reason"].split(" (")[0] for r in refused] == [
        "not a date/time", "missing required value", "negative count", "not a whole number",
        "5 fields where the header has 6"]


def test_rows_in_another_encoding_are_refused_and_kept_byte_for_byte(profiles, tmp_path):
    data = f"{POST_HEADER}\n{ACCOUNT},a,2024-05-01,1,caf\xe9\n".encode("latin-1") + \
        f"{ACCOUNT},b,2024-05-01,1,café\n".encode()
    report = import_file("posts", data, engine=profiles, errors_to=tmp_path / "errors.csv")
    assert (report.inserted, report.refused) == (1, 1)
    assert report.errors[0].column == "caption"
    assert report.errors[0].reason.startswith("not UTF-8: byte 0xE9 — it looks like Latin-1 / Windows-1252")
    assert (tmp_path / "errors.csv").read_bytes().endswith(b",caf\xe9\r\n")


@pytest.mark.parametrize(("content", "message"), [
    (b"", "is empty"),
    (b"\xef\xbb\xbf\r\n\r\n", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary file"),
    (b"PK\x03\x04" + bytes(200), "ZIP archive"),
    (b"platform;account_id;platform_post_id;posted_at\ninstagram;1;2;2024-05-01\n", "seems to use ';' as separator"),
    (b"instagram,17841400000000001,p1,2024-05-01\n", "needs a header row"),
    (b"id,when,what\n1,2,3\n", "lacks platform, account_id, platform_post_id, posted_at"),
    (b"platform,platform,account_id\n", "appears twice"),
], ids=["empty", "blank lines", "binary", "xlsx", "semicolons", "no header", "other columns", "repeated column"])
def test_a_file_that_is_not_what_it_claims_is_refused_whole_with_one_message(profiles, content, message):
    with pytest.raises(ImportRefused, match=message):
        import_file("posts", content, engine=profiles)
    assert posts(profiles) == {}


def test_a_header_only_file_imports_nothing_and_is_not_an_error(profiles):
    report = import_file("posts", f"{POST_HEADER}\r\n".encode(), engine=profiles)
    assert (report.rows, report.inserted, report.refused, report.errors_path) == (0, 0, 0, None)


def test_json_lines_refuse_bad_lines_one_by_one_but_a_file_that_is_not_json_lines_whole(profiles):
    good = {"platform": "instagram", "account_id": "17841400000000001", "platform_post_id": "j1",
            "posted_at": "2024-05-01", "likes": 3}
    lines = [json.dumps(good), "{not json", "[1, 2]", "", json.dumps({**good, "platform_post_id": "j2",
                                                                       "caption": "nul \u0000 here"})]
    report = import_file("posts", "\n".join(lines).encode(), engine=profiles, fmt="jsonl")
    assert (report.inserted, report.refused) == (1, 3)
    assert [e.line for e in report.errors] == [2, 3, 5]
    assert "NUL" in report.errors[2].reason
    refused = [json.loads(line) for line in Path(report.errors_path).read_text().splitlines()]
    assert refused[0] == {"raw_line": "{not json", "error_line": 2, "error_column": "",
                          "error_reason": refused[0]["error_reason"]}
    assert refused[2]["platform_post_id"] == "j2"
    assert report.error_file_name == "upload-refused.jsonl"
    assert vars(report.errors[0]) == {"line": 2, "column": "", "value": "{not json",
                                      "reason": report.errors[0].reason}  # a page shows them as a table
    with pytest.raises(ImportRefused, match="not JSON Lines"):
        import_file("posts", b"{broken\n", engine=profiles)


def test_the_cli_reports_counts_and_refusals_and_exits_1_when_rows_were_refused(
        profiles, database_url, make_runtime, installed_runtime, tmp_path, capsys):
    installed_runtime(make_runtime(database_url))
    path = tmp_path / "comments-export.csv"
    path.write_text("Network,Post,Comment ID,When,Body\ninstagram,nope,1,2024-05-01,hi\n", encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(["import", "comments", str(path), "--map",
                              "platform=network,platform_post_id=post", "--map",
                              "platform_comment_id=comment id,created_at=when,text=body",
                              "--errors", str(tmp_path / "errors.csv")])
    assert args.handler(args) == 1
    out = capsys.readouterr().out
    assert "comments from comments-export.csv: 1 rows — inserted 0" in out
    assert "refused line 2, platform_post_id 'nope': unknown post on instagram" in out
    assert f"refused rows written to {tmp_path / 'errors.csv'}" in out
    dry = parser.parse_args(["import", "talents", str(EXAMPLES / "talents.csv"), "--dry-run"])
    assert dry.handler(dry) == 0
    assert "dry run — nothing written: talents from talents.csv: 2 rows — would insert 0" in capsys.readouterr().out
    with profiles.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Comment)) == 0
        assert conn.scalar(select(func.count()).select_from(Talent)) == 2
        audited = conn.scalars(select(AdminActivity.actor).where(AdminActivity.target == "comments-export.csv"))
        assert list(audited) == ["system:cli"]  # the CLI acts, and is audited, as the system identity
