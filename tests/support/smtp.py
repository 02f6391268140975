"""A real SMTP server for the tests (aiosmtpd in a thread of its own, on a free local port).

``mode`` says how it answers, and can be changed between runs: "accept" keeps every message;
"refuse_rcpt" answers 550 to RCPT TO (a mailbox that does not exist: a bounce); "busy" answers
451 to RCPT TO (greylisting: try later); "refuse_data" answers 554 to DATA (the server refuses
the message, not the address); "drop" closes the connection after MAIL FROM.
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class RecordingHandler:
    mode: str = "accept"
    messages: list[Received] = field(default_factory=list)
    connections: int = 0

    async def handle_EHLO(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.mode == "drop":
            server.transport.close()
            return "421 closing"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.mode == "refuse_rcpt":
            return "550 5.1.1 Mailbox does not exist"
        if self.mode == "busy":
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.mode == "refuse_data":
            return "554 5.7.1 Message rejected"
        raw = bytes(envelope.original_content or envelope.content)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), raw))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpServer:
    """With ``login``/``password`` the server requires AUTH (LOGIN or PLAIN; no TLS here)."""

    def __init__(
        self, login: str = "", password: str = "", tls: ssl.SSLContext | None = None
    ) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        options: dict[str, Any] = {}
        if login:

            def authenticate(
                server: Any, session: Any, envelope: Any, mechanism: str, data: Any
            ) -> AuthResult:
                ok = isinstance(data, LoginPassword) and (
                    data.login.decode(),
                    data.password.decode(),
                ) == (login, password)
                return AuthResult(success=ok, handled=False)  # False: the server answers 535

            options = {"auth_required": True, "auth_require_tls": tls is not None,
                       "authenticator": authenticate}  # fmt: skip
        if tls is not None:  # STARTTLS offered and required before anything else
            options.update(tls_context=tls, require_starttls=True)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **options)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages

    def set_mode(self, mode: str) -> None:
        self.handler.mode = mode


def self_signed(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context with a certificate for 127.0.0.1 (openssl), and the file a client trusts."""
    cert, key = folder / "smtp.crt", folder / "smtp.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert
