"""Account administration: roles, activation, password resets and talent assignment (all audited).

Each function takes `sessions` and the audit `actor`; none checks a capability — the identity-checking
entry points are `intel.service.accounts`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from intel.accounts import audit
from intel.accounts.auth import Sessions, hash_password, normalise_email, verify_password
from intel.db.engine import rowcount
from intel.db.models import ROLES, Talent, User, UserSession, utcnow
from intel.errors import IntelError


@dataclass(frozen=True)
class UserRow:
    """An account as the Users page lists it."""

    user_id: int
    email: str
    display_name: str
    role: str
    is_active: bool
    talents: int


def list_users(*, sessions: Sessions) -> list[UserRow]:
    """Every account with its number of assigned talents."""
    with sessions() as session:
        counts = dict(session.execute(select(Talent.agent_id, func.count()).group_by(Talent.agent_id)).all())
        return [UserRow(u.id, u.email, u.display_name, u.role, u.is_active, int(counts.get(u.id, 0)))
                for u in session.scalars(select(User).order_by(User.email))]


def _change(sessions: Sessions, email: str, action: str, actor: str, **values: object) -> None:
    with sessions.begin() as session:
        result = session.execute(update(User).where(User.email == normalise_email(email)).values(**values))
        if not rowcount(result):
            raise IntelError(f"No account for {email}.")
        if values.get("is_active") is False or "password_hash" in values:
            # Deactivation and password resets end every open session of the account.
            user_id = select(User.id).where(User.email == normalise_email(email)).scalar_subquery()
            session.execute(update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
                            .values(revoked_at=utcnow()))
    details = {k: v for k, v in values.items() if k != "password_hash"}
    audit.record(sessions, actor, action, f"user:{email}", **details)


def set_role(email: str, role: str, *, sessions: Sessions, actor: str) -> None:
    """Change an account's role."""
    if role not in ROLES:
        raise IntelError(f"Role must be one of {', '.join(ROLES)}.")
    _change(sessions, email, "user_role_changed", actor, role=role)


def set_active(email: str, active: bool, *, sessions: Sessions, actor: str) -> None:
    """Activate or deactivate an account (deactivation signs it out everywhere)."""
    _change(sessions, email, "user_activated" if active else "user_deactivated", actor, is_active=active)


def reset_password(email: str, password: str, *, sessions: Sessions, actor: str) -> None:
    """Set a new password (signs the account out everywhere)."""
    _change(sessions, email, "password_reset", actor, password_hash=hash_password(password))


def change_own_password(email: str, current: str, new: str, *, sessions: Sessions) -> None:
    """A user changes their own password after proving the current one."""
    with sessions() as session:
        stored = session.scalar(select(User.password_hash).where(User.email == normalise_email(email)))
    if not verify_password(stored, current):
        raise IntelError("The current password is not correct.")
    _change(sessions, email, "password_changed", email, password_hash=hash_password(new))


def assign_talents(email: str, talent_ids: list[int], *, sessions: Sessions, actor: str) -> None:
    """Make `email` (an agent) the agent of these talents."""
    with sessions.begin() as session:
        agent = session.scalar(select(User).where(User.email == normalise_email(email)))
        if agent is None or agent.role != "agent":
            raise IntelError(f"{email} is not an agent account.")
        session.execute(update(Talent).where(Talent.id.in_(talent_ids)).values(agent_id=agent.id))
    audit.record(sessions, actor, "talents_assigned", f"user:{email}", talent_ids=sorted(talent_ids))
