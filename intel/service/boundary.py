"""The error boundary of the service layer: database failures leave as DatabaseUnavailable.

Every façade function is wrapped with `@database_boundary`, so pages, the API and the CLI only ever see
`intel.errors` types and never import SQLAlchemy.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from intel.errors import DatabaseUnavailable

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")
# Connection refused, server gone, pool exhausted: the database cannot be reached. Other SQLAlchemy
# errors (integrity, programming) are bugs and stay what they are, to be logged with their traceback.
UNREACHABLE = (OperationalError, InterfaceError, PoolTimeout)
MESSAGE = "The database cannot be reached right now. Try again shortly."


@contextmanager
def database_errors() -> Iterator[None]:
    """Run a block; a database that cannot be reached becomes DatabaseUnavailable."""
    try:
        yield
    except UNREACHABLE as exc:
        log.error("database unavailable: %s", getattr(exc, "orig", None) or exc)
        raise DatabaseUnavailable(MESSAGE) from exc


def database_boundary(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorate a façade function with `database_errors()`."""
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with database_errors():
            return fn(*args, **kwargs)
    return wrapper
