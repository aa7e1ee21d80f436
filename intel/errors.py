"""Typed errors that pages turn into plain-words messages."""


class IntelError(Exception):
    """Base of every error the UI shows to a person; `str(error)` is the message."""


class DatabaseUnavailable(IntelError):
    """The database cannot be reached right now."""


class TalentNotFound(IntelError):
    """No talent with that id (or not one the user may see)."""
