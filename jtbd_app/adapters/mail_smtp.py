"""Mail through an SMTP server (smtplib): STARTTLS, implicit TLS or plain, with login when a username is set."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Literal

from jtbd_app.services.ports import MailError

Security = Literal["starttls", "ssl", "none"]


@dataclass(frozen=True)
class SmtpMailer:
    """One connection per mail: the queue sends a handful at a time, and a fresh connection never goes stale."""

    host: str
    port: int
    sender: str
    security: Security = "starttls"
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = 10.0
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)

    def send(self, to: str, subject: str, body: str) -> None:
        message = self._message(to, subject, body)
        try:
            with self._connect() as smtp:
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise MailError(f"recipient refused: {_describe(exc)}", permanent=all(c >= 500 for c in codes)) from exc
        except (smtplib.SMTPException, OSError, ValueError) as exc:  # ssl.SSLError and timeouts are OSErrors
            raise MailError(_describe(exc)) from exc

    def _message(self, to: str, subject: str, body: str) -> EmailMessage:
        try:
            message = EmailMessage()
            message["From"] = self.sender
            message["To"] = to
            message["Subject"] = subject
            message["Date"] = formatdate(localtime=False, usegmt=True)
            message["Message-ID"] = make_msgid(domain=parseaddr(self.sender)[1].rpartition("@")[2] or None)
            message.set_content(body)
        except (ValueError, TypeError) as exc:  # e.g. a line break in a header: never sent, never retried
            raise MailError(f"mail refused before sending: {exc}", permanent=True) from exc
        return message

    def _connect(self) -> smtplib.SMTP:
        context = self.ssl_context or ssl.create_default_context()
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.security == "starttls":
                smtp.starttls(context=context)
        except BaseException:
            smtp.close()
            raise
        return smtp


def _describe(exc: BaseException) -> str:
    """A short reason for the queue's last_error (never the password: smtplib does not echo it)."""
    text = f"{type(exc).__name__}: {exc}".replace("\r", " ").replace("\n", " ")
    return text[:480]
