"""Email through the SMTP relay in settings: STARTTLS with a verified certificate, then AUTH, multipart text + HTML.

The Message-ID comes from the delivery's key, so the same message retried carries the same id (mail systems
that see it twice keep one). `List-Unsubscribe` with `List-Unsubscribe-Post` is RFC 8058's one-click
unsubscribe. A password is never sent over a connection that is not encrypted.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from intel.alerts.failures import SendFailed
from intel.config import AlertSettings

TIMEOUT_S = 30.0


def build_message(settings: AlertSettings, to: str, payload: dict[str, Any], *, key: str,
                  unsubscribe_url: str | None, sent_at: Any) -> EmailMessage:
    """The multipart message for one delivery (plain text first, HTML as the alternative)."""
    sender = settings.smtp_from or ""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = payload["subject"]
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = message_id(key, sender)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies to alerts
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(payload["text"])
    message.add_alternative(payload["html"], subtype="html")
    return message


def message_id(key: str, sender: str) -> str:
    """A Message-ID that is the same for every attempt at one delivery."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "intel.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def send(settings: AlertSettings, message: EmailMessage) -> None:
    """Hand one message to the relay; SendFailed (permanent for a 5xx refusal) when it does not take it."""
    if not settings.smtp_host or not settings.smtp_from:
        raise SendFailed("email is not configured: set INTEL_SMTP_HOST and INTEL_SMTP_FROM")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_S) as smtp:
            smtp.ehlo()
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context(cafile=settings.smtp_ca_file))
                smtp.ehlo()
            if settings.smtp_username:
                if not settings.smtp_starttls:
                    raise SendFailed("refusing SMTP AUTH without STARTTLS: the password would travel in clear")
                smtp.login(settings.smtp_username, settings.smtp_password or "")
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise SendFailed(f"the relay refused the recipient ({', '.join(map(str, codes))})",
                         permanent=all(c >= 500 for c in codes)) from None
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        # 5xx is a refusal, but a failed login is a configuration to fix: keep retrying until the waits are spent.
        permanent = exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError)
        raise SendFailed(f"SMTP {exc.smtp_code}: {text}", permanent=permanent) from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise SendFailed(f"SMTP relay {settings.smtp_host}:{settings.smtp_port}: {exc}") from None

