"""A Mailer that records what it was asked to send, and fails on demand (a fake of the port, not a mock)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from jtbd_app.services.ports import MailError


@dataclass(frozen=True)
class SentMail:
    to: str
    subject: str
    body: str


@dataclass
class RecordingMailer:
    sent: list[SentMail] = field(default_factory=list)
    attempts: int = 0
    fail_with: Exception | None = None  # raised by every send while set
    during_send: Callable[[], None] | None = None  # runs inside send, e.g. a second worker racing this one

    def send(self, to: str, subject: str, body: str) -> None:
        self.attempts += 1
        if self.during_send is not None:
            self.during_send()
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(SentMail(to, subject, body))


def server_down() -> MailError:
    return MailError("ConnectionRefusedError: [Errno 111] Connection refused")
