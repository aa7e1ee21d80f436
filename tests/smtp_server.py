"""A real SMTP server for the tests (aiosmtpd in a thread): STARTTLS with a self-signed certificate the client
verifies through INTEL_SMTP_CA_FILE, AUTH required after TLS, every accepted message kept and parsed.

Knobs for the failure tests: refuse some recipients (550), answer 451 to the next N messages, or stall in RCPT
(a worker killed while it waits there never transferred the message).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import ipaddress
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.services import free_port

USER, PASSWORD = "intel-relay", "relay-test-password"


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Mailbox:
    """What the server accepted, and how it misbehaves next."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    temporary_failures: int = 0
    stall_rcpt_s: float = 0.0
    stall_after: int = 0  # stall only once this many messages were accepted
    rcpts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, address: str) -> list[EmailMessage]:
        """The messages whose envelope went to `address`."""
        with self.lock:
            return [m for m, (_, rcpts) in zip(self.messages, self.envelopes, strict=True) if address in rcpts]


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.box.refuse:
            return "550 5.1.1 no such mailbox"
        with self.box.lock:
            self.box.rcpts += 1
            stall = self.box.stall_rcpt_s if len(self.box.messages) >= self.box.stall_after else 0.0
        if stall:
            await asyncio.sleep(stall)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.box.lock:
            if self.box.temporary_failures > 0:
                self.box.temporary_failures -= 1
                return "451 4.3.0 try again later"
            self.box.messages.append(email.message_from_bytes(envelope.original_content, policy=default))  # type: ignore[arg-type]
            self.box.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK queued"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


class SmtpServer:
    """The running server: `host`, `port`, `ca_file` (its certificate) and the `box` of accepted messages."""

    def __init__(self, directory: Path) -> None:
        cert, key = self_signed(directory)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self.host, self.port, self.ca_file = "127.0.0.1", free_port(), str(cert)
        self.box = Mailbox()
        self._controller = Controller(_Handler(self.box), hostname=self.host, port=self.port, tls_context=context,
                                      require_starttls=True, auth_required=True, auth_require_tls=True,
                                      authenticator=_authenticate)

    def start(self) -> SmtpServer:
        """Start serving in a thread."""
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop the server and its thread."""
        self._controller.stop()

    def settings(self) -> dict[str, object]:
        """The AlertSettings fields that point the app at this server."""
        return {"smtp_host": self.host, "smtp_port": self.port, "smtp_username": USER, "smtp_password": PASSWORD,
                "smtp_starttls": True, "smtp_from": "Intel Alerts <alerts@agency.test>", "smtp_ca_file": self.ca_file}

    def env(self) -> dict[str, str]:
        """The same as environment variables, for a worker process."""
        return {"INTEL_SMTP_HOST": self.host, "INTEL_SMTP_PORT": str(self.port), "INTEL_SMTP_USERNAME": USER,
                "INTEL_SMTP_PASSWORD": PASSWORD, "INTEL_SMTP_STARTTLS": "1",
                "INTEL_SMTP_FROM": "Intel Alerts <alerts@agency.test>", "INTEL_SMTP_CA_FILE": self.ca_file}
