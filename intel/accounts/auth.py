"""Accounts and sessions: argon2 password hashes, server-side sessions, API tokens, brute-force lockout.

Tokens are random (`secrets.token_urlsafe`); only their SHA-256 is stored, so a database leak does
not hand out sessions. Lockout counters live in the shared store (embedded store when Redis is down);
the lock's end is the store's clock (`MemoryStore(clock=…)` in tests, Redis's own time in production).

Every function takes what it uses (`sessions`, stores) as keyword arguments and checks no capability:
the identity-checking entry points are `intel.service.accounts`.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from operator import methodcaller
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from intel.accounts import audit
from intel.cache.store import MemoryStore, Store, StoreUnavailable
from intel.config import IPNetwork
from intel.db.engine import rowcount
from intel.db.models import ROLES, ApiToken, User, UserSession, utcnow
from intel.errors import AccountLocked, AuthError, IntelError, PermissionDenied

log = logging.getLogger(__name__)
T = TypeVar("T")

MIN_PASSWORD = 12
WINDOW_S, LOCK_S = 15 * 60, 15 * 60
# Per account: five typos lock that one account. Per client address: much higher, because behind the
# agency's proxy or NAT every colleague shares one address and must not be locked out by another's typos.
MAX_FAILURES, MAX_CLIENT_FAILURES = 5, 50
_hasher = PasswordHasher()
# Verifying against this keeps the time of "no such user" equal to "wrong password".
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


__all__ = ["DEMO_VIEWER", "SYSTEM", "AccountLocked", "AuthError", "Identity", "PermissionDenied"]
Sessions = sessionmaker[Session]


@dataclass(frozen=True)
class Identity:
    """Who is acting: a signed-in user, the read-only demo viewer (user_id None) or the command line (SYSTEM)."""

    user_id: int | None
    email: str
    display_name: str
    role: str

    @property
    def is_demo_viewer(self) -> bool:
        """True for the anonymous, read-only viewer of demo mode."""
        return self.role == "demo"


DEMO_VIEWER = Identity(None, "demo-viewer", "Demo viewer", "demo")
# The command line: an operator with shell access to the deployment. Its role has the admin capabilities
# but is never stored in the users table (ROLES refuses it), so nobody can sign in as it.
SYSTEM = Identity(0, "system:cli", "command line", "system")


def token_hash(token: str) -> str:
    """SHA-256 hex of a token (what the database keeps)."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    """An argon2id hash of a password that meets the policy."""
    if len(password) < MIN_PASSWORD:
        raise IntelError(f"Passwords need at least {MIN_PASSWORD} characters.")
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when `password` matches `stored` (constant work when there is no stored hash)."""
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _identity(user: User) -> Identity:
    return Identity(user.id, user.email, user.display_name, user.role)


def normalise_email(email: str) -> str:
    """Lower-cased, trimmed email; IntelError when it is not an address."""
    cleaned = email.strip().lower()
    if "@" not in cleaned or len(cleaned) > 254 or " " in cleaned:
        raise IntelError("Enter a valid email address.")
    return cleaned


def has_users(*, sessions: Sessions) -> bool:
    """True once any account exists."""
    with sessions() as session:
        return bool(session.scalar(select(func.count()).select_from(User)))


def create_user(email: str, display_name: str, role: str, password: str, *, sessions: Sessions, actor: str) -> int:
    """Create an account; audited as `actor`."""
    if role not in ROLES:
        raise IntelError(f"Role must be one of {', '.join(ROLES)}.")
    email = normalise_email(email)
    with sessions.begin() as session:
        if session.scalar(select(User.id).where(User.email == email)) is not None:
            raise IntelError(f"An account for {email} already exists.")
        user = User(email=email, display_name=display_name.strip() or email, role=role,
                    password_hash=hash_password(password))
        session.add(user)
        session.flush()
        user_id = user.id
    audit.record(sessions, actor, "user_created", f"user:{email}", role=role)
    return user_id


def create_first_admin(email: str, display_name: str, password: str, *, sessions: Sessions) -> int:
    """Create the first admin of an empty database (refused once any account exists)."""
    if has_users(sessions=sessions):
        raise PermissionDenied("An administrator already exists; sign in instead.")
    return create_user(email, display_name, "admin", password, sessions=sessions, actor=normalise_email(email))


def client_address(peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[IPNetwork]) -> str:
    """The address a request came from: its TCP peer, or the forwarded client when the peer is a trusted proxy."""
    # Each proxy appends the address it saw, so the rightmost hop that is not one of ours is the first
    # address nobody could forge; hops further left came from the client and prove nothing.
    if not peer:
        return "unknown"
    if not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer  # every hop is a proxy of ours: the request started inside


