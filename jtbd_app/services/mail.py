"""The outgoing mail queue: mail is queued in the transaction that caused it and delivered later, with retries.

Delivery claims one row at a time (`UPDATE ... WHERE status='pending' AND attempts=<seen>`), so several
workers never send the same mail twice. While a row is claimed or waiting for a retry, `sent_at` holds when
its last attempt started; a claim older than `CLAIM_LEASE` (the worker died mid-send) goes back to the queue.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, update
from sqlmodel import Session, col, select

from jtbd_app.models import OutgoingMail, utcnow
from jtbd_app.services.ports import Mailer, MailError

logger = logging.getLogger(__name__)

SessionFactory = Callable[[], AbstractContextManager[Session]]
MAX_ATTEMPTS = 10  # with the backoff below, about four hours of retries before a mail is marked failed
CLAIM_LEASE = timedelta(minutes=10)  # far beyond any SMTP timeout


def retry_delay(attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: 30 s, doubling, at most an hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def queue_mail(session: Session, *, to: str, subject: str, body: str) -> None:
    """Queue one mail in the caller's transaction: it leaves only if that transaction commits."""
    session.add(OutgoingMail(to_address=to[:254], subject=" ".join(subject.split())[:200], body=body))


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0  # claimed by another worker first


@dataclass(frozen=True)
class _Claimed:
    id: int
    to: str
    subject: str
    body: str
    attempts: int


def deliver_pending_mail(
    session_factory: SessionFactory,
    *,
    mailer: Mailer,
    limit: int = 20,
    max_attempts: int = MAX_ATTEMPTS,
    now: datetime | None = None,
) -> DeliveryReport:
    """Send up to `limit` due mails; a failure is recorded and retried later, never dropped silently."""
    moment = now or utcnow()
    with session_factory() as session:
        _release_stale_claims(session, moment=moment, max_attempts=max_attempts)
        due = session.exec(
            select(OutgoingMail.id, OutgoingMail.attempts)
            .where(OutgoingMail.status == "pending", _due(moment, max_attempts))
            .order_by(col(OutgoingMail.id))
            .limit(max(1, min(limit, 500)))
        ).all()
    counts = {"sent": 0, "retrying": 0, "failed": 0, "skipped": 0}
    for mail_id, attempts in due:
        assert mail_id is not None
        claimed = _claim(session_factory, mail_id=mail_id, seen_attempts=attempts, moment=moment)
        if claimed is None:
            counts["skipped"] += 1
            continue
        try:
            mailer.send(claimed.to, claimed.subject, claimed.body)
        except Exception as exc:  # any adapter failure must leave the row retryable, never stuck in 'sending'
            permanent = isinstance(exc, MailError) and exc.permanent
            give_up = permanent or claimed.attempts >= max_attempts
            reason = str(exc) if isinstance(exc, MailError) else f"{type(exc).__name__}: {exc}"
            _finish(session_factory, mail_id, status="failed" if give_up else "pending", error=reason)
            counts["failed" if give_up else "retrying"] += 1
            logger.warning("mail %s not delivered (attempt %s): %s", mail_id, claimed.attempts, reason)
        else:
            _finish(session_factory, mail_id, status="sent", error="")
            counts["sent"] += 1
    return DeliveryReport(**counts)


def _due(moment: datetime, max_attempts: int) -> ColumnElement[bool]:
    """Never tried, or the wait after its last failed attempt is over (portable SQL, no date arithmetic)."""
    waited = [
        and_(col(OutgoingMail.attempts) == n, col(OutgoingMail.sent_at) <= moment - retry_delay(n))
        for n in range(1, max_attempts)
    ]
    return or_(col(OutgoingMail.attempts) == 0, *waited)


def _claim(session_factory: SessionFactory, *, mail_id: int, seen_attempts: int, moment: datetime) -> _Claimed | None:
    with session_factory() as session:
        result = session.exec(  # type: ignore[call-overload]
            update(OutgoingMail)
            .where(
                col(OutgoingMail.id) == mail_id,
                col(OutgoingMail.status) == "pending",
                col(OutgoingMail.attempts) == seen_attempts,
            )
            .values(status="sending", attempts=OutgoingMail.attempts + 1, sent_at=moment)
        )
        if result.rowcount != 1:
            return None
        row = session.get(OutgoingMail, mail_id)
        assert row is not None
        return _Claimed(mail_id, row.to_address, row.subject, row.body, row.attempts)


def _finish(session_factory: SessionFactory, mail_id: int, *, status: str, error: str) -> None:
    values: dict[str, object] = {"status": status, "last_error": error[:500]}
    if status == "sent":
        values["sent_at"] = utcnow()
    with session_factory() as session:
        session.exec(  # type: ignore[call-overload]
            update(OutgoingMail)
            .where(col(OutgoingMail.id) == mail_id, col(OutgoingMail.status) == "sending")
            .values(**values)
        )


def _release_stale_claims(session: Session, *, moment: datetime, max_attempts: int) -> None:
    """A worker that died while sending left its claim: the mail may not have left, so it goes back."""
    session.exec(  # type: ignore[call-overload]
        update(OutgoingMail)
        .where(col(OutgoingMail.status) == "sending", col(OutgoingMail.sent_at) <= moment - CLAIM_LEASE)
        .values(
            status=case((col(OutgoingMail.attempts) >= max_attempts, "failed"), else_="pending"),
            last_error="delivery was interrupted while sending",
        )
    )


def count_by_status(session: Session) -> dict[str, int]:
    """How many mails are pending, sending, sent and failed (for operators and the CLI)."""
    rows = session.exec(select(OutgoingMail.status, func.count()).group_by(col(OutgoingMail.status))).all()
    return {"pending": 0, "sending": 0, "sent": 0, "failed": 0} | {status: int(n) for status, n in rows}


async def run_mail_delivery(
    session_factory: SessionFactory, *, mailer: Mailer, interval: float = 5.0, limit: int = 20
) -> None:
    """Deliver the queue for the app's whole life, off the event loop; a failing round is logged and retried."""
    while True:
        report = DeliveryReport()
        try:
            report = await asyncio.to_thread(deliver_pending_mail, session_factory, mailer=mailer, limit=limit)
        except Exception:
            logger.exception("mail delivery round failed; trying again in %s s", interval)
        if report.sent + report.retrying + report.failed + report.skipped < limit:
            await asyncio.sleep(interval)
