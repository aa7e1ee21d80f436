"""comment aggregates per post and UTC day, kept by triggers

Revision ID: 0005
Revises: 0004

A computation reads these few thousand rows instead of every comment of the talent. Triggers keep them
exact in the writer's own transaction, whoever writes (import, demo load, rescore, ORM, cascades, psql):
- PostgreSQL: statement-level triggers with transition tables, set-based, once per statement (one per
  import batch). An INSERT adds its rows' counts to their groups in one upsert; an UPDATE or DELETE
  recounts the touched (post, day) groups from the comments under row locks, so that two writers of one
  group cannot both write a count that misses the other's comments.
- SQLite (no statement-level triggers): row-level triggers add and subtract; a group's max or min is
  recounted only when the comment that held it leaves.
The SQL is written out here, frozen with the revision; `intel.db.comment_days` rebuilds and checks the
table with the same definitions.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COUNTS = ("comments", "audience", "replies", "scored", "score_sum", "score_max", "score_min", "positive",
          "neutral", "negative", "spam", "emoji_only", "generic")
COLUMNS = ", ".join(("post_id", "day", *COUNTS))

# One recount of comments `c` grouped by (c.post_id, {day}); count(c.id) so that a LEFT JOIN's empty group is 0.
_SCORED = "NOT c.is_talent_reply AND c.kind <> 'spam' AND c.sentiment_score IS NOT NULL"
RECOUNT = f"""
    count(c.id),
    count(*) FILTER (WHERE NOT c.is_talent_reply),
    count(*) FILTER (WHERE c.is_talent_reply),
    count(*) FILTER (WHERE {_SCORED}),
    coalesce(sum(c.sentiment_score) FILTER (WHERE {_SCORED}), 0.0),
    max(c.sentiment_score) FILTER (WHERE {_SCORED}),
    min(c.sentiment_score) FILTER (WHERE {_SCORED}),
    count(*) FILTER (WHERE {_SCORED} AND c.sentiment_label = 'positive'),
    count(*) FILTER (WHERE {_SCORED} AND c.sentiment_label = 'neutral'),
    count(*) FILTER (WHERE {_SCORED} AND c.sentiment_label = 'negative'),
    count(*) FILTER (WHERE NOT c.is_talent_reply AND c.kind = 'spam'),
    count(*) FILTER (WHERE NOT c.is_talent_reply AND c.kind = 'emoji_only'),
    count(*) FILTER (WHERE NOT c.is_talent_reply AND c.kind = 'generic')"""

PG_DAY = "(c.created_at AT TIME ZONE 'UTC')::date"
SQLITE_DAY = "date(c.created_at)"

# --- PostgreSQL -------------------------------------------------------------------------------------------

_IN_GROUP = ("c.post_id = t.post_id AND c.created_at >= t.day::timestamp AT TIME ZONE 'UTC' "
             "AND c.created_at < (t.day + 1)::timestamp AT TIME ZONE 'UTC'")
PG_RECOUNT_FUNCTION = f"""
CREATE FUNCTION comment_days_recount(touched_posts bigint[], touched_days date[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    fresh_posts bigint[];
    fresh_days date[];
BEGIN
    -- 1. Groups new to the table go in counted (the usual case: an import brings new days). A concurrent
    --    writer creating one of them makes this wait until it commits; that group is recounted below.
    WITH inserted AS (
        INSERT INTO comment_days ({COLUMNS})
            SELECT t.post_id, t.day, {RECOUNT}
            FROM unnest(touched_posts, touched_days) AS t(post_id, day)
            JOIN comments c ON {_IN_GROUP}
            GROUP BY t.post_id, t.day
            ORDER BY 1, 2
            ON CONFLICT DO NOTHING
            RETURNING post_id, day)
    SELECT array_agg(post_id), array_agg(day) INTO fresh_posts, fresh_days FROM inserted;
    SELECT array_agg(t.post_id), array_agg(t.day) INTO touched_posts, touched_days
        FROM unnest(touched_posts, touched_days) AS t(post_id, day)
        WHERE NOT EXISTS (SELECT 1 FROM unnest(fresh_posts, fresh_days) AS f(post_id, day)
                          WHERE f.post_id = t.post_id AND f.day = t.day);
    IF touched_posts IS NULL THEN
        RETURN;
    END IF;
    -- 2. The groups already there: lock them in key order, so a concurrent writer of one commits first ...
    PERFORM 1 FROM comment_days d JOIN unnest(touched_posts, touched_days) AS t(post_id, day)
        ON d.post_id = t.post_id AND d.day = t.day
        ORDER BY d.post_id, d.day FOR UPDATE OF d;
    -- 3. ... and this recount (a new statement, a new snapshot) sees its comments too.
    UPDATE comment_days d SET ({', '.join(COUNTS)}) = (
            a.comments, a.audience, a.replies, a.scored, a.score_sum, a.score_max, a.score_min,
            a.positive, a.neutral, a.negative, a.spam, a.emoji_only, a.generic)
        FROM (
            SELECT t.post_id, t.day, {RECOUNT}
            FROM unnest(touched_posts, touched_days) AS t(post_id, day)
            LEFT JOIN comments c ON {_IN_GROUP}
            GROUP BY t.post_id, t.day
        ) AS a({COLUMNS})
        WHERE d.post_id = a.post_id AND d.day = a.day;
    DELETE FROM comment_days d USING unnest(touched_posts, touched_days) AS t(post_id, day)
        WHERE d.post_id = t.post_id AND d.day = t.day AND d.comments = 0;
END
$$;
"""

# The groups a statement touched, from its transition tables; `rows` is a UNION of the relevant ones.
_PG_TRIGGER_FUNCTION = """
CREATE FUNCTION comment_days_after_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    posts bigint[];
    days date[];
BEGIN
    SELECT array_agg(post_id), array_agg(day) INTO posts, days FROM (
        SELECT DISTINCT post_id, (created_at AT TIME ZONE 'UTC')::date AS day FROM ({rows}) AS r
    ) AS g;
    IF posts IS NOT NULL THEN
        PERFORM comment_days_recount(posts, days);
    END IF;
    RETURN NULL;
END
$$;
"""
# An INSERT only adds comments, so each touched group gets the inserted rows' counts added (max and min
# widened) in one upsert, without reading comments again. ON CONFLICT DO UPDATE waits for a concurrent
# writer of the same group and then adds to its committed row, so both are counted.
_ADDED = ", ".join(
    f"{c} = {'GREATEST' if c == 'score_max' else 'LEAST'}(comment_days.{c}, excluded.{c})"
    if c in ("score_max", "score_min") else f"{c} = comment_days.{c} + excluded.{c}" for c in COUNTS)
PG_INSERT_FUNCTION = f"""
CREATE FUNCTION comment_days_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO comment_days ({COLUMNS})
        SELECT c.post_id, {PG_DAY}, {RECOUNT}
        FROM new_rows c
        GROUP BY 1, 2
        ORDER BY 1, 2
        ON CONFLICT (post_id, day) DO UPDATE SET {_ADDED};
    RETURN NULL;
END
$$;
"""
# An UPDATE touches the old and new groups of the rows whose counted columns changed (a rescore that
# keeps a score, or an import that changes only the author, recounts nothing).
_COUNTED = "id, post_id, created_at, is_talent_reply, kind, sentiment_score, sentiment_label"
PG_TRIGGERS = {
    "insert": ("NEW TABLE AS new_rows", "SELECT post_id, created_at FROM new_rows"),
    "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows",
               f"(SELECT {_COUNTED} FROM old_rows EXCEPT SELECT {_COUNTED} FROM new_rows) UNION ALL "
               f"(SELECT {_COUNTED} FROM new_rows EXCEPT SELECT {_COUNTED} FROM old_rows)"),
    "delete": ("OLD TABLE AS old_rows", "SELECT post_id, created_at FROM old_rows"),
}

# --- SQLite -----------------------------------------------------------------------------------------------

def _sqlite_scored(row: str) -> str:
    """The condition that comment `row` counts in the sentiment figures (an audience comment, not spam, scored)."""
    return f"(NOT {row}.is_talent_reply AND {row}.kind <> 'spam' AND {row}.sentiment_score IS NOT NULL)"


def _flag(condition: str) -> str:
    """1 where `condition` holds, else 0 (SQL)."""
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _sqlite_add(row: str) -> str:
    """Add comment `row` (NEW) to its group."""
    scored, audience = _sqlite_scored(row), f"NOT {row}.is_talent_reply"
    score = f"CASE WHEN {scored} THEN {row}.sentiment_score END"
    values = [f"{row}.post_id", f"date({row}.created_at)", "1", _flag(audience), _flag(f"{row}.is_talent_reply"),
              _flag(scored), f"coalesce({score}, 0.0)", score, score,
              *(_flag(f"{scored} AND {row}.sentiment_label = '{label}'") for label in ("positive", "neutral",
                                                                                       "negative")),
              *(_flag(f"{audience} AND {row}.kind = '{kind}'") for kind in ("spam", "emoji_only", "generic"))]
    sums = [f"{c} = {c} + excluded.{c}" for c in COUNTS if c not in ("score_max", "score_min")]
    extremes = [f"score_{f} = coalesce({f}(score_{f}, excluded.score_{f}), score_{f}, excluded.score_{f})"
                for f in ("max", "min")]
    return (f"INSERT INTO comment_days ({COLUMNS}) SELECT {', '.join(values)} WHERE true "
            f"ON CONFLICT (post_id, day) DO UPDATE SET {', '.join(sums + extremes)};")


def _sqlite_remove(row: str) -> str:
    """Subtract comment `row` (OLD) from its group; recount the max or min only if it held it."""
    scored, audience = _sqlite_scored(row), f"NOT {row}.is_talent_reply"
    group = f"post_id = {row}.post_id AND day = date({row}.created_at)"
    # 'start of day' first: with a modifier SQLite rounds to milliseconds, and 23:59:59.9999 became tomorrow.
    in_group = (f"c.post_id = {row}.post_id AND c.created_at >= date({row}.created_at) "
                f"AND c.created_at < date({row}.created_at, 'start of day', '+1 day') AND {_SCORED}")
    minus = {
        "comments": "1", "audience": _flag(audience), "replies": _flag(f"{row}.is_talent_reply"),
        "scored": _flag(scored),
        **{label: _flag(f"{scored} AND {row}.sentiment_label = '{label}'")
           for label in ("positive", "neutral", "negative")},
        **{kind: _flag(f"{audience} AND {row}.kind = '{kind}'") for kind in ("spam", "emoji_only", "generic")},
    }
    sets = [f"{c} = {c} - {v}" for c, v in minus.items()]
    # The last scored comment leaves an exact 0, not the rounding rest of the subtractions.
    sets.append(f"score_sum = CASE WHEN NOT {scored} THEN score_sum WHEN scored = 1 THEN 0.0 "
                f"ELSE score_sum - {row}.sentiment_score END")
    for f, op_ in (("max", ">="), ("min", "<=")):
        sets.append(f"score_{f} = CASE WHEN {scored} AND {row}.sentiment_score {op_} score_{f} THEN "
                    f"(SELECT {f}(c.sentiment_score) FROM comments c WHERE {in_group}) ELSE score_{f} END")
    return (f"UPDATE comment_days SET {', '.join(sets)} WHERE {group}; "
            f"DELETE FROM comment_days WHERE {group} AND comments = 0;")


SQLITE_TRIGGERS = {
    "insert": f"AFTER INSERT ON comments BEGIN {_sqlite_add('NEW')} END",
    "update": ("AFTER UPDATE OF id, post_id, created_at, is_talent_reply, kind, sentiment_score, sentiment_label "
               f"ON comments BEGIN {_sqlite_remove('OLD')} {_sqlite_add('NEW')} END"),
    "delete": f"AFTER DELETE ON comments BEGIN {_sqlite_remove('OLD')} END",
}


def backfill(day: str) -> str:
    """Every group, recounted from the comments."""
    return (f"INSERT INTO comment_days ({COLUMNS}) SELECT c.post_id, {day}, {RECOUNT} "
            f"FROM comments c GROUP BY c.post_id, {day}")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('comment_days',
    sa.Column('post_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    *(sa.Column(name, sa.Float() if name in ("score_sum", "score_max", "score_min") else sa.Integer(),
                nullable=name in ("score_max", "score_min")) for name in COUNTS),
    sa.PrimaryKeyConstraint('post_id', 'day')
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_RECOUNT_FUNCTION)
        for event, (referencing, rows) in PG_TRIGGERS.items():
            op.execute(PG_INSERT_FUNCTION if event == "insert" else _PG_TRIGGER_FUNCTION.format(event=event, rows=rows))
            op.execute(f"CREATE TRIGGER comment_days_{event} AFTER {event.upper()} ON comments "
                       f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION comment_days_after_{event}()")
        op.execute("CREATE FUNCTION comment_days_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN DELETE FROM comment_days; RETURN NULL; END $$;")
        op.execute("CREATE TRIGGER comment_days_truncate AFTER TRUNCATE ON comments "
                   "FOR EACH STATEMENT EXECUTE FUNCTION comment_days_after_truncate()")
        op.execute(backfill(PG_DAY))
    else:
        for event, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER comment_days_{event} {body}")
        op.execute(backfill(SQLITE_DAY))


def downgrade() -> None:
    """Downgrade schema."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for event in (*PG_TRIGGERS, *(("truncate",) if postgres else ())):
        op.execute(f"DROP TRIGGER IF EXISTS comment_days_{event}" + (" ON comments" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS comment_days_after_{event}()")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS comment_days_recount(bigint[], date[])")
    op.drop_table('comment_days')
