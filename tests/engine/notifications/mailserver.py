"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, a free port, optional TLS and login."""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl CLI); returns (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


class _Handler:
    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.server.record(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content)
        if self.server.delay_after is not None and len(self.server.raw) >= self.server.delay_after:
            self.server.delayed.set()
            await asyncio.sleep(self.server.delay_seconds)
        return "250 Message accepted for delivery"


class MailServer:
    """Collects every message it accepts. stop() and start() again on the same port to simulate an outage."""

    def __init__(self, port: int | None = None, *, tls: str = "none", cert: tuple[Path, Path] | None = None,
                 login: tuple[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.tls = tls  # none | starttls | ssl
        self.cert = cert
        self.login = login
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[str] = []
        self.delay_after: int | None = None  # after this many messages, hold each reply for delay_seconds
        self.delay_seconds = 0.0
        self.delayed = threading.Event()
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def record(self, mail_from: str, rcpt_tos: list[str], content: bytes) -> None:
        with self._lock:
            self.raw.append(bytes(content))
            self.envelopes.append((mail_from, rcpt_tos))

    def _authenticate(self, _server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and self.login is not None and (
            data.login.decode(), data.password.decode()) == self.login
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok, handled=False)  # handled=False: let aiosmtpd answer 535

    def _server_context(self) -> ssl.SSLContext:
        assert self.cert is not None
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self.cert[0]), str(self.cert[1]))
        return context

    def start(self) -> MailServer:
        kwargs: dict[str, Any] = {}
        if self.login is not None:
            # aiosmtpd does not count implicit TLS (ssl) as TLS for AUTH; require it for STARTTLS only.
            kwargs.update(authenticator=self._authenticate, auth_require_tls=self.tls == "starttls")
        if self.tls == "starttls":
            kwargs.update(tls_context=self._server_context(), require_starttls=True)
        if self.tls == "ssl":
            kwargs.update(ssl_context=self._server_context())
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [message_from_bytes(raw, policy=policy.default) for raw in self.raw]  # type: ignore[misc]

    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.messages]

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if str(message["To"]) == address]

    def clear(self) -> None:
        with self._lock:
            self.raw.clear()
            self.envelopes.clear()
