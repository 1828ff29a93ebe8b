"""The outgoing mail queue: delivery, retries with a growing wait, giving up, and no double sending."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from jtbd_app import bootstrap
from jtbd_app.adapters.mail_smtp import SmtpMailer
from jtbd_app.config import Settings
from jtbd_app.db import session_scope
from jtbd_app.models import OutgoingMail, utcnow
from jtbd_app.services import mail
from jtbd_app.services.mail import deliver_pending_mail, retry_delay
from jtbd_app.services.ports import MailError
from tests.support.fake_mailer import RecordingMailer, SentMail, server_down


def queue(n: int = 1) -> list[int]:
    with session_scope() as s:
        for i in range(n):
            mail.queue_mail(s, to=f"m{i}@example.com", subject=f"Subject {i}", body=f"Body {i}")
    with session_scope() as s:
        return [m.id for m in s.exec(select(OutgoingMail).order_by(OutgoingMail.id)) if m.id is not None]  # type: ignore[arg-type]


def row(db: Session, mail_id: int) -> OutgoingMail:
    db.expire_all()
    found = db.get(OutgoingMail, mail_id)
    assert found is not None
    return found


def test_pending_mail_is_sent_and_marked_sent(db: Session) -> None:
    [mail_id] = queue()
    mailer = RecordingMailer()
    report = deliver_pending_mail(session_scope, mailer=mailer)
    assert report == mail.DeliveryReport(sent=1)
    assert mailer.sent == [SentMail("m0@example.com", "Subject 0", "Body 0")]
    sent = row(db, mail_id)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, "") and sent.sent_at is not None
    assert deliver_pending_mail(session_scope, mailer=mailer) == mail.DeliveryReport()


def test_a_failed_attempt_is_recorded_and_retried_only_after_the_wait(db: Session) -> None:
    [mail_id] = queue()
    mailer = RecordingMailer(fail_with=server_down())
    start = utcnow()
    assert deliver_pending_mail(session_scope, mailer=mailer, now=start).retrying == 1
    waiting = row(db, mail_id)
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert "Connection refused" in waiting.last_error

    mailer.fail_with = None
    assert deliver_pending_mail(session_scope, mailer=mailer, now=start + timedelta(seconds=10)).sent == 0
    assert deliver_pending_mail(session_scope, mailer=mailer, now=start + retry_delay(1)).sent == 1
    assert row(db, mail_id).status == "sent" and row(db, mail_id).attempts == 2


def test_the_wait_between_attempts_grows_to_at_most_an_hour() -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(50) == timedelta(hours=1)


def test_after_the_last_attempt_the_mail_is_marked_failed_with_the_reason(db: Session) -> None:
    [mail_id] = queue()
    mailer = RecordingMailer(fail_with=server_down())
    moment = utcnow()
    for attempt in range(1, 4):
        deliver_pending_mail(session_scope, mailer=mailer, max_attempts=3, now=moment)
        assert row(db, mail_id).attempts == attempt
        moment += retry_delay(attempt)
    failed = row(db, mail_id)
    assert (failed.status, failed.attempts) == ("failed", 3) and "Connection refused" in failed.last_error
    mailer.fail_with = None
    deliver_pending_mail(session_scope, mailer=mailer, max_attempts=3, now=moment + timedelta(days=1))
    assert mailer.sent == []


def test_a_permanently_refused_address_fails_at_once(db: Session) -> None:
    [mail_id] = queue()
    mailer = RecordingMailer(fail_with=MailError("recipient refused: 550 no such user", permanent=True))
    assert deliver_pending_mail(session_scope, mailer=mailer).failed == 1
    assert (row(db, mail_id).status, row(db, mail_id).attempts) == ("failed", 1)


def test_an_unexpected_adapter_error_leaves_the_mail_retryable(db: Session) -> None:
    [mail_id] = queue()
    mailer = RecordingMailer(fail_with=RuntimeError("bug in an adapter"))
    assert deliver_pending_mail(session_scope, mailer=mailer).retrying == 1
    assert row(db, mail_id).status == "pending" and row(db, mail_id).last_error == "RuntimeError: bug in an adapter"


def test_one_round_sends_at_most_the_limit_oldest_first(db: Session) -> None:
    queue(5)
    mailer = RecordingMailer()
    assert deliver_pending_mail(session_scope, mailer=mailer, limit=2).sent == 2
    assert [m.subject for m in mailer.sent] == ["Subject 0", "Subject 1"]
    assert deliver_pending_mail(session_scope, mailer=mailer, limit=10).sent == 3


def test_a_worker_racing_another_skips_the_mail_the_other_claimed(db: Session) -> None:
    queue(2)
    first = RecordingMailer()
    second = RecordingMailer()
    reports: list[mail.DeliveryReport] = []
    # While the first worker is sending its first mail, a second worker runs a whole round.
    first.during_send = lambda: (
        reports.append(deliver_pending_mail(session_scope, mailer=second)) if not reports else None
    )
    deliver_pending_mail(session_scope, mailer=first)
    every = [m.to for m in first.sent + second.sent]
    assert sorted(every) == ["m0@example.com", "m1@example.com"]
    assert reports[0].sent == 1  # the second worker took only the mail nobody had claimed


def test_concurrent_workers_send_every_mail_exactly_once(db: Session) -> None:
    queue(12)

    class SlowMailer(RecordingMailer):
        def send(self, to: str, subject: str, body: str) -> None:
            time.sleep(0.01)
            super().send(to, subject, body)

    mailers = [SlowMailer() for _ in range(3)]
    threads = [
        threading.Thread(target=deliver_pending_mail, args=(session_scope,), kwargs={"mailer": m}) for m in mailers
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent = [m.to for mailer in mailers for m in mailer.sent]
    assert sorted(sent) == sorted(f"m{i}@example.com" for i in range(12))
    assert {m.status for m in db.exec(select(OutgoingMail))} == {"sent"}


def test_a_claim_left_by_a_dead_worker_goes_back_to_the_queue_after_the_lease(db: Session) -> None:
    stale_id, fresh_id = queue(2)
    for mail_id, age in ((stale_id, mail.CLAIM_LEASE + timedelta(seconds=1)), (fresh_id, timedelta(seconds=5))):
        claimed = row(db, mail_id)
        claimed.status, claimed.attempts, claimed.sent_at = "sending", 1, utcnow() - age
        db.add(claimed)
    db.commit()
    mailer = RecordingMailer()
    deliver_pending_mail(session_scope, mailer=mailer, now=utcnow() + retry_delay(1))
    assert [m.to for m in mailer.sent] == ["m0@example.com"]
    assert row(db, fresh_id).status == "sending"  # still owned by a live worker


def test_the_background_loop_delivers_without_blocking_the_event_loop(db: Session) -> None:
    queue(3)
    mailer = RecordingMailer()

    async def scenario() -> None:
        task = asyncio.create_task(mail.run_mail_delivery(session_scope, mailer=mailer, interval=0.05))
        for _ in range(100):
            await asyncio.sleep(0.02)  # the loop stays responsive while delivery runs in a thread
            if len(mailer.sent) == 3:
                break
        task.cancel()

    asyncio.run(scenario())
    assert len(mailer.sent) == 3


def test_the_background_loop_survives_a_failing_round(db: Session) -> None:
    calls = 0

    def broken_factory() -> object:
        nonlocal calls
        calls += 1
        raise OSError("database is down")

    async def scenario() -> None:
        task = asyncio.create_task(mail.run_mail_delivery(broken_factory, mailer=RecordingMailer(), interval=0.01))  # type: ignore[arg-type]
        await asyncio.sleep(0.2)
        assert not task.done()
        task.cancel()

    asyncio.run(scenario())
    assert calls > 1


def test_the_queue_counts_mail_by_status(db: Session) -> None:
    queue(2)
    deliver_pending_mail(session_scope, mailer=RecordingMailer(), limit=1)
    assert mail.count_by_status(db) == {"pending": 1, "sending": 0, "sent": 1, "failed": 0}


# --- wiring ---------------------------------------------------------------------------------------------


def settings(**env: str) -> Settings:
    blank = dict.fromkeys(("SMTP_HOST", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_FROM"), "")
    return Settings(_env_file=None, JTBD_ENV="development", **{**blank, **env})  # type: ignore[call-arg, arg-type]


class RecordingApp:
    def __init__(self) -> None:
        self.tasks: list[tuple[object, dict[str, object]]] = []

    def register_lifespan_task(self, task: object, **kwargs: object) -> None:
        self.tasks.append((task, kwargs))


def test_without_smtp_there_is_no_mailer_and_no_background_delivery() -> None:
    app = RecordingApp()
    assert bootstrap.mailer(settings()) is None
    assert bootstrap.register_mail_delivery(app, settings()) is False and app.tasks == []


def test_smtp_settings_build_the_smtp_adapter_and_start_background_delivery() -> None:
    configured = settings(
        SMTP_HOST="mail.example",
        SMTP_PORT="465",
        SMTP_SECURITY="ssl",
        SMTP_USERNAME="u",
        SMTP_PASSWORD="p",
        SMTP_FROM="JTBD <no-reply@example.com>",
        SMTP_TIMEOUT="3.5",
    )
    adapter = bootstrap.mailer(configured)
    assert adapter == SmtpMailer("mail.example", 465, "JTBD <no-reply@example.com>", "ssl", "u", "p", 3.5)
    app = RecordingApp()
    assert bootstrap.register_mail_delivery(app, configured)
    [(task, kwargs)] = app.tasks
    assert task is mail.run_mail_delivery and kwargs["mailer"] == adapter


def test_smtp_defaults_to_starttls_on_587() -> None:
    configured = settings(SMTP_HOST="mail.example", SMTP_FROM="no-reply@example.com")
    assert (configured.smtp_port, configured.smtp_security, configured.smtp_timeout) == (587, "starttls", 10.0)


def test_smtp_without_a_sender_or_with_an_unknown_security_is_refused() -> None:
    with pytest.raises(ValueError, match="SMTP_FROM"):
        settings(SMTP_HOST="mail.example")
    with pytest.raises(ValueError, match="SMTP_SECURITY"):
        settings(SMTP_HOST="mail.example", SMTP_FROM="a@b.c", SMTP_SECURITY="tls-please")


def test_outside_development_an_smtp_login_needs_a_real_password() -> None:
    with pytest.raises(ValueError, match="SMTP_PASSWORD"):
        Settings(  # type: ignore[call-arg]
            _env_file=None,
            JTBD_ENV="production",
            SECRET_KEY="a-real-secret-of-enough-length",
            SMTP_HOST="mail.example",
            SMTP_FROM="a@b.c",
            SMTP_USERNAME="u",
            SMTP_PASSWORD="changeme",
        )


def test_a_header_that_would_inject_lines_is_refused_before_connecting() -> None:
    adapter = SmtpMailer("127.0.0.1", 9, "no-reply@example.com")
    with pytest.raises(MailError) as caught:
        adapter.send("a@example.com", "Hi\r\nBcc: victim@example.com", "body")
    assert caught.value.permanent
