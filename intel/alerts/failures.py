"""How a channel reports a failed send: retry later (the relay or endpoint may recover) or give up now."""

from __future__ import annotations


class SendFailed(Exception):
    """A send that did not go through; `permanent` when retrying cannot help (address refused, webhook gone)."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after_s = retry_after_s
