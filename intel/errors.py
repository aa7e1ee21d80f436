"""Every typed error the application raises to its entry layers; pages, the API and the CLI turn them into
plain words (`str(error)` is the message). Lower layers raise these; `intel.service` translates database
failures into DatabaseUnavailable, so nothing above it needs to know SQLAlchemy.

(`intel.cache.entries.CorruptEntry` and `intel.cache.store.StoreUnavailable` stay where they are: they never
leave the cache package — a corrupt entry is a miss, an unreachable store falls back to the embedded one.)
"""


class IntelError(Exception):
    """Base of every error the UI shows to a person; `str(error)` is the message."""


class ConfigError(IntelError, ValueError):
    """A setting has a value the application cannot use; the message is one clear line."""


class DatabaseUnavailable(IntelError):
    """The database cannot be reached right now."""


class TalentNotFound(IntelError):
    """No talent with that id (or not one the user may see)."""


class PermissionDenied(IntelError):
    """The identity (or nobody, when signed out) may not do this."""


class AuthError(IntelError):
    """Sign-in refused; the message never says whether the email exists."""


class AccountLocked(AuthError):
    """Too many failed sign-ins for this account or client."""

    def __init__(self, minutes: int) -> None:
        super().__init__(f"Too many failed sign-ins. Try again in {minutes} min.")
        self.minutes = minutes


class ImportRefused(IntelError):
    """The file as a whole cannot be imported (binary, empty, no header, wrong columns…); nothing was written."""


class ImportAborted(IntelError):
    """Reading or writing stopped part-way; batches committed before stay (re-importing is idempotent)."""