def _is_trusted(address: str, trusted: Sequence[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def authenticate(email: str, password: str, *, client: str, sessions: Sessions, store: Store, local: MemoryStore,
                 prefix: str = "") -> Identity:
    """Check credentials with lockout per account (5 failures) and per client address (50); audited."""
    email = email.strip().lower()
    stores = (store, local)
    keys = ((f"{prefix}auth:acct:{email}", MAX_FAILURES), (f"{prefix}auth:client:{client}", MAX_CLIENT_FAILURES))
    _raise_if_locked(stores, keys)
    with sessions() as session:
        user = session.scalar(select(User).where(User.email == email))
        ok = verify_password(user.password_hash if user else None, password)
        if ok and user is not None and user.is_active:
            _store_call(stores, lambda s: s.delete(f"{keys[0][0]}:fails"))
            audit.record(sessions, email, "sign_in", f"user:{email}", client=client)
            return _identity(user)
    _count_failure(stores, keys)
    audit.record(sessions, email, "sign_in_failed", f"user:{email}", client=client)
    _raise_if_locked(stores, keys)
    raise AuthError("Email or password is incorrect, or the account is deactivated.")


def _store_call(stores: tuple[Store, MemoryStore], op: Callable[[Store], T]) -> T:
    """Run `op(store)` on the shared store, or on the embedded one when the shared store is down."""
    try:
        return op(stores[0])
    except StoreUnavailable:
        return op(stores[1])


def _count_failure(stores: tuple[Store, MemoryStore], keys: tuple[tuple[str, int], ...]) -> None:
    for key, limit in keys:
        count = int(_store_call(stores, methodcaller("incr_window", f"{key}:fails", WINDOW_S)))
        if count >= limit:
            _store_call(stores, methodcaller("set", f"{key}:locked", b"1", LOCK_S))


def _raise_if_locked(stores: tuple[Store, MemoryStore], keys: tuple[tuple[str, int], ...]) -> None:
    for key, _ in keys:
        left = _store_call(stores, methodcaller("ttl", f"{key}:locked"))
        if left is not None:
            raise AccountLocked(max(1, round(float(left) / 60)))


def start_session(identity: Identity, *, sessions: Sessions, hours: int) -> str:
    """A new session token for a signed-in user, valid for `hours`."""
    if identity.user_id is None or identity.role not in ROLES:
        raise PermissionDenied("Only a stored account can have a sign-in session.")
    token = secrets.token_urlsafe(32)
    with sessions.begin() as session:
        session.add(UserSession(token_hash=token_hash(token), user_id=identity.user_id,
                                expires_at=utcnow() + timedelta(hours=hours)))
    return token


def identity_for_session(token: str | None, *, sessions: Sessions) -> Identity | None:
    """The user of a live session token (not expired, not revoked, account active), else None."""
    if not token:
        return None
    with sessions() as session:
        user = session.scalar(
            select(User).join(UserSession, UserSession.user_id == User.id)
            .where(UserSession.token_hash == token_hash(token), UserSession.revoked_at.is_(None),
                   UserSession.expires_at > utcnow(), User.is_active)
        )
        return None if user is None else _identity(user)


def end_session(token: str | None, *, sessions: Sessions, actor: str) -> None:
    """Revoke a session token: every tab and device that used it is signed out."""
    if not token:
        return
    with sessions.begin() as session:
        session.execute(update(UserSession).where(UserSession.token_hash == token_hash(token))
                        .values(revoked_at=utcnow()))
    audit.record(sessions, actor, "sign_out", f"user:{actor}")


def issue_api_token(email: str, name: str, *, sessions: Sessions, actor: str) -> str:
    """A new API token for a user (shown once; only its hash is kept)."""
    token = "ti_" + secrets.token_urlsafe(32)
    with sessions.begin() as session:
        user = _user(session, email)
        session.add(ApiToken(token_hash=token_hash(token), user_id=user.id, name=name))
    audit.record(sessions, actor, "api_token_issued", f"user:{email}", name=name)
    return token


def revoke_api_tokens(email: str, *, sessions: Sessions, actor: str) -> int:
    """Revoke every live API token of a user; the number revoked."""
    with sessions.begin() as session:
        user = _user(session, email)
        result = session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                                 .values(revoked_at=utcnow()))
    audit.record(sessions, actor, "api_token_revoked", f"user:{email}")
    return rowcount(result)


def identity_for_api_token(token: str | None, *, sessions: Sessions) -> Identity | None:
    """The user of a live API token, else None."""
    if not token:
        return None
    with sessions.begin() as session:
        row = session.execute(
            select(User, ApiToken).join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None), User.is_active)
        ).first()
        if row is None:
            return None
        row[1].last_used_at = utcnow()
        return _identity(row[0])


def _user(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise IntelError(f"No account for {email}.")
    return user
