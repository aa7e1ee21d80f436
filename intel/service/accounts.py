"""Account entry points for pages, the API and the CLI.

Pre-identity by nature (nobody is signed in yet, so no capability is checked): `has_users`,
`create_first_admin` (only on an empty database), `authenticate`, `start_session` (for the identity
`authenticate` returned), `end_session`, `identity_for_session` and `identity_for_api_token`.
Everything else takes the acting `Identity` and checks its capability ("users") itself; the audit actor
is the identity's email ("system:cli" for the command line).
"""

from __future__ import annotations

from intel.accounts import auth, users
from intel.accounts.access import require
from intel.accounts.auth import Identity
from intel.accounts.users import UserRow
from intel.errors import PermissionDenied
from intel.runtime import get_runtime
from intel.service.boundary import database_boundary

# ---------------------------------------------------------------- pre-identity: signing in


@database_boundary
def has_users() -> bool:
    """True once any account exists (the sign-in page offers first-admin setup until then)."""
    return auth.has_users(sessions=get_runtime().sessions)


@database_boundary
def create_first_admin(email: str, display_name: str, password: str) -> int:
    """Create the first admin of an empty database; PermissionDenied once any account exists."""
    return auth.create_first_admin(email, display_name, password, sessions=get_runtime().sessions)


@database_boundary
def authenticate(email: str, password: str, *, client: str) -> Identity:
    """Check credentials with lockout per account and per client; audited either way."""
    rt = get_runtime()
    return auth.authenticate(email, password, client=client, sessions=rt.sessions, store=rt.store, local=rt.local,
                             prefix=rt.settings.cache_prefix)


@database_boundary
def start_session(identity: Identity) -> str:
    """A new session token for the identity `authenticate` returned."""
    rt = get_runtime()
    return auth.start_session(identity, sessions=rt.sessions, hours=rt.settings.session_hours)


@database_boundary
def end_session(token: str | None, identity: Identity | None) -> None:
    """Sign a session token out everywhere (audited as its user, or "unknown")."""
    auth.end_session(token, sessions=get_runtime().sessions, actor=identity.email if identity else "unknown")


@database_boundary
def identity_for_session(token: str | None) -> Identity | None:
    """The user of a live session token, else None."""
    return auth.identity_for_session(token, sessions=get_runtime().sessions)


@database_boundary
def identity_for_api_token(token: str | None) -> Identity | None:
    """The user of a live API token, else None."""
    return auth.identity_for_api_token(token, sessions=get_runtime().sessions)


def session_hours() -> int:
    """How long a sign-in session lives (the cookie's max-age)."""
    return get_runtime().settings.session_hours


# ---------------------------------------------------------------- the signed-in user's own account


@database_boundary
def change_own_password(identity: Identity | None, current: str, new: str) -> None:
    """The signed-in user changes their own password after proving the current one."""
    if identity is None:
        raise PermissionDenied("Please sign in.")
    if identity.user_id is None or identity.role in ("demo", "system"):
        raise PermissionDenied("Only a stored account has a password to change.")
    users.change_own_password(identity.email, current, new, sessions=get_runtime().sessions)


# ---------------------------------------------------------------- administration ("users" capability)


@database_boundary
def list_users(identity: Identity | None) -> list[UserRow]:
    """Every account with its number of assigned talents."""
    require(identity, "users")
    return users.list_users(sessions=get_runtime().sessions)


@database_boundary
def create_user(identity: Identity | None, email: str, display_name: str, role: str, password: str) -> int:
    """Create an account; audited as the identity."""
    actor = require(identity, "users").email
    return auth.create_user(email, display_name, role, password, sessions=get_runtime().sessions, actor=actor)


@database_boundary
def set_role(identity: Identity | None, email: str, role: str) -> None:
    """Change an account's role."""
    actor = require(identity, "users").email
    users.set_role(email, role, sessions=get_runtime().sessions, actor=actor)


@database_boundary
def set_active(identity: Identity | None, email: str, active: bool) -> None:
    """Activate or deactivate an account (deactivation signs it out everywhere)."""
    actor = require(identity, "users").email
    users.set_active(email, active, sessions=get_runtime().sessions, actor=actor)


@database_boundary
def reset_password(identity: Identity | None, email: str, password: str) -> None:
    """Set a new password for an account (signs it out everywhere)."""
    actor = require(identity, "users").email
    users.reset_password(email, password, sessions=get_runtime().sessions, actor=actor)


@database_boundary
def assign_talents(identity: Identity | None, email: str, talent_ids: list[int]) -> None:
    """Make an agent account the agent of these talents."""
    actor = require(identity, "users").email
    users.assign_talents(email, talent_ids, sessions=get_runtime().sessions, actor=actor)


@database_boundary
def issue_api_token(identity: Identity | None, email: str, name: str) -> str:
    """A new API token for an account (shown once)."""
    actor = require(identity, "users").email
    return auth.issue_api_token(email, name, sessions=get_runtime().sessions, actor=actor)


@database_boundary
def revoke_api_tokens(identity: Identity | None, email: str) -> int:
    """Revoke every live API token of an account; the number revoked."""
    actor = require(identity, "users").email
    return auth.revoke_api_tokens(email, sessions=get_runtime().sessions, actor=actor)
