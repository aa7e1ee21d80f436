"""Per-talent data generations: the database's word on which cached values are still valid.

Every change of a talent's data (import, rescore, demo load, cache clear of that talent) bumps the
talent's generation with one atomic `UPDATE … SET generation = generation + 1`. A value computed
from an older generation is void. A talent without a row is at generation 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import cast

from sqlalchemy import Table, and_, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from intel.db.models import TalentGeneration

_table = cast(Table, TalentGeneration.__table__)  # declarative types __table__ as a FromClause
CHUNK = 1000


def current_generation(session: Session, talent_id: int) -> int:
    """The talent's generation (0 when its data never changed since it was created)."""
    value = session.scalar(select(TalentGeneration.generation).where(TalentGeneration.talent_id == talent_id))
    return int(value or 0)


def bump_generations(sessions: sessionmaker[Session], talent_ids: Iterable[int]) -> dict[int, int]:
    """Increment each talent's generation, marked undelivered until the shared store has it; the new values."""
    ids = sorted(set(talent_ids))  # a fixed order: two concurrent bumps lock rows in the same order
    bumped: dict[int, int] = {}
    with sessions.begin() as session:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        for start in range(0, len(ids), CHUNK):  # under SQLite's and PostgreSQL's bound-parameter limits
            chunk = ids[start:start + CHUNK]
            stmt = insert(TalentGeneration).values([{"talent_id": t, "generation": 1, "undelivered": True}
                                                    for t in chunk])
            session.execute(stmt.on_conflict_do_update(
                index_elements=["talent_id"], set_={"generation": _table.c.generation + 1, "undelivered": True}))
            rows = session.execute(select(TalentGeneration.talent_id, TalentGeneration.generation)
                                   .where(TalentGeneration.talent_id.in_(chunk)))
            bumped.update((int(t), int(g)) for t, g in rows)
    return bumped


def undelivered_generations(sessions: sessionmaker[Session], limit: int = 1000) -> dict[int, int]:
    """Generations the shared store may not have heard of (it was unreachable when they were bumped)."""
    with sessions() as session:
        rows = session.execute(select(TalentGeneration.talent_id, TalentGeneration.generation)
                               .where(TalentGeneration.undelivered.is_(True)).limit(limit))
        return {int(t): int(g) for t, g in rows}


def mark_delivered(sessions: sessionmaker[Session], generations: Mapping[int, int]) -> None:
    """Clear the undelivered mark of rows still at these generations (a newer bump stays undelivered)."""
    if not generations:
        return
    stmt = (update(_table).where(and_(_table.c.talent_id == bindparam("tid"), _table.c.generation == bindparam("gen")))
            .values(undelivered=False))
    with sessions.begin() as session:
        session.connection().execute(stmt, [{"tid": t, "gen": g} for t, g in generations.items()])
