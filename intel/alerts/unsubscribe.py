"""One-click unsubscribe tokens (RFC 8058) for alert and digest emails.

The token names the person and the kind of email and carries an HMAC-SHA256 of both under INTEL_SECRET_KEY,
so nobody can forge one for someone else, and nothing needs storing. Any configured key verifies a token, so
the links in emails already sent survive a key rotation while the old key is kept after the new one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

KINDS: tuple[str, ...] = ("alert", "digest")
_CONTEXT = b"intel-unsubscribe-v1:"  # separates these MACs from any other use of the same key


def make_token(user_id: int, kind: str, keys: tuple[str, ...]) -> str:
    """`{user}.{kind}.{mac}` under the newest key."""
    if kind not in KINDS or not keys:
        raise ValueError("an unsubscribe token needs a known kind and INTEL_SECRET_KEY")
    return f"{user_id}.{kind}.{_mac(keys[0], user_id, kind)}"


def read_token(token: str, keys: tuple[str, ...]) -> tuple[int, str] | None:
    """(user id, kind) of a genuine token, else None."""
    user, _, rest = token.partition(".")
    kind, _, mac = rest.partition(".")
    if not user.isdigit() or kind not in KINDS or not mac:
        return None
    if any(hmac.compare_digest(mac, _mac(key, int(user), kind)) for key in keys):
        return int(user), kind
    return None


def _mac(key: str, user_id: int, kind: str) -> str:
    digest = hmac.new(key.encode(), _CONTEXT + f"{user_id}:{kind}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
