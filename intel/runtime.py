"""The process-wide runtime: settings, database engine and session factory, built once, lazily."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from intel.config import Settings, get_settings
from intel.db import make_engine, session_factory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Runtime:
    """What every entry point needs: configuration and a database."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]


_lock = threading.Lock()
_current: Runtime | None = None


def get_runtime() -> Runtime:
    """The runtime of this process, built from the environment on first use."""
    global _current
    if _current is None:
        with _lock:
            if _current is None:
                _current = _build(get_settings())
    return _current


def configure(settings: Settings | None = None) -> Runtime:
    """Replace the runtime (tests, CLI options); disposes the previous engine."""
    global _current
    with _lock:
        previous, _current = _current, _build(settings or get_settings())
    if previous is not None:
        previous.engine.dispose()
    return _current


def _build(settings: Settings) -> Runtime:
    engine = make_engine(settings.database_url)
    log.info("runtime: database %s", engine.url.render_as_string(hide_password=True))
    return Runtime(settings=settings, engine=engine, sessions=session_factory(engine))
