"""Entry points the pages and the CLI call: each opens its own session and returns plain values."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from intel.errors import DatabaseUnavailable
from intel.roster import RosterRow, load_roster
from intel.runtime import get_runtime

log = logging.getLogger(__name__)
T = TypeVar("T")


@contextmanager
def read_session() -> Iterator[Session]:
    """A read session; a database that cannot be reached becomes DatabaseUnavailable."""
    try:
        with get_runtime().sessions() as session:
            yield session
    except OperationalError as exc:
        log.error("database unavailable: %s", exc.orig)
        raise DatabaseUnavailable("The database cannot be reached right now. Try again shortly.") from exc


def _read(fn: Callable[[Session], T]) -> T:
    with read_session() as session:
        return fn(session)


def roster() -> list[RosterRow]:
    """The roster of every talent with headline figures."""
    return _read(load_roster)
