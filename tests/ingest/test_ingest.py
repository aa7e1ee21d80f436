"""Importing real data: idempotent upserts, references, dry runs, audit, cache invalidation, batches."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from intel.accounts.auth import SYSTEM
from intel.cache.entries import cache_key
from intel.db.models import AdminActivity, Comment, FollowerSnapshot, SocialPost, SocialProfile, Talent
from intel.ingest import write as ingest_write
from intel.ingest.importer import ImportAborted, ImportRefused, import_file
from intel.service import imports
from tests.factories import make_talent

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
ORDER = ("talents.csv", "profiles.csv", "snapshots.csv", "posts.jsonl", "comments.csv")



@pytest.fixture(autouse=True)
def error_files_in_tmp_path(tmp_path, monkeypatch):
    """Temporary error files of imports land in the test's folder, not in /tmp."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

def load_examples(engine, *names: str) -> None:
    for name in names or ORDER:
        kind = name.split(".")[0]
        report = import_file(kind, EXAMPLES / name, engine=engine, actor="test@agency.test")
        assert report.refused == 0, report.errors


def count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


def csv_bytes(header: list[str], *rows: list[object]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def read_csv(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


COMMENT_HEADER = ["platform", "platform_post_id", "platform_comment_id", "created_at", "text"]


def test_the_example_files_import_in_order_and_a_second_import_changes_nothing(engine):
    load_examples(engine)
    counts = [count(engine, m) for m in (Talent, SocialProfile, FollowerSnapshot, SocialPost, Comment)]
    assert counts == [2, 3, 4, 3, 5]
    for name in ORDER:
        report = import_file(name.split(".")[0], EXAMPLES / name, engine=engine)
        assert (report.inserted, report.updated, report.refused) == (0, 0, 0)
        assert report.unchanged == report.rows and report.talent_ids == ()
    assert [count(engine, m) for m in (Talent, SocialProfile, FollowerSnapshot, SocialPost, Comment)] == counts


def test_reimporting_an_updated_file_updates_changed_counts_and_only_those(engine):
    load_examples(engine, "talents.csv", "profiles.csv")
    header = ["platform", "account_id", "platform_post_id", "posted_at", "likes", "caption"]
    first = csv_bytes(header, ["instagram", "17841400000000001", "A", "2024-05-01T10:00:00Z", 10, "so happy"],
                      ["instagram", "17841400000000001", "B", "2024-05-01T11:00:00Z", 20, "meh"])
    assert import_file("posts", first, engine=engine).inserted == 2
    second = csv_bytes(header, ["instagram", "17841400000000001", "A", "2024-05-01T10:00:00Z", 15, "so happy"],
                       ["instagram", "17841400000000001", "B", "2024-05-01T11:00:00Z", 20, "meh"])
    report = import_file("posts", second, engine=engine)
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 1)
    assert len(report.talent_ids) == 1
    with engine.connect() as conn:
        assert dict(conn.execute(select(SocialPost.platform_post_id, SocialPost.likes)).all()) == {"A": 15, "B": 20}


def test_columns_absent_from_a_file_are_left_as_they_are_on_existing_rows(engine):
    load_examples(engine, "talents.csv", "profiles.csv", "posts.jsonl")
    slim = csv_bytes(["platform", "account_id", "platform_post_id", "posted_at", "likes"],
                     ["youtube", "UCnoorcooks000000000001", "dQw4w9WgXcQ", "1714500000", 9999])
    assert import_file("posts", slim, engine=engine).updated == 1
    with engine.connect() as conn:
        views, likes, caption, label = conn.execute(
            select(SocialPost.views, SocialPost.likes, SocialPost.caption, SocialPost.sentiment_label)
            .where(SocialPost.platform_post_id == "dQw4w9WgXcQ")).one()
    assert (views, likes) == (61200, 9999)
    assert caption.startswith("Five pantry dinners") and label is not None


def test_duplicate_rows_in_one_file_keep_the_last_and_count_as_duplicates_within_and_across_batches(engine):
    load_examples(engine, "talents.csv", "profiles.csv", "posts.jsonl")
    data = csv_bytes(COMMENT_HEADER,
                     ["instagram", "C6xAbCdEfGh", "1", "2024-05-01T17:00:00Z", "first"],
                     ["instagram", "C6xAbCdEfGh", "1", "2024-05-01T17:00:00Z", "second"],
                     ["instagram", "C6xAbCdEfGh", "2", "2024-05-01T17:00:00Z", "x"],
                     ["instagram", "C6xAbCdEfGh", "1", "2024-05-01T17:00:00Z", "third"])
    report = import_file("comments", data, engine=engine, batch_size=3)  # 1 twice in batch one, again in two
    assert (report.inserted, report.updated, report.duplicates) == (2, 0, 2)
    with engine.connect() as conn:
        assert conn.scalar(select(Comment.text).where(Comment.platform_comment_id == "1")) == "third"
    assert count(engine, Comment) == 2


def test_comments_on_a_post_from_a_later_file_are_refused_then_their_error_file_imports(engine, tmp_path):
    load_examples(engine, "talents.csv", "profiles.csv")
    errors = tmp_path / "errors.csv"
    first = import_file("comments", EXAMPLES / "comments.csv", engine=engine, errors_to=errors)
    assert (first.inserted, first.refused) == (0, 5) and first.errors_path == str(errors)
    refused = read_csv(str(errors))
    assert [r["error_line"] for r in refused] == ["2", "3", "4", "5", "6"]
    assert refused[0]["error_column"] == "platform_post_id"
    assert refused[0]["error_reason"] == "unknown post on instagram (import the posts first)"
    assert refused[2]["text"] == 'Too much salt, "trust me", halve it'  # the original columns, intact
    load_examples(engine, "posts.jsonl")
    again = import_file("comments", errors, engine=engine)
    assert (again.inserted, again.refused) == (5, 0)


def test_a_dry_run_validates_and_counts_but_writes_nothing(engine):
    load_examples(engine, "talents.csv", "profiles.csv")
    before = [count(engine, m) for m in (SocialPost, AdminActivity)]
    report = import_file("posts", EXAMPLES / "posts.jsonl", engine=engine, dry_run=True)
    assert report.dry_run and (report.inserted, report.refused) == (3, 0)
    assert [count(engine, m) for m in (SocialPost, AdminActivity)] == before


def test_a_column_mapping_imports_an_export_with_other_headers(engine):
    load_examples(engine, "talents.csv", "profiles.csv")
    export = csv_bytes(["Network", "Account", "ID", "Timestamp", "Likes"],
                       ["tiktok", "6900000000000000001", "v1", "1714500000000", "7"])
    report = import_file("posts", export, engine=engine,
                         mapping="platform=Network,account_id=account,platform_post_id=id,posted_at=timestamp")
    assert report.inserted == 1
    with pytest.raises(ImportRefused, match="no column 'nope'"):
        import_file("posts", export, engine=engine, mapping={"platform_post_id": "nope"})
    with pytest.raises(ImportRefused, match="not a column of posts"):
        import_file("posts", export, engine=engine, mapping={"post_id": "ID"})


def test_captions_and_comments_are_scored_and_comments_classified_as_they_are_written(engine):
    load_examples(engine)
    with engine.connect() as conn:
        kinds = dict(conn.execute(select(Comment.platform_comment_id, Comment.kind)).all())
        labels = {r[0]: r[1:] for r in conn.execute(select(
            Comment.platform_comment_id, Comment.sentiment_label, Comment.sentiment_engine, Comment.language))}
        captions = conn.execute(select(SocialPost.sentiment_score)).scalars().all()
    assert kinds["7363000000000000101"] == "spam"
    turkish = labels.pop("Ugz000000000000000000001")  # "Çok güzel tarif! 👏": no engine reads Turkish
    assert turkish[0] is None and turkish[1] and turkish[2] == "tr"
    assert all(label in ("negative", "neutral", "positive") and engine_name and language
               for label, engine_name, language in labels.values())
    assert all(score is not None for score in captions)


def test_one_audit_row_records_the_kind_file_counts_and_actor(engine):
    load_examples(engine, "talents.csv")
    with engine.connect() as conn:
        row = conn.execute(select(AdminActivity.actor, AdminActivity.action, AdminActivity.target,
                                  AdminActivity.details)).one()
    assert (row.actor, row.action, row.target) == ("test@agency.test", "import", "talents.csv")
    assert {k: row.details[k] for k in ("kind", "rows", "inserted", "updated", "unchanged", "refused")} == {
        "kind": "talents", "rows": 2, "inserted": 2, "updated": 0, "unchanged": 0, "refused": 0}
    assert row.details["outcome"] == "completed"


def test_importing_posts_for_a_talent_replaces_its_cached_intelligence_in_redis_with_a_fresh_one(
        engine, database_url, redis_url, key_prefix, make_runtime, installed_runtime):
    import redis

    rt = installed_runtime(make_runtime(database_url, redis_url, cache_prefix=key_prefix))
    talent = make_talent(engine)
    before = rt.provider.get(talent).intel
    client = redis.Redis.from_url(redis_url)
    key = cache_key(talent, key_prefix)
    assert client.exists(key)
    with engine.connect() as conn:
        account = conn.scalar(select(SocialProfile.account_id).where(SocialProfile.talent_id == talent))
    data = csv_bytes(["platform", "account_id", "platform_post_id", "posted_at"],
                     ["instagram", account, "new-post", "2024-05-01T10:00:00Z"])
    report = imports.import_file(SYSTEM, "posts", data)  # the façade: the process runtime's engine and provider
    assert report.talent_ids == (talent,)
    # The stale entry was dropped and the façade computed the talent again: the new post is in the entry.
    entry = rt.provider.primary.read(talent)
    assert entry is not None and entry.intel.content.posts_analysed == before.content.posts_analysed + 1
    assert rt.provider.get(talent).source == "cache"
    client.close()


def test_a_talent_option_refuses_other_talents_rows_and_fills_the_talent_handle(engine):
    load_examples(engine, "talents.csv")
    profiles = csv_bytes(["platform", "account_id", "handle"], ["instagram", "ig-kai", "kai_runs"])
    assert import_file("profiles", profiles, engine=engine, talent="kai_runs").inserted == 1  # "@" optional
    load_examples(engine, "profiles.csv")
    report = import_file("posts", EXAMPLES / "posts.jsonl", engine=engine, talent="@KAI_RUNS")
    assert (report.inserted, report.refused) == (1, 2)
    assert {e.reason for e in report.errors} == {"the profile does not belong to --talent @KAI_RUNS"}
    slim = csv_bytes(["platform", "platform_post_id", "posted_at"], ["instagram", "k1", "2024-05-01"])
    assert import_file("posts", slim, engine=engine, talent="@kai_runs").inserted == 1  # its one instagram profile
    with pytest.raises(ImportRefused, match="no imported talent"):
        import_file("posts", slim, engine=engine, talent="@nobody")


def test_demo_rows_are_never_referenced_nor_changed_by_an_import(engine):
    demo = make_talent(engine, is_demo=True, posts=1, comments_per_post=0)
    with engine.connect() as conn:
        handle = conn.scalar(select(Talent.primary_handle).where(Talent.id == demo))
        account = conn.scalar(select(SocialProfile.account_id).where(SocialProfile.talent_id == demo))
    posts = csv_bytes(["platform", "account_id", "platform_post_id", "posted_at"],
                      ["instagram", account, "x", "2024-05-01"])
    report = import_file("posts", posts, engine=engine)
    assert report.refused == 1 and report.errors[0].reason == "the profile belongs to the demo roster"
    profiles = csv_bytes(["talent_handle", "platform", "account_id", "handle"], [handle, "youtube", "UCx", "h"])
    assert import_file("profiles", profiles, engine=engine).errors[0].reason.startswith("unknown talent")
    # A real talent may share a demo talent's handle: it is a new row, the demo one is untouched.
    talents = csv_bytes(["primary_handle", "name"], [handle, "Real person"])
    assert import_file("talents", talents, engine=engine).inserted == 1
    with engine.connect() as conn:
        assert conn.scalar(select(Talent.name).where(Talent.id == demo)) != "Real person"


def test_each_batch_commits_whole_or_not_at_all(engine, monkeypatch):
    load_examples(engine, "talents.csv", "profiles.csv", "posts.jsonl")
    real = ingest_write.BatchWriter._upsert
    calls = []

    def fail_second(self, conn, items):
        calls.append(len(items))
        real(self, conn, items)  # the rows are written in the transaction, then the batch fails
        if len(calls) == 2:
            raise OperationalError("INSERT", {}, Exception("connection lost"))

    monkeypatch.setattr(ingest_write.BatchWriter, "_upsert", fail_second)
    rows = [["instagram", "C6xAbCdEfGh", str(n), "2024-05-01T17:00:00Z", f"comment {n}"] for n in range(7)]
    with pytest.raises(ImportAborted, match="1 batches before it were committed"):
        import_file("comments", csv_bytes(COMMENT_HEADER, *rows), engine=engine, batch_size=3)
    with engine.connect() as conn:
        stored = sorted(conn.execute(select(Comment.platform_comment_id)).scalars())
    assert stored == ["0", "1", "2"]
    with engine.connect() as conn:
        audit = conn.execute(select(AdminActivity.details).where(AdminActivity.target == "upload")).scalar_one()
    assert audit["outcome"].startswith("aborted") and audit["inserted"] == 3


def test_scores_from_the_helper_process_equal_scores_computed_in_process(engine):
    load_examples(engine, "talents.csv", "profiles.csv", "posts.jsonl")
    texts = ["love this so much 😍", "worst video ever", "ok", "free followers at bit.ly/x", "Çok güzel 👏", ""]
    rows = [["instagram", "C6xAbCdEfGh", str(n), "2024-05-01T17:00:00Z", texts[n % len(texts)]] for n in range(30)]
    query = text("SELECT platform_comment_id, sentiment_score, sentiment_label, kind FROM comments")
    import_file("comments", csv_bytes(COMMENT_HEADER, *rows), engine=engine, batch_size=7, parallel=True)
    with engine.connect() as conn:
        helper = sorted(conn.execute(query).all())
        conn.execute(text("DELETE FROM comments"))
        conn.commit()
    import_file("comments", csv_bytes(COMMENT_HEADER, *rows), engine=engine, batch_size=7, parallel=False)
    with engine.connect() as conn:
        assert sorted(conn.execute(query).all()) == helper
    assert len(helper) == 30


def test_a_key_written_by_someone_else_after_classification_is_updated_not_duplicated(engine, monkeypatch):
    load_examples(engine, "talents.csv", "profiles.csv", "posts.jsonl")
    # As if another import wrote these rows between this batch's SELECT and its write: every key looks new,
    # so PostgreSQL's COPY hits the unique constraint and the batch falls back to the upsert.
    monkeypatch.setattr(ingest_write.BatchWriter, "_existing", lambda self, conn, items: {})
    changed = csv_bytes(["platform", "account_id", "platform_post_id", "posted_at", "likes"],
                        ["instagram", "17841400000000001", "C6xAbCdEfGh", "2024-05-01T16:04:11Z", 1],
                        ["instagram", "17841400000000001", "brand-new", "2024-05-02T10:00:00Z", 2])
    import_file("posts", changed, engine=engine)
    with engine.connect() as conn:
        likes = dict(conn.execute(select(SocialPost.platform_post_id, SocialPost.likes)).all())
    assert (likes["C6xAbCdEfGh"], likes["brand-new"], len(likes)) == (1, 2, 4)


def test_progress_is_reported_after_each_batch_up_to_the_whole_file(engine):
    load_examples(engine, "talents.csv", "profiles.csv", "posts.jsonl")
    data = csv_bytes(COMMENT_HEADER, *[["instagram", "C6xAbCdEfGh", str(n), "2024-05-01T17:00:00Z", "hi"]
                                       for n in range(10)])
    seen = []
    import_file("comments", io.BytesIO(data), engine=engine, batch_size=4, progress=seen.append, parallel=False)
    assert [p.rows for p in seen] == [4, 8, 10, 10]  # after each batch, then once all is committed
    assert [p.inserted for p in seen] == [0, 4, 8, 10]  # a batch is committed while the next one is read
    assert seen[-1].bytes_read == seen[-1].total_bytes == len(data) and seen[-1].fraction == 1.0
