"""Platform tokens encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`).

`INTEL_SECRET_KEY` holds one or more keys, comma-separated, newest first: MultiFernet encrypts with the
first and decrypts with any, so keys rotate without a migration (`rotate` re-encrypts with the newest).
Without a key the connectors refuse to start: storing tokens in clear text is not an option.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from intel.connectors.base import NotConfigured
from intel.errors import ConfigError

KEYGEN_HINT = "python -m intel connectors keygen"


class TokenBox:
    """Encrypts and decrypts the tokens of platform connections."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        if not keys:
            raise NotConfigured("INTEL_SECRET_KEY is not set: platform tokens are stored encrypted with it, so the "
                                f"connectors cannot start. Generate a key with `{KEYGEN_HINT}` and set it in the "
                                "environment or .streamlit/secrets.toml.")
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        except (ValueError, TypeError):
            raise ConfigError("INTEL_SECRET_KEY must hold Fernet keys (32 url-safe base64 bytes each, comma-"
                              f"separated); generate one with `{KEYGEN_HINT}`.") from None

    def seal(self, secret: str) -> str:
        """The ciphertext of `secret`, as text for a Text column."""
        return self._fernet.encrypt(secret.encode()).decode("ascii")

    def open(self, sealed: str) -> str:
        """The secret sealed in `sealed`; ConfigError when no configured key opens it."""
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode()
        except InvalidToken:
            raise ConfigError("A stored platform token cannot be decrypted with INTEL_SECRET_KEY: the key that "
                              "sealed it was removed. Put the old key back after the new one, or reconnect.") from None

    def rotate(self, sealed: str) -> str:
        """`sealed` re-encrypted with the newest key."""
        return self._fernet.rotate(sealed.encode("ascii")).decode("ascii")


def new_key() -> str:
    """A fresh Fernet key for INTEL_SECRET_KEY."""
    return Fernet.generate_key().decode("ascii")
