"""Sending over SMTP: plain, STARTTLS or SSL, optional login; one connection reused per pass."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from engine.config import Settings

TIMEOUT_SECONDS = 30


class MailRejected(Exception):
    """The server refused this one message; the connection is still usable."""


class ServerUnavailable(Exception):
    """The server could not be reached, refused the login or dropped the connection."""


@dataclass(frozen=True)
class OutgoingMail:
    """What is needed to send one outbox row (a copy, so no database session is held while sending)."""

    message_id: str
    to_addr: str
    locale: str
    subject: str
    text: str
    html: str


def build_message(mail: OutgoingMail, settings: Settings, now: datetime) -> EmailMessage:
    """A multipart/alternative message (plain text and HTML) with the row's stable Message-ID."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.to_addr
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = mail.message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    message.set_content(mail.text, cte="quoted-printable")
    message.add_alternative(mail.html, subtype="html", cte="quoted-printable")
    message["Content-Language"] = mail.locale  # after the parts: making them moves Content-* headers down
    return message


class SmtpSender:
    """Opens the connection on first use and keeps it for the rest of the pass."""

    def __init__(self, settings: Settings, ssl_context: ssl.SSLContext | None = None) -> None:
        """`ssl_context` defaults to the system's trusted CAs with hostname checks."""
        self.settings = settings
        self.ssl_context = ssl_context
        self._smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            if s.smtp_security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=TIMEOUT_SECONDS,
                                                      context=self._context())
            else:
                smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=TIMEOUT_SECONDS)
            try:
                smtp.ehlo()
                if s.smtp_security == "starttls":
                    smtp.starttls(context=self._context())
                    smtp.ehlo()
                if s.smtp_username:
                    smtp.login(s.smtp_username, s.smtp_password)
            except BaseException:
                smtp.close()
                raise
        except (OSError, smtplib.SMTPException) as exc:
            raise ServerUnavailable(_describe(exc)) from exc
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Send one message; MailRejected or ServerUnavailable when it was not accepted."""
        if self._smtp is None:
            self._smtp = self._connect()
        envelope_from = parseaddr(self.settings.mail_from)[1] or self.settings.mail_from
        try:
            self._smtp.send_message(message, from_addr=envelope_from)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise MailRejected(_describe(exc)) from exc  # smtplib has reset the transaction
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise ServerUnavailable(_describe(exc)) from exc

    def close(self) -> None:
        """Say goodbye to the server, ignoring a connection that is already gone."""
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            self._smtp.close()
        self._smtp = None


def _describe(exc: BaseException) -> str:
    """A short error for the outbox row: the exception type and the server's reply code."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({reply[0] for reply in exc.recipients.values()})
        return f"SMTPRecipientsRefused {codes}"
    reply = getattr(exc, "smtp_error", b"")
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply or exc)
    return f"{type(exc).__name__}{f' {code}' if code else ''}: {' '.join(text.split())}"[:500]
